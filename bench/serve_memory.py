"""`docqa serve` over the seed corpus, a 10k and a 100k collection: memory after the first answer
and after 100 questions, and the time from starting it to its first answer (cold: models,
Chroma and the BM25 index included).

    python -m bench.serve_memory [--sizes 10000,100000] [--questions 100] [--out F.json]

Runs the default configuration (USE + e5) as a user would, in a child process, and asks through
the public /ask API (gradio_client). RSS is read from /proc: VmRSS now, VmHWM the peak.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from ui.offline import apply_offline_env

apply_offline_env()

from gradio_client import Client  # noqa: E402

from bench.benchdata import DEFAULT_CACHE, DEFAULT_DATA, load_passages, load_queries  # noqa: E402
from bench.common import write_report  # noqa: E402
from bench.scale_data import COLLECTION, build_scale_store, sample_questions  # noqa: E402
from bench.ui_serve import answers_http, docqa_serve, ingest_seed  # noqa: E402

START_TIMEOUT_S = 300
SETTLE_S = 2.0  # Gradio finishes starting its queue after the first HTTP answer


def rss_mb(pid: int) -> dict[str, float]:
    """Resident memory now and at its peak, from /proc/PID/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": fields["VmRSS"], "peak_rss_mb": fields["VmHWM"]}


def measure(folder: Path, questions: Sequence[str], env: dict[str, str]) -> dict[str, object]:
    started = time.perf_counter()
    with docqa_serve(folder, env) as (url, server):
        while not answers_http(url):
            if server.poll() is not None or time.perf_counter() - started > START_TIMEOUT_S:
                raise RuntimeError(f"docqa serve over {folder} did not come up")
            time.sleep(0.05)
        http_s = time.perf_counter() - started
        client = Client(url, verbose=False)
        client.predict(questions[0], api_name="/ask")
        first_answer_s = time.perf_counter() - started
        time.sleep(SETTLE_S)
        idle = rss_mb(server.pid)  # after one question: the BM25 index is built on the first
        for question in questions[1:]:
            client.predict(question, api_name="/ask")
        after = rss_mb(server.pid)
    return {
        "http_s": round(http_s, 2),
        "first_answer_s": round(first_answer_s, 2),
        "rss_after_first_answer_mb": idle["rss_mb"],
        f"rss_after_{len(questions)}_questions_mb": after["rss_mb"],
        "peak_rss_mb": after["peak_rss_mb"],
    }


def main(argv: Sequence[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument(
        "--sizes", default="seed,10000,100000", help="paragraphs, or seed: the seed corpus"
    )
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--embedders", default="use,e5")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    passages = load_passages(args.data)
    sampled = sample_questions(load_queries(args.data), -(-args.questions // 3))
    questions = [q.text for q in sampled][: args.questions]
    report: dict[str, object] = {
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "embedders": args.embedders,
        "sizes": {},
    }
    for size in args.sizes.split(","):
        env = {"DOCQA_EMBEDDERS": args.embedders}
        if size == "seed":
            with tempfile.TemporaryDirectory() as seeded:
                ingest_seed(Path(seeded), env)
                figures = measure(Path(seeded), questions, env)
        else:
            folder = build_scale_store(passages, int(size), sampled, args.cache)
            figures = measure(folder, questions, env | {"DOCQA_COLLECTION": COLLECTION})
        report["sizes"][size] = figures  # type: ignore[index]
        print(json.dumps({size: figures}), flush=True)
    if args.out:
        write_report(args.out, report)
    return report


if __name__ == "__main__":
    main()
