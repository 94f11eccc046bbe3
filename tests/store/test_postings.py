"""BM25 score columns read from the saved files score exactly as bm25s does in memory."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np
import pytest

from store.keyword import best_first
from store.postings import Postings

CORPUS = [
    ["rhine", "flows", "north", "sea"],
    ["green", "tea", "leaves"],
    ["danube", "flows", "black", "sea", "sea"],
    ["tea", "sea"],
]


def built() -> tuple[bm25s.BM25, dict[str, int]]:
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(token, len(vocab)) for token in doc] for doc in CORPUS]
    model = bm25s.BM25()
    model.index((ids, vocab), show_progress=False)
    return model, vocab


def test_saved_columns_score_as_bm25s(tmp_path: Path) -> None:
    model, vocab = built()
    model.save(str(tmp_path), show_progress=False)
    saved = Postings.open(tmp_path, len(CORPUS))
    in_memory = Postings.of(model.scores)
    for words in (["sea"], ["tea", "flows"], ["sea", "sea", "danube"], []):
        columns = [vocab[w] for w in words]
        expected = model.get_scores_from_ids(columns) if columns else np.zeros(len(CORPUS))
        np.testing.assert_array_equal(saved.scores(columns), expected)
        np.testing.assert_array_equal(in_memory.scores(columns), expected)


def test_a_truncated_file_is_an_error_not_a_wrong_score(tmp_path: Path) -> None:
    model, vocab = built()
    model.save(str(tmp_path), show_progress=False)
    data = tmp_path / "data.csc.index.npy"
    data.write_bytes(data.read_bytes()[:-8])
    saved = Postings.open(tmp_path, len(CORPUS))
    with pytest.raises(OSError, match="shorter"):
        saved.scores(sorted(vocab.values()))  # the last column lost its tail


def test_an_empty_index_scores_nothing() -> None:
    assert Postings.empty().scores([]).shape == (0,)


def test_best_first_is_a_stable_argsort_cut_to_k() -> None:
    rng = np.random.default_rng(0)
    for size, k in ((1000, 20), (20, 20), (5, 20), (1000, 1), (0, 5), (10, 0)):
        scores = np.round(rng.random(size) * 4) / 4  # many ties
        expected = np.argsort(-scores, kind="stable")[: max(k, 0)]
        np.testing.assert_array_equal(best_first(scores, k), expected)
