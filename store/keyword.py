"""The keyword (BM25) index, kept in step with Chroma by living in the same records.

Each paragraph's tokens are stored in its Chroma metadata, written in the same upsert as its
vector, so Chroma and the keyword index can never disagree (nor after a crash). The BM25
matrix is built in memory from those tokens when the collection changes, never per query.

Building it means reading every record's metadata back from Chroma (at 100k paragraphs, tens of
seconds on 2 cores, and more from a Chroma server), so the built index is kept on disk, in a
folder named by the store generation it was built at: beside an on-disk store, and in the local
store folder for a server's collection. A process that starts on an unchanged store loads it,
memory-mapped, its score columns read per question (store/postings.py).

The vocabulary, the paragraph ids and the filter fields are packed into numpy arrays
(store/packed.py), not Python dicts and lists: at 100k paragraphs the loaded index took 183 MB
of memory that way, most of it bm25s's word -> id dict.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from store.memory import return_freed_memory
from store.packed import Codes, PackedStrings
from store.paging import pages
from store.postings import Postings

logger = logging.getLogger(__name__)

TOKENS_KEY = "tokens"
FIELDS = ("doc", "lang")  # the metadata keyword search filters on
SAVED_FORMAT = "packed-1"  # a folder without this file (an older layout) is rebuilt


@dataclass(frozen=True)
class _Index:
    """One built BM25 index; replaced whole, never changed, so a search can go on reading the
    one it started with while a newer one is built."""

    ids: PackedStrings
    words: PackedStrings  # sorted; the matrix column of each is in `columns`
    columns: np.ndarray
    fields: dict[str, Codes]
    postings: Postings


class KeywordIndex:
    # From this size a rebuild takes seconds (10k paragraphs: 2-3 s; 100k: 25 s on disk, up
    # to 100 s from a server): questions are answered with the index in hand meanwhile.
    REBUILD_BEHIND_FROM = 20_000

    def __init__(self, collection: Any, generation: Callable[[], str], saved_in: Path) -> None:
        self.collection = collection  # the store replaces it when it reopens Chroma
        self._saved_in = saved_in  # where built indexes are kept
        self._generation = generation
        self._lock = threading.Lock()  # guards the fields below
        self._building = threading.Lock()  # one build at a time
        self._index: _Index | None = None
        self._built_for: str | None = None  # the store generation it was built at
        self._rebuilding = False  # a background rebuild is under way

    def _current(self, wait: bool) -> _Index:
        """The index for the store's generation now; without `wait`, a large index in hand
        while its successor is built in the background (new paragraphs are found by dense
        retrieval meanwhile; a deleted one is dropped when its record is fetched)."""
        generation = self._generation()  # changes with every write, by any process
        with self._lock:
            stale = self._index
            if stale is not None and self._built_for == generation:
                return stale
            if not wait and stale is not None and len(stale.ids) >= self.REBUILD_BEHIND_FROM:
                if not self._rebuilding:
                    self._rebuilding = True
                    threading.Thread(
                        target=self._rebuild_behind, name="bm25-rebuild", daemon=True
                    ).start()
                return stale
        return self._refresh()

    def _rebuild_behind(self) -> None:
        try:
            self._refresh()
        except Exception:  # the index in hand serves on; the next question tries again
            logger.exception("rebuilding the BM25 index failed")
        finally:
            with self._lock:
                self._rebuilding = False

    def _refresh(self) -> _Index:
        """Bring the index up to the store's generation (read once the build lock is held: a
        rebuild waiting behind another is for the newest, not for the one it was started at)."""
        with self._building:
            generation = self._generation()
            with self._lock:
                if self._index is not None and self._built_for == generation:
                    return self._index
            index = self._load(generation)
            if index is None:
                built, bm25 = self._build()
                if self._generation() == generation:  # else a write landed while it read
                    self._save(generation, built, bm25)
                del bm25
                # Read per question from the saved copy, as other processes do.
                index = self._load(generation) or built
                del built
                return_freed_memory()
            with self._lock:
                self._index, self._built_for = index, generation
            return index

    def _build(self) -> tuple[_Index, Any]:
        """Read the tokens page by page as vocabulary ids: at 100k paragraphs, holding every
        record's metadata and token strings at once took 2 GB. Returns the index and bm25s's
        model, which `_save` writes."""
        import bm25s

        ids: list[str] = []
        fields: dict[str, list[str]] = {key: [] for key in FIELDS}
        vocab: dict[str, int] = {}
        corpus: list[list[int]] = []
        for page in pages(self.collection, ["metadatas"]):
            ids.extend(page["ids"])
            for metadata in page["metadatas"]:
                tokens = str(metadata.get(TOKENS_KEY, "")).split() or ["\u2400"]
                corpus.append([vocab.setdefault(token, len(vocab)) for token in tokens])
                for key in FIELDS:
                    fields[key].append(str(metadata.get(key, "")))
        words = sorted(vocab)  # before bm25s adds its empty token, which has no column
        bm25 = bm25s.BM25()
        if ids:
            bm25.index((corpus, vocab), show_progress=False)
        bm25.vocab_dict, bm25.unique_token_ids_set = {}, set()  # packed below instead
        index = _Index(
            ids=PackedStrings.of(ids),
            words=PackedStrings.of(words),
            columns=np.array([vocab[w] for w in words], dtype=np.int32),
            fields={key: Codes.of(values) for key, values in fields.items()},
            postings=Postings.of(bm25.scores) if ids else Postings.empty(),
        )
        return index, bm25

    def _folder(self, generation: str) -> Path | None:
        if not generation.isalnum():  # none yet, or a change under way: not kept
            return None
        return self._saved_in / generation

    def _load(self, generation: str) -> _Index | None:
        folder = self._folder(generation)
        if folder is None or not (folder / SAVED_FORMAT).exists():
            return None
        try:  # another process may be replacing it with a newer generation's
            ids = PackedStrings.load(folder, "ids")
            return _Index(
                ids=ids,
                words=PackedStrings.load(folder, "words"),
                columns=np.load(folder / "columns.npy", mmap_mode="r"),
                fields={key: Codes.load(folder, key) for key in FIELDS},
                postings=Postings.open(folder, len(ids)),
            )
        except (OSError, ValueError):
            return None

    def _save(self, generation: str, index: _Index, bm25: Any) -> None:
        """Keep the index for `generation`, dropping older ones; a failure only costs speed."""
        folder = self._folder(generation)
        if folder is None or not len(index.ids):
            return
        try:
            self._saved_in.mkdir(parents=True, exist_ok=True)
            building = Path(tempfile.mkdtemp(dir=self._saved_in, prefix=".building-"))
        except OSError:
            return
        try:
            bm25.save(str(building), show_progress=False)
            index.ids.save(building, "ids")
            index.words.save(building, "words")
            np.save(building / "columns.npy", index.columns)
            for key, codes in index.fields.items():
                codes.save(building, key)
            (building / SAVED_FORMAT).touch()  # last: its presence means the folder is whole
            if folder.exists():  # this generation saved in an older layout
                shutil.rmtree(folder, ignore_errors=True)
            building.rename(folder)  # atomic: readers never see half an index
        except OSError:
            return
        finally:
            shutil.rmtree(building, ignore_errors=True)  # left only when the rename failed
        for old in self._saved_in.iterdir():
            if old != folder and (not old.name.startswith(".") or _abandoned(old)):
                shutil.rmtree(old, ignore_errors=True)

    def indexed_ids(self) -> set[str]:
        """The paragraph ids the BM25 matrix covers now (brought up to date first)."""
        return set(self._current(wait=True).ids)

    def search(
        self, query_tokens: Sequence[str], k: int, where: Mapping[str, str] | None = None
    ) -> list[tuple[str, float]]:
        """Paragraph ids with a positive BM25 score, best first."""
        index = self._current(wait=False)
        if not len(index.ids) or not query_tokens:
            return []
        found = (index.words.find(token) for token in query_tokens)
        columns = [int(index.columns[at]) for at in found if at is not None]
        scores = index.postings.scores(columns).astype(np.float64)
        for key, value in (where or {}).items():
            scores[index.fields[key].rows_not(value)] = 0.0
        top = best_first(scores, k)
        return [(index.ids[i], float(scores[i])) for i in top if scores[i] > 0]


def _abandoned(building: Path) -> bool:
    """A build folder nobody has written to for an hour: its process was killed or exited
    mid-build (a background rebuild is a daemon thread). Younger ones may be in progress."""
    try:
        return time.time() - building.stat().st_mtime > 3600
    except OSError:
        return False


def best_first(scores: np.ndarray, k: int) -> np.ndarray:
    """The k highest scores' positions, best first, ties in position order: what a stable
    argsort gives, without sorting every paragraph (100k: 6.6 -> 0.9 ms)."""
    if k <= 0:
        return np.zeros(0, dtype=np.intp)
    if len(scores) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        kept = np.flatnonzero(scores >= kth)  # ascending: the stable sort keeps ties in order
    else:
        kept = np.arange(len(scores))
    return kept[np.argsort(-scores[kept], kind="stable")][:k]
