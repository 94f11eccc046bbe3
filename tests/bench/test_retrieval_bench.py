"""The retrieval bench runs end to end on a tiny benchdata-shaped set (real models, real Chroma)."""

from __future__ import annotations

import json
from pathlib import Path

from bench import retrieval
from tests.bench.tiny_benchdata import write_benchdata


def test_the_retrieval_bench_reports_every_setting(tmp_path: Path) -> None:
    data = write_benchdata(tmp_path / "data")
    out = tmp_path / "retrieval.json"

    retrieval.main(
        [
            "--data",
            str(data),
            "--cache",
            str(tmp_path / "cache"),
            "--out",
            str(out),
            "--ingest-sample",
            "3",
            "--latency-sample",
            "3",
        ]
    )

    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report["scores"]) == {"en", "zh", "fr (PIAF)", "en->zh", "zh->en", "mixed en+zh"}
    fused = {name: rows[retrieval.FUSED] for name, rows in report["scores"].items()}
    assert all(0.0 <= row["r1"] <= row["r5"] <= 1.0 for row in fused.values())
    assert fused["en"]["questions"] == 2 and fused["fr (PIAF)"]["questions"] == 1
    assert report["ingest"]["paragraphs"] == 3
    assert report["retrieve_p50_ms"] > 0
