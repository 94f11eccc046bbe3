"""The answers-and-abstention bench runs end to end on a tiny benchdata-shaped set (real models,
real Chroma); so does the reader engine's candidates bench, with the shipped reader."""

from __future__ import annotations

import json
from pathlib import Path

from bench import abstention, reader_candidates
from tests.bench.tiny_benchdata import write_jsonl

PASSAGES = [
    ("xquad:1:en", "xquad:1", "en", "The Rhine flows from the Swiss Alps to the North Sea."),
    ("xquad:1:zh", "xquad:1", "zh", "莱茵河从瑞士阿尔卑斯山流向北海。"),
    ("piaf:1", "piaf:1", "fr", "Lyon est la troisième ville de France par sa population."),
]
# (qid, lang, source, question, answers, answerable)
QUERIES = [
    ("xquad:en:1", "en", "xquad", "Where does the Rhine flow to?", ["the North Sea"], True),
    ("xquad:zh:1", "zh", "xquad", "莱茵河流向哪里？", ["北海"], True),
    ("piaf:1", "fr", "piaf", "Quelle est la troisième ville de France ?", ["Lyon"], True),
    (
        "squad:1",
        "en",
        "squad2-dev-unanswerable",
        "In what year did the Danube reach the Black Sea?",
        [],
        False,
    ),
]


def tiny_sets(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    write_jsonl(
        data / "passages.jsonl",
        [
            {"pid": p, "group": g, "lang": lang, "source": "t", "title": "", "text": text}
            for p, g, lang, text in PASSAGES
        ],
    )
    write_jsonl(
        data / "queries.jsonl",
        [
            {
                "qid": q,
                "lang": lang,
                "source": source,
                "question": text,
                "answers": answers,
                "answerable": answerable,
            }
            for q, lang, source, text, answers, answerable in QUERIES
        ],
    )
    return data


def test_the_bench_reports_answer_accuracy_per_set_and_abstention(tmp_path: Path) -> None:
    data = tiny_sets(tmp_path)
    out = tmp_path / "abstention.json"

    abstention.main(["--data", str(data), "--cache", str(tmp_path / "cache"), "--out", str(out)])

    report = json.loads(out.read_text(encoding="utf-8"))
    for name in abstention.SETS:
        assert report[name]["questions"] == 1
        assert 0.0 <= report[name]["answer_accuracy"] <= 1.0
    assert report["squad2 unanswerable"]["answer_accuracy"] is None
    assert report["abstention"]["abstention_accuracy"] == 1.0  # the Danube is named nowhere
    assert report["xquad en"]["answer_accuracy"] == 1.0  # one sentence, holding the answer


def test_the_candidates_bench_times_and_scores_the_reader_engine_per_count(tmp_path: Path) -> None:
    data = tiny_sets(tmp_path)
    out = tmp_path / "reader-candidates.json"

    reader_candidates.main(
        ["--data", str(data), "--cache", str(tmp_path / "cache"), "--out", str(out)]
    )

    report = json.loads(out.read_text(encoding="utf-8"))
    assert list(report) == [str(n) for n in reader_candidates.COUNTS]
    for row in report.values():
        assert row["engine_p50_ms"] > 0
        assert set(row["answer_accuracy"]) == set(reader_candidates.SETS)
        assert all(0.0 <= a <= 1.0 for a in row["answer_accuracy"].values())
