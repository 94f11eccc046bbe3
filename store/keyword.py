"""The keyword (BM25) index, kept in step with Chroma by living in the same records.

Each paragraph's tokens are stored in its Chroma metadata, written in the same upsert as its
vector, so Chroma and the keyword index can never disagree (nor after a crash). The BM25
matrix is built in memory from those tokens when the collection changes, never per query.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

TOKENS_KEY = "tokens"


class KeywordIndex:
    def __init__(self, collection: Any, generation: Callable[[], str]) -> None:
        self._collection = collection
        self._generation = generation
        self._lock = threading.Lock()
        self._bm25: Any = None
        self._ids: list[str] = []
        self._fields: dict[str, np.ndarray] = {}
        self._built_for: str | None = None  # the store generation it was built at

    def _ensure_built(self) -> None:
        generation = self._generation()  # changes with every write, by any process
        if self._built_for == generation and self._bm25 is not None:
            return
        import bm25s

        result = self._collection.get(include=["metadatas"])
        ids = list(result["ids"])
        tokens = [str(m.get(TOKENS_KEY, "")).split() for m in result["metadatas"]]
        bm25 = bm25s.BM25()
        if ids:
            bm25.index([t or ["\u2400"] for t in tokens], show_progress=False)
        self._bm25, self._ids, self._built_for = bm25, ids, generation
        self._fields = {
            key: np.array([str(m.get(key, "")) for m in result["metadatas"]], dtype=object)
            for key in ("doc", "lang")
        }

    def indexed_ids(self) -> set[str]:
        """The paragraph ids the BM25 matrix covers now (brought up to date first)."""
        with self._lock:
            self._ensure_built()
            return set(self._ids)

    def search(
        self, query_tokens: list[str], k: int, where: dict[str, str] | None = None
    ) -> list[tuple[str, float]]:
        """Paragraph ids with a positive BM25 score, best first."""
        with self._lock:
            self._ensure_built()
            if not self._ids or not query_tokens:
                return []
            scores = np.asarray(self._bm25.get_scores(query_tokens), dtype=np.float64)
            for key, value in (where or {}).items():
                scores[self._fields[key] != value] = 0.0
            top = np.argsort(-scores, kind="stable")[:k]
            return [(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]
