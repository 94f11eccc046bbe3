"""How the UI and the CLI name a document: its title first, its file name second.

Stored documents are named by their file (`000_08fd0699280038d4.txt`), which says nothing to a
reader; the title extracted at ingest does. The file name stays beside it, smaller, because it
is the document's id (what `docqa docs remove` and the answer contract's `doc` take).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence

from store import DocumentSummary


def titled(title: str | None, file: str) -> str:
    """`Title (file.txt)` in plain text; the file alone when there is no title to add."""
    title = (title or "").strip()
    if not title or title == file:
        return file
    return f"{title} ({file})"


def document_name(documents: Sequence[DocumentSummary], doc_id: str) -> str:
    """`Title (file.txt)` of the stored document `doc_id`; the file name alone when unknown."""
    title = next((d.title for d in documents if d.doc_id == doc_id), None)
    return titled(title, doc_id)


def title_html(title: str | None, file: str) -> str:
    """The title, then the file name in a smaller, muted span (both escaped)."""
    title = (title or "").strip()
    name = f'<span class="dq-file">{html.escape(file, quote=True)}</span>'
    if not title or title == file:
        return f'<span class="dq-doc">{name}</span>'
    return (
        f'<span class="dq-doc"><span class="dq-doc-title">{html.escape(title, quote=True)}'
        f"</span> {name}</span>"
    )


def document_choices(documents: Sequence[DocumentSummary]) -> list[tuple[str, str]]:
    """(label, doc id) pairs for a dropdown: the title, with the file name where two documents
    share a title (or a document has none), so every label tells its document apart."""
    shared = Counter(d.title.strip() for d in documents)

    def label(document: DocumentSummary) -> str:
        title = document.title.strip()
        return title if title and shared[title] == 1 else titled(title, document.doc_id)

    return [(label(d), d.doc_id) for d in documents]
