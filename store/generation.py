"""The store's generation token and its writer sessions: how readers learn that the store
changed (a serving process rebuilds its keyword index and reopens Chroma), and how a writer
killed mid-change is found and finished by the next one.

The token lives in the meta collection and changes at a writer session's first write (to a
token marked as being written) and once more at its end: not per write, since every change
makes a serving process rebuild its BM25 index (tens of seconds at 100k paragraphs). A token
still marked with nobody holding the writer lock is a killed writer's: `recover` finishes it.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from store.errors import StoreLocked
from store.settings import StoreSettings

GENERATION_ID = "generation"
# Ends the token while a change is under way. Not alphanumeric: a keyword index built then is
# not saved (store/keyword.py), since a writer killed mid-change would leave the token, and a
# saved index missing its last rows would be loaded by every later process.
WRITING_MARK = "-writing"


class Generation:
    """`meta` gives the meta collection as the store holds it now (it reopens Chroma);
    `recover` finishes a killed writer's change, inside a session."""

    def __init__(
        self, settings: StoreSettings, meta: Callable[[], Any], recover: Callable[[], None]
    ) -> None:
        self.settings = settings
        self._meta = meta
        self._recover = recover
        self._wrote: bool | None = None  # inside a session: whether it wrote yet
        self._read: tuple[tuple[int, ...] | None, str] = (None, "")
        # The token the store's Chroma client has seen: its own writes, or one it reopened at.
        self.seen = ""

    def token(self) -> str:
        """A token that changes with every writer session or write, whichever process made it.

        Asked before every keyword search. On disk it is read again only when Chroma's
        database file changed since the last reading: a Chroma call per question cost 0.5 ms
        alone and 4 ms beside the dense retrievers' calls; a stat costs microseconds.
        """
        stamp = self._database_stamp()  # before the reading: a write between them re-reads
        if stamp is not None and stamp == self._read[0]:
            return self._read[1]
        found = self._meta().get(ids=[GENERATION_ID], include=["metadatas"])
        token = str(found["metadatas"][0]["token"]) if found["ids"] else ""
        self._read = (stamp, token)
        return token

    def interrupted(self) -> bool:
        """Whether the token says a change is under way (or was, when its writer was killed)."""
        return self.token().endswith(WRITING_MARK)

    def _database_stamp(self) -> tuple[int, ...] | None:
        """What changes when an on-disk store's SQLite file is written (None: a server, or a
        journal mode that does not keep the header's change counter)."""
        if self.settings.chroma_url:
            return None
        database = Path(self.settings.store_path) / "chroma.sqlite3"
        try:
            if database.with_name("chroma.sqlite3-wal").exists():
                return None
            with database.open("rb") as handle:
                header = handle.read(28)
            found = database.stat()
        except OSError:
            return None
        # SQLite's file change counter (header bytes 24-27) goes up with every commit; the
        # file's time alone can miss two commits within one clock tick.
        counter = int.from_bytes(header[24:28], "big")
        return (found.st_ino, found.st_size, found.st_mtime_ns, counter)

    def bump(self, writing: bool = False) -> str:
        """A new token (marked as being written when `writing`); returns it."""
        token = uuid.uuid4().hex + (WRITING_MARK if writing else "")
        self._meta().upsert(ids=[GENERATION_ID], embeddings=[[0.0]], metadatas=[{"token": token}])
        self._read = (None, "")
        self.seen = token  # our own write: this client holds it already
        return token

    @contextmanager
    def writer(self) -> Iterator[None]:
        """Hold the single-writer lock of an on-disk store (a Chroma server needs none).
        A session that writes nothing changes nothing."""
        if self.settings.chroma_url:
            with self._session():
                yield
            return
        lock_path = Path(self.settings.store_path) / "docqa-writer.lock"
        with lock_path.open("a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreLocked(
                    f"another docqa process is writing {self.settings.store_path}; wait for it "
                    "to finish, or run a Chroma server (`docqa chroma`) and set "
                    "DOCQA_CHROMA_URL so several processes can write"
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            try:
                with self._session():
                    if self.interrupted():
                        # Marked, yet nobody holds the lock: its writer was killed mid-change.
                        self._recover()
                        self._wrote = True  # the session's end clears the mark
                    yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def _session(self) -> Iterator[None]:
        if self._wrote is not None:  # nested (a server has no lock to refuse it)
            yield
            return
        self._wrote = False
        try:
            yield
        finally:
            wrote, self._wrote = self._wrote, None
            if wrote:
                self.bump()

    @contextmanager
    def changing(self) -> Iterator[None]:
        """Around a write or delete (or a change made to the collections directly, as the
        scale benchmark's bulk upserts): the token is marked as being written before it, and
        changed for good after it, or at the end of the writer session it is part of."""
        if self._wrote is None:
            self.bump(writing=True)
            try:
                yield
            finally:
                self.bump()
            return
        if not self._wrote:
            self.bump(writing=True)
            self._wrote = True
        yield
