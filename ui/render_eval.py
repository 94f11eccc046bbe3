"""The evaluation tab's output: metrics per language as a table and a bar chart, failed questions.

Pure functions. The chart is plain HTML bars: it draws offline, with no plotting library.
"""

from __future__ import annotations

from collections.abc import Mapping

from assistant import Answer
from evals import EvalItem, EvalRun
from evals.metrics import SLICES
from evals.runner import METRIC_LABELS
from ui.render import escape
from ui.titles import title_html

Summary = Mapping[str, Mapping[str, float | int | None]]

# Metrics between 0 and 1 where higher is better: the ones a bar chart reads at a glance.
CHARTED = (
    "evidence_recall",
    "citation_precision",
    "key_fact_coverage",
    "abstention_accuracy",
    "retrieval_r5",
)


def metric_cell(key: str, value: float | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, int) or key.startswith("latency"):
        return f"{value:.0f}"
    return f"{value:.3f}"


def metrics_table(summary: Summary) -> tuple[list[str], list[list[str]]]:
    """(headers, rows): one row per metric, one column per slice (fr, en, zh, …, all)."""
    headers = ["metric", *SLICES]
    rows = [
        [label, *(metric_cell(key, summary[name][key]) for name in SLICES)]
        for key, label in METRIC_LABELS.items()
    ]
    return headers, rows


def bar_chart_html(summary: Summary) -> str:
    """Grouped horizontal bars: for each metric, one bar per slice, scaled 0..1."""
    legend = "".join(
        f'<span class="dq-legend-item"><i class="dq-bar-{n}"></i>{escape(name)}</span>'
        for n, name in enumerate(SLICES)
    )
    groups = []
    for key in CHARTED:
        bars = []
        for n, name in enumerate(SLICES):
            value = summary[name][key]
            width = 0.0 if value is None else max(0.0, min(1.0, float(value))) * 100
            bars.append(
                f'<div class="dq-bar-row" data-slice="{escape(name)}">'
                f'<span class="dq-bar-label">{escape(name)}</span>'
                f'<span class="dq-bar-track"><span class="dq-bar dq-bar-{n}" '
                f'style="width:{width:.1f}%"></span></span>'
                f'<span class="dq-bar-value">{metric_cell(key, value)}</span></div>'
            )
        groups.append(
            f'<div class="dq-chart-group" data-metric="{escape(key)}">'
            f'<div class="dq-chart-title">{escape(METRIC_LABELS[key])}</div>{"".join(bars)}</div>'
        )
    return (
        f'<figure class="dq-chart"><figcaption class="dq-legend">{legend}</figcaption>'
        f"{''.join(groups)}</figure>"
    )


def expected_html(item: EvalItem, titles: Mapping[str, str]) -> str:
    if not item.answerable:
        return "<em>to abstain: the documents do not answer this</em>"
    quotes = "".join(
        f"<li>{title_html(titles.get(g.doc), g.doc)}: “{escape(g.quote)}”</li>" for g in item.gold
    )
    return f"<ul>{quotes}</ul>"


def cited_html(answer: Answer) -> str:
    if answer.abstained:
        return "<em>abstained</em>"
    quotes = "".join(
        f"<li>[{c.marker}] {title_html(c.paragraph.doc_title, c.paragraph.doc_name)} "
        f"¶{c.paragraph.ordinal}: “{escape(c.quote)}”</li>"
        for c in answer.citations
    )
    return f"<ul>{quotes}</ul>"


def failed_html(run: EvalRun, titles: Mapping[str, str] | None = None) -> str:
    """Each failed question with what was expected and what the answer cited; `titles` (doc id
    to title) names the expected documents that are in the store."""
    titles = titles or {}
    rows = [
        f'<tr data-id="{escape(item.id)}"><td><b>{escape(item.id)}</b><br>'
        f'<span class="dq-meta">{escape(item.lang)} · {escape(item.type)}</span></td>'
        f'<td lang="{escape(item.lang)}">{escape(item.question)}</td>'
        f"<td>{expected_html(item, titles)}</td><td>{cited_html(answer)}</td></tr>"
        for item, answer, score in zip(run.items, run.answers, run.scores, strict=True)
        if score.failed
    ]
    if not rows:
        return '<p class="dq-note">No question failed.</p>'
    return (
        f'<table class="dq-failed"><caption>{len(rows)} failed of {len(run.items)}</caption>'
        "<thead><tr><th>id</th><th>question</th><th>expected</th><th>cited</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
