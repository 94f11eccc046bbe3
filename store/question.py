"""A question as every part of the search and the answer reads it, made once per question.

Its language is detected, its words tokenized and its vector per embedder computed once,
where each was done two to four times before (the engine, the keyword search, the verifier),
and an embedder kept a cache of recent questions to hide the repeats.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

import numpy as np

from store.embedders import Embedder
from text import detect_language, tokenize


@dataclass(frozen=True, eq=False)
class Question:
    text: str
    lang: str
    terms: tuple[str, ...]  # content-word tokens (text/tokens.py)
    filters: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    _vectors: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def of(cls, text: str, filters: Mapping[str, str] | None = None) -> Question:
        """`text` as already checked (assistant/question_checks.py)."""
        lang = detect_language(text)
        return cls(text, lang, tuple(tokenize(text, lang)), MappingProxyType(dict(filters or {})))

    @cached_property
    def term_set(self) -> frozenset[str]:
        return frozenset(self.terms)

    def vector(self, embedder: Embedder) -> np.ndarray:
        """The question embedded by `embedder`: once, whichever part asks first. Not locked:
        the search embeds with each embedder in its own thread (they overlap), and the answer
        engine asks after the search."""
        if embedder.name not in self._vectors:
            vector = embedder.embed_query(self.text)
            vector.setflags(write=False)  # shared by every reader of the question
            self._vectors[embedder.name] = vector
        return self._vectors[embedder.name]
