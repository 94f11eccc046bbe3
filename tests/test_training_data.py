"""The reader's training data from ../shared/qa-train: held-out articles never trained on,
positives holding their answer, negatives never holding it (pure Python: no torch)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from training.code_switch import switched
from training.reader_data import (
    DISTRACTORS,
    Record,
    held_out_groups,
    read_records,
    split,
    training_examples,
)


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return read_records()


def test_held_out_questions_come_from_paragraphs_never_trained_on(records: list[Record]) -> None:
    train, held = split(records)
    assert {r.lang for r in held} == {"en", "fr", "zh"}
    assert not {r.paragraph for r in train} & {r.paragraph for r in held}
    for lang in ("en", "zh"):  # the languages with unanswerable questions hold some out
        assert sum(1 for r in held if r.lang == lang and not r.answers) >= 50


def test_positives_hold_their_answer_and_negatives_never_do(records: list[Record]) -> None:
    train, _ = split(records)
    by_id = {r.qid: r for r in train}
    examples = list(itertools.islice(training_examples(train), 3000))
    assert {e.lang for e in examples} >= {"en"}
    assert {e.label for e in examples} == {0, 1}
    for example in examples:
        record = by_id[example.qid]
        answers = {record.paragraph[a:b] for a, b in record.answers}
        if example.label:
            assert example.span is not None
            start, end = example.span
            assert example.sentence[start:end] in answers
        else:
            assert not any(a in example.sentence for a in answers)


def test_each_held_out_group_is_its_paragraph_among_other_articles_sentences(
    records: list[Record],
) -> None:
    _, held = split(records)
    by_id = {r.qid: r for r in held}
    groups = list(itertools.islice(held_out_groups(held), 200))
    assert groups
    for group in groups:
        assert len({e.qid for e in group}) == 1
        assert sum(e.label for e in group) <= 1
        record = by_id[group[0].qid]
        elsewhere = [e for e in group if e.sentence not in record.paragraph]
        assert 0 < len(elsewhere) <= DISTRACTORS
        answers = [record.paragraph[a:b] for a, b in record.answers]
        assert not any(a in e.sentence for e in elsewhere for a in answers)


def test_switched_questions_are_asked_in_the_other_language(records: list[Record]) -> None:
    train, held = split(records)
    for group in itertools.islice(held_out_groups(held, switch=switched), 50):
        question = group[0].question
        assert group[0].lang in ("en-zh", "zh-en")
        assert {e.question for e in group} == {question}  # every pair asks it the same way
        latin = sum(c.isascii() and c.isalpha() for c in question)
        han = sum("\u4e00" <= c <= "\u9fff" for c in question)
        assert (latin > han) if group[0].lang == "en-zh" else han > 0
    examples = list(itertools.islice(training_examples(train, switch=switched), 3000))
    originals = {r.question for r in train}
    assert 0.1 < sum(e.question not in originals for e in examples) / len(examples) < 0.5


def test_missing_training_data_is_named_not_read_as_empty(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="qa-train"):
        read_records(tmp_path)
