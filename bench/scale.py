"""Query latency and recall at 1k, 10k and 100k paragraphs, docqa next to plain llama-index.

    python -m bench.scale [--sizes 1000,10000,100000] [--per-language 34] [--out F.json]

For each collection size (bench/scale_data.py), each backend (the embedded on-disk store, and a
Chroma server over the same folder) and each embedder configuration (USE alone; USE + e5), the
same sampled benchdata questions go through `Assistant.ask` with live query embedding: retrieve,
answer and total milliseconds, p50/p95, and recall@5 (the gold paragraph among the first five
pieces of evidence). The baseline is what a plain llama-index script does: a `VectorStoreIndex`
over the same Chroma collection with the same embedder, `as_retriever(similarity_top_k=5)`.
The first question after opening pays the BM25 build: reported apart as `keyword_build_ms`.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ui.offline import apply_offline_env

apply_offline_env()

from assistant import Assistant  # noqa: E402
from bench.benchdata import DEFAULT_CACHE, DEFAULT_DATA, load_passages, load_queries  # noqa: E402
from bench.common import percentile, write_report  # noqa: E402
from bench.scale_data import ScaleQuery, build_scale_store, open_scale_store, sample_questions  # noqa: E402
from bench.ui_serve import free_port  # noqa: E402
from store import ChromaStore  # noqa: E402
from store.llama_bridge import vector_index  # noqa: E402

CONFIGS = (("use",), ("use", "e5"))
RECALL_AT = 5
# Not in the sample: a question asked twice would find its vector cached.
WARM_UP = (
    "Who founded the city?",
    "Quand le traité a-t-il été signé ?",
    "这座桥是什么时候建成的？",
)


def spread(name: str, values: Sequence[float]) -> dict[str, float]:
    return {
        f"{name}_p50_ms": round(percentile(values, 0.5), 1),
        f"{name}_p95_ms": round(percentile(values, 0.95), 1),
    }


def recall(found: Sequence[set[str]], questions: Sequence[ScaleQuery]) -> float:
    hits = sum(q.gold_id in ids for q, ids in zip(questions, found, strict=True))
    return round(hits / max(len(questions), 1), 3)


def docqa_figures(store: ChromaStore, questions: Sequence[ScaleQuery]) -> dict[str, object]:
    assistant = Assistant(store)
    started = time.perf_counter()
    store.keywords.indexed_ids()  # the BM25 build a fresh process pays on its first question
    keyword_build_ms = (time.perf_counter() - started) * 1000
    for text in WARM_UP:
        assistant.ask(text)
    retrieve, answer, total, found = [], [], [], []
    for question in questions:
        started = time.perf_counter()
        result = assistant.ask(question.text)
        total.append((time.perf_counter() - started) * 1000)
        retrieve.append(result.timings["retrieve"])
        answer.append(result.timings["answer"])
        found.append(
            {p.id for h in result.retrieved[:RECALL_AT] for p in (h.paragraph, *h.translations)}
        )
    return {
        "keyword_build_ms": round(keyword_build_ms, 1),
        **spread("retrieve", retrieve),
        **spread("answer", answer),
        **spread("total", total),
        f"recall_at_{RECALL_AT}": recall(found, questions),
    }


def llama_index_figures(store: ChromaStore, questions: Sequence[ScaleQuery]) -> dict[str, object]:
    """The plain llama-index baseline over the primary embedder's collection: the
    `VectorStoreIndex` a plain script builds (the store's own, store/llama_bridge.py), asked
    through `as_retriever`, which embeds each question itself."""
    embedder = store.embedders[0]
    index = vector_index(store.collections[embedder.name], embedder)
    retriever = index.as_retriever(similarity_top_k=RECALL_AT)
    for text in WARM_UP:
        retriever.retrieve(text)
    timings, found = [], []
    for question in questions:
        started = time.perf_counter()
        nodes = retriever.retrieve(question.text)
        timings.append((time.perf_counter() - started) * 1000)
        found.append({n.node.node_id for n in nodes})
    return {**spread("retrieve", timings), f"recall_at_{RECALL_AT}": recall(found, questions)}


def answers_heartbeat(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def chroma_server(folder: Path) -> Iterator[str]:
    """`chroma run` over FOLDER on a free loopback port (what `docqa chroma` runs)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    chroma = Path(sys.executable).parent / "chroma"
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not answers_heartbeat(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Chroma server over {folder} did not start")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        # Kept per server address, and the port is new every run: the next run builds anew.
        shutil.rmtree(folder / "server-keyword-index", ignore_errors=True)


def measure_backend(
    folder: Path, url: str | None, questions: Sequence[ScaleQuery]
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for config in CONFIGS:
        store = open_scale_store(folder, config, url)
        rows.append({"system": f"docqa {'+'.join(config)}", **docqa_figures(store, questions)})
        baseline = open_scale_store(folder, (config[-1],), url)
        rows.append(
            {"system": f"llama-index {config[-1]}", **llama_index_figures(baseline, questions)}
        )
    return rows


def run(
    data: Path, cache: Path, sizes: Sequence[int], per_language: int
) -> list[dict[str, object]]:
    passages = load_passages(data)
    questions = sample_questions(load_queries(data), per_language)
    rows = []
    for size in sizes:
        folder = build_scale_store(passages, size, questions, cache)
        for row in measure_backend(folder, None, questions):
            rows.append({"paragraphs": size, "backend": "embedded", **row})
        with chroma_server(folder) as url:
            for row in measure_backend(folder, url, questions):
                rows.append({"paragraphs": size, "backend": "server", **row})
        print(json.dumps(rows[-8:], indent=1), flush=True)
    return rows


def main(argv: Sequence[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--per-language", type=int, default=34, help="questions per language")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    args.cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    rows = run(args.data, args.cache, sizes, args.per_language)
    report: dict[str, object] = {
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "questions": sum(1 for _ in sample_questions(load_queries(args.data), args.per_language)),
        "run_s": round(time.perf_counter() - started, 1),
        "rows": rows,
    }
    if args.out:
        write_report(args.out, report)
    return report


if __name__ == "__main__":
    main()
