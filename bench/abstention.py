"""Abstention on ../shared/benchdata: the 882 SQuAD 2.0 unanswerable English questions must be
declined, answerable XQuAD (en, zh) and PIAF (fr) questions answered from their paragraph.

    python -m bench.abstention [--answerable 300] [--out bench/results/abstention.json]

Uses the cached benchdata store (bench/benchdata.py). Reports abstention accuracy (share of
unanswerable questions declined), false abstention (share of answerable ones declined) and,
for answered answerable questions, how often a citation is in the gold paragraph group.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from assistant import Assistant, AssistantSettings
from bench.benchdata import (
    DEFAULT_CACHE,
    DEFAULT_DATA,
    Query,
    build_store,
    load_passages,
    load_queries,
    passage_id,
)
from bench.common import write_report  # noqa: E402


def sample_questions(queries: Sequence[Query], answerable: int, seed: int = 7) -> list[Query]:
    """Every unanswerable question, and `answerable` answerable ones spread over fr/en/zh."""
    rng = random.Random(seed)
    out = [q for q in queries if not q.answerable]
    for lang in ("en", "zh", "fr"):
        pool = [q for q in queries if q.answerable and q.lang == lang]
        out += rng.sample(pool, min(len(pool), answerable // 3))
    return out


def run(assistant: Assistant, questions: Sequence[Query], groups: dict[str, str]) -> dict:
    rows = []
    for q in tqdm(questions, desc="abstention"):
        answer = assistant.ask(q.question)
        cited = {groups[passage_id(c.paragraph.id)] for c in answer.citations}
        rows.append((q, answer.abstained, q.gold_group in cited))
    return summarize(rows)


def summarize(rows: list[tuple[Query, bool, bool]]) -> dict:
    def share(values: list[bool]) -> float | None:
        return round(statistics.fmean(values), 3) if values else None

    report: dict[str, dict[str, float | int | None]] = {}
    for name in ("en", "zh", "fr", "all"):
        mine = [r for r in rows if name in ("all", r[0].lang)]
        unanswerable = [abstained for q, abstained, _ in mine if not q.answerable]
        answerable = [(abstained, gold) for q, abstained, gold in mine if q.answerable]
        report[name] = {
            "unanswerable": len(unanswerable),
            "answerable": len(answerable),
            "abstention_accuracy": share(unanswerable),
            "false_abstention": share([a for a, _ in answerable]),
            "answered_cites_gold": share([g for a, g in answerable if not a]),
        }
    return report


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--answerable", type=int, default=300, help="answerable questions")
    parser.add_argument("--unanswerable", type=int, default=0, help="cap (0: all 882)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    passages = load_passages(args.data)
    store, cached = build_store(passages, ("use", "e5"), args.cache)
    questions = sample_questions(load_queries(args.data), args.answerable)
    if args.unanswerable:
        kept = [q for q in questions if not q.answerable][: args.unanswerable]
        questions = kept + [q for q in questions if q.answerable]
    groups = {p.pid: p.group for p in passages}
    report = run(Assistant(store, AssistantSettings()), questions, groups)
    for embedder in cached:
        embedder.save()
    print(json.dumps(report, indent=2))
    if args.out:
        write_report(args.out, report)


if __name__ == "__main__":
    main()
