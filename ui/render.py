"""Answers to HTML and Markdown for the chat UI. Pure functions: no Gradio in here.

Every string that comes from a document (text, title, section, file name, quote) is escaped
before it reaches the page; the only markup in the output is the markup written here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant import Answer, Citation, Hit
from store import Paragraph
from ui.labels import labels
from ui.render_card import citation_cards_data
from ui.titles import title_html, titled

NEAREST_SHOWN = 3

_MARKER = re.compile(r"\[(\d+)\]")
# Markdown punctuation, plus `$` (LaTeX delimiters) and `.` (`1992.` would start a list).
# `&` and `;` are left alone: they belong to the entities html.escape writes.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$<>\"'=:])")
# A sentence ends at . ! ? (not a decimal point) or their CJK forms, plus its markers.
_SENTENCE_END = re.compile(r"(?:[.!?](?!\d)|[。！？；;:：])+(?:\s*\[\d+\])*\s*")


def escape(text: object) -> str:
    """HTML-escape anything shown on the page, quotes included (safe inside attributes)."""
    return html.escape(str(text), quote=True)


def escape_markdown(text: str) -> str:
    """Make text inert in the chat's Markdown: no HTML, no emphasis, links or lists."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


# -- the answer, in the chat --------------------------------------------------------------


def is_verified(citation: Citation) -> bool:
    """The engine found the quote's support reached its threshold (the engines decide)."""
    return citation.verified


def citation_link(citation: Citation, turn: int = 0) -> str:
    """`[n]` as a link to its highlighted span; hovering shows the cited sentence.

    `turn` numbers the answer in the chat, so a marker of an earlier answer can bring that
    answer's evidence back into the panel (ui/static/docqa.js).
    """
    # The chat's sanitiser drops data-* attributes but keeps classes: the number is a class.
    css, hint = ("dq-ref", "") if is_verified(citation) else ("dq-ref dq-unverified", "(?) ")
    return (
        f'<a class="{css} dq-turn-{turn}" href="#cite-{citation.marker}" '
        f'title="{escape(hint + citation.quote)}">[{citation.marker}]</a>'
    )


def markdown_with_links(text: str, citations: Iterable[Citation], turn: int = 0) -> str:
    by_marker = {c.marker: c for c in citations}
    parts: list[str] = []
    position = 0
    for match in _MARKER.finditer(text):
        parts.append(escape_markdown(text[position : match.start()]))
        citation = by_marker.get(int(match[1]))
        parts.append(citation_link(citation, turn) if citation else escape_markdown(match[0]))
        position = match.end()
    parts.append(escape_markdown(text[position:]))
    return "".join(parts)


def answer_markdown(answer: Answer, upto: int | None = None, turn: int = 0) -> str:
    """The answer's text (or its first `upto` characters) for the chat, markers linked, the
    short answer it leads with in bold."""
    text = answer.text if upto is None else answer.text[:upto]
    short = answer.short_answer
    if short is not None and text.startswith(f"{short.text} [{short.marker}]"):
        rest = markdown_with_links(text[len(short.text) :], answer.citations, turn)
        return f"**{escape_markdown(short.text)}**{rest}"
    return markdown_with_links(text, answer.citations, turn)


def stream_cuts(text: str) -> list[int]:
    """Where to cut the answer to show it sentence by sentence (the last cut is the end)."""
    cuts = [m.end() for m in _SENTENCE_END.finditer(text) if 0 < m.end() < len(text)]
    return sorted(set(cuts)) + [len(text)]


def where(paragraph: Paragraph) -> str:
    """`Title (file.txt) ¶n, section, p. 3` in plain text."""
    parts = [f"{titled(paragraph.doc_title, paragraph.doc_name)} ¶{paragraph.ordinal}"]
    if paragraph.section and paragraph.section != paragraph.doc_title:
        parts.append(paragraph.section)
    if paragraph.page:  # None or 0: not a paged format
        parts.append(f"p. {paragraph.page}")
    return ", ".join(parts)


