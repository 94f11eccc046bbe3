"""Retrieval: each retriever ranks paragraphs; their standardized scores are summed.

Why not reciprocal-rank fusion: RRF throws the scores away, so a keyword list that matched
one word counts as much as a dense list that is sure. Measured on ../shared/benchdata
(bench/retrieval.py), summing each list's z-scores (score minus the list's mean, over its
standard deviation) beats RRF on every setting, most on native French and cross-lingual
questions. A paragraph missing from a list gets that list's lowest z-score.
"""

from __future__ import annotations

import gc
import math
import statistics
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from chromadb.errors import ChromaError

from assistant.llama_bridge import metadata_filters, retriever, vector_index
from assistant.types import Hit
from store import ChromaStore, Paragraph, from_record

KEYWORD = "keyword"
# Shared by every Retriever of the process: two dense retrievers per question at most.
_DENSE_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dense-retrieval")


@dataclass(frozen=True)
class Ranking:
    """One retriever's answer: paragraphs best first, with its own scores.

    `dense` rankings score by cosine similarity, which the answer engine also reads.
    """

    name: str
    paragraphs: list[Paragraph]
    scores: list[float] = field(default_factory=list)
    dense: bool = True


def standardized(scores: Sequence[float]) -> list[float]:
    """z-scores within one list; a list of one (or of equal scores) gives zeros."""
    if len(scores) < 2:
        return [0.0 for _ in scores]
    mean = statistics.fmean(scores)
    spread = statistics.pstdev(scores) or 1.0
    return [(score - mean) / spread for score in scores]


def fuse(rankings: Sequence[Ranking], top_k: int) -> list[Hit]:
    """Sum of standardized scores; a Hit keeps every retriever's rank and dense similarity."""
    z_by_list: list[dict[str, float]] = []
    floors: list[float] = []
    ranks: dict[str, dict[str, int]] = {}
    sims: dict[str, dict[str, float]] = {}
    paragraphs: dict[str, Paragraph] = {}
    for ranking in rankings:
        zs = standardized(ranking.scores)
        z_by_list.append({p.id: z for p, z in zip(ranking.paragraphs, zs, strict=True)})
        floors.append(min(zs, default=0.0))
        for rank, (paragraph, score) in enumerate(
            zip(ranking.paragraphs, ranking.scores, strict=True), start=1
        ):
            paragraphs[paragraph.id] = paragraph
            ranks.setdefault(paragraph.id, {})[ranking.name] = rank
            if ranking.dense:
                sims.setdefault(paragraph.id, {})[ranking.name] = score
    fused = {
        pid: sum(zs.get(pid, floor) for zs, floor in zip(z_by_list, floors, strict=True))
        for pid in paragraphs
    }
    best = sorted(fused, key=lambda pid: (-fused[pid], pid))[:top_k]
    return [Hit(paragraphs[pid], fused[pid], ranks[pid], sims.get(pid, {})) for pid in best]


def matches(paragraph: Paragraph, filters: dict[str, str] | None) -> bool:
    """Whether a paragraph passes the metadata filters (`doc`, `lang`) retrieval was given."""
    fields = {"doc": paragraph.doc_id, "lang": paragraph.lang}
    return all(fields.get(key) == value for key, value in (filters or {}).items())


def group_translations(
    hits: Sequence[Hit],
    translations: dict[str, list[Paragraph]],
    lang: str,
    filters: dict[str, str] | None = None,
) -> list[Hit]:
    """One slot per piece of evidence: a paragraph and its translations become one Hit.

    The group is led by its member in the question's language when there is one (and the
    filters allow it), and keeps the best rank and similarity any member got; members
    retrieved separately are not repeated.
    """
    by_id = {hit.paragraph.id: hit for hit in hits}
    grouped: list[Hit] = []
    seen: set[str] = set()
    for hit in hits:
        if hit.paragraph.id in seen:
            continue
        members = [hit.paragraph] + [
            p for p in translations.get(hit.paragraph.id, []) if p.id not in seen
        ]
        seen.update(p.id for p in members)
        lead = next((p for p in members if p.lang == lang and matches(p, filters)), hit.paragraph)
        retrieved = [by_id[p.id] for p in members if p.id in by_id]
        ranks: dict[str, int] = {}
        similarities: dict[str, float] = {}
        for member in retrieved:
            for name, rank in member.ranks.items():
                ranks[name] = min(rank, ranks.get(name, rank))
            for name, similarity in member.similarities.items():
                similarities[name] = max(similarity, similarities.get(name, similarity))
        grouped.append(
            Hit(
                lead,
                hit.score,
                ranks,
                similarities,
                translations=tuple(p for p in members if p.id != lead.id),
            )
        )
    return grouped


