"""The reader's training and held-out pairs, built from ../shared/qa-train (never from benchdata).

Each question gives its answer sentence (positive, with the answer's character span) and
negatives: the sentences of its own paragraph that share most words with it (they name the
same things without answering), a sentence of a sibling paragraph of the same article, and
for unanswerable questions (SQuAD 2.0, DuReader-checklist) the closest sentences of the
paragraph they were written against, and off-topic sentences: the closest sentence of another
article (retrieval brings those; the reader must not answer from them). With a `switch`
(training/code_switch.py) some questions are asked word by word in another language, over the
same sentences. A held-out split per language (whole articles or paragraphs, never seen in
training) calibrates the decline threshold and reports figures; each held-out question reads its
paragraph's sentences among the closest sentences of other held-out articles, as the engine
reads several retrieved paragraphs.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.reader_input import text_before
from assistant.sentences import Sentence, split_sentences
from training.swapped_questions import Swapper

DATA = Path(__file__).resolve().parents[2] / "shared" / "qa-train"
HELD_OUT_QUESTIONS = 300  # answerable, per language
HELD_OUT_UNANSWERABLE = 100  # where the language has any (en, zh)
ZH_TRAIN_QUESTIONS = 9000  # Chinese has 22k questions: keep the mix near a third each
SWITCHED = 0.3  # share of questions asked in another language, where a dictionary serves
OFF_TOPIC = 0.4  # share of questions given the closest sentence of another article
SWAPPED = 0.5  # share of answerable questions also asked with a name or number swapped
OFF_TOPIC_POOL = 40  # paragraphs of other articles searched for it
DISTRACTORS = 8  # sentences of other held-out articles read with each held-out question
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Example:
    qid: str
    lang: str
    question: str
    context: str
    sentence: str
    label: int
    span: tuple[int, int] | None  # the answer inside `sentence`, for positives


@dataclass(frozen=True)
class Record:
    qid: str
    lang: str
    title: str
    question: str
    paragraph: str
    answers: tuple[tuple[int, int], ...]  # character spans in the paragraph


def read_records(data: Path = DATA) -> list[Record]:
    files = sorted(data.glob("*.jsonl.gz"))
    if not files:
        raise FileNotFoundError(
            f"no training data in {data}: the reader trains on ../shared/qa-train beside the "
            "project (its README lists the sources)"
        )
    records = []
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                r = json.loads(line)
                spans = tuple(
                    (a["answer_start"], a["answer_start"] + len(a["text"])) for a in r["answers"]
                )
                title = r["title"] or r["context"][:40]  # DuReader has none: its paragraph
                records.append(
                    Record(r["id"], r["lang"], title, r["question"], r["context"], spans)
                )
    return records


def split(records: list[Record], seed: int = 13) -> tuple[list[Record], list[Record]]:
    """(train, held out): held-out questions come from articles (English: paragraphs, its ten
    articles are too few) kept out of training, with unanswerable ones held out apart."""
    rng = random.Random(seed)
    train: list[Record] = []
    held: list[Record] = []
    for lang in ("en", "fr", "zh"):
        mine = [r for r in records if r.lang == lang]
        by_key: dict[str, list[Record]] = defaultdict(list)
        for r in mine:
            by_key[r.paragraph if lang == "en" else r.title].append(r)
        keys = sorted(by_key)
        rng.shuffle(keys)
        kept: set[str] = set()
        for wanted, quota in ((True, HELD_OUT_QUESTIONS), (False, HELD_OUT_UNANSWERABLE)):
            count = 0
            for key in keys:
                if count >= quota:
                    break
                found = sum(bool(r.answers) == wanted for r in by_key[key])
                if found and key not in kept:
                    kept.add(key)
                    count += found
        held += [r for key in sorted(kept) for r in by_key[key]]
        rest = [r for key in keys if key not in kept for r in by_key[key]]
        if lang == "zh":
            unanswerable = [r for r in rest if not r.answers]
            answerable = [r for r in rest if r.answers][: ZH_TRAIN_QUESTIONS - len(unanswerable)]
            rest = unanswerable + answerable
        train += rest
    return train, held


def terms(text: str, lang: str) -> set[str]:
    if lang == "zh":
        chars = [c for c in text if not c.isspace()]
        return {a + b for a, b in zip(chars, chars[1:], strict=False)}
    return {w.lower() for w in _WORD.findall(text) if len(w) > 2}


def overlap(question_terms: set[str], sentence: str, lang: str) -> float:
    return len(question_terms & terms(sentence, lang)) / (len(question_terms) or 1)


def answer_sentence(sentences: list[Sentence], answer: tuple[int, int]) -> Sentence | None:
    return next((s for s in sentences if s.start <= answer[0] and answer[1] <= s.end), None)


def example(
    record: Record, sentence: Sentence, label: int, span: tuple[int, int] | None
) -> Example:
    context = text_before(record.paragraph, sentence.start)
    return Example(record.qid, record.lang, record.question, context, sentence.text, label, span)


def positive(record: Record, sentences: list[Sentence]) -> Example | None:
    for answer in record.answers:
        found = answer_sentence(sentences, answer)
        if found is not None:
            return example(record, found, 1, (answer[0] - found.start, answer[1] - found.start))
    return None


Switch = Callable[[str, str, random.Random], str | None]


# A paragraph of another article, its sentences split once (each question searches them all).
Pooled = tuple[str, str, list[Sentence]]  # title, paragraph, its sentences


def paragraphs_by_language(records: list[Record]) -> dict[str, list[Pooled]]:
    """Each language's distinct paragraphs, in a fixed order, with their sentences."""
    seen: dict[str, dict[str, str]] = defaultdict(dict)
    for r in records:
        seen[r.lang].setdefault(r.paragraph, r.title)
    return {
        lang: [(t, p, split_sentences(p)) for p, t in sorted(found.items())]
        for lang, found in seen.items()
    }


