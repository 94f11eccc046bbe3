"""The extractive answer engine: pick the retrieved sentences that answer, cite each exactly.

No LLM: every sentence of an answer is a sentence of a document, so every claim is supported
by construction. The engine's job is choosing well (one sentence per part of the question,
a second paragraph when the first leaves question terms uncovered) and declining when the
evidence cannot hold the answer (assistant/abstention.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import numpy as np

from assistant.abstention import evidence_fails
from assistant.candidates import Candidate, Scorer, VectorSpace
from assistant.expected_answers import answers_kind, expected_types, years_asked
from assistant.phrases import ABSTAIN, CONNECTORS, lead_in
from assistant.question_parts import question_parts
from assistant.sentences import Sentence
from assistant.types import Citation, ShortAnswer
from store import Hit, Paragraph, Question
from text import tokenize

NEAR_DUPLICATE = 0.85  # cosine above which a second sentence says the same thing again
KEEP_RELATIVE = 0.80  # an extra sentence must score this close to the best one
HOP_RELATIVE = 0.60  # ... or this close, when it brings question terms the others lack
TYPE_POOL = 10  # how deep to look for a sentence holding the expected kind of answer
TYPE_RELATIVE = 0.60  # ... and how far below the best sentence it may score
REQUIRE_EVERY_TYPED_PART = True


@dataclass(frozen=True)
class Extract:
    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    confidence: float
    short_answer: ShortAnswer | None = None  # the reader engine's (assistant/reading_engine.py)


class ExtractiveEngine:
    def __init__(self, space: VectorSpace, abstain_below: float, max_sentences: int = 3) -> None:
        self.scorer = Scorer(space)
        self.abstain_below = abstain_below
        self.max_sentences = max_sentences

    def select(self, question: Question, ranked: list[Candidate]) -> list[Candidate]:
        """One fitting sentence per part of the question, then sentences that add coverage."""
        if not ranked or ranked[0].score < self.abstain_below:
            return []
        top = ranked[0].score
        # A sentence without the year the question names cannot answer it: the best one that
        # has it sets the bar for the candidates of each part.
        lang = question.lang
        years = years_asked(question.text)
        dated = [c for c in ranked if any(year in c.sentence.text for year in years)]
        bar = TYPE_RELATIVE * (dated[0].score if years and dated else top)
        pool = [c for c in ranked[:TYPE_POOL] if c.score >= max(self.abstain_below, bar)]
        chosen: list[Candidate] = []
        for part in question_parts(question.text, lang):
            part_terms = set(tokenize(part, lang))
            fitting = [c for c in pool if answers_kind(part, lang, c.sentence.text)]
            if not fitting:
                if REQUIRE_EVERY_TYPED_PART and expected_types(part, lang):
                    return []  # a part asks for a date, a number...: nothing here holds one
                continue
            # Within a part, prefer the sentence that names the part's own terms.
            best = max(fitting, key=lambda c: c.score + 0.1 * len(c.terms & part_terms))
            if best not in chosen:
                chosen.append(best)
        if not chosen:
            return []
        question_terms = question.term_set
        covered = set().union(*(c.terms for c in chosen))
        for candidate in ranked:
            if len(chosen) >= self.max_sentences or candidate.score < HOP_RELATIVE * top:
                break
            if candidate in chosen or self._repeats(candidate, chosen):
                continue
            new_terms = (candidate.terms & question_terms) - covered
            close = candidate.score >= KEEP_RELATIVE * top
            if new_terms and (close or candidate.hit is not chosen[0].hit):
                chosen.append(candidate)
                covered |= candidate.terms
        return chosen

    def _repeats(self, candidate: Candidate, chosen: list[Candidate]) -> bool:
        vectors = self.scorer.vectors([c.sentence.text for c in [candidate, *chosen]])
        return bool(np.max(vectors[1:] @ vectors[0]) > NEAR_DUPLICATE)

    def answer(self, question: Question, hits: Sequence[Hit]) -> Extract:
        ranked = self.scorer.rank(question, hits)
        confidence = ranked[0].score if ranked else 0.0
        chosen = self.select(question, ranked)
        if not chosen or evidence_fails(question, chosen, ranked):
            return Extract(ABSTAIN[question.lang], (), True, confidence)
        citations = tuple(
            Citation(
                marker=n,
                paragraph=c.paragraph,
                quote=c.sentence.text,
                start=c.sentence.start,
                end=c.sentence.end,
            )
            for n, c in enumerate(in_reading_order(chosen), start=1)
        )
        return Extract(compose(question.lang, citations), citations, False, confidence)


class Placed(Protocol):
    """A chosen sentence (either engine's): where it stands in its document."""

    @property
    def paragraph(self) -> Paragraph: ...

    @property
    def sentence(self) -> Sentence: ...


P = TypeVar("P", bound=Placed)


def in_reading_order(chosen: list[P]) -> list[P]:
    """The best sentence first, then the others as they stand in their documents."""
    first, rest = chosen[0], chosen[1:]
    return [
        first,
        *sorted(rest, key=lambda c: (c.paragraph.doc_id, c.paragraph.ordinal, c.sentence.start)),
    ]


def compose(lang: str, citations: Sequence[Citation], short: ShortAnswer | None = None) -> str:
    """The short answer with its marker when there is one; the lead-in in the question's
    language, then each cited sentence followed by its marker, with a connector before a
    sentence from another paragraph than the one before it."""
    head = lead_in(lang, {c.paragraph.lang for c in citations})
    separator = "" if lang == "zh" else " "
    parts = []
    for previous, citation in zip((None, *citations), citations, strict=False):
        moves_on = previous is not None and previous.paragraph.id != citation.paragraph.id
        connector = f"{CONNECTORS[lang]}{separator}" if moves_on else ""
        parts.append(f"{connector}{citation.quote} [{citation.marker}]")
    body = f"{head}{separator}{separator.join(parts)}"
    return body if short is None else f"{short.text} [{short.marker}]\n\n{body}"
