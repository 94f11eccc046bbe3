"""One writer at a time changes a document on a Chroma server: a lease held in the store's meta
collection.

An on-disk store has a file lock; a server has none, and several `docqa ingest` processes may
write to it at once. Two of them writing the same document id (`docqa ingest x1` and `docqa
ingest x2`, folders holding the same file names) each planned their changes from what was
stored before the other wrote: the document came out with paragraphs of both files. Under the
lease a writer plans again from what is stored now and writes, so a document is one file's.

Chroma offers no compare-and-set, so the lease is taken by writing a claim where there is none
(or an expired one), waiting SETTLE seconds and reading it back: two writers that found it free
together both write, and both read back the same last claim. A claim expires after LEASE_SECONDS
(a killed writer's), measured by the writers' clocks.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from store.errors import StoreLocked

LEASE_ID = "write-lease"
LEASE_SECONDS = 120.0  # longer than one write of a batch of paragraphs, embedding included
SETTLE = 0.3
WAIT_SECONDS = 600.0


def _holder(meta: Any) -> tuple[str, float] | None:
    found = meta.get(ids=[LEASE_ID], include=["metadatas"])
    if not found["ids"]:
        return None
    metadata = found["metadatas"][0]
    return str(metadata["owner"]), float(metadata["until"])


@contextmanager
def server_lease(meta: Any, wait: float = WAIT_SECONDS) -> Iterator[None]:
    owner = uuid.uuid4().hex
    deadline = time.time() + wait
    while True:
        holder = _holder(meta)
        if holder is None or holder[1] < time.time():
            until = time.time() + LEASE_SECONDS
            meta.upsert(
                ids=[LEASE_ID], embeddings=[[0.0]], metadatas=[{"owner": owner, "until": until}]
            )
            time.sleep(SETTLE)
            holder = _holder(meta)
            if holder is not None and holder[0] == owner:
                break
        if time.time() > deadline:
            raise StoreLocked(
                f"another docqa process has held the Chroma server's write lease for over "
                f"{wait:.0f} s; wait for it to finish, or stop it"
            )
        time.sleep(random.uniform(0.1, 0.4))
    try:
        yield
    finally:
        holder = _holder(meta)
        if holder is not None and holder[0] == owner:
            meta.delete(ids=[LEASE_ID])
