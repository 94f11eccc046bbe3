"""The keyword (BM25) index, kept in step with Chroma by living in the same records.

Each paragraph's tokens are stored in its Chroma metadata, written in the same upsert as its
vector, so Chroma and the keyword index can never disagree (nor after a crash). The BM25
matrix is built in memory from those tokens when the collection changes, never per query.

Building it means reading every record's metadata back from Chroma (at 100k paragraphs, tens of
seconds on 2 cores), so an on-disk store also keeps the built index beside it, in a folder named
by the store generation it was built at: a process that starts on an unchanged store loads it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from store.paging import pages

TOKENS_KEY = "tokens"
FIELDS = ("doc", "lang")  # the metadata keyword search filters on


def return_freed_memory() -> None:
    """Hand memory freed after a build back to the system. glibc keeps it otherwise: at 100k
    paragraphs the build's temporary records left the process at 1.5 GB RSS, 0.6 GB after."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to hand back this way
        pass


class KeywordIndex:
    def __init__(
        self, collection: Any, generation: Callable[[], str], saved_in: Path | None = None
    ) -> None:
        self._collection = collection
        self._saved_in = saved_in  # where built indexes are kept (None: memory only)
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
        if not self._load(generation):
            self._build()
            self._save(generation)
            return_freed_memory()
        self._built_for = generation

    def _build(self) -> None:
        """Read the tokens page by page as vocabulary ids: at 100k paragraphs, holding every
        record's metadata and token strings at once took 2 GB."""
        import bm25s

        ids: list[str] = []
        fields: dict[str, list[str]] = {key: [] for key in FIELDS}
        vocab: dict[str, int] = {}
        corpus: list[list[int]] = []
        for page in pages(self._collection, ["metadatas"]):
            ids.extend(page["ids"])
            for metadata in page["metadatas"]:
                words = str(metadata.get(TOKENS_KEY, "")).split() or ["\u2400"]
                corpus.append([vocab.setdefault(word, len(vocab)) for word in words])
                for key in FIELDS:
                    fields[key].append(str(metadata.get(key, "")))
        bm25 = bm25s.BM25()
        if ids:
            bm25.index((corpus, vocab), show_progress=False)
        self._bm25, self._ids = bm25, ids
        self._fields = {key: np.array(values, dtype=object) for key, values in fields.items()}

    def _folder(self, generation: str) -> Path | None:
        if self._saved_in is None or not generation.isalnum():
            return None
        return self._saved_in / generation

    def _load(self, generation: str) -> bool:
        folder = self._folder(generation)
        if folder is None or not (folder / "rows.json").exists():
            return False
        import bm25s

        try:  # another process may be replacing it with a newer generation's
            rows = json.loads((folder / "rows.json").read_text(encoding="utf-8"))
            bm25 = bm25s.BM25.load(str(folder), show_progress=False)
        except (OSError, ValueError):
            return False
        self._bm25, self._ids = bm25, rows["ids"]
        self._fields = {key: np.array(rows[key], dtype=object) for key in FIELDS}
        return True

    def _save(self, generation: str) -> None:
        """Keep the index for `generation`, dropping older ones; a failure only costs speed."""
        folder = self._folder(generation)
        if folder is None or self._saved_in is None or not self._ids:
            return
        try:
            self._saved_in.mkdir(parents=True, exist_ok=True)
            building = Path(tempfile.mkdtemp(dir=self._saved_in, prefix=".building-"))
        except OSError:
            return
        try:
            self._bm25.save(str(building), show_progress=False)
            rows = {"ids": self._ids} | {key: self._fields[key].tolist() for key in FIELDS}
            (building / "rows.json").write_text(json.dumps(rows), encoding="utf-8")
            building.rename(folder)  # atomic: readers never see half an index
        except OSError:
            return
        finally:
            shutil.rmtree(building, ignore_errors=True)  # left only when the rename failed
        for old in self._saved_in.iterdir():
            if old != folder and not old.name.startswith("."):  # others' builds in progress
                shutil.rmtree(old, ignore_errors=True)

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
