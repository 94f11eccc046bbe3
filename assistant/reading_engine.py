"""The reader's answer engine (experimental, `DOCQA_ENGINE=reader`): a model we train picks the
sentences that answer and the short answer inside the best one, and declines below its
calibrated threshold.

The reader (assistant/reader.py, trained with `make train-reader`) reads the question with each
candidate sentence of the retrieved evidence; the answer decision (assistant/answer_decision.py)
weighs its support with the sentence's retrieval rank and similarity to the question. The
engine cites the most likely sentence, one more for each part of a multi-part question, and
another paragraph's sentence nearly as likely; the answer leads with the short answer.

It is not the default: the readers trained so far (README, "The reader") do worse than the
rules engine on abstention and across languages, so the rules engine (assistant/extractive.py)
answers until a reader beats it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from assistant.answer_decision import AnswerDecision, features
from assistant.candidates import VectorSpace
from assistant.extractive import Extract, compose, in_reading_order
from assistant.phrases import ABSTAIN
from assistant.question_parts import question_parts
from assistant.reader import Reader, Reading
from assistant.reader_input import text_before
from assistant.sentence_vectors import SentenceVectors
from assistant.sentences import Sentence, split_sentences
from assistant.types import Citation, ShortAnswer
from store import Hit, Paragraph, Question

GATHERED = 80  # sentences embedded per question; the reader reads the most promising of them
PART_POOL = 8  # a part of the question is read against the best sentences for the whole
SECOND_PARAGRAPH = 0.9  # another paragraph's sentence is cited when this close to the best
WHOLE_SENTENCE = 0.8  # a "short" answer this much of its sentence adds nothing: left out
_EDGES = " \t\n,;:.!?，。；：！？、()（）«»\"“”'"


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved paragraph or of one of its translations the filters allow."""

    hit: Hit
    paragraph: Paragraph
    sentence: Sentence

    @property
    def context(self) -> str:
        return text_before(self.paragraph.text, self.sentence.start)


def candidate_sentences(hits: Sequence[Hit], filters: Mapping[str, str]) -> list[Candidate]:
    """At most GATHERED candidates, best hit first (a lower hit is cut first)."""
    out = [
        Candidate(hit, paragraph, sentence)
        for hit in hits
        for paragraph in hit.readable(filters)
        for sentence in split_sentences(paragraph.text)
    ]
    return out[:GATHERED]


def hit_ranks(hits: Sequence[Hit], candidates: Sequence[Candidate]) -> list[int]:
    """Each candidate's hit's place in retrieval, from 1."""
    place = {id(hit): n for n, hit in enumerate(hits, start=1)}
    return [place[id(c.hit)] for c in candidates]


def cited_candidate(
    citation: Citation, hits: Sequence[Hit], filters: Mapping[str, str]
) -> Candidate | None:
    """A citation's quote as a candidate of the hit whose paragraphs hold it (none: not found)."""
    for hit in hits:
        if citation.paragraph in hit.readable(filters):
            quoted = Sentence(citation.quote, citation.start, citation.end)
            return Candidate(hit, citation.paragraph, quoted)
    return None


@dataclass(frozen=True)
class Read:
    candidate: Candidate
    reading: Reading
    rank: int  # of its hit in retrieval, from 1
    cosine: float  # its similarity to the question, in the store's primary embedding space
    probability: float  # that it answers: the answer decision's verdict

    @property
    def paragraph(self) -> Paragraph:
        return self.candidate.paragraph

    @property
    def sentence(self) -> Sentence:
        return self.candidate.sentence


