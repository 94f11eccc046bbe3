"""The BM25 index kept on disk (beside an on-disk store, and for a Chroma server's collection):
loaded when unchanged, rebuilt after a write."""

from __future__ import annotations

import uuid
from pathlib import Path

from store import ChromaStore, Paragraph, StoreSettings, content_hash
from store.text import tokenize


def paragraph(n: int, text: str, lang: str = "en") -> Paragraph:
    return Paragraph(
        id=f"doc.txt#{n}",
        doc_id="doc.txt",
        doc_title="Doc",
        source="doc.txt",
        ordinal=n,
        section="",
        page=None,
        lang=lang,
        text=text,
        start=0,
        end=len(text),
        content_hash=content_hash(text),
    )


TEXTS = [
    "The Rhine flows from the Swiss Alps to the North Sea.",
    "Green tea is made from leaves that are not oxidised.",
    "The Danube flows into the Black Sea through Romania.",
]


def test_a_fresh_process_loads_the_saved_index_and_ranks_the_same(tmp_path: Path) -> None:
    settings = StoreSettings(store_path=tmp_path, embedders=("use",))
    writer = ChromaStore.open(settings)
    with writer.writer():
        writer.write([paragraph(n, t) for n, t in enumerate(TEXTS, start=1)])
    query = tokenize("Which sea does the river flow to?", "en")
    built = writer.keywords.search(query, 5)
    saved = list((tmp_path / "keyword-index" / settings.collection).iterdir())
    assert [p.name for p in saved] == [writer.generation()]

    reader = ChromaStore.open(settings)
    assert reader.keywords.search(query, 5) == built
    assert reader.keywords.search(query, 5, {"lang": "fr"}) == []


def test_a_write_makes_every_process_rebuild_and_replaces_the_saved_index(tmp_path: Path) -> None:
    settings = StoreSettings(store_path=tmp_path, embedders=("use",))
    first = ChromaStore.open(settings)
    with first.writer():
        first.write([paragraph(1, TEXTS[0])])
    first.keywords.indexed_ids()
    second = ChromaStore.open(settings)
    with second.writer():
        second.write([paragraph(2, TEXTS[2])])

    assert first.keywords.indexed_ids() == {"doc.txt#1", "doc.txt#2"}
    saved = list((tmp_path / "keyword-index" / settings.collection).iterdir())
    assert [p.name for p in saved] == [first.generation()]


def test_a_writer_session_changes_the_generation_at_its_start_and_end_only(
    tmp_path: Path,
) -> None:
    """A serving process rebuilds its BM25 index once per ingest, not once per write."""
    store = ChromaStore.open(StoreSettings(store_path=tmp_path, embedders=("use",)))
    before = store.generation()
    seen = set()
    with store.writer():
        started = store.generation()
        for n, text in enumerate(TEXTS, start=1):
            store.write([paragraph(n, text)])
            seen.add(store.generation())
    assert started != before
    assert seen == {started}  # the writes inside the session leave it alone
    assert store.generation() != started  # ... and its end announces them
    unchanged = store.generation()
    with store.writer():
        pass  # a session that wrote nothing bumps only at its start
    assert store.generation() != unchanged
    outside = store.generation()
    store.write([paragraph(9, "The Elbe flows into the North Sea at Cuxhaven.")])
    assert store.generation() != outside  # a write outside a session bumps at once


def test_another_processs_write_is_seen_at_once(tmp_path: Path) -> None:
    """The generation is re-read only when Chroma's database file changed: a write by another
    store (another process) must still change it on the very next question."""
    settings = StoreSettings(store_path=tmp_path, embedders=("use",))
    reader = ChromaStore.open(settings)
    writer = ChromaStore(reader._client, settings, reader.embedders)  # noqa: SLF001
    for n, text in enumerate(TEXTS, start=1):
        seen = reader.generation()
        with writer.writer():
            writer.write([paragraph(n, text)])
        assert reader.generation() != seen
        assert any(pid == f"doc.txt#{n}" for pid, _ in reader.keyword_search(text, "en", 5))


def test_a_servers_index_is_kept_locally_loaded_by_the_next_process_and_replaced_after_a_write(
    chroma_server: str, tmp_path: Path
) -> None:
    """Rebuilding from a server took 27-57 s at 100k paragraphs on every `docqa serve` start."""
    settings = StoreSettings(
        store_path=tmp_path,
        chroma_url=chroma_server,
        collection=f"k{uuid.uuid4().hex[:12]}",
        embedders=("use",),
    )
    writer = ChromaStore.open(settings)
    with writer.writer():
        writer.write([paragraph(n, t) for n, t in enumerate(TEXTS[:2], start=1)])
    query = tokenize("Which sea does the river flow to?", "en")
    built = writer.keywords.search(query, 5)
    saved_in = tmp_path / "server-keyword-index" / settings.collection
    assert [p.name for p in saved_in.iterdir()] == [writer.generation()]
    assert not (tmp_path / "keyword-index").exists()  # the on-disk store's stays its own

    reader = ChromaStore.open(settings)
    assert reader.keywords.search(query, 5) == built
    with writer.writer():
        writer.write([paragraph(3, TEXTS[2])])
    assert reader.keywords.indexed_ids() == {"doc.txt#1", "doc.txt#2", "doc.txt#3"}
    assert [p.name for p in saved_in.iterdir()] == [reader.generation()]
