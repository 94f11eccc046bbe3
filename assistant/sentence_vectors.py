"""Sentence embeddings for the answer engine and the verifier, cached by text."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

Embed = Callable[[Sequence[str]], np.ndarray]  # texts -> one unit vector per text


class SentenceVectors:
    """Sentence embeddings, cached: the same paragraphs come back for many questions.

    4,096 sentences hold 8 MB of vectors; at 20,000 the cache grew `docqa serve` by ~12 MB
    every 100 questions until it held 41 MB.
    """

    def __init__(self, embed: Embed, capacity: int = 4096) -> None:
        self.embed = embed
        self.capacity = capacity
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 1))
        wanted = list(dict.fromkeys(texts))
        found = {t: self._cache[t] for t in wanted if t in self._cache}
        missing = [t for t in wanted if t not in found]
        if missing:
            found.update(zip(missing, self.embed(missing), strict=True))
        # Least recently used goes first; the vectors returned are the ones in hand, so a text
        # evicted by this very call (more texts than the capacity) is still answered.
        for text in wanted:
            self._cache[text] = found[text]
            self._cache.move_to_end(text)
        while len(self._cache) > self.capacity:
            self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts])
