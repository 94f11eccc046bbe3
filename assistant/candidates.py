"""Candidate sentences of the retrieved evidence, scored against the question.

A sentence's score mixes its meaning (USE cosine with the question), the question's words it
holds (IDF-weighted) and how strongly retrieval ranked its paragraph. A paragraph's parallel
translations are candidates too, so a detail found only in the Chinese text can be cited.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from assistant.sentence_vectors import SentenceVectors
from assistant.sentences import Sentence, split_sentences
from store import Hit, Paragraph, Question, indexed_text
from text import tokenize

# Weights of a sentence's score, chosen on the seed evaluation set as a whole, not per question.
SEMANTIC_WEIGHT = 0.40
LEXICAL_WEIGHT = 0.45
PARAGRAPH_WEIGHT = 0.30
RETRIEVAL_WEIGHT = 0.40
# Across languages only names and numbers can match words: meaning stands in for the rest.
CROSS_LINGUAL_LEXICAL = 1.0
INTRODUCTION_DAMPING = 0.7
# A paragraph in the question's language that holds few of its words was ranked high by
# meaning alone, which favours the question's own language (a Chinese question finds the
# Chinese text first): below this IDF-weighted share of the question's words, its retrieval
# strength is scaled down in proportion. Paragraphs in other languages cannot share words.
TRUSTED_COVERAGE = 0.2


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    paragraph: Paragraph  # the hit's paragraph or one of its translations
    sentence: Sentence
    terms: frozenset[str] = field(hash=False)
    semantic: float
    lexical: float
    score: float


def _length_prior(text: str, lang: str) -> float:
    """Titles and fragments carry little: damp very short sentences, and sentences ending in a
    colon (they announce what follows rather than state it)."""
    announces = INTRODUCTION_DAMPING if text.rstrip().endswith((":", "：")) else 1.0
    return announces * min(1.0, len(text) / (12 if lang == "zh" else 40))


def idf_weights(
    question_terms: frozenset[str], sentence_terms: Sequence[frozenset[str]]
) -> dict[str, float]:
    """Inverse document frequency over the candidate sentences (rare words weigh more)."""
    df = Counter(t for terms in sentence_terms for t in terms & question_terms)
    n = len(sentence_terms)
    return {t: math.log(1 + (n + 1) / (df.get(t, 0) + 1)) for t in question_terms}


def weighted_share(idf: dict[str, float], terms: Collection[str]) -> float:
    """The IDF-weighted share of the question's words (the keys of `idf`) found in `terms`."""
    return sum(w for t, w in idf.items() if t in terms) / (sum(idf.values()) or 1.0)


def retrieval_strength(hits: Sequence[Hit]) -> dict[str, float]:
    """Each hit's fused score scaled to 0..1 among the hits (the best is 1)."""
    scores = [h.score for h in hits]
    low, high = min(scores), max(scores)
    spread = (high - low) or 1.0
    return {h.paragraph.id: (h.score - low) / spread for h in hits}


class VectorSpace(Protocol):
    """The store's primary embedder as the engine needs it (ChromaStore is one)."""

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def question_vector(self, question: Question) -> np.ndarray: ...

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]: ...


class Scorer:
    """Paragraphs' vectors are the store's (of their indexed text), and the question's is the
    one the search embedded: only sentences are embedded at question time."""

    def __init__(self, space: VectorSpace) -> None:
        self.space = space
        self.vectors = SentenceVectors(space.embed)

    def paragraph_vectors(self, paragraphs: Sequence[Paragraph]) -> np.ndarray:
        found = self.space.vectors([p.id for p in paragraphs])
        missing = [p for p in paragraphs if p.id not in found]  # e.g. deleted since retrieval
        if missing:
            embedded = self.vectors([indexed_text(p) for p in missing])
            found = {**found, **{p.id: v for p, v in zip(missing, embedded, strict=True)}}
        return np.stack([found[p.id] for p in paragraphs])

    def rank(self, question: Question, hits: Sequence[Hit]) -> list[Candidate]:
        """Candidates best first; a translation is one only where the filters allow it."""
        lang = question.lang
        members = [(hit, p) for hit in hits for p in hit.readable(question.filters)]
        triples = [(hit, p, s) for hit, p in members for s in split_sentences(p.text)]
        if not triples:
            return []
        question_terms = question.term_set
        sentence_terms = [frozenset(tokenize(s.text, p.lang)) for _, p, s in triples]
        idf = idf_weights(question_terms, sentence_terms)
        q_vec = self.space.question_vector(question)
        semantic = self.vectors([s.text for _, _, s in triples]) @ q_vec
        # The paragraph's similarity in the engine's own space (its thresholds were set on it).
        paragraphs = [p for _, p in members]
        paragraph_sims = dict(
            zip(
                (p.id for p in paragraphs),
                self.paragraph_vectors(paragraphs) @ q_vec,
                strict=True,
            )
        )
        paragraph_terms: dict[str, set[str]] = {}
        for (_, paragraph, _), terms in zip(triples, sentence_terms, strict=True):
            paragraph_terms.setdefault(paragraph.id, set()).update(terms)
        strength = retrieval_strength(hits)
        for hit in hits:
            if hit.paragraph.lang == lang:
                coverage = weighted_share(idf, paragraph_terms.get(hit.paragraph.id, set()))
                strength[hit.paragraph.id] *= min(1.0, coverage / TRUSTED_COVERAGE)
        out = []
        for (hit, paragraph, sentence), terms, sim in zip(
            triples, sentence_terms, semantic, strict=True
        ):
            lexical = weighted_share(idf, terms)
            if paragraph.lang != lang:
                lexical = max(lexical, CROSS_LINGUAL_LEXICAL * float(sim))
            score = _length_prior(sentence.text, paragraph.lang) * (
                SEMANTIC_WEIGHT * float(sim)
                + LEXICAL_WEIGHT * lexical
                + PARAGRAPH_WEIGHT * float(paragraph_sims[paragraph.id])
                + RETRIEVAL_WEIGHT * strength[hit.paragraph.id]
            )
            out.append(Candidate(hit, paragraph, sentence, terms, float(sim), lexical, score))
        return sorted(out, key=lambda c: -c.score)
