"""Ingest throughput: the whole pipeline against the raw embedders, same texts, same run.

    python -m bench.ingest_rate [--sample-use 300] [--sample-e5 60] [--out F.json]

For each embedder configuration (USE alone; USE + e5) a child process writes a sample of
../shared/benchdata paragraphs as Markdown files, ingests them into a fresh store (reading,
paragraphs, language, BM25 tokens, embedding, Chroma upserts, translation links), then embeds
the very texts the store indexed with the raw embedders in the store's batch size. The ratio
pipeline/raw paragraphs per second is the figure (target >= 0.9). A child per configuration
so each reports its own peak RSS.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ui.offline import apply_offline_env

apply_offline_env()

from bench.benchdata import DEFAULT_DATA, Passage, load_passages  # noqa: E402
from bench.common import write_report  # noqa: E402
from ingest import Ingestor  # noqa: E402
from store import ChromaStore, Embedder, StoreSettings, load_embedder  # noqa: E402
from store.chroma_store import EMBED_BATCH  # noqa: E402
from store.records import indexed_text  # noqa: E402
from text import detect_language, tokenize  # noqa: E402

PARAGRAPHS_PER_FILE = 10
ROUND = 10  # files per `ingest_paths` call (a folder, as `docqa ingest DIR` reads it)
WARM_UP = ["Warm-up: the models load their weights.", "预热：模型加载权重。", "Échauffement."]


def write_documents(passages: list[Passage], folder: Path) -> None:
    """Markdown files of PARAGRAPHS_PER_FILE paragraphs, each under its article title."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, start in enumerate(range(0, len(passages), PARAGRAPHS_PER_FILE)):
        chunk = passages[start : start + PARAGRAPHS_PER_FILE]
        body = "\n\n".join(f"## {p.title}\n\n{p.text}" for p in chunk)
        (folder / f"bench-{n:04d}.md").write_text(body + "\n", encoding="utf-8")


def warm_up(models: list[Embedder]) -> None:
    """Load what every process loads once (weights, jieba's dictionary, the language model)."""
    for model in models:
        model.embed_passages(WARM_UP)
    for text in WARM_UP:
        tokenize(text, detect_language(text))


def measure(data: Path, embedders: tuple[str, ...], sample: int) -> dict[str, object]:
    """Pipeline and raw-embedder seconds for `sample` paragraphs (this process only).

    The two alternate round by round (ROUND files each) so that load from other processes on
    the shared machine falls on both alike. A round is one `ingest_paths` call over ROUND files,
    as `docqa ingest DIR` ingests a folder (3-file rounds paid each call's writer session and
    store check ten times: USE alone measured 0.53-0.58 that way, 0.59-0.60 in 10-file rounds).
    """
    models = [load_embedder(key) for key in embedders]
    warm_up(models)
    chosen = random.Random(0).sample(load_passages(data), sample)
    pipeline_s, raw_s, stored = 0.0, dict.fromkeys(embedders, 0.0), 0
    with tempfile.TemporaryDirectory() as tmp:
        write_documents(chosen, Path(tmp) / "docs")
        files = sorted((Path(tmp) / "docs").iterdir())
        store = ChromaStore.open(StoreSettings(store_path=Path(tmp) / "store", embedders=embedders))
        ingestor = Ingestor(store)
        for at in range(0, len(files), ROUND):
            started = time.perf_counter()
            report = ingestor.ingest_paths(files[at : at + ROUND])
            pipeline_s += time.perf_counter() - started
            stored += report.total("added")
            texts = [indexed_text(p) for d in report.documents for p in store.paragraphs(d.doc_id)]
            for key, model in zip(embedders, models, strict=True):
                started = time.perf_counter()
                for first in range(0, len(texts), EMBED_BATCH):
                    model.embed_passages(texts[first : first + EMBED_BATCH])
                raw_s[key] += time.perf_counter() - started
    raw_total = sum(raw_s.values())
    return {
        "embedders": "+".join(embedders),
        "paragraphs": stored,
        "pipeline_s": round(pipeline_s, 2),
        "pipeline_per_s": round(stored / pipeline_s, 1),
        "raw_embedder_s": {k: round(v, 2) for k, v in raw_s.items()},
        "raw_per_s": round(stored / raw_total, 1),
        "ratio": round(raw_total / pipeline_s, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def in_child(data: Path, embedders: str, sample: int) -> dict[str, object]:
    command = [sys.executable, "-m", "bench.ingest_rate", "--child", embedders]
    command += ["--data", str(data), "--sample-use", str(sample)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sample-use", type=int, default=300, help="paragraphs, USE alone")
    parser.add_argument("--sample-e5", type=int, default=60, help="paragraphs, USE + e5")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.child:  # one configuration, one line of JSON for the parent
        print(json.dumps(measure(args.data, tuple(args.child.split(",")), args.sample_use)))
        return {}
    report: dict[str, object] = {
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "configurations": [
            in_child(args.data, "use", args.sample_use),
            in_child(args.data, "use,e5", args.sample_e5),
        ],
    }
    print(json.dumps(report, indent=2))
    if args.out:
        write_report(args.out, report)
    return report


if __name__ == "__main__":
    main()