class ReaderEngine:
    def __init__(
        self,
        reader: Reader,
        decision: AnswerDecision,
        space: VectorSpace,
        max_sentences: int,
        limit: int,
    ) -> None:
        self.reader = reader
        self.decision = decision
        self.space = space
        self.sentence_vectors = SentenceVectors(space.embed)
        self.max_sentences = max_sentences
        self.limit = limit

    def read(self, question: Question, hits: Sequence[Hit]) -> list[Read]:
        """The candidate sentences the reader read (the `limit` most promising by rank and
        similarity), with the decision's verdict, the most likely answer first."""
        gathered = candidate_sentences(hits, question.filters)
        ranks = hit_ranks(hits, gathered)
        cosines = self._cosines(question, gathered)
        kept = self.decision.worth_reading(ranks, cosines, self.limit)
        reads = self._read(
            question, [gathered[i] for i in kept], [ranks[i] for i in kept], cosines[kept]
        )
        return sorted(reads, key=lambda r: -r.probability)

    def judge(
        self, question: Question, hits: Sequence[Hit], citations: Sequence[Citation]
    ) -> tuple[Citation, ...]:
        """Other sentences cited for the question (an LLM's), judged as the engine judges its
        own: each stays `verified` only if its quote is likely enough to answer the question."""
        cited = [(c, cited_candidate(c, hits, question.filters)) for c in citations]
        found = [candidate for _, candidate in cited if candidate is not None]
        reads = self._read(question, found, hit_ranks(hits, found), self._cosines(question, found))
        likely = {id(r.candidate): r.probability for r in reads}
        return tuple(
            replace(
                c,
                verified=c.verified
                and candidate is not None
                and likely[id(candidate)] >= self.decision.threshold,
            )
            for c, candidate in cited
        )

    def _cosines(self, question: Question, candidates: Sequence[Candidate]) -> np.ndarray:
        if not candidates:
            return np.zeros(0)
        vectors = self.sentence_vectors([c.sentence.text for c in candidates])
        return np.asarray(vectors @ self.space.question_vector(question))

    def _read(
        self,
        question: Question,
        candidates: Sequence[Candidate],
        ranks: Sequence[int],
        cosines: np.ndarray,
    ) -> list[Read]:
        """The reader's readings of `candidates`, with the decision's verdict, in their order."""
        if not candidates:
            return []
        readings = self.reader.read(
            question.text, [(c.context, c.sentence.text) for c in candidates]
        )
        probabilities = self._probabilities(readings, ranks, cosines)
        return [
            Read(c, r, n, float(cos), float(p))
            for c, r, n, cos, p in zip(
                candidates, readings, ranks, cosines, probabilities, strict=True
            )
        ]

    def _probabilities(
        self, readings: Sequence[Reading], ranks: Sequence[int], cosines: np.ndarray
    ) -> np.ndarray:
        rows = features([r.support for r in readings], ranks, cosines)
        return self.decision.probabilities(rows)

    def select(self, question: Question, reads: list[Read]) -> list[Read]:
        """The most likely sentence; the most likely for each other part of the question; then
        another paragraph's sentence nearly as likely."""
        if not reads or reads[0].probability < self.decision.threshold:
            return []
        chosen = [reads[0]]
        parts = question_parts(question.text, question.lang)
        if len(parts) > 1:
            pool = reads[:PART_POOL]
            for part in parts:
                readings = self.reader.read(
                    part, [(r.candidate.context, r.candidate.sentence.text) for r in pool]
                )
                # The part is read anew; its sentence keeps its rank and similarity.
                likely = self._probabilities(
                    readings, [r.rank for r in pool], np.array([r.cosine for r in pool])
                )
                index = int(np.argmax(likely))
                if likely[index] >= self.decision.threshold and pool[index] not in chosen:
                    chosen.append(pool[index])
        bar = max(self.decision.threshold, SECOND_PARAGRAPH * reads[0].probability)
        for read in reads[1:]:
            if len(chosen) >= self.max_sentences or read.probability < bar:
                break
            # Another sentence of a chosen paragraph, or its translation, says it again.
            if all(read.candidate.hit is not c.candidate.hit for c in chosen):
                chosen.append(read)
        return chosen

    def answer(self, question: Question, hits: Sequence[Hit]) -> Extract:
        lang = question.lang
        reads = self.read(question, hits)
        confidence = reads[0].probability if reads else 0.0
        chosen = self.select(question, reads)
        if not chosen:
            return Extract(ABSTAIN[lang], (), True, confidence)
        citations = tuple(
            Citation(
                marker=n,
                paragraph=r.candidate.paragraph,
                quote=r.candidate.sentence.text,
                start=r.candidate.sentence.start,
                end=r.candidate.sentence.end,
                support=r.probability,
                verified=r.probability >= self.decision.threshold,
            )
            for n, r in enumerate(in_reading_order(chosen), start=1)
        )
        short = short_answer(chosen[0], citations[0])
        return Extract(compose(lang, citations, short), citations, False, confidence, short)


def short_answer(best: Read, citation: Citation) -> ShortAnswer | None:
    """The reader's span in the best sentence, trimmed of punctuation; none when it is most of
    the sentence (the sentence is the answer)."""
    if best.reading.span is None:
        return None
    start, end = best.reading.span
    sentence = best.candidate.sentence.text
    while start < end and sentence[start] in _EDGES:
        start += 1
    while end > start and sentence[end - 1] in _EDGES:
        end -= 1
    if end <= start or end - start > WHOLE_SENTENCE * len(sentence):
        return None
    offset = best.candidate.sentence.start
    return ShortAnswer(sentence[start:end], citation.marker, offset + start, offset + end)
