"""Unanswerable questions made by swapping a name or number the question shares with its
answer sentence (training/swapped_questions.py): the swap lands on a shared slot, takes a slot
of the same kind from another article, and never one the paragraph names."""

from __future__ import annotations

import random

from training.swapped_questions import Swapper, slots

POOL = [
    ("en", "Chopin", "Where did Chopin live in 1831?"),
    ("en", "Tibet", "Who ruled Tibet in 1642?"),
    ("fr", "Curitiba", "Quand Mauro Ribeiro rentre-t-il à Curitiba ?"),
    ("fr", "Tunis", "Quelle est la population de Tunis ?"),
    ("zh", "澳門", "澳門在1999年脫離了誰的統治？"),
    ("zh", "上海", "上海在哪一年举办了世博会？"),
]


def test_names_and_whole_numbers_are_found_but_not_the_question_word_nor_parts_of_words() -> None:
    question = "When did the iPod C-X75 reach New York in 2006?"
    found = {question[a:b]: kind for a, b, kind in slots(question, "en")}
    assert found == {"C-X75": "name", "New York": "name", "2006": "year"}
    zh = {q[a:b] for q in ["澳門在1999年脫離了誰的統治？"] for a, b, _ in slots(q, "zh")}
    assert {"澳門", "1999"} <= zh


def test_a_swap_replaces_a_slot_the_sentence_names_with_one_the_paragraph_never_does() -> None:
    swapper = Swapper(POOL)
    sentence = "In 1831 Chopin settled in Paris."
    for seed in range(20):
        swapped = swapper.swap(
            "Where did Chopin live in 1831?",
            "en",
            "Chopin",
            sentence,
            sentence,
            "Paris",
            random.Random(seed),
        )
        assert swapped is not None and swapped != "Where did Chopin live in 1831?"
        assert swapped in {"Where did Tibet live in 1831?", "Where did Chopin live in 1642?"}


def test_no_swap_without_a_slot_shared_with_the_sentence_outside_the_answer() -> None:
    swapper = Swapper(POOL)
    rng = random.Random(0)
    assert (
        swapper.swap("Who ruled Tibet?", "en", "Tibet", "He ruled.", "He ruled.", "He", rng) is None
    )
    sentence = "Chopin lived in Paris."  # the only shared name is the answer itself
    assert swapper.swap("Did Chopin live?", "en", "x", sentence, sentence, "Chopin", rng) is None