def answer_with_sources(answer: Answer) -> str:
    """Plain text for the clipboard: the question, the answer, then each source and its quote."""
    words = labels(answer.language)
    lines = [f"{words['question']}: {answer.question}", "", answer.text]
    if answer.citations:
        lines += ["", f"{words['sources']}:"]
        for c in answer.citations:
            status = "" if is_verified(c) else f" ({words['unverified']})"
            lines.append(f"[{c.marker}] {where(c.paragraph)}{status}: “{c.quote}”")
    return "\n".join(lines)


# -- the evidence panel -------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    marker: int
    start: int
    end: int
    verified: bool = True


def marked_text(text: str, spans: Sequence[Span], short: tuple[int, int] | None = None) -> str:
    """The paragraph escaped, each span in `<mark id="cite-n">`, the short answer's characters
    (`short`, inside a span) in `<strong class="dq-short">` within their mark.

    Overlapping spans are cut at every span boundary: each piece is marked once, and the piece
    where span n starts carries its id (a second span starting there gets an empty anchor).
    A piece covered by an unverified span is marked `dq-unverified`.
    """
    edges = set(short) if short else set()
    bounds = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans} | edges)
    out: list[str] = []
    for left, right in zip(bounds, bounds[1:], strict=False):
        piece = escape(text[left:right])
        if short and short[0] <= left and right <= short[1]:
            piece = f'<strong class="dq-short">{piece}</strong>'
        covering = [s for s in spans if s.start <= left and right <= s.end]
        if not covering:
            out.append(piece)
            continue
        starting = sorted(s.marker for s in covering if s.start == left)
        anchors = "".join(f'<span class="dq-anchor" id="cite-{m}"></span>' for m in starting[1:])
        classes = [] if starting else ["dq-cont"]
        if not all(s.verified for s in covering):
            classes.append("dq-unverified")
        mark_id = f' id="cite-{starting[0]}"' if starting else ""
        css = f' class="{" ".join(classes)}"' if classes else ""
        out.append(f"{anchors}<mark{mark_id}{css}>{piece}</mark>")
    return "".join(out)


def paragraph_meta(paragraph: Paragraph) -> str:
    parts = [f"¶{paragraph.ordinal}"]
    if paragraph.page:  # None or 0: not a paged format
        parts.append(f"p. {paragraph.page}")
    parts.append(paragraph.lang)
    return " · ".join(escape(w) for w in parts)


def status_badge(span: Span, words: dict[str, str]) -> str:
    state = "verified" if span.verified else "unverified"
    return (
        f'<a class="dq-badge dq-{state}" href="#cite-{span.marker}" data-status="{state}">'
        f'[{span.marker}] <span class="dq-status">{escape(words[state])}</span></a>'
    )


def translation_block(paragraph: Paragraph, words: dict[str, str], original: Paragraph) -> str:
    # A translation from another document says which; one from the card's own document would
    # only repeat the header.
    source = ""
    if paragraph.doc_id != original.doc_id:
        source = f" · {title_html(paragraph.doc_title, paragraph.doc_name)}"
    return (
        f'<div class="dq-translation" data-paragraph="{escape(paragraph.id)}">'
        f'<div class="dq-meta">{escape(words["translation"])}{source} · '
        f"{paragraph_meta(paragraph)}</div>"
        f'<p class="dq-text" lang="{escape(paragraph.lang)}">{escape(paragraph.text)}</p></div>'
    )


