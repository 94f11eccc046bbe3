"""Retrieval benchmark on ../shared/benchdata: R@1, R@5 and MRR@10 per retriever and fused.

Run with `make bench-retrieval`. Every answerable question of each set is asked (no sample):
- same-language: XQuAD en, XQuAD zh, PIAF fr against all 1,241 paragraphs (gold: the
  paragraph in the question's language);
- cross-lingual: XQuAD en questions against the zh paragraphs only, zh against en only;
- mixed: en and zh questions against all paragraphs, either language copy counts.
A fused hit is one piece of evidence: it counts when its lead paragraph or one of its grouped
translations is the gold one. Single retrievers are scored on their own lists.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ui.offline import apply_offline_env

apply_offline_env()

from bench.benchdata import (  # noqa: E402
    DEFAULT_CACHE,
    DEFAULT_DATA,
    Passage,
    Query,
    as_paragraph,
    build_store,
    load_passages,
    load_queries,
    passage_id,
)
from bench.common import percentile, write_report  # noqa: E402
from store import ChromaStore, Question, StoreSettings  # noqa: E402

FUSED = "fused (default)"
DEPTH = 10  # MRR@10


@dataclass
class Score:
    """Recall@1, recall@5 and MRR@10 accumulated over questions."""

    at1: int = 0
    at5: int = 0
    reciprocal: float = 0.0
    questions: int = 0

    def add(self, rank: int | None) -> None:
        self.questions += 1
        if rank is not None:
            self.at1 += rank == 1
            self.at5 += rank <= 5
            self.reciprocal += 1.0 / rank

    def row(self) -> dict[str, float | int]:
        n = max(self.questions, 1)
        return {
            "r1": round(self.at1 / n, 3),
            "r5": round(self.at5 / n, 3),
            "mrr10": round(self.reciprocal / n, 3),
            "questions": self.questions,
        }


Gold = Callable[[Query], set[str]]


@dataclass(frozen=True)
class Setting:
    """Questions asked under one filter, scored in one or more views (name, gold paragraphs)."""

    questions: list[Query]
    filters: dict[str, str] | None
    views: list[tuple[str, Gold]]


@dataclass
class Results:
    scores: dict[str, dict[str, Score]] = field(default_factory=dict)


def first_rank(lists: Sequence[Sequence[str]], gold: set[str]) -> int | None:
    """Rank (1-based) of the first entry holding a gold paragraph, within DEPTH."""
    for rank, members in enumerate(lists[:DEPTH], start=1):
        if gold.intersection(members):
            return rank
    return None


def settings_for(queries: Sequence[Query], passages: Sequence[Passage]) -> list[Setting]:
    by_group: dict[str, dict[str, str]] = {}
    for passage in passages:
        by_group.setdefault(passage.group, {})[passage.lang] = passage.pid
    answerable = [q for q in queries if q.answerable and q.gold_group]

    def same(query: Query) -> set[str]:
        return {query.gold_pid} if query.gold_pid else set()

    def either(query: Query) -> set[str]:
        return set(by_group.get(query.gold_group or "", {}).values())

    def copy_in(lang: str) -> Gold:
        return lambda q: {by_group.get(q.gold_group or "", {}).get(lang, "")} - {""}

    def asked_in(lang: str) -> list[Query]:
        return [q for q in answerable if q.lang == lang]

    return [
        Setting(asked_in("en"), None, [("en", same), ("mixed en+zh", either)]),
        Setting(asked_in("zh"), None, [("zh", same), ("mixed en+zh", either)]),
        Setting(asked_in("fr"), None, [("fr (PIAF)", same)]),
        Setting(asked_in("en"), {"lang": "zh"}, [("en->zh", copy_in("zh"))]),
        Setting(asked_in("zh"), {"lang": "en"}, [("zh->en", copy_in("en"))]),
    ]


def run_settings(store: ChromaStore, settings: Sequence[Setting], progress: bool) -> Results:
    results = Results()
    for setting in settings:
        for i, query in enumerate(setting.questions):
            asked = Question.of(query.question, setting.filters)
            rankings = store.searcher.rankings(asked)
            hits = store.searcher.assemble(rankings, asked, DEPTH)
            grouped = [
                [passage_id(h.paragraph.id)] + [passage_id(t.id) for t in h.translations]
                for h in hits
            ]
            for view, gold_of in setting.views:
                per_retriever = results.scores.setdefault(view, {})
                gold = gold_of(query)
                for ranking in rankings:
                    ids = [[passage_id(p.id)] for p in ranking.paragraphs]
                    per_retriever.setdefault(ranking.name, Score()).add(first_rank(ids, gold))
                per_retriever.setdefault(FUSED, Score()).add(first_rank(grouped, gold))
            if progress and i % 500 == 0:
                print(f"  {setting.views[0][0]}: {i}/{len(setting.questions)}", flush=True)
    return results


def ingest_rate(
    passages: Sequence[Passage], embedders: tuple[str, ...], sample: int
) -> dict[str, float]:
    """Paragraphs/s of a fresh write of a fixed sample (embedding, Chroma, links, keywords)."""
    chosen = random.Random(0).sample(list(passages), min(sample, len(passages)))
    with tempfile.TemporaryDirectory() as folder:
        store = ChromaStore.open(StoreSettings(store_path=Path(folder), embedders=embedders))
        started = time.perf_counter()
        store.write([as_paragraph(p) for p in chosen])
        elapsed = time.perf_counter() - started
    rate = round(len(chosen) / elapsed, 1)
    return {"paragraphs": len(chosen), "seconds": round(elapsed, 1), "per_s": rate}


def latency_sample(store: ChromaStore, queries: Sequence[Query], sample: int) -> list[float]:
    """Milliseconds per search with the real embedders (the question made and embedded in it)."""
    live = ChromaStore.open(store.settings)
    chosen = random.Random(0).sample(list(queries), min(sample, len(queries)))
    timings = []
    for query in chosen:
        started = time.perf_counter()
        live.search(Question.of(query.question), DEPTH)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def table(scores: dict[str, dict[str, Score]]) -> str:
    """Markdown: one row per retriever, R@1/R@5/MRR@10 per setting."""
    settings = list(scores)
    names = list(dict.fromkeys(n for per in scores.values() for n in per))
    head = "| retriever | " + " | ".join(settings) + " |"
    rule = "|---|" + "---|" * len(settings)
    rows = []
    for name in names:
        cells = []
        for setting in settings:
            score = scores[setting].get(name)
            row = score.row() if score else None
            cells.append(f"{row['r1']:.2f} / {row['r5']:.2f} / {row['mrr10']:.2f}" if row else "—")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join([head, rule, *rows])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--embedders", default="use,e5")
    parser.add_argument("--per-set", type=int, default=0, help="questions per set (0: all)")
    parser.add_argument("--ingest-sample", type=int, default=120)
    parser.add_argument("--latency-sample", type=int, default=300)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    embedders = tuple(args.embedders.split(","))
    passages = load_passages(args.data)
    queries = load_queries(args.data)
    if args.per_set:
        queries = random.Random(0).sample(queries, len(queries))
        by_lang: dict[str, list[Query]] = {}
        for query in queries:
            if query.answerable and len(by_lang.setdefault(query.lang, [])) < args.per_set:
                by_lang[query.lang].append(query)
        queries = [q for qs in by_lang.values() for q in qs]
    args.cache.mkdir(parents=True, exist_ok=True)
    store, cached = build_store(passages, embedders, args.cache)
    started = time.perf_counter()
    results = run_settings(store, settings_for(queries, passages), progress=True)
    for embedder in cached:
        embedder.save()
    latencies = latency_sample(store, [q for q in queries if q.answerable], args.latency_sample)
    report = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, Python "
        f"{platform.python_version()}",
        "embedders": list(embedders),
        "scores": {s: {n: sc.row() for n, sc in per.items()} for s, per in results.scores.items()},
        "retrieve_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "retrieve_p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
        "latency_questions": len(latencies),
        "run_s": round(time.perf_counter() - started, 1),
        "ingest": ingest_rate(passages, embedders, args.ingest_sample),
    }
    print(table(results.scores))
    print(json.dumps({k: v for k, v in report.items() if k != "scores"}, indent=2))
    if args.out:
        write_report(args.out, report)


if __name__ == "__main__":
    main()
