"""Citation verification: is each sentence of an answer backed by the paragraph it cites?

A sentence is supported when its content words are in the paragraph (same language) and its
meaning is close to one of the paragraph's sentences (USE cosine, which also works across
languages); a number the paragraph does not contain caps the support low, whatever the rest.
The extractive engine's quotes score 1.0 by construction; an LLM's sentences must earn it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.phrases import strip_connector, strip_lead_in
from assistant.question_parts import mentions, names_in
from assistant.sentence_vectors import Embed, SentenceVectors
from assistant.sentences import Sentence, split_sentences
from assistant.types import Citation
from store import Paragraph
from text import detect_language, tokenize

VERIFIED_FROM = 0.5  # the UI's threshold too (ui/render.py): below it a citation is unverified
LEXICAL_SHARE = 0.5  # weight of word overlap in the support of a same-language sentence
# USE cosines between a claim and a paragraph's sentence: below LOW nothing in common, above
# HIGH the same statement (measured on the seed corpus: a translated paraphrase of a long
# sentence scores 0.4-0.55, an unrelated sentence of the same document under 0.15).
COSINE_LOW = 0.15
COSINE_HIGH = 0.50
WRONG_FACT_CAP = 0.2  # a number or a name the paragraph lacks: the claim is not what it says

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_MARKER_GROUP = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_MARKER = re.compile(r"\[(\d+)\]")
_MARKER_RUN = re.compile(r"(?:\s*\[\d+\])+")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Support:
    score: float
    quote: Sentence | None  # the paragraph's sentence closest to the claim


@dataclass(frozen=True)
class Statement:
    """One sentence of an answer: its words (markers removed) and the markers it carried."""

    claim: str
    markers: tuple[int, ...]


@dataclass(frozen=True)
class Verified:
    text: str
    citations: tuple[Citation, ...]
    kept: int  # sentences kept, each with a supporting citation
    dropped: int  # sentences no evidence paragraph supports
    repaired: int  # markers out of range, missing or wrong, replaced by a supporting one


def numbers_in(text: str) -> set[str]:
    return {n.replace(",", ".") for n in _NUMBER.findall(text)}


def statements(text: str) -> list[Statement]:
    """The answer's sentences with their [n] markers (also `[1, 2]`), lead-in and
    connectors removed.

    Markers end a statement (a quote need not end with a full stop); a run of sentences
    before one marker group gives the markers to the last sentence only, as ALCE does.
    """
    text = _MARKER_GROUP.sub(
        lambda m: "".join(f"[{n}]" for n in re.split(r"\s*[,;]\s*", m.group(1))), text
    )
    text = strip_lead_in(text)
    chunks: list[tuple[str, tuple[int, ...]]] = []
    position = 0
    for group in _MARKER_RUN.finditer(text):
        markers = tuple(int(n) for n in _MARKER.findall(group.group()))
        chunks.append((text[position : group.start()], markers))
        position = group.end()
    chunks.append((text[position:], ()))
    out: dict[str, Statement] = {}
    for chunk, markers in chunks:
        sentences = split_sentences(chunk)
        for index, sentence in enumerate(sentences):
            claim = strip_connector(sentence.text.strip())
            # A question (often the user's, echoed back) asserts nothing; a repeat adds nothing.
            if _LETTER.search(claim) and not claim.endswith(("?", "？")):
                own = markers if index == len(sentences) - 1 else ()
                out.setdefault(claim, Statement(claim, own))
    return list(out.values())


class Verifier:
    def __init__(self, embed: Embed) -> None:
        self.vectors = SentenceVectors(embed)

    def support(self, claim: str, claim_lang: str, paragraph: Paragraph) -> Support:
        sentences = split_sentences(paragraph.text)
        if not sentences:
            return Support(0.0, None)
        vectors = self.vectors([s.text for s in sentences])
        cosines = vectors @ self.vectors([claim])[0]
        best = int(np.argmax(cosines))
        semantic = float(np.clip((cosines[best] - COSINE_LOW) / (COSINE_HIGH - COSINE_LOW), 0, 1))
        score = semantic
        if paragraph.lang == claim_lang:
            terms = set(tokenize(claim, claim_lang))
            if terms:
                found = terms & set(tokenize(paragraph.text, paragraph.lang))
                score = LEXICAL_SHARE * len(found) / len(terms) + (1 - LEXICAL_SHARE) * semantic
        if self._names_a_missing_fact(claim, claim_lang, paragraph):
            score = min(score, WRONG_FACT_CAP)
        return Support(score, sentences[best])

    def verify(self, text: str, lang: str, evidence: Sequence[Paragraph]) -> Verified:
        """Keep supported sentences, each citing its best supporting paragraph, renumbered.

        A marker outside 1..len(evidence) is dropped; a sentence whose markers don't support
        it cites the evidence paragraph that does, or is removed when none does.
        """
        kept: list[tuple[str, int]] = []
        citations: dict[tuple[str, int], Citation] = {}
        dropped = repaired = 0
        for statement in statements(text):
            valid = [n for n in dict.fromkeys(statement.markers) if 1 <= n <= len(evidence)]
            claim_lang = detect_language(statement.claim, default=lang)  # models switch language
            found = self._best(statement.claim, claim_lang, evidence, valid)
            if found is None:
                everything = range(1, len(evidence) + 1)
                found = self._best(statement.claim, claim_lang, evidence, everything)
                if found is None:
                    dropped += 1
                    continue
                repaired += 1
            elif len(valid) < len(statement.markers):
                repaired += 1
            support, n = found
            assert support.quote is not None  # a positive score comes with a sentence
            key = (evidence[n - 1].id, support.quote.start)
            if key not in citations:
                citations[key] = Citation(
                    marker=len(citations) + 1,
                    paragraph=evidence[n - 1],
                    quote=support.quote.text,
                    start=support.quote.start,
                    end=support.quote.end,
                    support=support.score,
                    verified=support.score >= VERIFIED_FROM,
                )
            kept.append((statement.claim, citations[key].marker))
        separator = "" if lang == "zh" else " "
        body = separator.join(f"{claim} [{marker}]" for claim, marker in kept)
        return Verified(body, tuple(citations.values()), len(kept), dropped, repaired)

    @staticmethod
    def _names_a_missing_fact(claim: str, claim_lang: str, paragraph: Paragraph) -> bool:
        if numbers_in(claim) - numbers_in(paragraph.text):
            return True
        if paragraph.lang == "zh" and claim_lang != "zh":  # Latin names are transliterated
            return False
        same = paragraph.lang == claim_lang
        return any(not mentions(paragraph.text, name, same) for name in names_in(claim))

    def _best(
        self, claim: str, lang: str, evidence: Sequence[Paragraph], numbers: Iterable[int]
    ) -> tuple[Support, int] | None:
        """The evidence paragraph (1-based number) among `numbers` that supports best, if any."""
        scored = [(self.support(claim, lang, evidence[n - 1]), n) for n in numbers]
        best = max(scored, key=lambda pair: pair[0].score, default=None)
        return best if best and best[0].score >= VERIFIED_FROM else None
