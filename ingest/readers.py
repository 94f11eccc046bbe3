"""Readers: a file's bytes to a parsed document (title and paragraph drafts) per format."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ingest.decode import decode_text
from ingest.docx_reader import read_docx
from ingest.errors import EmptyDocument, UnsupportedFormat
from ingest.html_reader import read_html
from ingest.parsed import ParsedDocument, document_id
from ingest.pdf_reader import read_pdf
from ingest.structure import build_drafts, clean_markup

TITLE_CHARS = 120
__all__ = ["READERS", "ParsedDocument", "document_id", "reader_for", "supported_suffixes"]


def read_plain_text(name: str, data: bytes) -> ParsedDocument:
    return _from_text(name, data, markdown=False)


def read_markdown(name: str, data: bytes) -> ParsedDocument:
    return _from_text(name, data, markdown=True)


READERS: dict[str, Callable[[str, bytes], ParsedDocument]] = {
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


def reader_for(name: str) -> Callable[[str, bytes], ParsedDocument]:
    suffix = Path(name).suffix.lower()
    try:
        return READERS[suffix]
    except KeyError:
        raise UnsupportedFormat(
            f"{name}: docqa cannot read '{suffix or 'files without an extension'}'; "
            f"supported: {', '.join(supported_suffixes())}"
        ) from None


def _from_text(name: str, data: bytes, markdown: bool) -> ParsedDocument:
    decoded = decode_text(name, data)
    # Offsets are into the text with Windows line ends normalised (what every reader sees).
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    drafts = build_drafts(text, markdown=markdown)
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
