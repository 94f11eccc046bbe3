"""Per-question scores and their summary per language and for cross-lingual questions."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from assistant import Answer
from assistant.verify import Verifier
from evals.alce import CitationQuality, citation_quality
from evals.matching import contains
from evals.schema import EvalItem, GoldQuote
from store import Paragraph


@dataclass(frozen=True)
class QuestionScore:
    id: str
    lang: str
    type: str
    answerable: bool
    abstained: bool
    evidence_recall: float | None  # answerable only: share of gold groups in cited paragraphs
    citation_precision: float | None  # answered answerable: share of citations holding gold
    key_fact_coverage: float | None  # answerable only: share of key facts in the answer text
    retrieval_rank: int | None  # answerable only: rank of the first gold paragraph retrieved
    latency_ms: float
    # ALCE-style, judged by our verifier (evals/alce.py); answered questions only
    alce_citation_recall: float | None = None
    alce_citation_precision: float | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def failed(self) -> bool:
        if not self.answerable:
            return not self.abstained
        return self.abstained or (self.evidence_recall or 0.0) < 1.0


def holds(paragraph: Paragraph, gold: GoldQuote) -> bool:
    return paragraph.doc_id == gold.doc and contains(paragraph.text, gold.quote)


def score_answer(item: EvalItem, answer: Answer, judge: Verifier | None = None) -> QuestionScore:
    latency = sum(answer.timings.values())
    quality = citation_quality(answer, judge) if judge else CitationQuality(None, None)
    if not item.answerable:
        return QuestionScore(
            item.id,
            item.lang,
            item.type,
            False,
            answer.abstained,
            None,
            None,
            None,
            None,
            latency,
            quality.recall,
            quality.precision,
        )
    cited = [c.paragraph for c in answer.citations]
    groups = item.gold_groups()
    recall = sum(any(holds(p, g) for p in cited for g in group) for group in groups) / len(groups)
    precision = (
        sum(any(holds(c.paragraph, g) for g in item.gold) for c in answer.citations)
        / len(answer.citations)
        if answer.citations
        else None
    )
    facts = (
        sum(contains(answer.text, fact) for fact in item.key_facts) / len(item.key_facts)
        if item.key_facts
        else None
    )
    if answer.abstained:
        facts = 0.0 if facts is not None else None
    rank = next(
        (
            n
            for n, hit in enumerate(answer.retrieved, start=1)
            # a hit is one piece of evidence: its paragraph and its grouped translations
            if any(holds(p, g) for p in (hit.paragraph, *hit.translations) for g in item.gold)
        ),
        None,
    )
    return QuestionScore(
        item.id,
        item.lang,
        item.type,
        True,
        answer.abstained,
        recall,
        precision,
        facts,
        rank,
        latency,
        quality.recall,
        quality.precision,
    )


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None


def _percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summarize(scores: Sequence[QuestionScore]) -> dict[str, float | int | None]:
    answerable = [s for s in scores if s.answerable]
    unanswerable = [s for s in scores if not s.answerable]
    ranks = [s.retrieval_rank for s in answerable]
    latencies = [s.latency_ms for s in scores]
    return {
        "questions": len(scores),
        "evidence_recall": _mean([s.evidence_recall for s in answerable]),
        "citation_precision": _mean([s.citation_precision for s in answerable]),
        "key_fact_coverage": _mean([s.key_fact_coverage for s in answerable]),
        "abstention_accuracy": _mean([float(s.abstained) for s in unanswerable]),
        "false_abstention": _mean([float(s.abstained) for s in answerable]),
        "alce_citation_recall": _mean([s.alce_citation_recall for s in scores]),
        "alce_citation_precision": _mean([s.alce_citation_precision for s in scores]),
        "retrieval_r1": _mean([float(r is not None and r <= 1) for r in ranks]),
        "retrieval_r5": _mean([float(r is not None and r <= 5) for r in ranks]),
        "retrieval_mrr": _mean([1.0 / r if r else 0.0 for r in ranks]),
        "latency_p50_ms": _percentile(latencies, 0.5),
        "latency_p95_ms": _percentile(latencies, 0.95),
    }


SLICES = ("fr", "en", "zh", "cross-lingual", "all")


def summarize_slices(scores: Sequence[QuestionScore]) -> dict[str, dict[str, float | int | None]]:
    """Metrics per question language, for the cross-lingual questions, and overall."""
    return {
        "fr": summarize([s for s in scores if s.lang == "fr"]),
        "en": summarize([s for s in scores if s.lang == "en"]),
        "zh": summarize([s for s in scores if s.lang == "zh"]),
        "cross-lingual": summarize([s for s in scores if s.type == "cross-lingual"]),
        "all": summarize(scores),
    }
