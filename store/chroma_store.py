"""The Chroma layer: one collection per dense embedder, vectors always computed by us.

Opening is store/chroma_client.py, the generation and writer sessions store/generation.py,
reads store/reads.py and search store/search.py; this module holds the store and its writes.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from store.chroma_client import keyword_folder, open_client, open_collection, open_meta
from store.embedders import Embedder, load_embedder
from store.errors import StoreLocked, UnknownDocument
from store.fusion import DEPTH
from store.generation import Generation
from store.keyword import KeywordIndex
from store.paging import chunks, get_all
from store.question import Question
from store.reads import StoreReads
from store.records import INDEXED_HASH_KEY, indexed_text, to_metadata
from store.server_lease import server_lease
from store.settings import StoreSettings
from store.translations import find_links, write_links
from store.types import Hit, Paragraph

if TYPE_CHECKING:
    from store.search import Searcher

EMBED_BATCH = 32  # texts per embedder call (bench/ingest_rate.py times the raw embedders alike)
_UPSERT_BATCH = 5000  # under Chroma's max batch size (5461 on disk and on a default server)
PENDING_ID = "pending-removals"  # ids a replacement will delete once its rows are written


class ChromaStore(StoreReads):
    """Paragraph records and their vectors, one Chroma collection per embedder."""

    def __init__(self, client: Any, settings: StoreSettings, embedders: Sequence[Embedder]):
        if not embedders:
            raise ValueError("at least one embedder is needed")
        self.settings = settings
        self.embedders = tuple(embedders)
        self._reopening = threading.Lock()
        self._connect(client)
        self._generation = Generation(settings, lambda: self._meta, self._recover)
        self.keywords = KeywordIndex(self._primary, self.generation, keyword_folder(settings))
        self._generation.seen = self.generation()
        if not settings.chroma_url and self._generation.interrupted():
            # The last writer was killed mid-change: a writer session finishes it, when no
            # other process holds the lock (a live writer's mark is its own). A store that
            # cannot be written is read as it is: reads trust the primary collection only.
            with contextlib.suppress(StoreLocked, OSError), self.writer():
                pass

    def _connect(self, client: Any) -> None:
        """Open the collections through `client`. `collections` is a new dict each time:
        holders of its collections (the Searcher's llama-index indexes) compare it."""
        self._client = client
        self.collections = {
            embedder.name: open_collection(client, f"{self.settings.collection}-{key}", embedder)
            for key, embedder in zip(self.settings.embedders, self.embedders, strict=True)
        }
        self._primary = self.collections[self.embedders[0].name]
        self._meta = open_meta(client, f"{self.settings.collection}-meta")
        if hasattr(self, "keywords"):
            self.keywords.collection = self._primary

    @classmethod
    def open(cls, settings: StoreSettings) -> ChromaStore:
        embedders = [
            load_embedder(key, settings.threads, settings.models_path) for key in settings.embedders
        ]
        # A client of its own: one shared with an older store object of this process would
        # hold that object's vector indexes, without the rows written since (`refresh`).
        return cls(open_client(settings, fresh=True), settings, embedders)

    def refresh(self, force: bool = False) -> bool:
        """Follow writes made by other processes to an on-disk store; whether it reopened.

        Chroma's embedded client keeps each collection's vector index in memory and never
        sees rows another process adds or deletes: a held store (`docqa serve`) did not find
        a document `docqa ingest` added, and a question filtered to it failed with Chroma's
        "Error finding id". When the generation is not the one this object last saw or made
        (or when `force`d: a writer elsewhere is mid-session, its rows written since the
        generation changed), Chroma is opened afresh. Cheap when nothing changed (the
        generation's stat); asked before every retrieval. A server holds the only index, so
        its clients are always current.
        """
        if self.settings.chroma_url:
            return False
        token = self.generation()
        with self._reopening:
            if token == self._generation.seen and not force:
                return False
            self._connect(open_client(self.settings, fresh=True))
            self._generation.seen = token
            return True

    def generation(self) -> str:
        """A token that changes with every writer session or write (store/generation.py)."""
        return self._generation.token()

    def writer(self) -> AbstractContextManager[None]:
        """Hold the single-writer lock of an on-disk store (a Chroma server needs none); the
        generation changes once for the session's writes."""
        return self._generation.writer()

    def changing(self) -> AbstractContextManager[None]:
        """Around a change made to the collections (store/generation.py)."""
        return self._generation.changing()

    @cached_property
    def searcher(self) -> Searcher:
        """Made on the first search: llama-index takes 1.5 s to import, and a process that
        only ingests (`docqa ingest`, each of the tests' subprocesses) never searches."""
        from store.search import Searcher

        return Searcher(self)

    def search(self, question: Question, top_k: int, depth: int = DEPTH) -> list[Hit]:
        """The top-k pieces of evidence for `question`, dense and keyword lists fused inside,
        each with the translations its filters allow (store/search.py)."""
        return self.searcher.search(question, top_k, depth)

    @property
    def primary_embedder(self) -> str:
        """The key (DOCQA_EMBEDDERS) of the embedder `question_vector` and `embed` use."""
        return self.settings.embedders[0]

    def question_vector(self, question: Question) -> np.ndarray:
        """The question in the primary embedder's space (embedded once per question)."""
        return question.vector(self.embedders[0])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Texts (sentences, claims) in the primary embedder's space, as passages."""
        return self.embedders[0].embed_passages(texts)

    @property
    def location(self) -> str:
        return self.settings.chroma_url or str(self.settings.store_path)

    # -- writing ---------------------------------------------------------------------------

    def write(
        self, paragraphs: Sequence[Paragraph], on_progress: Callable[[int], None] | None = None
    ) -> list[str]:
        """Embed and upsert paragraphs; vectors of identical indexed text are reused (stored
        ones, and within `paragraphs`: each distinct text is embedded once).

        Returns the ids of the paragraphs whose text was embedded (the first paragraph of each
        text embedded). `on_progress` gets batch sizes.
        """
        if not paragraphs:
            return []
        ids = [p.id for p in paragraphs]
        texts = [p.text for p in paragraphs]
        metadatas = [to_metadata(p) for p in paragraphs]
        keys = [str(m[INDEXED_HASH_KEY]) for m in metadatas]
        reusable = self.vectors_by_hash(set(keys))
        first_of = {key: i for i, key in reversed(list(enumerate(keys))) if key not in reusable}
        missing = sorted(first_of.values())
        fresh = self._embed([indexed_text(paragraphs[i]) for i in missing], on_progress)
        with self.changing():
            # Secondary collections first: the primary one is what `documents()` trusts.
            for embedder in reversed(self.embedders):
                by_key = dict(zip((keys[i] for i in missing), fresh[embedder.name], strict=True))
                vectors = [
                    by_key[key] if key in by_key else reusable[key][embedder.name] for key in keys
                ]
                embeddings = np.stack(vectors).tolist()
                for at in range(0, len(ids), _UPSERT_BATCH):  # Chroma refuses larger batches
                    part = slice(at, at + _UPSERT_BATCH)
                    self.collections[embedder.name].upsert(
                        ids=ids[part],
                        embeddings=embeddings[part],
                        documents=texts[part],
                        metadatas=metadatas[part],
                    )
            write_links(self._primary, find_links(self._primary, ids))
        return [ids[i] for i in missing]

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """While a writer plans and makes one change: alone. On disk the writer lock already
        makes it so; a Chroma server's writers take turns through a lease (store/server_lease)."""
        if not self.settings.chroma_url:
            yield
            return
        with server_lease(self._meta):
            yield

    def replace(
        self,
        changed: Sequence[Paragraph],
        removed: Sequence[str],
        on_progress: Callable[[int], None] | None = None,
    ) -> list[str]:
        """Write `changed` and delete `removed` (a new version of documents) as one change: the
        removals are recorded first, so that a writer killed between the two leaves them to the
        next writer (a killed edit left an old version's last paragraphs behind the new one).
        Returns the ids embedded, as `write`."""
        with self.changing():
            self._finish_pending()  # a killed writer's: this process holds the lock or lease
            if removed:
                self._meta.upsert(
                    ids=[PENDING_ID],
                    embeddings=[[0.0]],
                    metadatas=[{"ids": json.dumps(list(removed))}],
                )
            embedded = self.write(changed, on_progress)
            self.delete(removed)
            if removed:
                self._meta.delete(ids=[PENDING_ID])
        return embedded

    def _recover(self) -> None:
        """Finish what a writer killed mid-change left: its recorded removals, and the rows a
        secondary collection holds that the primary lacks."""
        self._finish_pending()
        self._drop_orphans()

    def _finish_pending(self) -> None:
        found = self._meta.get(ids=[PENDING_ID], include=["metadatas"])
        if found["ids"]:
            self.delete(json.loads(str(found["metadatas"][0]["ids"])))
            self._meta.delete(ids=[PENDING_ID])

    def _embed(
        self, texts: list[str], on_progress: Callable[[int], None] | None
    ) -> dict[str, list[np.ndarray]]:
        out: dict[str, list[np.ndarray]] = {e.name: [] for e in self.embedders}
        for start in range(0, len(texts), EMBED_BATCH):
            batch = texts[start : start + EMBED_BATCH]
            for embedder in self.embedders:
                out[embedder.name].extend(embedder.embed_passages(batch))
            if on_progress:
                on_progress(len(batch))
        return out

    def complete(self, on_progress: Callable[[int], None] | None = None) -> int:
        """Bring every collection level with the primary one; returns paragraphs embedded.

        Needed when an embedder is added to an existing store (DOCQA_EMBEDDERS=use,e5 over a
        store built with use alone), and after a writer was killed between collections.
        """
        missing = self._drop_orphans()
        if not missing:
            return 0
        return len(self.write(self.get(sorted(missing)), on_progress))

    def _drop_orphans(self) -> set[str]:
        """Delete the rows a secondary collection holds and the primary lacks: a write killed
        between collections (they are written first) or a removal (the primary loses its rows
        first). Returns the ids the primary holds and a secondary lacks."""
        primary = set(get_all(self._primary, [])["ids"])
        missing: set[str] = set()
        for collection in self.collections.values():
            if collection is self._primary:
                continue
            present = set(get_all(collection, [])["ids"])
            missing |= primary - present
            orphans = sorted(present - primary)
            if orphans:
                collection.delete(ids=orphans)
        return missing

    def delete(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        with self.changing():
            # The primary first: a removal killed half-way is gone from what reads trust,
            # and its rows left in the others are dropped when the store is next opened.
            for collection, part in itertools.product(self.collections.values(), chunks(ids)):
                collection.delete(ids=part)

    def delete_document(self, doc_id: str) -> int:
        ids = self.document_ids(doc_id)
        if not ids:
            raise UnknownDocument.named(doc_id)
        self.delete(ids)
        return len(ids)
