"""Paragraph structure of the shipped seed documents, read through the real pipeline and store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest import default_corpus
from ingest.readers import read_markdown, read_plain_text
from store import Paragraph
from ui.context import Context

DECLARATION = "000_08fd0699280038d4.txt"
FACT_SHEET = "004_c1644274363e99c0.txt"
HEADINGS = {"I", "II", "亚信会议", "Assemblée générale"}
_NUMBERED = re.compile(r"^(\d{1,2})\. ")


@pytest.fixture(scope="module")
def declaration(seeded_context: Context) -> list[Paragraph]:
    return seeded_context.store.paragraphs(DECLARATION)


@pytest.fixture(scope="module")
def fact_sheet(seeded_context: Context) -> list[Paragraph]:
    return seeded_context.store.paragraphs(FACT_SHEET)


@pytest.fixture(scope="module")
def all_paragraphs(seeded_context: Context) -> list[Paragraph]:
    return seeded_context.store.paragraphs()


def test_the_seed_corpus_is_the_two_shipped_documents(seeded_context: Context) -> None:
    names = sorted(p.name for p in default_corpus().glob("*.txt"))
    assert names == [DECLARATION, FACT_SHEET]
    assert [d.doc_id for d in seeded_context.store.documents()] == names


def test_numbered_paragraphs_of_the_declaration_carry_part_and_number(
    declaration: list[Paragraph],
) -> None:
    numbered = [p for p in declaration if _NUMBERED.match(p.text)]
    tails = [" > ".join(p.section.split(" > ")[-2:]) for p in numbered]

    assert tails == [f"I > {n}" for n in range(1, 6)] + [f"II > {n}" for n in range(1, 8)]
    for paragraph in numbered:
        number = _NUMBERED.match(paragraph.text)
        assert number is not None
        assert paragraph.section.endswith(f" > {number[1]}")
        assert paragraph.section.startswith("Annexe à la lettre datée du 13 décembre 2017")
        assert "Déclaration des ministres des affaires étrangères" in paragraph.section


def test_unnumbered_paragraphs_of_each_part_carry_the_part(declaration: list[Paragraph]) -> None:
    intro_of_part_one = next(p for p in declaration if p.text.startswith("L'idée de la CICA"))
    intro_of_part_two = next(p for p in declaration if p.text.startswith("Les États membres"))

    assert intro_of_part_one.section.endswith(" > I")
    assert intro_of_part_two.section.endswith(" > II")


def test_signature_lines_join_the_letter_paragraph(declaration: list[Paragraph]) -> None:
    signed = [p for p in declaration if "(Signé)" in p.text]

    assert len(signed) == 1
    letter = signed[0]
    assert letter.text.startswith("Nous vous serions reconnaissants")
    lines = letter.text.splitlines()
    assert "(Signé) Wu Haitao" in lines
    assert "(Signé) Kairat Umarov" in lines
    assert "Représentant permanent du Kazakhstan" in letter.text
    assert not any(p.text.startswith("(Signé)") for p in declaration)


def test_the_closing_place_and_date_join_the_last_paragraph(declaration: list[Paragraph]) -> None:
    last = declaration[-1]

    assert last.text.startswith("7. Nous sommes déterminés")
    assert last.text.endswith("New York, le 20 septembre 2017")
    assert sum("New York, le 20 septembre 2017" in p.text for p in declaration) == 1


def test_no_paragraph_is_a_lone_short_heading(all_paragraphs: list[Paragraph]) -> None:
    for paragraph in all_paragraphs:
        assert paragraph.text.strip() not in HEADINGS
        assert len(paragraph.text) >= 50, paragraph
        assert re.search(r"[.!?:。！？：]", paragraph.text), paragraph


def test_the_fact_sheet_gives_one_french_and_one_chinese_paragraph(
    fact_sheet: list[Paragraph],
) -> None:
    assert [p.lang for p in fact_sheet] == ["fr", "zh"]
    french, chinese = fact_sheet
    assert "26 pays membres" in french.text
    assert "26个成员国" in chinese.text
    # The short Chinese title heads the paragraph it titles instead of standing alone.
    assert chinese.text.splitlines()[0] == "亚信会议"
    assert (
        french.doc_title == "La Conférence pour l'interaction et les mesures de confiance en Asie"
    )


def test_the_declaration_is_french(declaration: list[Paragraph]) -> None:
    assert {p.lang for p in declaration} == {"fr"}
    assert len(declaration) >= 15


def test_markup_never_reaches_the_index(all_paragraphs: list[Paragraph]) -> None:
    for paragraph in all_paragraphs:
        assert "**" not in paragraph.text
        assert "**" not in paragraph.section
        assert "**" not in paragraph.doc_title
    signed = next(p for p in all_paragraphs if "(Signé)" in p.text)
    assert "Wu Haitao" in signed.text


def test_ids_ordinals_and_hashes_are_consistent(all_paragraphs: list[Paragraph]) -> None:
    for doc_id in (DECLARATION, FACT_SHEET):
        paragraphs = [p for p in all_paragraphs if p.doc_id == doc_id]
        assert [p.ordinal for p in paragraphs] == list(range(1, len(paragraphs) + 1))
        assert [p.id for p in paragraphs] == [f"{doc_id}#{p.ordinal}" for p in paragraphs]
        assert len({p.content_hash for p in paragraphs}) == len(paragraphs)
        assert all(p.page is None for p in paragraphs)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.replace("**", ""))


def test_offsets_point_at_the_paragraph_in_the_source(all_paragraphs: list[Paragraph]) -> None:
    for paragraph in all_paragraphs:
        source = Path(paragraph.source)
        assert source.name == paragraph.doc_id
        text = source.read_text(encoding="utf-8").replace("\r\n", "\n")
        span = text[paragraph.start : paragraph.end]

        assert 0 <= paragraph.start < paragraph.end <= len(text)
        assert words(span) == words(paragraph.text), paragraph.id
        assert span == span.strip()  # the span starts and ends on the paragraph's text


def test_spans_of_consecutive_paragraphs_do_not_overlap(all_paragraphs: list[Paragraph]) -> None:
    for doc_id in (DECLARATION, FACT_SHEET):
        paragraphs = [p for p in all_paragraphs if p.doc_id == doc_id]
        for before, after in zip(paragraphs, paragraphs[1:], strict=False):
            assert before.end <= after.start


# -- Markdown ----------------------------------------------------------------------------------

GUIDE = """\
# Guide de la **CICA**

