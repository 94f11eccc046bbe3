"""What a citation marker's card shows (on hover, keyboard focus or tap; ui/static/docqa.js).

The evidence panel carries one hidden `span.dq-cite` per citation with the card's fields as
data attributes, so the card works for any answer whose panel the browser kept, after a
reload too. Everything is escaped; the script writes the fields with textContent.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from assistant import Citation
from ui.labels import labels


def place(citation: Citation) -> str:
    """`¶3 · p. 2` (no page for formats without pages)."""
    paragraph = citation.paragraph
    parts = [f"¶{paragraph.ordinal}"]
    if paragraph.page:
        parts.append(f"p. {paragraph.page}")
    return " · ".join(parts)


def card_fields(citation: Citation, language: str) -> dict[str, str]:
    words = labels(language)
    state = "verified" if citation.verified else "unverified"
    paragraph = citation.paragraph
    return {
        "marker": str(citation.marker),
        "quote": citation.quote,
        "lang": paragraph.lang,
        "title": paragraph.doc_title or paragraph.doc_name,
        "file": paragraph.doc_name,
        "section": paragraph.section,
        "place": place(citation),
        "state": state,
        "status": words[state],
        "note": words[f"{state}_note"],
    }


def citation_cards_data(citations: Sequence[Citation], language: str) -> str:
    spans = []
    for citation in citations:
        fields = card_fields(citation, language)
        attributes = " ".join(
            f'data-{key}="{html.escape(value, quote=True)}"' for key, value in fields.items()
        )
        spans.append(f'<span class="dq-cite" {attributes}></span>')
    return f'<div class="dq-cites" hidden>{"".join(spans)}</div>'
