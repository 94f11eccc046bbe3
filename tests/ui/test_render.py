"""The evidence panel and the chat's answer text: escaping, highlighted spans, abstention."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant import Answer, Assistant, Citation, Hit
from assistant.types import ShortAnswer
from store import Paragraph, content_hash
from ui import render

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
TAG = re.compile(r"<[^>]*>")


def paragraph(text: str, ordinal: int = 1, **fields: object) -> Paragraph:
    values: dict = {
        "id": f"doc.txt#{ordinal}",
        "doc_id": "doc.txt",
        "doc_title": "A title",
        "source": "/tmp/doc.txt",
        "ordinal": ordinal,
        "section": "",
        "page": None,
        "lang": "en",
        "text": text,
        "start": 0,
        "end": len(text),
        "content_hash": content_hash(text),
    }
    return Paragraph(**(values | fields))


def cite(marker: int, para: Paragraph, quote: str, occurrence: int = 0) -> Citation:
    start = para.text.index(quote)
    for _ in range(occurrence):
        start = para.text.index(quote, start + 1)
    return Citation(marker, para, quote, start, start + len(quote))


def answer(
    text: str,
    citations: tuple[Citation, ...] = (),
    retrieved: tuple[Paragraph, ...] = (),
    language: str = "en",
) -> Answer:
    hits = tuple(Hit(p, 1.0 / (i + 1)) for i, p in enumerate(retrieved))
    return Answer("q?", language, text, citations, not citations, hits)


def visible_text(markup: str) -> str:
    """What a browser shows: our tags dropped, entities decoded."""
    return html.unescape(TAG.sub("", markup))


# -- evidence panel -------------------------------------------------------------------------


def test_the_cited_span_is_marked_exactly() -> None:
    para = paragraph("First sentence. The CICA had 26 members in 2014. Last one.")
    quote = "The CICA had 26 members in 2014."
    out = render.evidence_html(answer("It had 26. [1]", (cite(1, para, quote),)))
    assert f'<mark id="cite-1">{quote}</mark>' in out
    assert out.count("<mark") == 1
    assert "First sentence. " in out and " Last one." in out  # the whole paragraph is shown


def test_a_card_shows_where_the_paragraph_comes_from() -> None:
    para = paragraph("Some text here.", ordinal=7, section="Annexe > II", page=3, lang="fr")
    out = render.evidence_html(answer("x [1]", (cite(1, para, "Some text"),)))
    for shown in ("doc.txt", "A title", "Annexe &gt; II", "¶7", "p. 3", "fr"):
        assert shown in out


def test_a_card_names_its_document_by_title_with_the_file_name_secondary() -> None:
    para = paragraph("Some text here.", doc_title="La Conférence & l'Asie", doc_id="004_c16.txt")
    out = render.evidence_html(answer("x [1]", (cite(1, para, "Some text"),)))
    head = re.search(r'<header class="dq-card-head">(.*?)</header>', out)
    assert head, out
    name = '<span class="dq-doc-title">La Conférence &amp; l&#x27;Asie</span>'
    assert f'<span class="dq-doc">{name} <span class="dq-file">004_c16.txt</span></span>' in head[1]
    article = out[out.index("<article") : out.index("</article>")]
    assert visible_text(article).count("La Conférence & l'Asie") == 1  # not twice


def test_a_document_without_a_title_is_named_by_its_file() -> None:
    para = paragraph("Some text here.", doc_title="")
    out = render.evidence_html(answer("x [1]", (cite(1, para, "Some text"),)))
    assert '<span class="dq-doc"><span class="dq-file">doc.txt</span></span>' in out
    assert "dq-doc-title" not in out


def test_no_page_is_shown_when_the_paragraph_has_none() -> None:
    out = render.evidence_html(answer("x [1]", (cite(1, paragraph("Some text."), "Some"),)))
    assert "p. " not in out


def test_two_citations_of_one_paragraph_make_one_card_with_both_marks() -> None:
    para = paragraph("Alpha is one. Beta is two. Gamma is three.")
    other = paragraph("Delta is four.", ordinal=2)
    citations = (
        cite(1, para, "Alpha is one."),
        cite(2, other, "Delta is four."),
        cite(3, para, "Gamma is three."),
    )
    out = render.evidence_html(answer("a [1] d [2] g [3]", citations))
    assert out.count("<article") == 2
    assert '<mark id="cite-1">Alpha is one.</mark>' in out
    assert '<mark id="cite-3">Gamma is three.</mark>' in out
    assert '<mark id="cite-2">Delta is four.</mark>' in out
    assert out.index("cite-1") < out.index("cite-2")  # cards in order of first citation


def test_overlapping_citations_keep_the_text_whole_and_every_anchor() -> None:
    para = paragraph("abcdefghij")
    spans = [render.Span(1, 2, 5), render.Span(2, 4, 8), render.Span(3, 4, 6)]
    out = render.marked_text(para.text, spans)
    assert visible_text(out) == para.text
    for marker in (1, 2, 3):
        assert f'id="cite-{marker}"' in out


@given(
    text=st.text(alphabet=st.sampled_from(list("ab <>&\"'é中。")), max_size=40),
    data=st.data(),
)
def test_marked_text_shows_exactly_the_paragraph(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    out = render.marked_text(text, [render.Span(1, start, end)])
    assert visible_text(out) == text
    assert "<" not in TAG.sub("", out)  # no markup but ours
    if end > start:
        assert f'<mark id="cite-1">{html.escape(text[start:end])}</mark>' in out


@pytest.mark.parametrize("payload", [SCRIPT, IMG, '"><img src=x onerror=alert(1)>'])
def test_document_text_cannot_inject_html(payload: str) -> None:
    text = f"Before {payload} the cited sentence {payload}. After {payload}."
    para = paragraph(
        text, doc_id=f"{payload}.txt", doc_title=payload, section=f"{payload} 2", lang="en"
    )
    quote = f"the cited sentence {payload}."
    out = render.evidence_html(answer("x [1]", (cite(1, para, quote),)))
    assert "<script" not in out and "<img" not in out and "onerror=alert(1)>" not in out
    assert html.escape(payload) in out
    assert visible_text(out).count(payload) == 6  # file name, title, section, 3 times in text


def test_abstention_shows_the_three_nearest_paragraphs_unmarked() -> None:
    nearest = tuple(paragraph(f"Paragraph {i} {SCRIPT}", ordinal=i) for i in range(1, 6))
    out = render.evidence_html(answer("The documents don't say.", retrieved=nearest))
    assert "Nearest paragraphs — not an answer" in out
    assert out.count("<article") == 3
    assert "<mark" not in out
    assert "Paragraph 3" in out and "Paragraph 4" not in out
    assert "<script" not in out


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("fr", "Paragraphes les plus proches — pas une réponse"),
        ("zh", "最接近的段落——并非答案"),
        ("en", "Nearest paragraphs — not an answer"),
    ],
)
def test_the_abstention_heading_speaks_the_questions_language(language: str, heading: str) -> None:
    out = render.evidence_html(answer("…", retrieved=(paragraph("x"),), language=language))
    assert heading in out


def test_no_documents_gives_a_hint() -> None:
    out = render.evidence_html(answer("No documents are loaded yet."))
    assert "<article" not in out
    assert "Documents tab" in out


# -- the answer in the chat -----------------------------------------------------------------


def test_markers_link_to_their_span_with_the_quote_on_hover() -> None:
    para = paragraph('He said "26 members" & more <b>bold</b>.')
    quote = para.text
    out = render.answer_markdown(answer("They had 26 members. [1]", (cite(1, para, quote),)))
    link = re.search(r'<a class="dq-ref dq-turn-0" href="#cite-1" title="([^"]*)">\[1\]</a>', out)
    assert link, out
    assert html.unescape(link[1]) == quote
    assert "<b>" not in out


def test_answer_text_cannot_inject_html_or_markdown() -> None:
    para = paragraph(f"Evil {SCRIPT} and {IMG} text.")
    text = f"D'après : Evil {SCRIPT} and {IMG} text. [1] **bold** [link](http://x) $$x$$"
    out = render.answer_markdown(answer(text, (cite(1, para, para.text),)))
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out
    assert "**" not in out and "](" not in out and "$$" not in out  # all backslash-escaped


def test_a_marker_without_a_citation_stays_plain_text() -> None:
    out = render.answer_markdown(answer("See [2].", ()))
    assert "href" not in out and r"\[2\]" in out


def test_streaming_cuts_grow_to_the_whole_answer_and_keep_markers_whole() -> None:
    text = "D'après les documents : Une phrase de 3.5 mots. [1] Une autre ! [2] Fin"
    cuts = render.stream_cuts(text)
    assert cuts == sorted(cuts) and cuts[-1] == len(text) and len(cuts) >= 3
    for cut in cuts:
        assert not re.search(r"\[\d*$", text[:cut])  # never inside a marker
    assert not any(text[:cut].endswith("3.") for cut in cuts)  # not at a decimal point
    assert render.stream_cuts("") == [0]


# -- over real answers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["Combien de pays membres comptait la CICA en 2014 ?", "亚信会议有多少个成员国？"],
)
def test_real_answers_render_their_citations(seeded_assistant: Assistant, question: str) -> None:
    real = seeded_assistant.ask(question)
    out = render.evidence_html(real)
    markdown = render.answer_markdown(real)
    if real.abstained:
        assert "<mark" not in out and "dq-abstained" in out
        return
    for c in real.citations:
        assert f'<mark id="cite-{c.marker}">{html.escape(c.quote)}</mark>' in out
        assert f'href="#cite-{c.marker}"' in markdown


# -- verification, translations, pages, the copy text ------------------------------------------


def test_an_unverified_citation_is_shown_as_unverified() -> None:
    para = paragraph("Alpha is one. Beta is two.")
    sure = cite(1, para, "Alpha is one.")
    unsure = Citation(2, para, "Beta is two.", 14, 26, support=0.3, verified=False)
    out = render.evidence_html(answer("a [1] b [2]", (sure, unsure)))
    assert '<mark id="cite-1">Alpha is one.</mark>' in out
    assert '<mark id="cite-2" class="dq-unverified">Beta is two.</mark>' in out
    assert 'data-status="verified">[1]' in out and 'data-status="unverified">[2]' in out
    links = render.answer_markdown(answer("a [1] b [2]", (sure, unsure)))
    assert 'class="dq-ref dq-turn-0" href="#cite-1"' in links
    assert 'class="dq-ref dq-unverified dq-turn-0" href="#cite-2" title="(?) Beta is two."' in links


def test_markers_and_the_panel_carry_the_answers_number_in_the_chat() -> None:
    para = paragraph("Alpha is one.")
    numbered = answer("a [1]", (cite(1, para, "Alpha is one."),))
    assert 'class="dq-ref dq-turn-3"' in render.answer_markdown(numbered, turn=3)
    assert '<section class="dq-evidence dq-answered" data-answer="3">' in render.evidence_html(
        numbered, 3
    )


def test_the_short_answer_is_bold_in_the_chat_and_inside_its_highlighted_sentence() -> None:
    para = paragraph("Intro. The CICA had 26 members in 2014.")
    citation = cite(1, para, "The CICA had 26 members in 2014.")
    short = ShortAnswer("26 members", 1, para.text.index("26"), para.text.index(" in"))
    text = "26 members [1]\n\nAccording to the documents: The CICA had 26 members in 2014. [1]"
    shown = replace(answer(text, (citation,)), short_answer=short)

    assert render.answer_markdown(shown).startswith("**26 members**")
    assert (
        '<mark id="cite-1">The CICA had </mark><mark class="dq-cont"><strong class="dq-short">'
        '26 members</strong></mark><mark class="dq-cont"> in 2014.</mark>'
    ) in render.evidence_html(shown)


def test_the_status_speaks_the_answers_language() -> None:
    para = paragraph("亚信会议有26个成员国。", lang="zh")
    unsure = Citation(1, para, para.text, 0, len(para.text), support=0.1, verified=False)
    out = render.evidence_html(answer("x [1]", (unsure,), language="zh"))
    assert "未核实" in out


@dataclass(frozen=True)
class GroupedHit(Hit):
    """A Hit as retrieval will give it once translations are grouped (assistant.types)."""

    translations: tuple[Paragraph, ...] = ()


def test_a_grouped_translation_is_shown_beside_the_cited_paragraph() -> None:
    french = paragraph("La CICA comptait 26 membres.", 3, lang="fr", doc_id="a.txt", id="a.txt#3")
    chinese = paragraph(f"亚信会议有26个成员国。{SCRIPT}", 3, lang="zh", doc_id="b.txt")
    chinese = replace(chinese, id="b.txt#3", doc_title="亚信会议")
    citation = cite(1, french, french.text)
    hits = (GroupedHit(french, 1.0, translations=(chinese,)),)
    grouped = Answer("q?", "fr", "x [1]", (citation,), False, hits)
    out = render.evidence_html(grouped)
    assert '<div class="dq-parallel">' in out
    assert 'data-paragraph="b.txt#3"' in out
    block = out[out.index('<div class="dq-translation"') :]
    assert visible_text(block).startswith("traduction · 亚信会议 b.txt · ¶3 · zh")
    assert "亚信会议有26个成员国。&lt;script&gt;" in out and "<script" not in out
    assert out.count("<mark") == 1  # the translation is context, not the cited span
    assert "dq-parallel" not in render.evidence_html(answer("x [1]", (citation,)))


def test_a_translation_from_the_same_document_does_not_name_it_again() -> None:
    french = paragraph("La CICA comptait 26 membres.", 3, lang="fr")
    chinese = replace(paragraph("亚信会议有26个成员国。", 4, lang="zh"), id="doc.txt#4")
    hits = (GroupedHit(french, 1.0, translations=(chinese,)),)
    grouped = Answer("q?", "fr", "x [1]", (cite(1, french, french.text),), False, hits)
    out = render.evidence_html(grouped)
    block = out[out.index('<div class="dq-translation"') :]
    assert visible_text(block).startswith("traduction · ¶4 · zh")


def test_page_zero_means_no_page() -> None:
    out = render.evidence_html(answer("x [1]", (cite(1, paragraph("Text.", page=0), "Text."),)))
    assert "p. " not in out


def test_the_copy_text_holds_the_question_answer_and_each_source() -> None:
    para = paragraph("First. The CICA had 26 members.", ordinal=4, section="Intro", page=2)
    sure = cite(1, para, "The CICA had 26 members.")
    unsure = Citation(2, para, "First.", 0, 6, support=0.2, verified=False)
    text = render.answer_with_sources(answer("It had 26 [1] first [2]", (sure, unsure)))
    assert text == (
        "Question: q?\n\nIt had 26 [1] first [2]\n\nSources:\n"
        "[1] A title (doc.txt) ¶4, Intro, p. 2: “The CICA had 26 members.”\n"
        "[2] A title (doc.txt) ¶4, Intro, p. 2 (unverified): “First.”"
    )
    assert render.answer_with_sources(answer("The documents don't say.")).endswith("don't say.")
