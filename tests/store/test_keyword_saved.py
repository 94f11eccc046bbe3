"""The BM25 index kept on disk (beside an on-disk store, and for a Chroma server's collection):
loaded when unchanged, rebuilt after a write."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import NoReturn

import pytest

from store import ChromaStore, Paragraph, StoreSettings, content_hash
from store.keyword import KeywordIndex
from text import tokenize


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


# A writer that dies inside its session, after a write: os._exit skips every cleanup, as a kill.
WRITE_THEN_DIE = """
import os, sys
from pathlib import Path
from store import ChromaStore, StoreSettings
from tests.store.test_keyword_saved import paragraph
store = ChromaStore.open(StoreSettings(store_path=Path(sys.argv[1]), embedders=("use",)))
with store.writer():
    store.write([paragraph(2, sys.argv[2])])
    os._exit(9)
"""


def server_settings(chroma_server: str, tmp_path: Path) -> StoreSettings:
    """A collection of its own on the shared test server; the saved index under tmp_path."""
    return StoreSettings(
        store_path=tmp_path,
        chroma_url=chroma_server,
        collection=f"k{uuid.uuid4().hex[:12]}",
        embedders=("use",),
    )


def refuse_to_build() -> NoReturn:
    raise AssertionError("the saved index should have been loaded")


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
    built = writer.keyword_search(query, 5)
    saved = list((tmp_path / "keyword-index" / settings.collection).iterdir())
    assert [p.name for p in saved] == [writer.generation()]

    reader = ChromaStore.open(settings)
    assert reader.keyword_search(query, 5) == built
    assert reader.keyword_search(query, 5, {"lang": "fr"}) == []


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


def test_a_writer_session_changes_the_generation_before_its_first_write_and_at_its_end(
    tmp_path: Path,
) -> None:
    """A serving process rebuilds its BM25 index once per ingest, not once per write; while a
    change is under way the generation says so, and no index built then is kept."""
    store = ChromaStore.open(StoreSettings(store_path=tmp_path, embedders=("use",)))
    before = store.generation()
    seen = set()
    with store.writer():
        assert store.generation() == before  # nothing written yet
        for n, text in enumerate(TEXTS, start=1):
            store.write([paragraph(n, text)])
            seen.add(store.generation())
        store.keywords.indexed_ids()  # built mid-session ...
        assert not (tmp_path / "keyword-index").exists()  # ... and not kept
    assert len(seen) == 1  # one change for all the session's writes ...
    writing = seen.pop()
    assert writing != before and not writing.isalnum()  # ... marked as under way
    after = store.generation()
    assert after.isalnum() and after != before  # ... and its end announces them
    with store.writer():
        pass
    assert store.generation() == after  # a session that wrote nothing changes nothing
    store.write([paragraph(9, "The Elbe flows into the North Sea at Cuxhaven.")])
    assert store.generation() != after  # a write outside a session changes it at once
    assert store.generation().isalnum()
    store.keywords.indexed_ids()
    saved = list((tmp_path / "keyword-index" / store.settings.collection).iterdir())
    assert [p.name for p in saved] == [store.generation()]


def test_a_writer_killed_mid_session_leaves_a_generation_no_saved_index_matches(
    tmp_path: Path,
) -> None:
    """Its rows are in Chroma but not announced: until a writer session finishes its change
    (another process holds the lock here), every process rebuilds from them, and none keeps
    an index that a later process would load without its last rows. Then the next store
    opened finishes it: a lasting generation, whose saved index holds every row."""
    settings = StoreSettings(store_path=tmp_path, embedders=("use",))
    store = ChromaStore.open(settings)
    with store.writer():
        store.write([paragraph(1, TEXTS[0])])
    store.keywords.indexed_ids()
    killed = subprocess.run(
        [sys.executable, "-c", WRITE_THEN_DIE, str(tmp_path), TEXTS[1]],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == 9, killed.stderr

    with (tmp_path / "docqa-writer.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another writer now
        reader = ChromaStore.open(settings)
        assert reader.keywords.indexed_ids() == {"doc.txt#1", "doc.txt#2"}
        saved = list((tmp_path / "keyword-index" / settings.collection).iterdir())
        assert all(p.name != reader.generation() for p in saved)
        fcntl.flock(held, fcntl.LOCK_UN)

    finished = ChromaStore.open(settings)
    assert finished.generation().isalnum()
    assert finished.keywords.indexed_ids() == {"doc.txt#1", "doc.txt#2"}
    later = ChromaStore.open(settings)
    later.keywords._build = refuse_to_build  # type: ignore[method-assign]  # noqa: SLF001
    assert later.keywords.indexed_ids() == {"doc.txt#1", "doc.txt#2"}  # loaded, complete


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
        assert any(
            pid == f"doc.txt#{n}" for pid, _ in reader.keyword_search(tokenize(text, "en"), 5)
        )


def test_a_servers_index_is_kept_locally_loaded_by_the_next_process_and_replaced_after_a_write(
    chroma_server: str, tmp_path: Path
) -> None:
    """Rebuilding from a server took 27-57 s at 100k paragraphs on every `docqa serve` start."""
    settings = server_settings(chroma_server, tmp_path)
    writer = ChromaStore.open(settings)
    with writer.writer():
        writer.write([paragraph(n, t) for n, t in enumerate(TEXTS[:2], start=1)])
    query = tokenize("Which sea does the river flow to?", "en")
    built = writer.keyword_search(query, 5)
    server = chroma_server.removeprefix("http://").replace(":", "-")
    saved_in = tmp_path / "server-keyword-index" / server / settings.collection
    assert [p.name for p in saved_in.iterdir()] == [writer.generation()]
    assert not (tmp_path / "keyword-index").exists()  # the on-disk store's stays its own

    reader = ChromaStore.open(settings)
    reader.keywords._build = refuse_to_build  # type: ignore[method-assign]  # noqa: SLF001
    assert reader.keyword_search(query, 5) == built  # loaded, not rebuilt
    del reader.keywords._build  # noqa: SLF001
    with writer.writer():
        writer.write([paragraph(3, TEXTS[2])])
    assert reader.keywords.indexed_ids() == {"doc.txt#1", "doc.txt#2", "doc.txt#3"}
    assert [p.name for p in saved_in.iterdir()] == [reader.generation()]


def test_a_large_index_answers_from_the_index_in_hand_while_its_successor_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 100k paragraphs a rebuild takes 25 s or more: the question after an ingest must not
    wait for it. (The threshold is lowered here so that three paragraphs count as large.)"""
    monkeypatch.setattr(KeywordIndex, "REBUILD_BEHIND_FROM", 1)
    store = ChromaStore.open(StoreSettings(store_path=tmp_path, embedders=("use",)))
    with store.writer():
        store.write([paragraph(n, t) for n, t in enumerate(TEXTS[:2], start=1)])
    danube = "Which river flows into the Black Sea?"
    assert [pid for pid, _ in store.keyword_search(tokenize(danube, "en"), 5)] != ["doc.txt#3"]
    with store.writer():
        store.write([paragraph(3, TEXTS[2])])

    answered_before_the_rebuild = store.keyword_search(tokenize(danube, "en"), 5)

    assert "doc.txt#3" not in {pid for pid, _ in answered_before_the_rebuild}
    assert store.keywords.indexed_ids() == {"doc.txt#1", "doc.txt#2", "doc.txt#3"}  # waits
    assert store.keyword_search(tokenize(danube, "en"), 5)[0][0] == "doc.txt#3"
    saved = list((tmp_path / "keyword-index" / store.settings.collection).iterdir())
    assert [p.name for p in saved] == [store.generation()]


