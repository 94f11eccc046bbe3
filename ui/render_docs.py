"""The documents tab's text: upload results in plain words, a document read paragraph by paragraph.

Pure functions; everything taken from a document is escaped (see render.escape).
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest import DocumentReport
from store import Paragraph
from ui.render import escape, hint_html, paragraph_meta


def count(n: int, what: str = "paragraph") -> str:
    return f"{n:,} {what}" + ("" if n == 1 else "s")


def upload_outcome(report: DocumentReport) -> tuple[str, str]:
    """(result, details) for one uploaded file: added, unchanged, replaced or error."""
    if report.error:
        return "error", report.error
    note = f" ({report.note})" if report.note else ""
    if report.status == "added":
        return "added", f"New document: {count(report.paragraphs)} indexed.{note}"
    if report.status == "unchanged":
        return "unchanged", f"Already in the store as it is; nothing re-indexed.{note}"
    changes = [
        f"{n} {what}"
        for n, what in (
            (report.replaced, "changed"),
            (report.added, "new"),
            (report.removed, "removed"),
            (report.kept, "kept"),
        )
        if n
    ]
    return "replaced", f"Updated the stored version (paragraphs: {', '.join(changes)}).{note}"


def document_html(paragraphs: Sequence[Paragraph]) -> str:
    """A whole document, paragraph by paragraph, each with its number, section, page, language."""
    if not paragraphs:
        return hint_html("Choose a document to read it here, paragraph by paragraph.")
    first = paragraphs[0]
    parts = [
        f'<section class="dq-reader" data-doc="{escape(first.doc_id)}">'
        f'<h3 class="dq-reader-title">{escape(first.doc_title or first.doc_name)}</h3>'
        f'<p class="dq-note"><span class="dq-file">{escape(first.doc_name)}</span> · '
        f"{count(len(paragraphs))}</p>"
    ]
    section = ""
    for p in paragraphs:
        if p.section and p.section != section:
            parts.append(f'<h4 class="dq-section">{escape(p.section)}</h4>')
        section = p.section
        parts.append(
            f'<article class="dq-read-para" id="para-{p.ordinal}">'
            f'<span class="dq-meta">{paragraph_meta(p)}</span>'
            f'<p class="dq-text" lang="{escape(p.lang)}">{escape(p.text)}</p></article>'
        )
    parts.append("</section>")
    return "".join(parts)
