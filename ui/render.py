"""Answers to HTML and Markdown for the chat UI. Pure functions: no Gradio in here.

Every string that comes from a document (text, title, section, file name, quote) is escaped
before it reaches the page; the only markup in the output is the markup written here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant import Answer, Citation
from store import Paragraph

NEAREST_SHOWN = 3

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "evidence": "Evidence",
        "nearest": "Nearest paragraphs — not an answer",
        "nearest_note": "The documents don't answer this; these paragraphs came closest.",
        "nothing": "Nothing in the store matched this question. Add documents in the "
        "Documents tab, or widen the language and document filters.",
        "waiting": "Ask a question: the paragraphs that support the answer appear here, "
        "with the cited sentence highlighted.",
        "searching": "Searching the documents…",
    },
    "fr": {
        "evidence": "Sources",
        "nearest": "Paragraphes les plus proches — pas une réponse",
        "nearest_note": "Les documents ne répondent pas à cette question ; voici les "
        "paragraphes les plus proches.",
        "nothing": "Aucun paragraphe ne correspond. Ajoutez des documents dans l'onglet "
        "Documents, ou élargissez les filtres de langue et de document.",
        "waiting": "Posez une question : les paragraphes qui appuient la réponse "
        "s'affichent ici, la phrase citée surlignée.",
        "searching": "Recherche dans les documents…",
    },
    "zh": {
        "evidence": "依据",
        "nearest": "最接近的段落——并非答案",
        "nearest_note": "文档没有回答这个问题；以下是最接近的段落。",
        "nothing": "没有匹配的段落。请在“文档”标签页添加文档，或放宽语言和文档筛选。",
        "waiting": "请提问：支持答案的段落会显示在这里，并高亮所引用的句子。",
        "searching": "正在检索文档…",
    },
}

_MARKER = re.compile(r"\[(\d+)\]")
# Markdown punctuation, plus `$` (LaTeX delimiters) and `.` (`1992.` would start a list).
# `&` and `;` are left alone: they belong to the entities html.escape writes.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$<>\"'=:])")
# A sentence ends at . ! ? (not a decimal point) or their CJK forms, plus its markers.
_SENTENCE_END = re.compile(r"(?:[.!?](?!\d)|[。！？；;:：])+(?:\s*\[\d+\])*\s*")


def labels(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])


def escape(text: object) -> str:
    """HTML-escape anything shown on the page, quotes included (safe inside attributes)."""
    return html.escape(str(text), quote=True)


def escape_markdown(text: str) -> str:
    """Make text inert in the chat's Markdown: no HTML, no emphasis, links or lists."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


# -- the answer, in the chat --------------------------------------------------------------


def citation_link(citation: Citation) -> str:
    """`[n]` as a link to its highlighted span; hovering shows the cited sentence."""
    return (
        f'<a class="dq-ref" href="#cite-{citation.marker}" title="{escape(citation.quote)}">'
        f"[{citation.marker}]</a>"
    )


def markdown_with_links(text: str, citations: Iterable[Citation]) -> str:
    by_marker = {c.marker: c for c in citations}
    parts: list[str] = []
    position = 0
    for match in _MARKER.finditer(text):
        parts.append(escape_markdown(text[position : match.start()]))
        citation = by_marker.get(int(match[1]))
        parts.append(citation_link(citation) if citation else escape_markdown(match[0]))
        position = match.end()
    parts.append(escape_markdown(text[position:]))
    return "".join(parts)


def answer_markdown(answer: Answer, upto: int | None = None) -> str:
    """The answer's text (or its first `upto` characters) for the chat, markers linked."""
    text = answer.text if upto is None else answer.text[:upto]
    return markdown_with_links(text, answer.citations)


def stream_cuts(text: str) -> list[int]:
    """Where to cut the answer to show it sentence by sentence (the last cut is the end)."""
    cuts = [m.end() for m in _SENTENCE_END.finditer(text) if 0 < m.end() < len(text)]
    return sorted(set(cuts)) + [len(text)]


# -- the evidence panel -------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    marker: int
    start: int
    end: int