class Retriever:
    """Dense retrieval through llama-index over every embedder's collection, fused."""

    def __init__(self, store: ChromaStore, candidates: int = 20) -> None:
        self.store = store
        self.candidates = candidates
        self._indexed: dict[str, Any] = {}  # the store's collections the indexes are over
        self._indexes: dict[str, Any] = {}
        self._lock = threading.Lock()

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
                embedder.name: vector_index(collections[embedder.name], embedder)
                for embedder in self.store.embedders
            }
            if replacing:
                # The old Chroma client and its vector indexes (~350 MB at 100k paragraphs)
                # sit in reference cycles: free them now, not at some later full collection.
                gc.collect()
            return self._indexes

    def rankings(
        self, question: str, lang: str, filters: dict[str, str] | None = None
    ) -> list[Ranking]:
        """Every retriever's list; the dense ones run in threads beside the keyword search
        (their query embedding and Chroma search release the GIL: e5's embedding overlaps the
        rest instead of adding to it). A `doc` filter naming no stored document is an
        UnknownDocument that names it, not an abstention (nor an error from Chroma)."""
        indexes = self._dense_indexes()  # first: a filtered document may be new
        if filters and "doc" in filters:
            self.store.require_document(filters["doc"])
        chroma_filters = metadata_filters(filters or {})
        dense = self._submit_dense(indexes, question, chroma_filters)
        keyword = self.keyword_ranking(question, lang, filters)
        try:
            return [keyword, *(future.result() for future in dense)]
        except ChromaError:
            # Rows another process wrote since Chroma was last opened, mid-session (the
            # generation changes at its start and end only): Chroma's "Error finding id".
            self.store.refresh(force=True)
            dense = self._submit_dense(self._dense_indexes(), question, chroma_filters)
            return [keyword, *(future.result() for future in dense)]

    def _submit_dense(
        self, indexes: dict[str, Any], question: str, chroma_filters: Any
    ) -> list[Future[Ranking]]:
        return [
            _DENSE_POOL.submit(self.dense_ranking, name, index, question, chroma_filters)
            for name, index in indexes.items()
        ]

    def dense_ranking(self, name: str, index: Any, question: str, chroma_filters: Any) -> Ranking:
        """One collection's nearest paragraphs, as the primary collection holds them: it is the
        store's truth, what `docqa docs` lists. A row another collection alone holds (its
        writer killed between collections) or one deleted since is left out."""
        nodes = retriever(index, self.candidates, chroma_filters).retrieve(question)
        held = self.store.present([n.node.node_id for n in nodes])
        kept = [n for n in nodes if n.node.node_id in held]
        return Ranking(
            name,
            [from_record(n.node.node_id, n.node.get_content(), n.node.metadata) for n in kept],
            # llama-index reports exp(-distance); Chroma's cosine distance is 1 - cos.
            [1.0 + math.log(n.score) if n.score else 0.0 for n in kept],
        )

    def keyword_ranking(
        self, question: str, lang: str, filters: dict[str, str] | None = None
    ) -> Ranking:
        """BM25 over the paragraphs in the question's language only.

        Across languages only names and numbers can match, and such a list is noise that
        drags the dense lists down (measured: en->zh R@1 .81 with it restricted, .70 without);
        the dense retrievers cover the cross-lingual case.
        """
        if (filters or {}).get("lang", lang) != lang:
            return Ranking(KEYWORD, [], dense=False)
        found = self.store.keyword_search(
            question, lang, self.candidates, {**(filters or {}), "lang": lang}
        )
        scores = dict(found)
        paragraphs = self.store.get(list(scores))
        return Ranking(KEYWORD, paragraphs, [scores[p.id] for p in paragraphs], dense=False)

    def retrieve(
        self,
        question: str,
        lang: str,
        top_k: int = 6,
        filters: dict[str, str] | None = None,
    ) -> list[Hit]:
        """The top-k pieces of evidence; none when the store is empty (every list is)."""
        return self.assemble(self.rankings(question, lang, filters), lang, top_k, filters)

    def assemble(
        self,
        rankings: Sequence[Ranking],
        lang: str,
        top_k: int,
        filters: dict[str, str] | None = None,
    ) -> list[Hit]:
        """Fuse the rankings and group translations into the top-k pieces of evidence."""
        fused = fuse(rankings, self.candidates)
        links = self.store.translations([hit.paragraph.id for hit in fused])
        return group_translations(fused, links, lang, filters)[:top_k]
