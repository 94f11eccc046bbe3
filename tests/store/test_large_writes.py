"""A document larger than one Chroma batch is written whole (plumbing: a tiny fake embedder)."""

from __future__ import annotations

from pathlib import Path

from store import ChromaStore, StoreSettings
from store.chroma_client import open_client
from tests.store.test_store_contract import TinyEmbedder, make_paragraph

PARAGRAPHS = 6000  # over Chroma's 5461-record limit for one upsert


def test_a_document_over_chromas_batch_limit_is_written_whole(tmp_path: Path) -> None:
    settings = StoreSettings(store_path=tmp_path / "store", embedders=("use",))
    store = ChromaStore(open_client(settings), settings, [TinyEmbedder("tiny-test-embedder", 8)])
    paragraphs = [
        make_paragraph("big.txt", n, f"Paragraphe {n} du grand document.")
        for n in range(1, PARAGRAPHS + 1)
    ]

    with store.writer():
        embedded = store.write(paragraphs)

    assert len(embedded) == PARAGRAPHS
    assert store.count() == PARAGRAPHS
    assert store.paragraphs("big.txt") == paragraphs
