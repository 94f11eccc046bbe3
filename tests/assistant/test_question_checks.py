"""One check of the question for the CLI, /ask and /chat: what is empty, what is not text, and
the top_k bounds, each refused with a message that says what to fix."""

from __future__ import annotations

import pytest

from assistant import Assistant, QuestionError


@pytest.mark.parametrize(
    "question",
    ["", "   ", "\u200b\u200b", "\ufeff", "\x00\x00", "\u200d \u2060\n"],
)
def test_invisible_questions_are_empty(seeded_assistant: Assistant, question: str) -> None:
    with pytest.raises(QuestionError, match="empty"):
        seeded_assistant.ask(question)


@pytest.mark.parametrize("question", [None, 42, ["Qui ?"], b"Qui ?"])
def test_a_question_that_is_not_text_is_refused_by_name(
    seeded_assistant: Assistant, question: object
) -> None:
    with pytest.raises(QuestionError, match=f"not {type(question).__name__}"):
        seeded_assistant.ask(question)  # type: ignore[arg-type]


def test_a_lone_surrogate_is_refused_with_a_message(seeded_assistant: Assistant) -> None:
    with pytest.raises(QuestionError, match="surrogate"):
        seeded_assistant.ask("Qui \ud800 ?")


@pytest.mark.parametrize("top_k", [0, -5, 51, 10**12])
def test_top_k_outside_1_to_50_is_refused(seeded_assistant: Assistant, top_k: int) -> None:
    with pytest.raises(QuestionError, match="top_k"):
        seeded_assistant.ask("Qui a proposé la création de la CICA ?", top_k=top_k)


def test_invisible_characters_around_a_question_are_dropped(seeded_assistant: Assistant) -> None:
    assert seeded_assistant.check_question("\u200bQui ?\x00") == "Qui ?"
