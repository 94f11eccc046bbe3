"""Many strings in two numpy arrays (UTF-8 bytes and offsets) instead of Python objects.

A Python str costs ~50 bytes plus its text and a dict entry ~100 bytes more: at 100k paragraphs
the keyword index's 533k-word vocabulary took ~110 MB as bm25s's dict, ~10 MB packed. Saved as
.npy files and loaded memory-mapped, a lookup reads only the pages it touches.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np


class PackedStrings:
    """An immutable sequence of strings; `find` needs them sorted (see `sorted_unique`)."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray) -> None:
        self._blob = blob
        self._offsets = offsets

    @classmethod
    def of(cls, strings: Iterable[str]) -> PackedStrings:
        encoded = [s.encode("utf-8") for s in strings]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        return cls(np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i: int) -> str:
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i %= len(self)
        start, end = int(self._offsets[i]), int(self._offsets[i + 1])
        return self._blob[start:end].tobytes().decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self)))

    def find(self, s: str) -> int | None:
        """The position of `s` in sorted strings (UTF-8 byte order is code point order)."""
        at = bisect.bisect_left(self, s)
        return at if at < len(self) and self[at] == s else None

    def save(self, folder: Path, name: str) -> None:
        np.save(folder / f"{name}.blob.npy", self._blob)
        np.save(folder / f"{name}.offsets.npy", self._offsets)

    @classmethod
    def load(cls, folder: Path, name: str) -> PackedStrings:
        blob = np.load(folder / f"{name}.blob.npy", mmap_mode="r")
        return cls(blob, np.load(folder / f"{name}.offsets.npy", mmap_mode="r"))


class Codes:
    """A column of strings as the sorted distinct values and one int32 code per row."""

    def __init__(self, values: PackedStrings, codes: np.ndarray) -> None:
        self.values = values
        self.codes = codes

    @classmethod
    def of(cls, column: list[str]) -> Codes:
        values, codes = np.unique(np.array(column, dtype=object), return_inverse=True)
        return cls(PackedStrings.of(values.tolist()), codes.astype(np.int32))

    def rows_not(self, value: str) -> np.ndarray:
        """A mask of the rows whose value is not `value`."""
        code = self.values.find(value)
        return np.ones(len(self.codes), dtype=bool) if code is None else self.codes != code

    def save(self, folder: Path, name: str) -> None:
        self.values.save(folder, name)
        np.save(folder / f"{name}.codes.npy", self.codes)

    @classmethod
    def load(cls, folder: Path, name: str) -> Codes:
        codes = np.load(folder / f"{name}.codes.npy", mmap_mode="r")
        return cls(PackedStrings.load(folder, name), codes)