def test_a_save_clears_builds_abandoned_an_hour_ago_and_leaves_younger_ones(
    tmp_path: Path,
) -> None:
    """A process killed mid-build (or exiting during a background rebuild) leaves its folder."""
    settings = StoreSettings(store_path=tmp_path, embedders=("use",))
    saved_in = tmp_path / "keyword-index" / settings.collection
    abandoned, in_progress = saved_in / ".building-abandoned", saved_in / ".building-now"
    for folder in (abandoned, in_progress):
        folder.mkdir(parents=True)
    two_hours_ago = time.time() - 7200
    os.utime(abandoned, (two_hours_ago, two_hours_ago))
    store = ChromaStore.open(settings)
    with store.writer():
        store.write([paragraph(1, TEXTS[0])])

    store.keywords.indexed_ids()

    assert sorted(p.name for p in saved_in.iterdir()) == [".building-now", store.generation()]


def test_a_background_rebuild_that_fails_is_logged_and_tried_again_on_the_next_question(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(KeywordIndex, "REBUILD_BEHIND_FROM", 1)
    store = ChromaStore.open(StoreSettings(store_path=tmp_path, embedders=("use",)))
    with store.writer():
        store.write([paragraph(1, TEXTS[0])])
    store.keywords.indexed_ids()
    with store.writer():
        store.write([paragraph(3, TEXTS[2])])
    real_build = store.keywords._build  # noqa: SLF001

    def chroma_went_away() -> NoReturn:
        raise ConnectionError("the Chroma server did not answer")

    store.keywords._build = chroma_went_away  # type: ignore[method-assign]  # noqa: SLF001
    assert found("Black Sea", store) == ["doc.txt#1"]  # the index in hand
    wait_for_background_rebuilds()
    assert "rebuilding the BM25 index failed" in caplog.text

    store.keywords._build = real_build  # type: ignore[method-assign]  # noqa: SLF001
    assert found("Black Sea", store) == ["doc.txt#1"]  # ... and a new try behind it
    wait_for_background_rebuilds()
    assert found("Black Sea", store)[0] == "doc.txt#3"


def found(question: str, store: ChromaStore) -> list[str]:
    return [pid for pid, _ in store.keyword_search(tokenize(question, "en"), 5)]


def wait_for_background_rebuilds() -> None:
    for thread in threading.enumerate():
        if thread.name == "bm25-rebuild":
            thread.join(timeout=120)


def test_a_session_nested_in_another_leaves_the_final_change_to_the_outer_one(
    chroma_server: str, tmp_path: Path
) -> None:
    settings = server_settings(chroma_server, tmp_path)
    store = ChromaStore.open(settings)
    with store.writer():
        with store.writer():
            store.write([paragraph(1, TEXTS[0])])
        assert not store.generation().isalnum()  # still under way
        store.write([paragraph(2, TEXTS[1])])
    assert store.generation().isalnum()
    assert store.keywords.indexed_ids() == {"doc.txt#1", "doc.txt#2"}
