"""Hard negatives mined with a trained reader: for each training question, the sentences of its
own paragraph and of the sibling paragraph that shares most words with it (the same article:
what retrieval gathers beside the answer), read by the reader, the best-supported ones that hold
no answer kept. Trained on, they teach the next reader the confusions this one makes ("wrong
sentence from the right paragraph"), which word-overlap negatives miss.

    python -m training.mined_negatives [--weights assistant/models/reader.npz] [--out FILE]

Writes one JSON line per training question as it goes (a cut-off run resumes where it
stopped): its qid, the reader's support for its answer sentence (null for unanswerable
questions) and its KEPT highest-supported wrong sentences with their context and support.
Training data only: held-out questions are never read here. No torch needed.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from assistant.reader import WEIGHTS, Reader
from assistant.reader_input import text_before
from assistant.sentences import split_sentences
from training.reader_data import Record, overlap, positive, read_records, split, terms

ROOT = Path(__file__).resolve().parents[1]
MINED = ROOT / ".train-data" / "mined.jsonl"
KEPT = 3  # wrong sentences written per question; training takes those above FLOOR
# A wrong sentence the reader supports this much would pass its own decline threshold (.15 for
# v3 alone): cited as an answer. Up to MOST of them a question, the best supported first.
FLOOR = 0.2
MOST = 2

Candidate = tuple[str, str]  # text before the sentence, the sentence


def candidates(record: Record, siblings: list[str]) -> tuple[Candidate | None, list[Candidate]]:
    """(the answer sentence, the sentences holding no answer) of the question's paragraph and
    of its closest sibling paragraph."""
    answer_texts = {record.paragraph[a:b] for a, b in record.answers}
    found = positive(record, split_sentences(record.paragraph)) if record.answers else None
    question_terms = terms(record.question, record.lang)
    others = [p for p in siblings if p != record.paragraph]
    closest = max(others, key=lambda p: overlap(question_terms, p, record.lang), default=None)
    wrong = [
        (text_before(paragraph, s.start), s.text)
        for paragraph in [record.paragraph, *([closest] if closest else [])]
        for s in split_sentences(paragraph)
        if not any(text in s.text for text in answer_texts)
        and (found is None or s.text != found.sentence)
    ]
    return ((found.context, found.sentence) if found else None), wrong


def mined(reader: Reader, train: list[Record], done: set[str]) -> Iterator[dict]:
    siblings: dict[str, list[str]] = defaultdict(list)
    for r in train:
        if r.paragraph not in siblings[r.title]:
            siblings[r.title].append(r.paragraph)
    for record in train:
        if record.qid in done:
            continue
        answer, wrong = candidates(record, siblings[record.title])
        if record.answers and answer is None:
            continue  # the answer crosses a sentence boundary: training skips it too
        read = reader.read(record.question, [*([answer] if answer else []), *wrong])
        supports = [r.support for r in read]
        answer_support = supports.pop(0) if answer else None
        ranked = sorted(zip(supports, wrong, strict=True), key=lambda sw: -sw[0])[:KEPT]
        yield {
            "qid": record.qid,
            "answer_support": answer_support,
            "wrong": [
                {"support": round(s, 4), "context": c, "sentence": t} for s, (c, t) in ranked
            ],
        }


def load(path: Path, floor: float = FLOOR, most: int = MOST) -> dict[str, list[Candidate]]:
    """Per qid, up to `most` mined sentences the reader supported at `floor` or more."""
    found: dict[str, list[Candidate]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            kept = [(w["context"], w["sentence"]) for w in row["wrong"] if w["support"] >= floor]
            if kept:
                found[row["qid"]] = kept[:most]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weights", type=Path, default=WEIGHTS)
    parser.add_argument("--out", type=Path, default=MINED)
    args = parser.parse_args()
    train, _ = split(read_records())
    done: set[str] = set()
    if args.out.exists():  # resume: drop a line cut off mid-write, skip the questions done
        text = args.out.read_text(encoding="utf-8")
        text = text[: text.rfind("\n") + 1]
        args.out.write_text(text, encoding="utf-8")
        done = {json.loads(line)["qid"] for line in text.splitlines()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    started, count = time.time(), 0
    with tempfile.TemporaryDirectory() as models, args.out.open("a", encoding="utf-8") as out:
        reader = Reader(Path(models), threads=2, weights=args.weights)
        for row in mined(reader, train, done):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            out.flush()
            count += 1
            if count % 500 == 0:
                print(f"{count} questions, {time.time() - started:.0f} s", flush=True)
    print(f"{count} questions mined into {args.out} ({len(done)} were already there)")


if __name__ == "__main__":
    main()