def paragraph_card(
    paragraph: Paragraph,
    spans: Sequence[Span] = (),
    css: str = "",
    translations: Sequence[Paragraph] = (),
    language: str = "en",
    short: tuple[int, int] | None = None,
) -> str:
    """A paragraph with where it comes from, its marked spans (the short answer in bold
    inside its sentence), and its translations beside it."""
    words = labels(language)
    badges = "".join(status_badge(s, words) for s in sorted(spans, key=lambda s: s.marker))
    # A section named like its document (a title line read as the first heading) would only
    # repeat the card's header.
    shown = paragraph.section if paragraph.section != paragraph.doc_title else ""
    section = f'<div class="dq-section">{escape(shown)}</div>' if shown else ""
    text = (
        f'<p class="dq-text" lang="{escape(paragraph.lang)}">'
        f"{marked_text(paragraph.text, spans, short)}</p>"
    )
    if translations:
        beside = "".join(translation_block(t, words, paragraph) for t in translations)
        text = f'<div class="dq-parallel"><div class="dq-original">{text}</div>{beside}</div>'
    return (
        f'<article class="dq-card {css}" data-paragraph="{escape(paragraph.id)}">'
        f'<header class="dq-card-head">{badges}'
        f"{title_html(paragraph.doc_title, paragraph.doc_name)}"
        f'<span class="dq-meta">{paragraph_meta(paragraph)}</span></header>'
        f"{section}{text}</article>"
    )


def translations_by_paragraph(hits: Iterable[Hit]) -> dict[str, tuple[Paragraph, ...]]:
    # `Hit.translations` is being added to assistant.types; older hits have none.
    return {h.paragraph.id: tuple(getattr(h, "translations", ()) or ()) for h in hits}


def cited_cards(citations: Sequence[Citation], answer: Answer | None = None) -> list[str]:
    """One card per cited paragraph, in order of first citation, all its spans marked."""
    spans: dict[str, list[Span]] = {}
    paragraphs: dict[str, Paragraph] = {}
    for c in sorted(citations, key=lambda c: c.marker):
        paragraphs.setdefault(c.paragraph.id, c.paragraph)
        spans.setdefault(c.paragraph.id, []).append(Span(c.marker, c.start, c.end, is_verified(c)))
    translations = translations_by_paragraph(answer.retrieved) if answer else {}
    language = answer.language if answer else "en"
    short = answer.short_answer if answer else None
    short_at = {
        c.paragraph.id: (short.start, short.end)
        for c in citations
        if short is not None and c.marker == short.marker
    }
    return [
        paragraph_card(
            paragraphs[pid],
            spans[pid],
            "dq-cited",
            translations.get(pid, ()),
            language,
            short_at.get(pid),
        )
        for pid in paragraphs
    ]


def panel(heading: str, body: str, css: str = "", note: str = "", turn: int = 0) -> str:
    note_html = f'<p class="dq-note">{escape(note)}</p>' if note else ""
    return (
        f'<section class="dq-evidence {css}" data-answer="{turn}">'
        f'<h3 class="dq-heading">{escape(heading)}</h3>{note_html}{body}</section>'
    )


def evidence_html(answer: Answer, turn: int = 0) -> str:
    """The evidence panel for an answer: cited paragraphs, or the nearest ones when abstaining."""
    words = labels(answer.language)
    if answer.citations and not answer.abstained:
        cards = "".join(cited_cards(answer.citations, answer))
        cards += citation_cards_data(answer.citations, answer.language)
        return panel(words["evidence"], cards, "dq-answered", turn=turn)
    nearest = answer.retrieved[:NEAREST_SHOWN]
    if not nearest:
        return hint_html(words["nothing"], "dq-empty")
    cards = "".join(
        paragraph_card(
            hit.paragraph,
            css="dq-nearest",
            translations=translations_by_paragraph([hit])[hit.paragraph.id],
            language=answer.language,
        )
        for hit in nearest
    )
    return panel(words["nearest"], cards, "dq-abstained", words["nearest_note"], turn)


def hint_html(text: str, css: str = "dq-hint") -> str:
    return f'<section class="dq-evidence {css}"><p class="dq-note">{escape(text)}</p></section>'


def waiting_html(language: str = "en") -> str:
    return hint_html(labels(language)["waiting"])


def searching_html(language: str = "en") -> str:
    return hint_html(labels(language)["searching"], "dq-searching")
