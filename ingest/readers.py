"""Readers: a file's bytes to a parsed document (title and paragraph drafts) per format."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

from ingest.budget import Budget
from ingest.decode import decode_text
from ingest.docx_reader import read_docx
from ingest.errors import EmptyDocument, UnsupportedFormat
from ingest.html_reader import read_html
from ingest.parsed import ParsedDocument, document_id
from ingest.pdf_reader import read_pdf
from ingest.settings import IngestSettings
from ingest.structure import build_drafts, clean_markup

TITLE_CHARS = 120
__all__ = [
    "READERS",
    "ParsedDocument",
    "Reader",
    "document_id",
    "reader_for",
    "supported_suffixes",
]


class Reader(Protocol):
    """A file's name and bytes to a parsed document, within the settings' budgets (read from the
    DOCQA_* environment when none are given)."""

    def __call__(
        self, name: str, data: bytes, settings: IngestSettings | None = None
    ) -> ParsedDocument: ...


def read_plain_text(
    name: str, data: bytes, settings: IngestSettings | None = None
) -> ParsedDocument:
    return _from_text(name, data, False, settings)


def read_markdown(name: str, data: bytes, settings: IngestSettings | None = None) -> ParsedDocument:
    return _from_text(name, data, True, settings)


READERS: dict[str, Reader] = {
    ".txt": read_plain_text,
    ".text": read_plain_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".html": read_html,
    ".htm": read_html,
}


def supported_suffixes() -> list[str]:
    return sorted(READERS)


def reader_for(name: str) -> Reader:
    suffix = Path(name).suffix.lower()
    try:
        return READERS[suffix]
    except KeyError:
        raise UnsupportedFormat(
            f"{name}: docqa cannot read '{suffix or 'files without an extension'}'; "
            f"supported: {', '.join(supported_suffixes())}"
        ) from None


def _from_text(
    name: str, data: bytes, markdown: bool, settings: IngestSettings | None
) -> ParsedDocument:
    budget = Budget.of(name, settings)
    decoded = decode_text(name, data)
    budget.check_chars(len(decoded.text))
    # Offsets are into the text with Windows line ends normalised (what every reader sees).
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    drafts = build_drafts(text, markdown=markdown, budget=budget)
    if not drafts:
        raise EmptyDocument(f"{name} has no paragraphs of text to index")
    title = _title(text, markdown, name)
    return ParsedDocument(document_id(name), title, drafts, decoded.note, text)


def _title(text: str, markdown: bool, name: str) -> str:
    if markdown and (match := re.search(r"^#\s+(.+)$", text, re.MULTILINE)):
        return clean_markup(match[1]).strip()[:TITLE_CHARS]
    for line in text.splitlines():
        if line.strip():
            return clean_markup(line).strip()[:TITLE_CHARS]
    return name
