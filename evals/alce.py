"""ALCE-style citation recall and precision (Gao et al., 2023), judged by our own verifier.

Citation recall: share of an answer's sentences that their citations support. Citation
precision: share of (sentence, citation) pairs where the citation alone supports the sentence.
ALCE judges with an NLI model; here the judge is assistant/verify.py (lexical and embedding
support, numbers and names required), the same check the LLM engine's answers go through.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant import Answer
from assistant.verify import VERIFIED_FROM, Verifier, statements
from text import detect_language


@dataclass(frozen=True)
class CitationQuality:
    recall: float | None  # None when the answer has no sentences to judge (an abstention)
    precision: float | None


def citation_quality(answer: Answer, judge: Verifier) -> CitationQuality:
    if answer.abstained:
        return CitationQuality(None, None)
    by_marker = {c.marker: c.paragraph for c in answer.citations}
    supported = []
    relevant = []
    for statement in statements(answer.text):
        cited = [by_marker[n] for n in statement.markers if n in by_marker]
        lang = detect_language(statement.claim, default=answer.language)
        scores = [judge.support(statement.claim, lang, p).score for p in cited]
        supported.append(bool(scores) and max(scores) >= VERIFIED_FROM)
        relevant += [score >= VERIFIED_FROM for score in scores]
    return CitationQuality(
        sum(supported) / len(supported) if supported else None,
        sum(relevant) / len(relevant) if relevant else None,
    )
