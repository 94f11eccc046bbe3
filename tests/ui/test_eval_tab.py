"""The Evaluation tab's handler over the seed store: an uploaded set, a bad one."""

from __future__ import annotations

import json
from pathlib import Path

from evals import default_eval_set
from evals.metrics import SLICES
from ui.context import Context
from ui.eval_tab import UPLOADED, EvalTab


def small_set(tmp_path: Path) -> Path:
    """Two questions of the shipped set per language and one unanswerable: a quick run."""
    lines = default_eval_set().read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    chosen: list[dict] = []
    for lang in ("fr", "en", "zh"):
        chosen += [i for i in items if i["lang"] == lang and i["answerable"]][:2]
    chosen += [i for i in items if not i["answerable"]][:1]
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in chosen), "utf-8")
    return path


def test_an_uploaded_set_gives_metrics_per_language_a_chart_and_the_failures(
    seeded_context: Context, tmp_path: Path
) -> None:
    chosen = small_set(tmp_path)
    langs = [json.loads(line)["lang"] for line in chosen.read_text("utf-8").splitlines()]
    status, table, chart, failed = EvalTab(seeded_context).run(UPLOADED, str(chosen))
    assert status.startswith("**small\\.jsonl**: 7 questions answered")
    headers = table.value["headers"]
    assert headers == ["metric", *SLICES]
    by_metric = {row[0]: row[1:] for row in table.value["data"]}
    per_language = [str(langs.count(lang)) for lang in ("fr", "en", "zh")]
    assert by_metric["questions"] == [*per_language, "0", "7"]
    assert chart.count('class="dq-chart-group"') == 5
    assert chart.count('class="dq-bar-row"') == 5 * len(SLICES)
    assert "<script" not in failed
    assert "failed of 7" in failed or "No question failed" in failed


def test_a_bad_set_is_reported_and_nothing_else_changes(
    seeded_context: Context, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "lang": "fr"}\n', encoding="utf-8")
    status, *rest = EvalTab(seeded_context).run(UPLOADED, str(bad))
    assert status.startswith("⚠️") and "line 1" in status
    assert len(rest) == 3  # the previous results stay (gr.skip)


def test_uploaded_without_a_file_asks_for_one(seeded_context: Context) -> None:
    status, *_ = EvalTab(seeded_context).run(UPLOADED, None)
    assert status == r"⚠️ Choose a \.jsonl evaluation set to upload first\."
