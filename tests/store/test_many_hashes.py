"""Reusing stored vectors looks them up by indexed-text hash in batches: one lookup of more
hashes than SQLite's ~32k variables used to abort a whole ingest ("too many SQL variables")."""

from __future__ import annotations

from pathlib import Path

from store import ChromaStore, StoreSettings
from store.records import INDEXED_HASH_KEY
from tests.store.test_store_contract import make_paragraph


def test_a_lookup_of_40000_hashes_finds_the_stored_one(tmp_path: Path) -> None:
    store = ChromaStore.open(StoreSettings(store_path=tmp_path / "store", embedders=("use",)))
    with store.writer():
        store.write([make_paragraph("a.txt", 1, "La CICA compte vingt-sept États membres.")])
    stored = store.collections[store.embedders[0].name].get(include=["metadatas"])
    real = str(stored["metadatas"][0][INDEXED_HASH_KEY])
    hashes = {f"{n:040x}" for n in range(40_000)} | {real}

    found = store.vectors_by_hash(hashes)

    assert list(found) == [real]
    assert found[real][store.embedders[0].name].shape == (store.embedders[0].dim,)
