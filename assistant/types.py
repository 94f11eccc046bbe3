"""The assistant's values: citations and answers (a search's hits are store.Hit)."""

from __future__ import annotations

from dataclasses import dataclass, field

from store import Hit, Paragraph


@dataclass(frozen=True)
class Citation:
    """The `[marker]` in an answer: an exact sentence of a paragraph, with its span in it."""

    marker: int
    paragraph: Paragraph
    quote: str
    start: int
    end: int
    support: float = 1.0  # the rules engine: 1.0; the reader engine: the probability that the
    # quote answers the question; an LLM's sentence: how well the quote backs it (verifier)
    verified: bool = True  # support reached the engine's threshold (and, for an LLM's
    # sentence, the quote backs what it claims)

    def __post_init__(self) -> None:
        if self.paragraph.text[self.start : self.end] != self.quote:
            raise ValueError(f"citation [{self.marker}] quote is not at {self.start}:{self.end}")


@dataclass(frozen=True)
class ShortAnswer:
    """The few words that answer (a date, a name, a place), as the reader found them inside
    the sentence cited by `marker`; `start`/`end` are offsets in that citation's paragraph."""

    text: str
    marker: int
    start: int
    end: int


@dataclass(frozen=True)
class Answer:
    question: str
    language: str
    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    retrieved: tuple[Hit, ...]
    timings: dict[str, float] = field(default_factory=dict, hash=False)
    confidence: float = 0.0
    engine: str = "extractive"  # "llm", or "extractive (fallback)" when the LLM's was unverified
    short_answer: ShortAnswer | None = None
