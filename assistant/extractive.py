"""The extractive answer engine: pick the retrieved sentences that answer, cite each exactly.

No LLM: every sentence of an answer is a sentence of a document, so every claim is supported
by construction. The engine's job is choosing well and declining when nothing fits.
"""

from __future__ import annotations

import math
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer_types import answers_kind
from assistant.phrases import ABSTAIN, lead_in
from assistant.sentences import Sentence, split_sentences
from assistant.types import Citation, Hit
from store import Embedder
from store.records import indexed_text
from store.text import tokenize

# Weights of a sentence's score; chosen on the seed evaluation set as a whole, not per question.
SEMANTIC_WEIGHT = 0.40
LEXICAL_WEIGHT = 0.45
PARAGRAPH_WEIGHT = 0.15
NEAR_DUPLICATE = 0.85  # cosine above which a second sentence says the same thing again
KEEP_RELATIVE = 0.80  # further sentences must score this close to the best one
TYPE_POOL = 8  # how deep to look for a sentence holding the expected kind of answer
TYPE_RELATIVE = 0.60  # ... and how far below the best sentence it may score


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    sentence: Sentence
    terms: frozenset[str]
    semantic: float
    lexical: float
    score: float


@dataclass(frozen=True)
class Extract:
    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    confidence: float


class SentenceVectors:
    """Sentence embeddings, cached: the same paragraphs come back for many questions."""

    def __init__(self, embedder: Embedder, capacity: int = 20_000) -> None:
        self.embedder = embedder
        self.capacity = capacity
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vector in zip(missing, self.embedder.embed_passages(missing), strict=True):
                self._cache[text] = vector
            while len(self._cache) > self.capacity:
                self._cache.popitem(last=False)
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 1))


def _length_prior(text: str, lang: str) -> float:
    """Titles and fragments carry little: damp very short sentences."""
    return min(1.0, len(text) / (12 if lang == "zh" else 40))


class ExtractiveEngine:
    def __init__(self, embedder: Embedder, abstain_below: float, max_sentences: int = 3) -> None:
        self.vectors = SentenceVectors(embedder)
        self.embedder = embedder
        self.abstain_below = abstain_below
        self.max_sentences = max_sentences

    def candidates(self, question: str, lang: str, hits: Sequence[Hit]) -> list[Candidate]:
        pairs = [(hit, s) for hit in hits for s in split_sentences(hit.paragraph.text)]
        if not pairs:
            return []
        question_terms = frozenset(tokenize(question, lang))
        sentence_terms = [frozenset(tokenize(s.text, h.paragraph.lang)) for h, s in pairs]
        idf = _idf(question_terms, sentence_terms)
        q_vec = self.embedder.embed_query(question)
        semantic = self.vectors([s.text for _, s in pairs]) @ q_vec
        # The paragraph's similarity in the engine's own space (the thresholds were set on
        # it), whichever retrievers found the paragraph: e5's cosines sit on another scale.
        paragraph_sims = dict(
            zip(
                (h.paragraph.id for h in hits),
                self.vectors([indexed_text(h.paragraph) for h in hits]) @ q_vec,
                strict=True,
            )
        )
        total = sum(idf.values()) or 1.0
        out = []
        for (hit, sentence), terms, sim in zip(pairs, sentence_terms, semantic, strict=True):
            lexical = sum(idf[t] for t in question_terms & terms) / total
            score = _length_prior(sentence.text, hit.paragraph.lang) * (
                SEMANTIC_WEIGHT * float(sim)
                + LEXICAL_WEIGHT * lexical
                + PARAGRAPH_WEIGHT * float(paragraph_sims[hit.paragraph.id])
            )
            out.append(Candidate(hit, sentence, terms, float(sim), lexical, score))
        return sorted(out, key=lambda c: -c.score)

    def select(self, question: str, lang: str, ranked: list[Candidate]) -> list[Candidate]:
        """The best sentence, then others that are nearly as good and add something new."""
        if not ranked or ranked[0].score < self.abstain_below:
            return []
        floor = max(self.abstain_below, KEEP_RELATIVE * ranked[0].score)
        # The best sentence that can hold the kind of answer asked for (a date for "when"...):
        # if no close candidate can, the documents don't answer the question.
        fitting = [
            c
            for c in ranked[:TYPE_POOL]
            if c.score >= max(self.abstain_below, TYPE_RELATIVE * ranked[0].score)
            and answers_kind(question, lang, c.sentence.text)
        ]
        if not fitting:
            return []
        best = fitting[0]
        chosen = [best]
        covered = set(best.terms)
        question_terms = set(tokenize(question, lang))
        for candidate in ranked[1:]:
            if len(chosen) >= self.max_sentences:
                break
            if candidate.score < floor:
                break
            if self._repeats(candidate, chosen):
                continue
            new_terms = (candidate.terms & question_terms) - covered
            if new_terms or candidate.semantic >= best.semantic:
                chosen.append(candidate)
                covered |= candidate.terms
        return chosen

    def _repeats(self, candidate: Candidate, chosen: list[Candidate]) -> bool:
        vectors = self.vectors([c.sentence.text for c in [candidate, *chosen]])
        return bool(np.max(vectors[1:] @ vectors[0]) > NEAR_DUPLICATE)

    def answer(self, question: str, lang: str, hits: Sequence[Hit]) -> Extract:
        ranked = self.candidates(question, lang, hits)
        confidence = ranked[0].score if ranked else 0.0
        chosen = self.select(question, lang, ranked)
        if not chosen:
            return Extract(ABSTAIN[lang], (), True, confidence)
        citations = tuple(
            Citation(
                marker=n,
                paragraph=c.hit.paragraph,
                quote=c.sentence.text,
                start=c.sentence.start,
                end=c.sentence.end,
            )
            for n, c in enumerate(chosen, start=1)
        )
        return Extract(compose(lang, citations), citations, False, confidence)


def compose(lang: str, citations: Sequence[Citation]) -> str:
    """Lead-in in the question's language, then each cited sentence followed by its marker."""
    head = lead_in(lang, {c.paragraph.lang for c in citations})
    separator = "" if lang == "zh" else " "
    body = separator.join(f"{c.quote} [{c.marker}]" for c in citations)
    return f"{head}{separator}{body}"


def _idf(question_terms: frozenset[str], sentence_terms: list[frozenset[str]]) -> dict[str, float]:
    """Inverse document frequency over the candidate sentences (rare words weigh more)."""
    df = Counter(t for terms in sentence_terms for t in terms & question_terms)
    n = len(sentence_terms)
    return {t: math.log(1 + (n + 1) / (df.get(t, 0) + 1)) for t in question_terms}
