"""Citation verification with the real USE embedder over the seed corpus's paragraphs."""

from __future__ import annotations

import re

import pytest

from assistant import Assistant
from assistant.extractive import compose
from assistant.phrases import CONNECTORS
from assistant.sentences import split_sentences
from assistant.types import Citation
from assistant.verify import VERIFIED_FROM, Verifier, statements
from store import Paragraph

FACT_SHEET_FR = "004_c1644274363e99c0.txt#1"
FACT_SHEET_ZH = "004_c1644274363e99c0.txt#2"
DECLARATION_OPENING = "000_08fd0699280038d4.txt#4"
MARKER = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def verifier(seeded_assistant: Assistant) -> Verifier:
    return seeded_assistant.verifier


@pytest.fixture(scope="module")
def evidence(seeded_assistant: Assistant) -> list[Paragraph]:
    return seeded_assistant.store.get([FACT_SHEET_FR, FACT_SHEET_ZH, DECLARATION_OPENING])


def best_support(verifier: Verifier, claim: str, lang: str, evidence: list[Paragraph]) -> float:
    return max(verifier.support(claim, lang, p).score for p in evidence)


@pytest.mark.parametrize(
    ("claim", "lang"),
    [
        ("Le premier sommet s'est tenu à Almaty.", "fr"),
        ("The first CICA summit was held in Almaty in June 2002.", "en"),
        ("亚信会议第一次峰会于2002年6月在阿拉木图举行。", "zh"),
        ("In October 1992, Kazakh President Nazarbayev proposed a regional security body.", "en"),
    ],
)
def test_a_supported_claim_is_verified_also_across_languages(
    verifier: Verifier, evidence: list[Paragraph], claim: str, lang: str
) -> None:
    assert best_support(verifier, claim, lang, evidence) >= VERIFIED_FROM


@pytest.mark.parametrize(
    ("claim", "lang"),
    [
        ("The weather is nice today.", "en"),
        ("In October 1995, Kazakh President Nazarbayev proposed a regional security body.", "en"),
        ("CICA has its headquarters on the Moon and 400 members.", "en"),
        ("Le premier sommet s'est tenu à Bruxelles.", "fr"),
    ],
)
def test_an_unsupported_claim_a_wrong_number_or_name_is_not_verified(
    verifier: Verifier, evidence: list[Paragraph], claim: str, lang: str
) -> None:
    assert best_support(verifier, claim, lang, evidence) < VERIFIED_FROM


def test_an_exact_quote_has_full_support(verifier: Verifier, evidence: list[Paragraph]) -> None:
    for sentence in split_sentences(evidence[0].text)[2:6]:
        support = verifier.support(sentence.text, "fr", evidence[0])
        assert support.score == pytest.approx(1.0) and support.quote == sentence


def test_statements_split_markers_after_the_full_stop_and_drop_questions() -> None:
    parsed = statements(
        "According to the documents: Almaty hosted it. [1] It was in 2002 [2, 9]. "
        "How many members? [1] It was in 2002 [2, 9]."
    )
    assert [(s.claim, s.markers) for s in parsed] == [
        ("Almaty hosted it.", (1,)),
        ("It was in 2002", (2, 9)),
    ]


def test_verify_repairs_or_drops_markers_and_removes_unsupported_sentences(
    verifier: Verifier, evidence: list[Paragraph]
) -> None:
    written = (
        "The first CICA summit was held in Almaty in June 2002 [7]. "
        "The Moon is made of green cheese [1]. "
        "Lors du sommet de la CICA à Shanghai en 2014, ce mécanisme comptait 26 pays membres."
    )
    result = verifier.verify(written, "en", evidence)

    assert result.kept == 2 and result.dropped == 1 and result.repaired == 2
    assert "Moon" not in result.text
    markers = [int(n) for n in MARKER.findall(result.text)]
    assert sorted(set(markers)) == [c.marker for c in result.citations] == [1, 2]
    by_marker = {c.marker: c for c in result.citations}
    assert by_marker[markers[0]].paragraph.id == FACT_SHEET_ZH  # the only one naming 2002 and June
    for citation in result.citations:
        assert citation.support >= VERIFIED_FROM
        assert citation.paragraph.text[citation.start : citation.end] == citation.quote


def test_verify_of_nothing_verifiable_keeps_nothing(
    verifier: Verifier, evidence: list[Paragraph]
) -> None:
    result = verifier.verify("Paris is the capital of Mars [1]. [2] [3]", "en", evidence)
    assert result.citations == () and result.text == "" and result.kept == 0


def test_an_extractive_answer_across_paragraphs_reads_as_one_text_and_verifies_whole(
    verifier: Verifier, evidence: list[Paragraph]
) -> None:
    fact_sheet, _, opening = evidence
    quotes = [
        (fact_sheet, split_sentences(fact_sheet.text)[2]),
        (fact_sheet, split_sentences(fact_sheet.text)[3]),
        (opening, split_sentences(opening.text)[0]),
    ]
    citations = [Citation(n, p, s.text, s.start, s.end) for n, (p, s) in enumerate(quotes, start=1)]

    text = compose("fr", citations)

    # a connector before the quote from another paragraph only, in the question's language
    assert text.count(CONNECTORS["fr"]) == 1
    assert text.index(CONNECTORS["fr"]) > text.index("[2]")
    result = verifier.verify(text, "fr", [fact_sheet, opening])
    assert result.kept == 3 and result.dropped == 0
    assert all(c.support == pytest.approx(1.0) for c in result.citations)
