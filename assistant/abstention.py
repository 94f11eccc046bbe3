"""Answer-level checks: does the chosen evidence cover what the question names?

Retrieval almost always finds a plausible paragraph, so a retrieval score cannot tell an
unanswerable question from an answerable one. The engine declines when the evidence it would
cite misses an ordinal the question names ("the second summit"), a name it mentions, or most
of its rarer words (in the question's language; evidence in another language is judged by
meaning alone).
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.candidates import Candidate, idf_weights, weighted_share
from assistant.expected_answers import holds_ordinal, ordinals_named
from assistant.question_parts import mentions, names_in
from store import Paragraph, Question
from text import tokenize

# Share of the question's IDF-weighted words the cited paragraphs must hold (same language);
# set on the seed evaluation set, checked on benchdata (bench/abstention.py).
COVERAGE_MIN = 0.05
# Evidence in another language only: the best sentence's cosine with the question.
FOREIGN_SEMANTIC_MIN = 0.10


def evidence_paragraphs(chosen: Sequence[Candidate]) -> list[Paragraph]:
    """The cited paragraphs with their translations (one piece of evidence in every language)."""
    seen: dict[str, Paragraph] = {}
    for c in chosen:
        for p in (c.hit.paragraph, *c.hit.translations):
            seen.setdefault(p.id, p)
    return list(seen.values())


def term_coverage(
    question: Question, paragraphs: Sequence[Paragraph], ranked: Sequence[Candidate]
) -> float | None:
    """IDF-weighted share of question words found in same-language evidence; None if none."""
    lang, question_terms = question.lang, question.term_set
    same = [p for p in paragraphs if p.lang == lang]
    if not same or not question_terms:
        return None
    idf = idf_weights(question_terms, [c.terms for c in ranked])
    evidence_terms = set().union(*(tokenize(p.text, p.lang) for p in same))
    return weighted_share(idf, evidence_terms)


def evidence_fails(
    question: Question, chosen: Sequence[Candidate], ranked: Sequence[Candidate]
) -> bool:
    lang = question.lang
    # "the second summit": a sentence about the first one does not answer, in any language.
    if any(
        not any(holds_ordinal(n, c.sentence.text) for c in chosen)
        for n in ordinals_named(question.text)
    ):
        return True
    paragraphs = evidence_paragraphs(chosen)
    # Names are checked in the question's language only: across languages they are translated
    # ("Counter-Terrorism" / "antiterroriste").
    same = "\n".join(p.text for p in paragraphs if p.lang == lang)
    if same and any(not mentions(same, name) for name in names_in(question.text)):
        return True
    coverage = term_coverage(question, paragraphs, ranked)
    if coverage is None:
        return max(c.semantic for c in chosen) < FOREIGN_SEMANTIC_MIN
    return coverage < COVERAGE_MIN
