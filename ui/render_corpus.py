"""The Chat tab's line about what is loaded: documents, paragraphs, languages, a way to manage them.

Pure functions; document titles are escaped like everything taken from a document.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from store import DocumentSummary

LANGUAGE_NAMES = {"fr": "French", "zh": "Chinese", "en": "English"}


def plural(n: int, what: str) -> str:
    return f"{n:,} {what}" + ("" if n == 1 else "s")


def spoken_list(words: Sequence[str]) -> str:
    """`French`, `French and Chinese`, `French, Chinese and English`."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def corpus_html(documents: Sequence[DocumentSummary]) -> str:
    link = '<a href="#" class="dq-to-documents">{}</a>'
    if not documents:
        return (
            '<div class="dq-corpus dq-corpus-empty"><p>No documents are loaded yet: add some '
            f"in the {link.format('Documents tab')}.</p></div>"
        )
    paragraphs = sum(d.paragraphs for d in documents)
    codes = sorted({lang for d in documents for lang in d.languages})
    languages = spoken_list([LANGUAGE_NAMES.get(code, code) for code in codes])
    titles = "; ".join(d.title or d.doc_id for d in documents)
    return (
        f'<div class="dq-corpus"><p><strong>{plural(len(documents), "document")} loaded</strong>'
        f" · {plural(paragraphs, 'paragraph')} in {html.escape(languages)} · "
        f"{link.format('Manage them in the Documents tab')}</p>"
        f'<p class="dq-corpus-titles" title="{html.escape(titles, quote=True)}">'
        f"{html.escape(titles)}</p></div>"
    )
