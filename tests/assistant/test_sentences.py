"""Sentence spans: what a citation can quote, with exact offsets."""

from __future__ import annotations

import re

import pytest

from assistant.sentences import split_sentences
from ui.context import Context


def texts(paragraph: str) -> list[str]:
    return [s.text for s in split_sentences(paragraph)]


def test_french_abbreviations_do_not_end_a_sentence() -> None:
    paragraph = (
        "L'idée de la CICA est venue du Président de la République du Kazakhstan, S.E. M. "
        "Noursoultan Nazarbayev, à la quarante-septième session de l'Assemblée générale des "
        "Nations Unies, le 5 octobre 1992. Aujourd'hui, la CICA est devenue l'une des instances "
        "les plus importantes d'Asie."
    )

    sentences = texts(paragraph)

    assert len(sentences) == 2
    assert "S.E. M. Noursoultan Nazarbayev" in sentences[0]
    assert sentences[0].endswith("le 5 octobre 1992.")
    assert sentences[1].startswith("Aujourd'hui")


@pytest.mark.parametrize(
    "paragraph",
    [
        "Distr. générale du document de l'Assemblée. Original : anglais.",
        "Voir cf. annexe du rapport de MM. Wu et Umarov. Fin du texte.",
        "Le rapport de Mme Dupont est joint. Fin du texte.",
        "Voir art. 5 de la Charte des Nations Unies. Fin du texte.",
        "Le document No. 72 est distribué. Fin du texte.",
        "The U.N. General Assembly met in New York. It adopted the text.",
        "Several forums, e.g. business councils, took part. They met twice.",
        "Mr. Wu Haitao signed the letter for China. Mr. Umarov signed for Kazakhstan.",
    ],
)
def test_abbreviations_keep_their_sentence_whole(paragraph: str) -> None:
    assert len(texts(paragraph)) == 2


def test_chinese_full_stops_split() -> None:
    paragraph = (
        "亚信会议建立了议事和决策机制。截止到2014年，亚信会议已有26个成员国！这是真的吗？是的"
    )

    assert texts(paragraph) == [
        "亚信会议建立了议事和决策机制。",
        "截止到2014年，亚信会议已有26个成员国！",
        "这是真的吗？",
        "是的",
    ]


def test_line_breaks_end_a_unit() -> None:
    paragraph = "Nous vous serions reconnaissants de diffuser la lettre.\n(Signé) Wu Haitao"

    assert texts(paragraph) == [
        "Nous vous serions reconnaissants de diffuser la lettre.",
        "(Signé) Wu Haitao",
    ]


def test_paragraph_numbering_is_not_a_sentence() -> None:
    sentences = texts(
        "1. Conformément à la Charte des Nations Unies, la Conférence a adopté l'Acte."
    )

    assert sentences == [
        "Conformément à la Charte des Nations Unies, la Conférence a adopté l'Acte."
    ]


def test_long_sentences_are_cut_into_clauses_at_semicolons() -> None:
    clause = "à respecter la souveraineté et l'intégrité territoriale de chaque État partenaire ; "
    paragraph = "Nous nous engageons " + clause * 6 + "et à régler les différends pacifiquement."

    sentences = split_sentences(paragraph)

    assert len(sentences) > 1
    assert all(len(s.text) <= 350 for s in sentences)
    assert all(paragraph[s.start : s.end] == s.text for s in sentences)
    words = re.findall(r"\w+", paragraph)
    assert re.findall(r"\w+", " ".join(s.text for s in sentences)) == words


@pytest.mark.parametrize(
    "paragraph",
    ["", "   ", "5.", "— –", "...", "\n\n"],
)
def test_nothing_to_cite_gives_no_sentence(paragraph: str) -> None:
    assert split_sentences(paragraph) == []


def test_offsets_are_exact_on_every_seed_paragraph(seeded_context: Context) -> None:
    for paragraph in seeded_context.store.paragraphs():
        sentences = split_sentences(paragraph.text)
        assert sentences, paragraph.id
        previous_end = 0
        for sentence in sentences:
            assert paragraph.text[sentence.start : sentence.end] == sentence.text
            assert sentence.text == sentence.text.strip()
            assert sentence.start >= previous_end
            previous_end = sentence.end
