"""The sentence-vector cache: least recently used out, and never a KeyError on its own call."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.sentence_vectors import SentenceVectors


class CountingEmbedder:
    """A deterministic stand-in (this test is about the cache's plumbing, not quality)."""

    name = "counting"
    dim = 2

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += texts
        return np.array([[len(t), ord(t[0])] for t in texts], dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_passages([text])[0]


def test_a_cached_text_asked_with_new_ones_is_returned_not_evicted() -> None:
    vectors = SentenceVectors(CountingEmbedder().embed_passages, capacity=3)
    vectors(["a", "b", "c"])

    out = vectors(["a", "dd", "eee"])  # KeyError for "a" before the fix

    np.testing.assert_array_equal(out[:, 0], [1, 2, 3])


def test_more_texts_than_the_capacity_in_one_call_are_all_answered() -> None:
    vectors = SentenceVectors(CountingEmbedder().embed_passages, capacity=2)
    out = vectors(["a", "bb", "ccc", "a"])
    np.testing.assert_array_equal(out[:, 0], [1, 2, 3, 1])


def test_a_recent_hit_outlives_older_entries() -> None:
    embedder = CountingEmbedder()
    vectors = SentenceVectors(embedder.embed_passages, capacity=3)
    vectors(["a", "b", "c"])
    vectors(["a"])  # "a" is now the most recent
    vectors(["d"])  # evicts "b", the least recently used
    embedder.embedded.clear()

    vectors(["a", "c", "d"])
    assert embedder.embedded == []
    vectors(["b"])
    assert embedder.embedded == ["b"]
