"""The abstention bench runs end to end on a tiny benchdata-shaped set (real models, Chroma)."""

from __future__ import annotations

import json
from pathlib import Path

from bench import abstention
from tests.bench.tiny_benchdata import write_benchdata

PASSAGES = [
    ("x:1:en", "x:1", "en", "Rhine", "The Rhine flows from the Swiss Alps to the North Sea."),
    ("x:1:zh", "x:1", "zh", "莱茵河", "莱茵河从瑞士阿尔卑斯山流向北海。"),
    ("p:1:fr", "p:1", "fr", "Lyon", "Lyon est la troisième ville de France par sa population."),
]
QUERIES = [
    ("q1", "en", "Where does the Rhine flow to?", "x:1", None, True),
    ("q2", "zh", "莱茵河流向哪里？", "x:1", None, True),
    ("q3", "fr", "Quelle est la troisième ville de France ?", "p:1", None, True),
    ("u1", "en", "In what year did the Danube reach the Black Sea?", None, None, False),
]


def test_the_abstention_bench_reports_both_rates_per_language(tmp_path: Path) -> None:
    data = write_benchdata(tmp_path / "data", PASSAGES, QUERIES)
    out = tmp_path / "abstention.json"

    abstention.main(
        ["--data", str(data), "--cache", str(tmp_path / "cache"), "--answerable", "3"]
        + ["--out", str(out)]
    )

    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["all"]["unanswerable"] == 1 and report["all"]["answerable"] == 3
    assert report["en"]["abstention_accuracy"] == 1.0  # the Danube is named nowhere
    for name in ("en", "zh", "fr", "all"):
        assert report[name]["false_abstention"] is not None
