"""Seed-corpus benchmark: ingest time and throughput, query latency, memory (one process).

Run with `make bench`. Figures go to README with the machine they ran on.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import tempfile
import time
from pathlib import Path

from ui.offline import apply_offline_env

apply_offline_env()

from assistant import Assistant  # noqa: E402
from bench.common import percentile  # noqa: E402
from evals import default_eval_set, load_eval_set  # noqa: E402
from ingest import Ingestor, default_corpus  # noqa: E402
from store import ChromaStore, StoreSettings, load_embedder  # noqa: E402


def run(embedders: tuple[str, ...], repeats: int) -> dict[str, object]:
    started = time.perf_counter()
    for key in embedders:
        load_embedder(key)
    load_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        store = ChromaStore.open(StoreSettings(store_path=Path(tmp), embedders=embedders))
        ingestor = Ingestor(store)
        t0 = time.perf_counter()
        report = ingestor.ingest_paths([default_corpus()])
        ingest_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        ingestor.ingest_paths([default_corpus()])
        reingest_s = time.perf_counter() - t0
        paragraphs = report.total("added")
        assistant = Assistant(store)
        questions = [item.question for item in load_eval_set(default_eval_set())]
        assistant.ask(questions[0])  # warm-up: jieba dictionary, caches
        latencies = []
        for _ in range(repeats):
            for question in questions:
                t0 = time.perf_counter()
                assistant.ask(question)
                latencies.append((time.perf_counter() - t0) * 1000)
    return {
        "embedders": "+".join(embedders),
        "model_load_s": round(load_s, 2),
        "paragraphs": paragraphs,
        "ingest_s": round(ingest_s, 2),
        "ingest_paragraphs_per_s": round(paragraphs / ingest_s, 1),
        "reingest_unchanged_s": round(reingest_s, 2),
        "query_p50_ms": round(statistics.median(latencies), 1),
        "query_p95_ms": round(percentile(latencies, 0.95), 1),
        "queries": len(latencies),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedders", default="use", help="comma-separated: use, e5")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    result = run(tuple(args.embedders.split(",")), args.repeats)
    result["machine"] = f"{platform.machine()}, {platform.python_version()}"
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
