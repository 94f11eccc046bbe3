"""The UI benches, run briefly: they must work, and their checks must catch a wrong answer.

Timings are reported by the benches (README), never asserted here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.ui_concurrency import Expected, mismatch, run_load
from bench.ui_startup import time_to_ready
from tests.ui import running_app
from ui.context import Context

QUESTIONS = [
    "Combien de pays membres comptait la CICA en 2014 ?",
    "亚信会议有多少个成员国？",
    "Where is the CICA secretariat?",
    "When was the Eiffel Tower built?",
]


def test_concurrent_chat_clients_each_get_their_own_answer(seeded_context: Context) -> None:
    with running_app(seeded_context) as url:
        report = run_load(url, clients=3, seconds=2, questions=QUESTIONS)
    assert report.errors == [] and report.mismatches == []
    assert report.answers >= 3  # each client's first question is always waited for
    assert len(report.latencies_ms) == report.answers
    assert report.summary()["latency_p95_ms"] is not None


def test_the_load_check_catches_an_answer_to_another_question() -> None:
    want = Expected("Q one?", "en", "Answer one [1]", ("a.txt#1",))
    copied = "Question: Q one?\n\nAnswer one [1]\n\nSources:\n…"
    evidence = '<article data-paragraph="a.txt#1">'
    assert mismatch(want, evidence, copied) is None
    assert mismatch(want, evidence, copied.replace("Q one?", "Q two?")) is not None
    assert mismatch(want, evidence, copied.replace("Answer one", "Answer two")) is not None
    assert mismatch(want, evidence.replace("a.txt", "b.txt"), copied) is not None


@pytest.mark.browser
@pytest.mark.slow
def test_docqa_serve_comes_up_to_a_ready_page(browser, tmp_path: Path) -> None:
    # An empty store: `docqa serve` ingests the seed corpus first, then serves.
    timings = time_to_ready(browser, tmp_path / "store")
    assert 0 < timings["http_s"] <= timings["page_ready_s"]
