"""The shipped embedders keep to the CPU threads they are given."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from threadpoolctl import threadpool_info

from store.embedders import E5Embedder, UseEmbedder

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


def test_an_e5_query_runs_on_one_thread_and_leaves_the_callers_threads_as_they_were() -> None:
    embedder = E5Embedder(threads=2)
    engine = embedder._model._lib  # noqa: SLF001
    seen: dict[str, Any] = {"threads_during": []}
    query = embedder._model.query  # noqa: SLF001

    def noting_threads(text: str) -> Any:
        seen["threads_during"].append(engine.omp_get_max_threads())
        return query(text)

    embedder._model.query = noting_threads  # noqa: SLF001

    def ask_from_a_retrieval_thread() -> None:
        engine.omp_set_num_threads(2)
        seen["vector"] = embedder.embed_query(QUESTION)
        seen["threads_after"] = engine.omp_get_max_threads()

    worker = threading.Thread(target=ask_from_a_retrieval_thread)
    worker.start()
    worker.join()

    assert seen["threads_during"] == [1]
    assert seen["threads_after"] == 2  # later batches from that thread keep both threads
    # Two threads split a matrix's rows, never a sum: the vector is the same either way.
    engine.omp_set_num_threads(2)
    two_threads = np.asarray(query(QUESTION), dtype=np.float32)
    np.testing.assert_array_equal(seen["vector"], two_threads)
    assert abs(float(np.linalg.norm(seen["vector"])) - 1.0) < 1e-4
