"""The answer contract of `docqa ask --json` and `docqa eval` (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from assistant.types import Answer, Citation, ShortAnswer


def citation_json(citation: Citation) -> dict[str, Any]:
    p = citation.paragraph
    return {
        "marker": citation.marker,
        "doc": p.doc_name,
        "paragraph_id": p.id,
        "section": p.section,
        "page": p.page,
        "text": p.text,
        "quote": citation.quote,
        "start": citation.start,
        "end": citation.end,
        "support": round(citation.support, 3),
        "verified": citation.verified,
    }


def short_answer_json(short: ShortAnswer | None) -> dict[str, Any] | None:
    """The reader's short answer: its text, the marker of the citation it is quoted from, and
    its offsets in that citation's paragraph."""
    if short is None:
        return None
    return {"text": short.text, "citation": short.marker, "start": short.start, "end": short.end}


def answer_json(answer: Answer, question_id: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": question_id} if question_id is not None else {}
    out |= {
        "question": answer.question,
        "language": answer.language,
        "answer": answer.text,
        "abstained": answer.abstained,
        "confidence": round(answer.confidence, 4),
        "engine": answer.engine,
        "short_answer": short_answer_json(answer.short_answer),
        "citations": [citation_json(c) for c in answer.citations],
        "retrieved": [
            {
                "paragraph_id": h.paragraph.id,
                "doc": h.paragraph.doc_name,
                "score": round(h.score, 5),
                "translations": [t.id for t in h.translations],
            }
            for h in answer.retrieved
        ],
        "timings_ms": {k: round(v, 1) for k, v in answer.timings.items()},
    }
    return out