def marked_text(text: str, spans: Sequence[Span]) -> str:
    """The paragraph escaped, each span in `<mark id="cite-n">`.

    Overlapping spans are cut at every span boundary: each piece is marked once, and the piece
    where span n starts carries its id (a second span starting there gets an empty anchor).
    """
    bounds = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    out: list[str] = []
    for left, right in zip(bounds, bounds[1:], strict=False):
        piece = escape(text[left:right])
        if not any(s.start <= left and right <= s.end for s in spans):
            out.append(piece)
            continue
        starting = sorted(s.marker for s in spans if s.start == left)
        anchors = "".join(f'<span class="dq-anchor" id="cite-{m}"></span>' for m in starting[1:])
        mark_id = f' id="cite-{starting[0]}"' if starting else ' class="dq-cont"'
        out.append(f"{anchors}<mark{mark_id}>{piece}</mark>")
    return "".join(out)


def paragraph_meta(paragraph: Paragraph) -> str:
    where = [f"¶{paragraph.ordinal}"]
    if paragraph.page is not None:
        where.append(f"p. {paragraph.page}")
    where.append(paragraph.lang)
    return " · ".join(escape(w) for w in where)


def paragraph_card(paragraph: Paragraph, spans: Sequence[Span] = (), css: str = "") -> str:
    badges = "".join(
        f'<a class="dq-badge" href="#cite-{s.marker}">[{s.marker}]</a>'
        for s in sorted(spans, key=lambda s: s.marker)
    )
    section = (
        f'<div class="dq-section">{escape(paragraph.section)}</div>' if paragraph.section else ""
    )
    return (
        f'<article class="dq-card {css}" data-paragraph="{escape(paragraph.id)}">'
        f'<header class="dq-card-head">{badges}'
        f'<span class="dq-doc">{escape(paragraph.doc_name)}</span>'
        f'<span class="dq-meta">{paragraph_meta(paragraph)}</span></header>'
        f'<div class="dq-title">{escape(paragraph.doc_title)}</div>{section}'
        f'<p class="dq-text" lang="{escape(paragraph.lang)}">'
        f"{marked_text(paragraph.text, spans)}</p></article>"
    )


def cited_cards(citations: Sequence[Citation]) -> list[str]:
    """One card per cited paragraph, in order of first citation, all its spans marked."""
    spans: dict[str, list[Span]] = {}
    paragraphs: dict[str, Paragraph] = {}
    for c in sorted(citations, key=lambda c: c.marker):
        paragraphs.setdefault(c.paragraph.id, c.paragraph)
        spans.setdefault(c.paragraph.id, []).append(Span(c.marker, c.start, c.end))
    return [paragraph_card(paragraphs[pid], spans[pid], "dq-cited") for pid in paragraphs]


def panel(heading: str, body: str, css: str = "", note: str = "") -> str:
    note_html = f'<p class="dq-note">{escape(note)}</p>' if note else ""
    return (
        f'<section class="dq-evidence {css}"><h3 class="dq-heading">{escape(heading)}</h3>'
        f"{note_html}{body}</section>"
    )


def evidence_html(answer: Answer) -> str:
    """The evidence panel for an answer: cited paragraphs, or the nearest ones when abstaining."""
    words = labels(answer.language)
    if answer.citations and not answer.abstained:
        return panel(words["evidence"], "".join(cited_cards(answer.citations)), "dq-answered")
    nearest = [hit.paragraph for hit in answer.retrieved[:NEAREST_SHOWN]]
    if not nearest:
        return hint_html(words["nothing"], "dq-empty")
    cards = "".join(paragraph_card(p, css="dq-nearest") for p in nearest)
    return panel(words["nearest"], cards, "dq-abstained", note=words["nearest_note"])


def hint_html(text: str, css: str = "dq-hint") -> str:
    return f'<section class="dq-evidence {css}"><p class="dq-note">{escape(text)}</p></section>'


def waiting_html(language: str = "en") -> str:
    return hint_html(labels(language)["waiting"])


def searching_html(language: str = "en") -> str:
    return hint_html(labels(language)["searching"], "dq-searching")
