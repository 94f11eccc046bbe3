"""USE keeps to the CPU threads it is given (e5's threads: test_e5_onnx.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
from threadpoolctl import threadpool_info

from store.embedders import UseEmbedder

QUESTION = "Quelle est la date de la déclaration des ministres de la CICA ?"
PASSAGES = ["La déclaration a été adoptée à New York.", "亚信会议成员国有二十七个。"]


def blas_threads() -> int:
    return max(info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas")


class RecordingTokenizer:
    """USE's own tokenizer, noting how many BLAS threads are allowed while it is called."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.blas_threads: list[int] = []

    def encode(self, *args: Any, **kwargs: Any) -> Any:
        self.blas_threads.append(blas_threads())
        return self.tokenizer.encode(*args, **kwargs)


def test_use_embeds_with_the_blas_threads_it_is_given() -> None:
    one, two = UseEmbedder(threads=1), UseEmbedder(threads=2)
    for embedder in (one, two):
        embedder._model.sp = RecordingTokenizer(embedder._model.sp)  # noqa: SLF001

    vectors = one.embed_passages(PASSAGES)

    assert set(one._model.sp.blas_threads) == {1}  # noqa: SLF001
    np.testing.assert_allclose(vectors, two.embed_passages(PASSAGES), atol=1e-5)
    assert set(two._model.sp.blas_threads) == {2}  # noqa: SLF001
