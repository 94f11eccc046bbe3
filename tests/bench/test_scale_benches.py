"""The scale, ingest, serve-memory and plot benches run end to end on a tiny benchdata-shaped set
(real models, real Chroma, a real Chroma server and `docqa serve`). Timings are never asserted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

import pytest

from bench import ingest_rate, plots, report, scale, serve_memory
from bench.benchdata import load_passages, load_queries
from bench.scale_data import build_scale_store, sample_questions
from tests.bench.tiny_benchdata import PASSAGES, write_benchdata


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_benchdata(tmp_path_factory.mktemp("benchdata"))


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


def test_scale_collections_keep_the_gold_paragraphs_and_add_variants(
    data: Path, cache: Path
) -> None:
    passages = load_passages(data)
    questions = sample_questions(load_queries(data), 1)
    small = build_scale_store(passages, 4, questions, cache)
    large = build_scale_store(passages, 12, questions, cache)
    assert build_scale_store(passages, 12, questions, cache) == large  # cached, not rebuilt
    stores = {n: scale.open_scale_store(f, ("use", "e5")) for n, f in ((4, small), (12, large))}
    assert {n: s.count() for n, s in stores.items()} == {4: 4, 12: 12}
    assert {q.gold_id for q in questions} <= {p.id for p in stores[4].paragraphs()}
    variants = [p for p in stores[12].paragraphs() if p.doc_id.startswith("variant")]
    assert len(variants) == 12 - len(PASSAGES)
    assert all(p.text not in {text for *_, text in PASSAGES} for p in variants)


def test_the_scale_bench_reports_docqa_and_llama_index_on_both_backends(
    data: Path, cache: Path, tmp_path: Path
) -> None:
    out = tmp_path / "scale.json"
    scale.main(
        [
            "--data",
            str(data),
            "--cache",
            str(cache),
            "--sizes",
            "4,12",
            "--per-language",
            "1",
            "--out",
            str(out),
        ]
    )
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    systems = {"docqa use", "llama-index use", "docqa use+e5", "llama-index e5"}
    for size in (4, 12):
        for backend in ("embedded", "server"):
            mine = {
                r["system"]: r for r in rows if (r["paragraphs"], r["backend"]) == (size, backend)
            }
            assert set(mine) == systems
            assert all(0.0 <= r["recall_at_5"] <= 1.0 for r in mine.values())
            assert mine["docqa use"]["total_p50_ms"] >= mine["docqa use"]["retrieve_p50_ms"] > 0

    pngs = plots.main(
        ["--scale", str(out), "--ingest", str(tmp_path / "none.json"), "--out-dir", str(tmp_path)]
    )
    assert [p.name for p in pngs] == [plots.LATENCY_PNG]
    assert pngs[0].read_bytes().startswith(b"\x89PNG")


def test_the_ingest_bench_times_pipeline_and_raw_embedders_per_configuration(
    data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ingest.json"
    ingest_rate.main(
        ["--data", str(data), "--sample-use", "4", "--sample-e5", "2", "--out", str(out)]
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    configs = {c["embedders"]: c for c in report["configurations"]}
    assert {k: c["paragraphs"] for k, c in configs.items()} == {"use": 4, "use+e5": 2}
    assert set(configs["use+e5"]["raw_embedder_s"]) == {"use", "e5"}
    assert all(c["ratio"] > 0 and c["peak_rss_mb"] > 0 for c in configs.values())

    pngs = plots.main(
        ["--scale", str(tmp_path / "none.json"), "--ingest", str(out), "--out-dir", str(tmp_path)]
    )
    assert [p.name for p in pngs] == [plots.INGEST_PNG]


def test_the_serve_memory_bench_answers_through_docqa_serve(data: Path, cache: Path) -> None:
    served = serve_memory.main(
        [
            "--data",
            str(data),
            "--cache",
            str(cache),
            "--sizes",
            "seed,12",
            "--questions",
            "3",
            "--embedders",
            "use",
        ]
    )
    sizes = cast(dict[str, dict[str, float]], served["sizes"])
    for figures in sizes.values():
        assert 0 < figures["http_s"] <= figures["first_answer_s"]
        assert 0 < figures["rss_after_3_questions_mb"] <= figures["peak_rss_mb"]
    assert set(sizes) == {"seed", "12"}


def test_the_report_renders_every_result_file_it_finds(tmp_path: Path) -> None:
    figures = {"http_s": 1.0, "first_answer_s": 2.0, "rss_after_first_answer_mb": 300.0}
    figures |= {"rss_after_100_questions_mb": 310.0, "peak_rss_mb": 320.0}
    (tmp_path / "serve_memory.json").write_text(
        json.dumps({"sizes": {"seed": figures, "10000": figures}}), encoding="utf-8"
    )
    text = report.main(["--results", str(tmp_path)])
    assert "| seed corpus | 1.0 s | 2.0 s | 300 MB | 310 MB | 320 MB |" in text
    assert "| 10,000 ¶ |" in text
