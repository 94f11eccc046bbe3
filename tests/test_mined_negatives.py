"""Hard negatives mined with the shipped reader (training/mined_negatives.py): wrong sentences
only, from training questions only, and the training data takes them as their question's
negatives (the real reader on onnxruntime; no torch)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from assistant.reader import Reader
from assistant.sentences import split_sentences
from training.mined_negatives import candidates, load, mined
from training.reader_data import Record, positive, read_records, split, training_examples


@pytest.fixture(scope="module")
def train() -> list[Record]:
    return split(read_records())[0]


def test_mined_sentences_never_hold_an_answer_and_come_from_the_article(
    train: list[Record], tmp_path: Path
) -> None:
    by_title: dict[str, list[str]] = {}
    for r in train:
        by_title.setdefault(r.title, [])
        if r.paragraph not in by_title[r.title]:
            by_title[r.title].append(r.paragraph)
    chosen = [r for r in train if r.answers and len(by_title[r.title]) > 1][:4]
    chosen += [r for r in train if not r.answers][:2]
    rows = list(mined(Reader(tmp_path, threads=2), chosen, done={chosen[0].qid}))
    assert [row["qid"] for row in rows] == [r.qid for r in chosen[1:]]
    for record, row in zip(chosen[1:], rows, strict=True):
        article = " ".join(by_title[record.title])
        answers = [record.paragraph[a:b] for a, b in record.answers]
        assert (row["answer_support"] is None) == (not record.answers)
        assert row["wrong"], record.qid
        supports = [w["support"] for w in row["wrong"]]
        assert supports == sorted(supports, reverse=True)
        for wrong in row["wrong"]:
            assert 0.0 <= wrong["support"] <= 1.0
            assert wrong["sentence"] in article
            assert not any(a in wrong["sentence"] for a in answers)


def test_a_question_reads_its_paragraph_and_its_closest_sibling(train: list[Record]) -> None:
    record = next(r for r in train if r.answers and r.lang == "en")
    siblings = sorted({r.paragraph for r in train if r.title == record.title})
    answer, wrong = candidates(record, siblings)
    assert answer is not None and answer[1] in record.paragraph
    sources = {p for p in siblings for _, sentence in wrong if sentence in p}
    assert record.paragraph in sources and len(sources) <= 2


def test_training_takes_the_well_supported_mistakes_as_negatives(
    train: list[Record], tmp_path: Path
) -> None:
    first, second = [r for r in train if r.answers and positive(r, split_sentences(r.paragraph))][
        :2
    ]
    rows = [
        {
            "qid": first.qid,
            "answer_support": 0.9,
            "wrong": [
                {"support": 0.7, "context": "", "sentence": "Strongly supported, wrong."},
                {"support": 0.4, "context": "Before.", "sentence": "Also wrong."},
                {"support": 0.3, "context": "", "sentence": "A third, beyond the most kept."},
            ],
        },
        {
            "qid": second.qid,
            "answer_support": 0.9,
            "wrong": [
                {"support": 0.05, "context": "", "sentence": "Barely supported: not a mistake."},
            ],
        },
    ]
    path = tmp_path / "mined.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    hard = load(path)
    assert hard == {first.qid: [("", "Strongly supported, wrong."), ("Before.", "Also wrong.")]}
    examples = list(itertools.islice(training_examples([first, second], mined=hard), 50))
    taken = [e for e in examples if e.sentence in {"Strongly supported, wrong.", "Also wrong."}]
    assert [(e.qid, e.label, e.context) for e in taken] == [
        (first.qid, 0, ""),
        (first.qid, 0, "Before."),
    ]
    assert all(e.question == first.question for e in taken)
