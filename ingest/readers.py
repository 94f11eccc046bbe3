"""Readers: a file's bytes to a parsed document (title and paragraph drafts) per format."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.decode import decode_text
from ingest.errors import BadFileName, EmptyDocument, UnsupportedFormat
from ingest.structure import Draft, build_drafts, clean_markup

TITLE_CHARS = 120


@dataclass(frozen=True)
class ParsedDocument:
    doc_id: str
    title: str
    drafts: list[Draft]
    note: str | None = None  # e.g. the encoding it was read in


def read_plain_text(name: str, data: bytes) -> ParsedDocument:
    return _from_text(name, data, markdown=False)


def read_markdown(name: str, data: bytes) -> ParsedDocument:
    return _from_text(name, data, markdown=True)


READERS: dict[str, Callable[[str, bytes], ParsedDocument]] = {
    ".txt": read_plain_text,
    ".text": read_plain_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
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


def document_id(name: str) -> str:
    """The document id is the file's name: refuse names that cannot be one."""
    if not name or name in {".", ".."} or "/" in name or "\\" in name:
        raise BadFileName(f"{name!r} is not a plain file name (path separators); rename the file")
    if any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in name):
        raise BadFileName(f"{name!r} contains control characters; rename the file")
    return name


def _from_text(name: str, data: bytes, markdown: bool) -> ParsedDocument:
    decoded = decode_text(name, data)
    # Offsets are into the text with Windows line ends normalised (what every reader sees).
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    drafts = build_drafts(text, markdown=markdown)
    if not drafts:
        raise EmptyDocument(f"{name} has no paragraphs of text to index")
    return ParsedDocument(document_id(name), _title(text, markdown, name), drafts, decoded.note)


def _title(text: str, markdown: bool, name: str) -> str:
    if markdown and (match := re.search(r"^#\s+(.+)$", text, re.MULTILINE)):
        return clean_markup(match[1]).strip()[:TITLE_CHARS]
    for line in text.splitlines():
        if line.strip():
            return clean_markup(line).strip()[:TITLE_CHARS]
    return name
