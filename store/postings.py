"""The BM25 score matrix by word column (CSC), read one question's words at a time.

A saved index's columns are read from their files with pread, not memory-mapped: on ext4 with
large folios a mapped file's page cache comes in whole folios, so 100 questions at 100k
paragraphs left ~30 MB of the score files resident in the serving process; read this way they
stay in the system's page cache and the process holds only the question's columns.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# The file names bm25s.BM25.save writes the matrix under.
DATA_FILE = "data.csc.index.npy"
INDICES_FILE = "indices.csc.index.npy"
INDPTR_FILE = "indptr.csc.index.npy"


class _NpyColumns:
    """A 1-D .npy file read by ranges."""

    def __init__(self, path: Path) -> None:
        # Kept open: another process may replace the folder meanwhile.
        self._file = path.open("rb")
        version = np.lib.format.read_magic(self._file)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(self._file)
        else:
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(self._file)
        if len(shape) != 1 or fortran or dtype.hasobject:
            raise ValueError(f"{path} is not a flat numeric array")
        self._offset = self._file.tell()
        self.dtype = dtype

    def read(self, start: int, end: int) -> np.ndarray:
        size = self.dtype.itemsize
        data = os.pread(self._file.fileno(), (end - start) * size, self._offset + start * size)
        if len(data) != (end - start) * size:
            raise OSError("the keyword index file is shorter than its header says")
        return np.frombuffer(data, dtype=self.dtype)


class Postings:
    """Per word column, the paragraphs holding it and their BM25 scores."""

    def __init__(self, indptr: np.ndarray, data: Any, indices: Any, num_docs: int) -> None:
        self._indptr = indptr
        self._data = data  # an array, or an _NpyColumns read by ranges
        self._indices = indices
        self.num_docs = num_docs

    @classmethod
    def of(cls, scores: dict[str, Any]) -> Postings:
        """The matrix bm25s just built, in memory."""
        return cls(scores["indptr"], scores["data"], scores["indices"], int(scores["num_docs"]))

    @classmethod
    def empty(cls) -> Postings:
        none = np.zeros(0, dtype=np.float32)
        return cls(np.zeros(1, dtype=np.int64), none, none.astype(np.int32), 0)

    @classmethod
    def open(cls, folder: Path, num_docs: int) -> Postings:
        """The matrix bm25s saved in `folder`."""
        indptr = np.load(folder / INDPTR_FILE)
        return cls(
            indptr, _NpyColumns(folder / DATA_FILE), _NpyColumns(folder / INDICES_FILE), num_docs
        )

    def _column(self, values: Any, start: int, end: int) -> np.ndarray:
        if isinstance(values, _NpyColumns):
            return values.read(start, end)
        return np.asarray(values[start:end])

    def scores(self, columns: Sequence[int]) -> np.ndarray:
        """Summed scores of these columns for every paragraph (a repeated word counts again),
        added in float32 in column order as bm25s does."""
        total = np.zeros(self.num_docs, dtype=np.float32)
        for column in columns:
            start, end = int(self._indptr[column]), int(self._indptr[column + 1])
            if end > start:
                rows = self._column(self._indices, start, end)
                total[rows] += self._column(self._data, start, end)
        return total
