"""One search call: (question, k) -> ranked paragraphs with their translations resolved.

The dense lists come from llama-index over each embedder's collection and run in threads
beside the keyword search (their query embedding and Chroma search release the GIL: e5's
embedding overlaps the rest instead of adding to it); store/fusion.py sums them.
"""

from __future__ import annotations

import gc
import math
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from chromadb.errors import ChromaError
from llama_index.core.schema import QueryBundle

from store.embedders import Embedder
from store.fusion import DEPTH, Ranking, fuse, group_translations
from store.llama_bridge import metadata_filters, retriever, vector_index
from store.question import Question
from store.records import from_record
from store.types import Hit

if TYPE_CHECKING:
    from store.chroma_store import ChromaStore

KEYWORD = "keyword"
# Shared by every Searcher of the process: two dense retrievers per question at most.
_DENSE_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dense-retrieval")


class Searcher:
    """The store's search: llama-index's dense retrievers and BM25, fused."""

    def __init__(self, store: ChromaStore) -> None:
        self.store = store
        self._indexed: dict[str, Any] = {}  # the store's collections the indexes are over
        self._indexes: dict[str, Any] = {}
        self._lock = threading.Lock()

    def search(self, question: Question, top_k: int, depth: int = DEPTH) -> list[Hit]:
        """The top-k pieces of evidence, from each retriever's best `depth` paragraphs; none
        when the store is empty (every list is)."""
        return self.assemble(self.rankings(question, depth), question, top_k, depth)

    def _dense_indexes(self) -> dict[str, Any]:
        """llama-index's indexes over the store's collections as they are now: rebuilt when
        the store reopened Chroma to follow another process's writes."""
        self.store.refresh()
        with self._lock:
            collections = self.store.collections
            if collections is self._indexed:
                return self._indexes
            replacing = bool(self._indexed)
            self._indexed = collections
            self._indexes = {
                embedder.name: (vector_index(collections[embedder.name], embedder), embedder)
                for embedder in self.store.embedders
            }
            if replacing:
                # The old Chroma client and its vector indexes (~350 MB at 100k paragraphs)
                # sit in reference cycles: free them now, not at some later full collection.
                gc.collect()
            return self._indexes

    def rankings(self, question: Question, depth: int = DEPTH) -> list[Ranking]:
        """Every retriever's list. A `doc` filter naming no stored document is an
        UnknownDocument that names it, not an abstention (nor an error from Chroma)."""
        indexes = self._dense_indexes()  # first: a filtered document may be new
        if "doc" in question.filters:
            self.store.require_document(question.filters["doc"])
        dense = self._submit_dense(indexes, question, depth)
        keyword = self.keyword_ranking(question, depth)
        try:
            return [keyword, *(future.result() for future in dense)]
        except ChromaError:
            # Rows another process wrote since Chroma was last opened, mid-session (the
            # generation changes at its start and end only): Chroma's "Error finding id".
            self.store.refresh(force=True)
            dense = self._submit_dense(self._dense_indexes(), question, depth)
            return [keyword, *(future.result() for future in dense)]

    def _submit_dense(
        self, indexes: dict[str, Any], question: Question, depth: int
    ) -> list[Future[Ranking]]:
        return [
            _DENSE_POOL.submit(self.dense_ranking, name, index, embedder, question, depth)
            for name, (index, embedder) in indexes.items()
        ]

    def dense_ranking(
        self, name: str, index: Any, embedder: Embedder, question: Question, depth: int
    ) -> Ranking:
        """One collection's nearest paragraphs, as the primary collection holds them: it is the
        store's truth, what `docqa docs` lists. A row another collection alone holds (its
        writer killed between collections) or one deleted since is left out."""
        bundle = QueryBundle(question.text, embedding=list(map(float, question.vector(embedder))))
        found = retriever(index, depth, metadata_filters(question.filters))
        nodes = found.retrieve(bundle)
        held = self.store.present([n.node.node_id for n in nodes])
        kept = [n for n in nodes if n.node.node_id in held]
        return Ranking(
            name,
            [from_record(n.node.node_id, n.node.get_content(), n.node.metadata) for n in kept],
            # llama-index reports exp(-distance); Chroma's cosine distance is 1 - cos.
            [1.0 + math.log(n.score) if n.score else 0.0 for n in kept],
        )

    def keyword_ranking(self, question: Question, depth: int = DEPTH) -> Ranking:
        """BM25 over the paragraphs in the question's language only.

        Across languages only names and numbers can match, and such a list is noise that
        drags the dense lists down (measured: en->zh R@1 .81 with it restricted, .70 without);
        the dense retrievers cover the cross-lingual case.
        """
        lang = question.lang
        if question.filters.get("lang", lang) != lang:
            return Ranking(KEYWORD, [], dense=False)
        where = {**question.filters, "lang": lang}
        scores = dict(self.store.keyword_search(question.terms, depth, where))
        paragraphs = self.store.get(list(scores))
        return Ranking(KEYWORD, paragraphs, [scores[p.id] for p in paragraphs], dense=False)

    def assemble(
        self, rankings: Sequence[Ranking], question: Question, top_k: int, depth: int = DEPTH
    ) -> list[Hit]:
        """Fuse the rankings and group translations into the top-k pieces of evidence."""
        fused = fuse(rankings, depth)
        links = self.store.translations([hit.paragraph.id for hit in fused])
        return group_translations(fused, links, question.lang, question.filters)[:top_k]
