"""Reads of the store: what the primary collection (the store's truth) holds."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from chromadb.errors import ChromaError

from store.embedders import Embedder
from store.errors import UnknownDocument
from store.keyword import KeywordIndex
from store.paging import chunks, get_all
from store.records import INDEXED_HASH_KEY, from_record
from store.translations import linked_ids
from store.types import Paragraph


@dataclass(frozen=True)
class DocumentSummary:
    doc_id: str
    title: str
    source: str
    paragraphs: int
    languages: tuple[str, ...]


class StoreReads:
    """The read half of ChromaStore, over its primary collection."""

    _primary: Any
    collections: dict[str, Any]
    embedders: tuple[Embedder, ...]
    keywords: KeywordIndex

    def keyword_search(
        self, terms: Sequence[str], k: int, where: Mapping[str, str] | None = None
    ) -> list[tuple[str, float]]:
        """BM25 of these terms (a `Question`'s) over the paragraphs' stored tokens: (paragraph
        id, score), best first. The keyword list alone; questions go through `search`."""
        return self.keywords.search(terms, k, where)

    def count(self) -> int:
        return int(self._primary.count())

    def require_document(self, doc_id: str) -> None:
        """UnknownDocument, naming it, unless the store holds a document with this id."""
        if not self._primary.get(where={"doc": doc_id}, limit=1, include=[])["ids"]:
            raise UnknownDocument.named(doc_id)

    def document_ids(self, doc_id: str) -> list[str]:
        return list(self._primary.get(where={"doc": doc_id}, include=[])["ids"])

    def documents_from(self, source: str) -> dict[str, list[str]]:
        """The stored documents read from `source` (a file's path): document id -> its ids."""
        found = get_all(self._primary, ["metadatas"], {"source": source})
        out: dict[str, list[str]] = {}
        for pid, metadata in zip(found["ids"], found["metadatas"], strict=True):
            out.setdefault(str(metadata["doc"]), []).append(pid)
        return out

    def paragraphs(self, doc_id: str | None = None) -> list[Paragraph]:
        """Paragraphs of one document (or all), in document order."""
        where = {"doc": doc_id} if doc_id else None
        result = get_all(self._primary, ["documents", "metadatas"], where)
        found = [
            from_record(i, t, m)
            for i, t, m in zip(result["ids"], result["documents"], result["metadatas"], strict=True)
        ]
        return sorted(found, key=lambda p: (p.doc_id, p.ordinal))

    def present(self, ids: Sequence[str]) -> set[str]:
        """Which of these ids the primary collection (the store's truth) holds: ids only, a
        quarter of the time of `get` (1 against 4 ms for 30 ids at 10k), asked per dense list."""
        if not ids:
            return set()
        return set(self._primary.get(ids=list(ids), include=[])["ids"])

    def get(self, ids: Sequence[str]) -> list[Paragraph]:
        """Paragraphs by id, in the order asked; unknown ids are left out."""
        if not ids:
            return []
        by_id = {}
        for part in chunks(ids):
            result = self._primary.get(ids=part, include=["documents", "metadatas"])
            for i, t, m in zip(
                result["ids"], result["documents"], result["metadatas"], strict=True
            ):
                by_id[i] = from_record(i, t, m)
        return [by_id[i] for i in ids if i in by_id]

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The primary embedder's stored vectors of these paragraphs (of their indexed text):
        the answer engine reads them instead of embedding the paragraphs again."""
        if not ids:
            return {}
        try:
            found = [self._primary.get(ids=list(ids), include=["embeddings"])]
        except ChromaError:
            # After a writer was killed, Chroma can hold a record whose vector its reader cannot
            # find ("Error finding id"): read the others one by one; the caller embeds the rest.
            found = []
            for one in ids:
                with contextlib.suppress(ChromaError):
                    found.append(self._primary.get(ids=[one], include=["embeddings"]))
        return {
            i: np.asarray(v, dtype=np.float32)
            for result in found
            for i, v in zip(result["ids"], result["embeddings"], strict=True)
        }

    def translations(self, ids: Sequence[str]) -> dict[str, list[Paragraph]]:
        """The parallel translations of each paragraph (links that both sides still name)."""
        if not ids:
            return {}
        rows = self._primary.get(ids=list(ids), include=["metadatas"])
        wanted = {i: linked_ids(m) for i, m in zip(rows["ids"], rows["metadatas"], strict=True)}
        partners = sorted({p for targets in wanted.values() for p in targets})
        if not partners:
            return {}
        found = self._primary.get(ids=partners, include=["documents", "metadatas"])
        out: dict[str, list[Paragraph]] = {}
        for pid, text, metadata in zip(
            found["ids"], found["documents"], found["metadatas"], strict=True
        ):
            for source in linked_ids(metadata):
                if pid in wanted.get(source, ()):
                    out.setdefault(source, []).append(from_record(pid, text, metadata))
        return out

    def documents(self) -> list[DocumentSummary]:
        by_doc: dict[str, list[Paragraph]] = {}
        for paragraph in self.paragraphs():
            by_doc.setdefault(paragraph.doc_id, []).append(paragraph)
        return [
            DocumentSummary(
                doc_id=doc_id,
                title=paras[0].doc_title,
                source=paras[0].source,
                paragraphs=len(paras),
                languages=tuple(sorted({p.lang for p in paras})),
            )
            for doc_id, paras in sorted(by_doc.items())
        ]

    def vectors_by_hash(self, hashes: set[str]) -> dict[str, dict[str, np.ndarray]]:
        """Stored vectors of paragraphs whose indexed-text hash is in `hashes`, per embedder."""
        if not hashes:
            return {}
        found: dict[str, dict[str, np.ndarray]] = {}
        # Each hash is an SQL variable: SQLite refuses a statement with more than ~32k
        # (`docqa ingest` of a file of 100,000 one-line paragraphs aborted).
        parts = chunks(sorted(hashes))
        for (name, collection), chunk in itertools.product(self.collections.items(), parts):
            result = collection.get(
                where={INDEXED_HASH_KEY: {"$in": chunk}},
                include=["embeddings", "metadatas"],
            )
            for vector, metadata in zip(result["embeddings"], result["metadatas"], strict=True):
                found.setdefault(str(metadata[INDEXED_HASH_KEY]), {})[name] = np.asarray(
                    vector, dtype=np.float32
                )
        wanted = {e.name for e in self.embedders}
        return {h: v for h, v in found.items() if set(v) == wanted}
