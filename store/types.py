"""The store's values: the paragraph stored for every addressable paragraph, and the hits a
search returns."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field


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


def matches(paragraph: Paragraph, filters: Mapping[str, str] | None) -> bool:
    """Whether a paragraph passes the metadata filters (`doc`, `lang`) a search was given."""
    fields = {"doc": paragraph.doc_id, "lang": paragraph.lang}
    return all(fields.get(key) == value for key, value in (filters or {}).items())


@dataclass(frozen=True)
class Hit:
    """A retrieved paragraph, its fused score and the rank each retriever gave it (1-based).

    `translations` are the paragraph's parallel translations (store/translations.py): one
    piece of evidence in several languages, returned together in one of the k slots.
    """

    paragraph: Paragraph
    score: float
    ranks: dict[str, int] = field(default_factory=dict, hash=False)
    similarities: dict[str, float] = field(default_factory=dict, hash=False)
    translations: tuple[Paragraph, ...] = ()

    def readable(self, filters: Mapping[str, str] | None) -> tuple[Paragraph, ...]:
        """The paragraph and those of its translations the filters allow: what may be cited."""
        return (
            self.paragraph,
            *(p for p in self.translations if matches(p, filters)),
        )
