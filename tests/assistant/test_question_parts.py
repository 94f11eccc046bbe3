"""Question parts, the expected kind of answer, and names the evidence must mention."""

from __future__ import annotations

import pytest

from assistant.expected_answers import (
    AnswerType,
    expected_types,
    holds_ordinal,
    holds_type,
    ordinals_named,
)
from assistant.question_parts import mentions, names_in, question_parts


@pytest.mark.parametrize(
    ("question", "lang", "parts"),
    [
        ("Who first came up with the idea of CICA, and when?", "en", 2),
        (
            "Quels pays se sont succédé, et lequel l'exerçait quand la lettre a été envoyée ?",
            "fr",
            2,
        ),
        ("亚信首届峰会是哪年几月、在哪座城市召开的？", "zh", 2),
        ("Pourquoi la paix et la sécurité sont-elles liées ?", "fr", 1),
    ],
)
def test_a_question_splits_at_connectives_before_a_question_word(
    question: str, lang: str, parts: int
) -> None:
    assert len(question_parts(question, lang)) == parts


def test_the_leading_question_word_decides_the_kind_of_answer() -> None:
    assert expected_types("lequel l'exerçait quand la lettre a été envoyée ?", "fr") == set()
    assert expected_types("De quand date la lettre ?", "fr") == {AnswerType.DATE}
    assert expected_types("Which country held it when the letter was sent?", "en") == {
        AnswerType.PLACE
    }
    assert AnswerType.PLACE in expected_types("Dans quelle ville se trouve-t-il ?", "fr")


def test_names_are_matched_across_endings_and_transliterations() -> None:
    assert names_in("Did China and Kazakhstan sign it?") == {"china", "kazakhstan"}
    assert mentions("la Chine et le Kazakhstan", "china")
    assert not mentions("la Chine et le Kazakhstan", "danube")
    assert mentions("président Nazarbaïev", "nazarbayev", same_language=False)


def test_an_ordinal_in_the_question_must_be_met_in_any_language() -> None:
    assert ordinals_named("亚信第二次峰会是在哪一年举办的？") == {2}
    assert ordinals_named("Où s'est tenu le troisième sommet ?") == {3}
    assert ordinals_named("第二十届会议") == set()  # the 20th, not the 2nd
    assert ordinals_named("Who first came up with the idea?") == set()  # an adverb
    assert holds_ordinal(2, "the 2nd summit") and holds_ordinal(2, "la deuxième session")
    assert not holds_ordinal(2, "经过十年,2002年6月,亚信会议第一次峰会在阿拉木图成功举行")


def test_a_person_is_a_name_not_an_office() -> None:
    def person(sentence: str) -> bool:
        return holds_type(AnswerType.PERSON, sentence, "Qui ?")

    assert person("du Kazakhstan, S.E. M. Noursoultan Nazarbayev, à la session")
    assert person("(Signé) Kairat Umarov")
    assert person("President Xi Jinping proposed a new concept")
    assert person("écrit par Guillaume Apollinaire en 1917")
    assert not person(
        "L'Ambassadeur et Représentant permanent auprès de l'Organisation des Nations Unies"
    )
