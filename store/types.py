"""The value stored for every addressable paragraph."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Paragraph:
    """One citable paragraph of a document.

    `start`/`end` are character offsets of the paragraph's span in the source's text;
    `text` is what users read (markup such as Markdown bold removed, wrapped lines joined).
    """

    id: str
    doc_id: str
    doc_title: str
    source: str
    ordinal: int
    section: str
    page: int | None
    lang: str
    text: str
    start: int
    end: int
    content_hash: str

    @property
    def doc_name(self) -> str:
        """The source file's name, as the answer contract's `doc` field reports it."""
        return self.doc_id


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def paragraph_id(doc_id: str, ordinal: int) -> str:
    return f"{doc_id}#{ordinal}"
