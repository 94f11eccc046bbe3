"""How many candidate sentences the reader engine should read: its time and answer accuracy per
`DOCQA_READER_CANDIDATES`, on ../shared/benchdata.

    python -m bench.reader_candidates [--sample 60] [--out bench/results/reader-candidates.json]

The same questions (`--sample` each of XQuAD en, XQuAD zh, PIAF fr), retrieved once; for each
count the engine answers them from the same hits (the time is the engine's alone: reading,
sentence vectors, the decision), its sentence cache emptied first. Accuracy: answered, with a
gold answer in the first cited sentence. Uses the cached benchdata store (bench/benchdata.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from assistant import Assistant, AssistantSettings
from assistant.reading_engine import ReaderEngine
from assistant.sentence_vectors import SentenceVectors
from bench.abstention import load_sets
from bench.benchdata import DEFAULT_CACHE, DEFAULT_DATA, build_store, load_passages
from bench.common import write_report

SETS = ("xquad en", "xquad zh", "piaf fr")
COUNTS = (40, 24, 16)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--sample", type=int, default=60, help="questions per set")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    store, _ = build_store(load_passages(args.data), ("use", "e5"), args.cache)
    sets = load_sets(args.data, args.sample)
    items = [(name, item) for name in SETS for item in sets[name]]
    first = Assistant(store, AssistantSettings(engine="reader"))
    asked = [first.question(item["question"], item["filters"]) for _, item in items]
    settings = AssistantSettings()
    hits = [store.search(q, settings.top_k, settings.search_depth) for q in asked]
    report: dict[str, dict] = {}
    for count in COUNTS:
        engine = Assistant(
            store, AssistantSettings(engine="reader", reader_candidates=count)
        ).engine
        assert isinstance(engine, ReaderEngine)
        engine.answer(asked[0], hits[0])  # the graph built and loaded before timing
        engine.sentence_vectors = SentenceVectors(store.embed)  # cold, as for new paragraphs
        seconds, correct = [], dict.fromkeys(SETS, 0)
        for (name, item), question, found in zip(items, asked, hits, strict=True):
            started = time.perf_counter()
            extract = engine.answer(question, found)
            seconds.append(time.perf_counter() - started)
            quote = extract.citations[0].quote if extract.citations else ""
            correct[name] += not extract.abstained and any(a in quote for a in item["answers"])
        report[str(count)] = {
            "engine_p50_ms": round(1000 * statistics.median(seconds), 1),
            "answer_accuracy": {n: round(correct[n] / len(sets[n]), 3) for n in SETS},
        }
        print(count, report[str(count)], flush=True)
    print(json.dumps(report, indent=2))
    if args.out:
        write_report(args.out, report)


if __name__ == "__main__":
    main()