def closest_elsewhere(
    record: Record, pool: list[Pooled], count: int, rng: random.Random, size: int
) -> list[tuple[str, Sentence]]:
    """The `count` sentences of other articles' paragraphs (a random `size` of `pool`, or all
    of it) that share most words with the question, none holding an answer."""
    question_terms = terms(record.question, record.lang)
    answer_texts = [record.paragraph[a:b] for a, b in record.answers]
    others = [pooled for pooled in pool if pooled[0] != record.title]
    if size and len(others) > size:
        others = rng.sample(others, size)
    found = [
        (paragraph, s)
        for _, paragraph, sentences in others
        for s in sentences
        if not any(text in s.text for text in answer_texts)
    ]
    found.sort(key=lambda ps: -overlap(question_terms, ps[1].text, record.lang))
    return found[:count]


def training_examples(
    train: list[Record],
    seed: int = 13,
    switch: Switch | None = None,
    swapper: Swapper | None = None,
    mined: Mapping[str, list[tuple[str, str]]] | None = None,
) -> Iterator[Example]:
    """`mined`: per qid, (context, sentence) negatives a trained reader got wrong
    (training/mined_negatives.py), asked the way the question's other pairs are."""
    rng = random.Random(seed)
    siblings: dict[str, list[str]] = defaultdict(list)
    for r in train:
        if not siblings[r.title] or siblings[r.title][-1] != r.paragraph:
            siblings[r.title].append(r.paragraph)
    pools = paragraphs_by_language(train)
    for record in train:
        if switch is not None and rng.random() < SWITCHED:
            question = switch(record.question, record.lang, rng)
            if question:  # every pair of this question is asked the same way
                record = replace(record, question=question)
        sentences = split_sentences(record.paragraph)
        question_terms = terms(record.question, record.lang)
        answer_texts = {record.paragraph[a:b] for a, b in record.answers}
        found = positive(record, sentences) if record.answers else None
        if record.answers and found is None:
            continue  # the answer crosses a sentence boundary
        if found is not None:
            yield found
            if swapper is not None and rng.random() < SWAPPED:
                yield from swapped_negative(record, found, swapper, rng)
        others = [
            s
            for s in sentences
            if not any(text in s.text for text in answer_texts)
            and (found is None or s.text != found.sentence)
        ]
        others.sort(key=lambda s: -overlap(question_terms, s.text, record.lang))
        hard = 3 if found is None else 1  # unanswerable questions are few and teach the most
        for s in others[:hard]:
            yield example(record, s, 0, None)
        if found is not None and len(others) > 1 and rng.random() < 0.5:
            yield example(record, rng.choice(others[1:]), 0, None)
        sibling_pool = [p for p in siblings[record.title] if p != record.paragraph]
        if found is not None and sibling_pool and rng.random() < 0.5:
            paragraph = rng.choice(sibling_pool)
            candidates = [
                s for s in split_sentences(paragraph) if not any(t in s.text for t in answer_texts)
            ]
            if candidates:
                best = max(candidates, key=lambda s: overlap(question_terms, s.text, record.lang))
                context = text_before(paragraph, best.start)
                yield Example(record.qid, record.lang, record.question, context, best.text, 0, None)
        if rng.random() < OFF_TOPIC:
            pool = pools[record.lang]
            for paragraph, s in closest_elsewhere(record, pool, 1, rng, OFF_TOPIC_POOL):
                context = text_before(paragraph, s.start)
                yield Example(record.qid, record.lang, record.question, context, s.text, 0, None)
        for context, sentence in (mined or {}).get(record.qid, []):
            yield Example(record.qid, record.lang, record.question, context, sentence, 0, None)


def swapped_negative(
    record: Record, found: Example, swapper: Swapper, rng: random.Random
) -> Iterator[Example]:
    """The answer sentence, labelled 0, for the question with a name or number swapped."""
    a, b = record.answers[0]
    question = swapper.swap(
        record.question,
        record.lang,
        record.title,
        found.sentence,
        record.paragraph,
        record.paragraph[a:b],
        rng,
    )
    if question is not None:
        yield replace(found, qid=record.qid + "~swapped", question=question, label=0, span=None)


def held_out_groups(
    held: list[Record], switch: Switch | None = None, seed: int = 13
) -> Iterator[list[Example]]:
    """Per held-out question, every sentence of its paragraph (labelled) and the DISTRACTORS
    closest sentences of other held-out articles, as the engine reads the sentences of several
    retrieved paragraphs. With `switch`, only the questions it can switch, asked in the other
    language (lang "en-zh": a Chinese question given in English; "zh-en" the reverse)."""
    rng = random.Random(seed)
    pools = paragraphs_by_language(held)
    for record in held:
        lang = record.lang
        if switch is not None:
            question = switch(record.question, record.lang, rng)
            if not question:
                continue
            record = replace(record, question=question)
            lang = "en-zh" if record.lang == "zh" else "zh-en"
        sentences = split_sentences(record.paragraph)
        found = positive(record, sentences) if record.answers else None
        if record.answers and found is None:
            continue
        group = []
        for s in sentences:
            if found is not None and s.text == found.sentence:
                group.append(found)
            else:
                group.append(example(record, s, 0, None))
        for paragraph, s in closest_elsewhere(record, pools[record.lang], DISTRACTORS, rng, 0):
            context = text_before(paragraph, s.start)
            group.append(Example(record.qid, lang, record.question, context, s.text, 0, None))
        yield [replace(e, lang=lang) for e in group]
