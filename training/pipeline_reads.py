"""The reader's verdicts as the engine meets them: held-out questions asked through retrieval.

    python -m training.pipeline_reads [--weights W] [--leave-out 0|1]

The held-out split's paragraphs (training/reader_data.py), padded with training paragraphs of
the same language so retrieval has to choose, go into a store of their own (cached under
.train-data/pipeline/); every held-out question, and its code-switched twin, is searched as
`docqa ask` searches and its candidate sentences are read by the reader. With `--leave-out`,
one half of the held-out articles is kept out of the store and only its questions are asked:
questions the collection cannot answer, as users ask them. One JSON line per question: its
text, language, whether it is answerable, and per candidate the hit's rank, the reader's
support, the sentence's similarity to the question, whether it holds a gold answer, and its text
and language (to try other features without asking again). The answer decision
is fitted on these lines (training/fit_decision.py); ../shared/benchdata is never used.
"""

from __future__ import annotations

import argparse
import json
import random
import zlib
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from assistant import AssistantSettings
from assistant.answer_decision import AnswerDecision
from assistant.reader import WEIGHTS, Reader
from assistant.reading_engine import GATHERED, ReaderEngine
from bench.benchdata import Passage, build_store
from store import ChromaStore, Question
from training.code_switch import switched
from training.reader_data import Record, read_records, split

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".train-data" / "pipeline"
READS = "reads.jsonl"
EMBEDDERS = ("use", "e5")  # the default store's: the decision's cosines are the first one's
PARAGRAPHS_PER_LANGUAGE = 500  # held-out paragraphs padded to this with training ones


def off_collection(half: int) -> str:
    return f"off-collection-{half}.jsonl"


def fold(title: str) -> int:
    """Half the articles are 0, half 1: the decision is fitted on one, measured on the other."""
    return zlib.crc32(title.encode("utf-8")) % 2


def passages(
    held: list[Record], train: list[Record], absent: set[str], seed: int = 13
) -> list[Passage]:
    """The held-out paragraphs, padded with training ones of articles not in `absent`."""
    rng = random.Random(seed)
    out: dict[str, Passage] = {}
    for lang in ("en", "fr", "zh"):
        mine = sorted({(r.paragraph, r.title) for r in held if r.lang == lang})
        others = sorted(
            {(r.paragraph, r.title) for r in train if r.lang == lang and r.title not in absent}
            - set(mine)
        )
        pad = rng.sample(others, max(0, min(len(others), PARAGRAPHS_PER_LANGUAGE - len(mine))))
        for text, title in [*mine, *pad]:
            pid = f"{lang}{len(out)}"
            out.setdefault(text, Passage(pid, pid, lang, title, text))
    return list(out.values())


def questions(held: list[Record], seed: int = 13) -> list[tuple[str, Record]]:
    """(language, record): each held-out question as asked, then the ones code-switched."""
    rng = random.Random(seed)
    out = [(r.lang, r) for r in held]
    for r in held:
        question = switched(r.question, r.lang, rng)
        if question:
            out.append(("en-zh" if r.lang == "zh" else "zh-en", replace(r, question=question)))
    return out


def reads(
    engine: ReaderEngine, store: ChromaStore, settings: AssistantSettings, record: Record
) -> list[dict]:
    asked = Question.of(record.question)
    hits = store.search(asked, settings.top_k, settings.search_depth)
    answers = [record.paragraph[a:b] for a, b in record.answers]
    return [
        {
            "rank": r.rank,
            "support": round(r.reading.support, 5),
            "cosine": round(r.cosine, 5),
            "holds": any(a in r.sentence.text for a in answers),
            "sentence": r.sentence.text,
            "sentence_lang": r.paragraph.lang,
        }
        for r in engine.read(asked, hits)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weights", type=Path, default=WEIGHTS)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=0, help="questions (0: all)")
    parser.add_argument(
        "--leave-out",
        type=int,
        choices=(0, 1),
        default=None,
        help="keep this half's held-out articles out of the store and ask only their questions",
    )
    args = parser.parse_args()
    out = args.out or CACHE / (READS if args.leave_out is None else off_collection(args.leave_out))
    train, held = split(read_records())
    absent = {r.title for r in held if fold(r.title) == args.leave_out}
    stored = [r for r in held if r.title not in absent]
    CACHE.mkdir(parents=True, exist_ok=True)
    store, cached = build_store(passages(stored, train, absent), EMBEDDERS, CACHE)
    reader = Reader(store.settings.models_path, store.settings.threads, args.weights)
    settings = AssistantSettings()
    # Every gathered sentence is read, so the decision learns from all the engine may read.
    engine = ReaderEngine(reader, AnswerDecision.reader_alone(), store, 1, GATHERED)
    if absent:
        asked = [(r.lang, replace(r, answers=())) for r in held if r.title in absent]
    else:
        asked = questions(held)
    if args.limit:
        asked = asked[:: max(1, len(asked) // args.limit)]
    counts: dict[str, int] = defaultdict(int)
    with out.open("w", encoding="utf-8") as lines:
        for lang, record in tqdm(asked, desc="questions"):
            row = {
                "qid": record.qid,
                "question": record.question,
                "lang": lang,
                "title": record.title,
                "answerable": bool(record.answers),
                "off_collection": record.title in absent,
                "reads": reads(engine, store, settings, record),
            }
            lines.write(json.dumps(row, ensure_ascii=False) + "\n")
            counts[lang] += 1
    for embedder in cached:
        embedder.save()
    print(dict(counts))


if __name__ == "__main__":
    main()
