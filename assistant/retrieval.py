"""Retrieval: each retriever ranks paragraphs, reciprocal-rank fusion merges the rankings."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.llama_bridge import metadata_filters, retriever, vector_index
from assistant.types import Hit
from store import ChromaStore, Paragraph, from_record

KEYWORD = "keyword"
RRF_K = 60  # the usual constant: damps the head so one retriever cannot dominate


@dataclass(frozen=True)
class Ranking:
    """One retriever's answer: paragraphs best first, with its own similarity scores."""

    name: str
    paragraphs: list[Paragraph]
    similarities: list[float] = field(default_factory=list)


def fuse(
    rankings: Sequence[Ranking], top_k: int, weights: dict[str, float] | None = None
) -> list[Hit]:
    """Weighted reciprocal-rank fusion; a Hit keeps every retriever's rank and similarity."""
    weights = weights or {}
    scores: dict[str, float] = {}
    ranks: dict[str, dict[str, int]] = {}
    sims: dict[str, dict[str, float]] = {}
    paragraphs: dict[str, Paragraph] = {}
    for ranking in rankings:
        weight = weights.get(ranking.name, 1.0)
        for rank, paragraph in enumerate(ranking.paragraphs, start=1):
            paragraphs[paragraph.id] = paragraph
            scores[paragraph.id] = scores.get(paragraph.id, 0.0) + weight / (RRF_K + rank)
            ranks.setdefault(paragraph.id, {})[ranking.name] = rank
            if rank <= len(ranking.similarities):
                sims.setdefault(paragraph.id, {})[ranking.name] = ranking.similarities[rank - 1]
    best = sorted(scores, key=lambda pid: (-scores[pid], pid))[:top_k]
    return [
        Hit(paragraphs[pid], scores[pid], ranks[pid], similarities=sims.get(pid, {}))
        for pid in best
    ]


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
        self._indexes = {
            embedder.name: (vector_index(store.collections[embedder.name], embedder))
            for embedder in store.embedders
        }

    def rankings(
        self, question: str, lang: str, filters: dict[str, str] | None = None
    ) -> list[Ranking]:
        chroma_filters = metadata_filters(filters or {})
        out = [self.keyword_ranking(question, lang, filters)]
        for name, index in self._indexes.items():
            nodes = retriever(index, self.candidates, chroma_filters).retrieve(question)
            out.append(
                Ranking(
                    name,
                    [
                        from_record(n.node.node_id, n.node.get_content(), n.node.metadata)
                        for n in nodes
                    ],
                    # llama-index reports exp(-distance); Chroma's cosine distance is 1 - cos.
                    [1.0 + math.log(n.score) if n.score else 0.0 for n in nodes],
                )
            )
        return out

    def keyword_ranking(
        self, question: str, lang: str, filters: dict[str, str] | None = None
    ) -> Ranking:
        found = self.store.keyword_search(question, lang, self.candidates, filters)
        return Ranking(KEYWORD, self.store.get([pid for pid, _ in found]))

    def retrieve(
        self,
        question: str,
        lang: str,
        top_k: int = 6,
        filters: dict[str, str] | None = None,
    ) -> list[Hit]:
        if self.store.count() == 0:
            return []
        fused = fuse(self.rankings(question, lang, filters), self.candidates)
        links = self.store.translations([hit.paragraph.id for hit in fused])
        return group_translations(fused, links, lang, filters)[:top_k]
