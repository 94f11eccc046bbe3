"""Several chat clients at once against a live docqa app: each must get its own answer.

    python -m bench.ui_concurrency [--clients 8] [--seconds 30] [--url URL] [--out F.json]

Without --url, starts `docqa serve` on a free 127.0.0.1 port over a temporary store holding
the seed corpus. Each client is a gradio_client calling /chat, the event the Ask button runs,
with the seed evaluation set's questions in turn (each client starting at a different one).
An answer is right when its copy text names its own question and holds the very answer text
and cited paragraphs that /ask gave for that question alone, before the load began.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ui.offline import apply_offline_env

apply_offline_env()

from gradio_client import Client  # noqa: E402

from assistant import AssistantSettings  # noqa: E402
from bench.ui_serve import docqa_serve, ingest_seed, wait_for_http  # noqa: E402
from evals import default_eval_set, load_eval_set  # noqa: E402
from ui.labels import labels  # noqa: E402

ANSWER_TIMEOUT_S = 300
RESULTS = threading.Lock()  # the clients' threads add to one report
TOP_K = AssistantSettings().top_k  # what the Settings slider starts at


@dataclass(frozen=True)
class Expected:
    question: str
    language: str
    answer: str
    paragraph_ids: tuple[str, ...]


@dataclass
class LoadReport:
    clients: int
    seconds: float
    answers: int = 0
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    mismatches: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        ordered = sorted(self.latencies_ms)

        def at(q: float) -> float:
            return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 1)

        figures = asdict(self)
        figures.pop("latencies_ms")
        return figures | {
            "answers_per_s": round(self.answers / self.seconds, 2),
            "latency_p50_ms": at(0.5) if ordered else None,
            "latency_p95_ms": at(0.95) if ordered else None,
            "latency_max_ms": round(ordered[-1], 1) if ordered else None,
            "latency_mean_ms": round(statistics.fmean(ordered), 1) if ordered else None,
        }


def expected_answers(url: str, questions: list[str]) -> list[Expected]:
    """Each question answered alone through /ask: the reference every loaded answer must match."""
    client = Client(url, verbose=False)
    found = []
    for question in questions:
        result = client.predict(question, "all", "all", TOP_K, api_name="/ask")
        ids = tuple(c["paragraph_id"] for c in result["citations"])
        found.append(Expected(question, result["language"], result["answer"], ids))
    return found


def mismatch(expected: Expected, evidence: str, copied: str) -> str | None:
    """Why a chat result is not the answer to its question (None when it is)."""
    heading = f"{labels(expected.language)['question']}: {expected.question}\n"
    if not copied.startswith(heading):
        return f"{expected.question!r} came back as {copied.splitlines()[:1]}"
    if f"\n{expected.answer}" not in copied:
        return f"{expected.question!r}: a different answer text"
    missing = [i for i in expected.paragraph_ids if f'data-paragraph="{i}"' not in evidence]
    if missing:
        return f"{expected.question!r}: cited paragraphs {missing} not in the evidence panel"
    return None


def client_loop(
    url: str, expected: list[Expected], start: int, deadline: float, report: LoadReport
) -> None:
    client = Client(url, verbose=False)
    turn = start
    while time.monotonic() < deadline:
        want = expected[turn % len(expected)]
        turn += 1
        began = time.perf_counter()
        try:
            job = client.submit(want.question, [], "all", "all", TOP_K, api_name="/chat")
            _, evidence, copied = job.result(timeout=ANSWER_TIMEOUT_S)
        except Exception as exc:  # every failure is a finding: report it, keep loading
            with RESULTS:
                report.errors.append(f"{want.question!r}: {type(exc).__name__}: {exc}")
            continue
        elapsed_ms = (time.perf_counter() - began) * 1000
        wrong = mismatch(want, evidence, copied)
        with RESULTS:
            report.answers += 1
            report.latencies_ms.append(elapsed_ms)
            if wrong:
                report.mismatches.append(wrong)


def run_load(url: str, clients: int, seconds: float, questions: list[str]) -> LoadReport:
    """CLIENTS threads asking for SECONDS; a question started before the end is waited for."""
    expected = expected_answers(url, questions)
    report = LoadReport(clients, seconds)
    deadline = time.monotonic() + seconds
    step = max(1, len(expected) // clients)
    threads = [
        threading.Thread(target=client_loop, args=(url, expected, n * step, deadline, report))
        for n in range(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.seconds = round(time.monotonic() - started, 1)
    return report


def seed_questions() -> list[str]:
    return [item.question for item in load_eval_set(default_eval_set())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--url", default=None, help="a running docqa app; default: start one")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.url:
        report = run_load(args.url, args.clients, args.seconds, seed_questions())
    else:
        with tempfile.TemporaryDirectory() as store:
            ingest_seed(Path(store))
            with docqa_serve(Path(store)) as (url, server):
                wait_for_http(url, server)
                report = run_load(url, args.clients, args.seconds, seed_questions())
    result = report.summary() | {"machine": f"{platform.machine()}, {platform.python_version()}"}
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
