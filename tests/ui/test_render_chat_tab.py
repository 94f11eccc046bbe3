"""The Chat tab's own text: what is loaded, and the citation card's fields in the panel."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from store import DocumentSummary
from tests.ui.test_render import IMG, SCRIPT, answer, cite, paragraph
from ui import render
from ui.render_card import citation_cards_data
from ui.render_corpus import corpus_html

CITE = re.compile(r'<span class="dq-cite" ([^>]*)></span>')
FIELD = re.compile(r'data-([a-z]+)="([^"]*)"')


def fields(markup: str) -> list[dict[str, str]]:
    return [
        {key: html.unescape(value) for key, value in FIELD.findall(attributes)}
        for attributes in CITE.findall(markup)
    ]


def test_the_corpus_line_counts_documents_paragraphs_and_languages() -> None:
    documents = [
        DocumentSummary("a.txt", "Rapport", "/a.txt", 18, ("fr",)),
        DocumentSummary("b.txt", "Note", "/b.txt", 2, ("fr", "zh")),
    ]
    line = corpus_html(documents)
    assert "2 documents loaded" in line and "20 paragraphs in French and Chinese" in line
    assert "Rapport; Note" in line and 'class="dq-to-documents"' in line


def test_one_document_is_singular_and_titles_stay_text() -> None:
    line = corpus_html([DocumentSummary("a.txt", SCRIPT, "/a.txt", 1, ("en",))])
    assert "1 document loaded" in line and "1 paragraph in English" in line
    assert SCRIPT not in line and html.escape(SCRIPT) in line


def test_an_empty_store_points_to_the_documents_tab() -> None:
    assert "No documents are loaded yet" in corpus_html([])


def test_each_citation_carries_its_card_fields_in_the_panel() -> None:
    para = paragraph("The sky is blue. Grass is green.", 3, section="Colours", page=2)
    first = cite(1, para, "The sky is blue.")
    second = replace(cite(2, para, "Grass is green."), verified=False)
    shown = render.evidence_html(answer("Blue [1]. Green [2].", (first, second), (para,)))
    one, two = fields(shown)
    assert one == {
        "marker": "1",
        "quote": "The sky is blue.",
        "lang": "en",
        "title": "A title",
        "file": "doc.txt",
        "section": "Colours",
        "place": "¶3 · p. 2",
        "state": "verified",
        "status": "verified",
        "note": "The quoted sentence is in the document and supports the answer.",
    }
    assert two["state"] == "unverified" and "check it" in two["note"]


def test_the_card_speaks_the_answers_language_and_its_fields_stay_text() -> None:
    para = paragraph(f"Texte {IMG} ici.", doc_title=SCRIPT)
    markup = citation_cards_data([cite(1, para, f"Texte {IMG} ici.")], "fr")
    assert "<img" not in markup and "<script" not in markup
    (card,) = fields(markup)
    assert card["title"] == SCRIPT and card["quote"] == f"Texte {IMG} ici."
    assert card["status"] == "vérifiée"
