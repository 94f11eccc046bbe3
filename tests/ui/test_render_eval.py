"""The Evaluation tab's rendering: the table's cells, the bars, the failed questions escaped."""

from __future__ import annotations

from assistant import Answer, Citation
from evals import EvalItem, EvalRun, QuestionScore
from evals.metrics import SLICES
from evals.runner import METRIC_LABELS
from store import Paragraph
from ui.render_eval import bar_chart_html, failed_html, metrics_table

EVIL = "<img src=x onerror=alert(1)>"


def summary(value: float | None) -> dict:
    row = dict.fromkeys(METRIC_LABELS, value) | {"questions": 3}
    return {name: dict(row) for name in SLICES}


def test_the_table_has_a_row_per_metric_and_a_dash_for_no_value() -> None:
    headers, rows = metrics_table(summary(None) | {"fr": summary(0.5)["fr"]})
    assert headers == ["metric", *SLICES]
    assert [row[0] for row in rows] == list(METRIC_LABELS.values())
    recall = rows[list(METRIC_LABELS).index("evidence_recall")]
    assert recall == ["evidence recall", "0.500", "—", "—", "—", "—"]
    assert rows[0][1:] == ["3"] * len(SLICES)


def test_bars_are_scaled_and_kept_within_their_track() -> None:
    assert 'style="width:50.0%"' in bar_chart_html(summary(0.5))
    assert 'style="width:100.0%"' in bar_chart_html(summary(1.7))
    assert 'style="width:0.0%"' in bar_chart_html(summary(None))


def test_failed_questions_show_expected_and_cited_as_text() -> None:
    answerable = EvalItem.model_validate(
        {
            "id": "fr-1",
            "lang": "fr",
            "question": f"Quoi {EVIL} ?",
            "answerable": True,
            "gold": [{"doc": "a.txt", "quote": f"la réponse {EVIL}"}],
            "type": "fact",
        }
    )
    unanswerable = EvalItem.model_validate(
        {"id": "en-9", "lang": "en", "question": "Why?", "answerable": False}
        | {"type": "unanswerable"}
    )
    abstained = Answer(answerable.question, "fr", "Les documents ne le disent pas.", (), True, ())
    answered = Answer("Why?", "en", "Because.", (), False, ())
    scores = [
        QuestionScore("fr-1", "fr", "fact", True, True, 0.0, None, 0.0, None, 1.0),
        QuestionScore("en-9", "en", "unanswerable", False, False, None, None, None, None, 1.0),
    ]
    out = failed_html(EvalRun([answerable, unanswerable], [abstained, answered], scores))
    assert "2 failed of 2" in out
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "abstained" in out and "to abstain" in out
    passed = QuestionScore("fr-1", "fr", "fact", True, False, 1.0, 1.0, 1.0, 1, 1.0)
    assert "No question failed" in failed_html(EvalRun([answerable], [answered], [passed]))


def test_failed_questions_name_documents_by_their_title() -> None:
    item = EvalItem.model_validate(
        {"id": "fr-2", "lang": "fr", "question": "Quoi ?", "answerable": True}
        | {"gold": [{"doc": "a.txt", "quote": "la réponse"}], "type": "fact"}
    )
    text = "Une autre phrase."
    cited = Paragraph(
        "b.txt#3", "b.txt", "Le titre <b>", "/b.txt", 3, "", None, "fr", text, 0, len(text), "h"
    )
    answered = Answer("Quoi ?", "fr", "x [1]", (Citation(1, cited, text, 0, len(text)),), False, ())
    score = QuestionScore("fr-2", "fr", "fact", True, False, 0.0, 0.0, 0.0, 1, 1.0)
    run = EvalRun([item], [answered], [score])

    out = failed_html(run, {"a.txt": "La CICA"})
    expected = '<span class="dq-doc-title">La CICA</span> <span class="dq-file">a.txt</span>'
    assert expected in out
    assert '<span class="dq-doc-title">Le titre &lt;b&gt;</span> <span class="dq-file">b.txt' in out
    assert '<span class="dq-doc"><span class="dq-file">a.txt</span></span>' in failed_html(run)