La Conférence pour l'interaction et les mesures de confiance en Asie réunit des **États
membres** d'Asie autour du dialogue.

## Organes

### Secrétariat

Le Secrétariat est l'organe permanent de la CICA depuis sa création à Almaty.

### Groupes de travail

Les groupes de travail spéciaux préparent les réunions des hauts fonctionnaires.

## Sommets

Quatre sommets ont été accueillis par le Kazakhstan, la Turquie et la Chine.
"""


def test_markdown_headings_become_sections() -> None:
    parsed = read_markdown("guide.md", GUIDE.encode("utf-8"))

    assert parsed.doc_id == "guide.md"
    assert parsed.title == "Guide de la CICA"
    assert [(d.section, d.text.split()[1]) for d in parsed.drafts] == [
        ("Guide de la CICA", "Conférence"),
        ("Guide de la CICA > Organes > Secrétariat", "Secrétariat"),
        ("Guide de la CICA > Organes > Groupes de travail", "groupes"),
        ("Guide de la CICA > Sommets", "sommets"),
    ]
    # Wrapped lines are joined and bold markers removed; offsets point into the source.
    assert parsed.drafts[0].text == (
        "La Conférence pour l'interaction et les mesures de confiance en Asie réunit des États "
        "membres d'Asie autour du dialogue."
    )
    for draft in parsed.drafts:
        assert words(GUIDE[draft.start : draft.end]) == words(draft.text)


def test_markdown_headings_are_not_sections_in_plain_text() -> None:
    parsed = read_plain_text("guide.txt", b"# Not a heading in a .txt file.\n\nBody text here.\n")

    assert parsed.drafts[0].text.startswith("# Not a heading")


GUIDE_WITH_SHORT_LIST = """\
# Guide

## Secrétariat

Le Secrétariat est l'organe permanent de la CICA depuis sa création à Almaty.

## Présidences

- Kazakhstan
- Turquie
- Chine

## Sommets

Quatre sommets ont été accueillis par les pays qui ont assuré la présidence.
"""


def test_a_short_list_under_its_own_heading_stays_in_its_section() -> None:
    parsed = read_markdown("guide.md", GUIDE_WITH_SHORT_LIST.encode("utf-8"))

    sections = {d.section: d.text for d in parsed.drafts}
    assert sections["Guide > Secrétariat"] == (
        "Le Secrétariat est l'organe permanent de la CICA depuis sa création à Almaty."
    )
    assert sections["Guide > Présidences"] == "- Kazakhstan\n- Turquie\n- Chine"
    assert sections["Guide > Sommets"].startswith("Quatre sommets")
