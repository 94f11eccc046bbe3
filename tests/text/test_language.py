"""Language of questions and the keyword tokens that match questions to paragraphs."""

from __future__ import annotations

import pytest

from evals import default_eval_set, load_eval_set
from text import detect_language, tokenize


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Quand la CICA a-t-elle été créée et par qui ?", "fr"),
        ("Combien de pays membres la CICA comptait-elle en 2014 ?", "fr"),
        ("When was CICA founded, and by whom?", "en"),
        ("How many member states did CICA have in 2014?", "en"),
        ("亚信会议有多少个成员国？", "zh"),
        ("CICA 是什么时候成立的？", "zh"),
        ("亚信", "zh"),
    ],
)
def test_question_language_is_detected(question: str, lang: str) -> None:
    assert detect_language(question) == lang


def test_every_seed_question_is_detected_in_its_language() -> None:
    wrong = [
        (item.id, detect_language(item.question))
        for item in load_eval_set(default_eval_set())
        if detect_language(item.question) != item.lang
    ]
    assert wrong == []


@pytest.mark.parametrize("text", ["", "   ", "2017", "?!", "26 / 2014"])
def test_text_without_letters_gets_the_default(text: str) -> None:
    assert detect_language(text) == "en"
    assert detect_language(text, default="fr") == "fr"


def test_a_french_query_word_matches_its_plural() -> None:
    query = set(tokenize("Quelle mesure ?", "fr"))
    paragraph = set(tokenize("Les mesures de confiance de la CICA.", "fr"))

    assert query & paragraph


def test_english_inflections_match() -> None:
    assert set(tokenize("confidence-building measure", "en")) <= set(
        tokenize("confidence-building measures", "en")
    )


def test_accents_and_elisions_do_not_prevent_a_match() -> None:
    assert set(tokenize("l'objectif", "fr")) == set(tokenize("objectif", "fr"))
    assert set(tokenize("Conférence", "fr")) == set(tokenize("conference", "fr"))


def test_stopwords_of_every_language_are_dropped() -> None:
    assert tokenize("de la les et the of what is 的 是 什么", "fr") == []


def test_acronyms_and_numbers_are_kept_whole_in_every_language() -> None:
    for lang in ("fr", "en", "zh"):
        tokens = tokenize("CICA 2014", lang)
        assert "2014" in tokens
        assert "cica" in [t.lower() for t in tokens]
    assert tokenize("CICA", "fr") == tokenize("CICA", "en")


def test_chinese_is_segmented_into_words() -> None:
    question = tokenize("亚信会议有多少个成员国？", "zh")
    paragraph = tokenize(
        "截止到2014年的上海亚信峰会，亚信会议已有26个成员国，横跨亚洲各区域。", "zh"
    )

    assert {"亚信", "会议", "成员国"} <= set(question)
    assert {"亚信", "会议", "成员国"} <= set(paragraph)
    assert not {"有", "多少", "个", "？"} & set(question)  # stopwords and punctuation
    assert any(len(word) == 2 for word in question)


def test_mixed_chinese_and_latin_text_keeps_both() -> None:
    tokens = tokenize("CICA 亚信会议 mesures", "fr")

    assert "cica" in [t.lower() for t in tokens]
    assert "亚信" in tokens
    assert set(tokenize("mesure", "fr")) <= set(tokens)
