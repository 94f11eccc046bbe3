"""Answers and abstention on ../shared/benchdata, through the whole pipeline (`Assistant.ask`).

    python -m bench.abstention [--sample 300] [--out bench/results/abstention.json]

- abstention: SQuAD 2.0 unanswerable English questions (written against an XQuAD paragraph
  that is in the store) must be declined, XQuAD English answerable ones over the same
  paragraphs answered: abstention accuracy and false abstention;
- answer accuracy: the first cited sentence holds a gold answer span, for XQuAD en, XQuAD zh,
  PIAF fr, and English questions asked over the Chinese paragraphs only (gold: the Chinese
  question's answer), with false abstention per set.
Uses the cached benchdata store (bench/benchdata.py). `--sample` questions per set (0: all).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from assistant import Assistant, AssistantSettings
from bench.benchdata import DEFAULT_CACHE, DEFAULT_DATA, build_store, load_passages
from bench.common import write_report

UNANSWERABLE = "squad2 unanswerable"
SETS = ("xquad en", "xquad zh", "piaf fr", "en over zh")


def load_sets(data: Path, sample: int, seed: int = 7) -> dict[str, list[dict]]:
    """Per set: {question, answers, filters, answerable}; the same sample for every engine."""
    rng = random.Random(seed)
    rows = [json.loads(line) for line in (data / "queries.jsonl").open(encoding="utf-8")]
    by_qid = {r["qid"]: r for r in rows}

    def ask(r: dict, answers: list[str], filters: dict | None = None) -> dict:
        return {
            "question": r["question"],
            "answers": answers,
            "filters": filters,
            "answerable": r["answerable"],
        }

    sets = {
        UNANSWERABLE: [ask(r, []) for r in rows if not r["answerable"]],
        "xquad en": [
            ask(r, r["answers"]) for r in rows if r["source"] == "xquad" and r["lang"] == "en"
        ],
        "xquad zh": [
            ask(r, r["answers"]) for r in rows if r["source"] == "xquad" and r["lang"] == "zh"
        ],
        "piaf fr": [ask(r, r["answers"]) for r in rows if r["lang"] == "fr" and r["answerable"]],
        "en over zh": [
            ask(r, by_qid[r["qid"].replace(":en:", ":zh:")]["answers"], {"lang": "zh"})
            for r in rows
            if r["source"] == "xquad" and r["lang"] == "en"
        ],
    }
    return {
        name: rng.sample(items, sample) if 0 < sample < len(items) else items
        for name, items in sets.items()
    }


def figures(declined: list[bool], holding: list[bool], answerable: bool) -> dict:
    """Share declined, and share answered with the gold span in the first cited sentence."""
    correct = [not d and h for d, h in zip(declined, holding, strict=True)]
    return {
        "declined": round(statistics.fmean(declined), 3),
        "answer_accuracy": round(statistics.fmean(correct), 3) if answerable else None,
    }


def run(assistant: Assistant, sets: dict[str, list[dict]], thresholds: Sequence[float]) -> dict:
    """Each set's figures at the assistant's own threshold, and at each of `thresholds` above
    it (a question is declined when its answer's confidence, the reader engine's best
    probability, is below the threshold; the
    first citation is the best sentence whatever the threshold)."""
    report: dict[str, dict] = {}
    for name, items in sets.items():
        rows, seconds = [], []
        for item in tqdm(items, desc=name):
            started = time.perf_counter()
            answer = assistant.ask(item["question"], filters=item["filters"])
            seconds.append(time.perf_counter() - started)
            first = answer.citations[0].quote if answer.citations else ""
            holds = any(a in first for a in item["answers"])
            rows.append((answer.abstained, answer.confidence, holds))
        answerable = items[0]["answerable"]
        holding = [h for _, _, h in rows]
        report[name] = {
            "questions": len(items),
            **figures([d for d, _, _ in rows], holding, answerable),
            "p50_ms": round(1000 * statistics.median(seconds), 1),
            "at_threshold": {
                str(t): figures([d or c < t for d, c, _ in rows], holding, answerable)
                for t in thresholds
            },
        }
    unanswerable, answerable = report[UNANSWERABLE], report["xquad en"]
    report["abstention"] = {
        "abstention_accuracy": unanswerable["declined"],
        "false_abstention": answerable["declined"],
    }
    return report


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--sample", type=int, default=300, help="questions per set (0: all)")
    parser.add_argument(
        "--thresholds", default="", help="comma-separated reader thresholds to report besides"
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    store, cached = build_store(load_passages(args.data), ("use", "e5"), args.cache)
    thresholds = [float(t) for t in args.thresholds.split(",") if t]
    sets = load_sets(args.data, args.sample)
    report = run(Assistant(store, AssistantSettings()), sets, thresholds)
    for embedder in cached:
        embedder.save()
    print(json.dumps(report, indent=2))
    if args.out:
        write_report(args.out, report)


if __name__ == "__main__":
    main()
