"""Sentence spans of a paragraph, for French, English and Chinese text."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? (followed by space and not an abbreviation), at 。！？, at ';'
# separating long clauses, or at a line break (titles and signature lines are their own units).
_BREAK = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+(?=[«\"“(]?[A-ZÀ-ÖØ-Þ0-9\u4e00-\u9fff])|\n")
_ABBREVIATION = re.compile(
    r"(?:\b(?:M|MM|Mme|Mr|Mrs|Ms|Dr|S\.E|St|No|art|p|cf|etc|Distr|e\.g|i\.e)\.|\b[A-Z]\.)$"
)
_CLAUSE = re.compile(r"(?<=[;；])\s*")
_LETTER = re.compile(r"[^\W\d_]")
LONG_SENTENCE_CHARS = 350  # longer sentences are cut at semicolons into citable clauses


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Spans [start, end) in `text`, stripped of surrounding whitespace, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BREAK.finditer(text):
        candidate = text[start : match.start()]
        if match.group() != "\n" and _ABBREVIATION.search(candidate.rstrip()):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    sentences = []
    for begin, end in spans:
        for clause_begin, clause_end in _clauses(text, begin, end):
            chunk = text[clause_begin:clause_end]
            stripped = chunk.strip()
            if not _LETTER.search(stripped):  # "5." numbering, dashes: nothing to cite
                continue
            offset = clause_begin + (len(chunk) - len(chunk.lstrip()))
            sentences.append(Sentence(stripped, offset, offset + len(stripped)))
    return sentences


def _clauses(text: str, begin: int, end: int) -> list[tuple[int, int]]:
    if end - begin <= LONG_SENTENCE_CHARS:
        return [(begin, end)]
    cuts = [begin] + [m.end() for m in _CLAUSE.finditer(text, begin, end)] + [end]
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
