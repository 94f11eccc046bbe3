"""One check of the question for the CLI, /ask and /chat: what is empty, what is not text, and
the top_k bounds, each refused with a message that says what to fix."""

from __future__ import annotations

import pytest

from assistant import Assistant, QuestionError
from assistant.question_checks import MAX_TOP_K, question_text, top_k_asked

QUESTION = "Qui a proposé la création de la CICA ?"


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   ",
        "\u200b\u200b",
        "\u200c\u200d\u2060",
        "\ufeff",
        "\x00",
        "\x00\x00\x00",
        "\u200d \u2060\n",
        "\u00ad\u180e\u2063",
    ],
)
def test_invisible_questions_are_empty(seeded_assistant: Assistant, question: str) -> None:
    with pytest.raises(QuestionError, match="empty"):
        seeded_assistant.ask(question)


@pytest.mark.parametrize("question", [None, 42, 4.2, True, ["Qui ?"], {"q": "Qui ?"}, b"Qui ?"])
def test_a_question_that_is_not_text_is_refused_by_name(
    seeded_assistant: Assistant, question: object
) -> None:
    with pytest.raises(QuestionError, match=f"not {type(question).__name__}: send a string"):
        seeded_assistant.ask(question)  # type: ignore[arg-type]


@pytest.mark.parametrize("question", ["\ud800", "Qui \ud800 ?", "\udcff"])
def test_a_lone_surrogate_is_refused_with_a_message(
    seeded_assistant: Assistant, question: str
) -> None:
    with pytest.raises(QuestionError, match="surrogate"):
        seeded_assistant.ask(question)


@pytest.mark.parametrize("top_k", [-5, -1, MAX_TOP_K + 1, 10**12])
def test_top_k_outside_1_to_50_is_refused_naming_the_range(
    seeded_assistant: Assistant, top_k: int
) -> None:
    with pytest.raises(QuestionError, match=f"top_k is {top_k}: ask for 1 to 50"):
        seeded_assistant.ask(QUESTION, top_k=top_k)


@pytest.mark.parametrize("top_k", ["abc", "3", 2.5, float("nan"), float("inf"), True, [3]])
def test_a_top_k_that_is_not_a_whole_number_is_refused(top_k: object) -> None:
    with pytest.raises(QuestionError, match="top_k must be a whole number") as refused:
        top_k_asked(top_k)
    assert type(top_k).__name__ in str(refused.value)


def test_a_long_refused_top_k_is_echoed_short() -> None:
    with pytest.raises(QuestionError) as refused:
        top_k_asked("k" * 10_000)
    assert len(str(refused.value)) < 200


@pytest.mark.parametrize(
    ("top_k", "read"), [(None, None), (0, None), (0.0, None), (1, 1), (50, 50), (3.0, 3)]
)
def test_top_k_zero_or_missing_is_the_default_and_whole_floats_are_taken(
    top_k: object, read: int | None
) -> None:
    assert top_k_asked(top_k) == read


@pytest.mark.parametrize("top_k", [None, 0, 2])
def test_the_assistant_reads_top_k_paragraphs_or_its_default(
    seeded_assistant: Assistant, top_k: int | None
) -> None:
    answer = seeded_assistant.ask(QUESTION, top_k=top_k)
    assert 1 <= len(answer.retrieved) <= (top_k or seeded_assistant.settings.top_k)


def test_invisible_characters_around_a_question_are_dropped(seeded_assistant: Assistant) -> None:
    assert seeded_assistant.check_question("\u200bQui ?\x00") == "Qui ?"


def test_the_length_limit_names_its_setting() -> None:
    with pytest.raises(QuestionError, match="limit is 10") as refused:
        question_text("x" * 11, max_chars=10)
    assert refused.value.setting == "DOCQA_MAX_QUESTION_CHARS"
