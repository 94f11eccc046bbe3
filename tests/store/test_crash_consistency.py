"""A writer killed between the embedders' collections: the primary one is the truth.

Each collection (USE, the primary; e5) is written in its own Chroma calls, so a kill can leave
e5 holding rows the primary lacks: a new document's rows (a write goes to e5 first), or a
removed document's (a removal leaves the primary first). A real writer process does one
collection's half through the store's own collections, then is killed with SIGKILL. Reads
must agree with the primary (`docqa docs`, `docs show`), and the next store opened finishes
the removal (or drops the half-written rows) instead of waiting for the next ingest.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ingest import default_corpus
from store import ChromaStore, Question, StoreSettings
from tests.conftest import make_context
from tests.ingest.corpus import docqa_env

NOTE = "004_c1644274363e99c0.txt"  # the seed note on CICA, in French and Chinese
NOTE_QUESTION = "亚信会议有多少个成员国？"
GHOST = "station.txt"
GHOST_TEXT = (
    "La station de mesure Zorglub-7 a été inaugurée à Tachkent le 3 mars 1987 par "
    "l'ingénieur Ivan Petrov.\n\n"
    "Depuis, la station Zorglub-7 mesure chaque jour le débit de la rivière Chirchiq.\n"
)
GHOST_QUESTION = "Quand la station Zorglub-7 a-t-elle été inaugurée ?"

# Inside a writer session and a change (as ChromaStore.write and delete are), one collection's
# half of a write or a removal; then it says so and waits to be killed.
HALF_A_CHANGE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from ingest.pipeline import to_paragraphs
    from ingest.readers import read_plain_text
    from store import ChromaStore, StoreSettings
    from store.records import indexed_text, to_metadata

    store = ChromaStore.open(StoreSettings(store_path=Path(sys.argv[1])))
    primary, e5 = (store.collections[e.name] for e in store.embedders)
    with store.writer(), store.changing():
        if sys.argv[2] == "write":
            path = Path(sys.argv[3])
            new = to_paragraphs(read_plain_text(path.name, path.read_bytes()), str(path))
            vectors = store.embedders[1].embed_passages([indexed_text(p) for p in new])
            e5.upsert(
                ids=[p.id for p in new],
                embeddings=[list(map(float, v)) for v in vectors],
                documents=[p.text for p in new],
                metadatas=[to_metadata(p) for p in new],
            )
        else:
            primary.delete(ids=store.document_ids(sys.argv[3]))
        print("half done", flush=True)
        sys.stdin.readline()  # killed here
    """
)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    context = make_context(tmp_path / "store")
    assert not context.ingestor.ingest_paths([default_corpus()]).failed
    return tmp_path / "store"


@contextmanager
def stopped_writer(script: str, said: str, *args: str) -> Iterator[None]:
    """Run a writer `script` until it prints `said` (it waits there, mid-change); SIGKILL it
    when the block ends."""
    writer = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=docqa_env(),
    )
    assert writer.stdout is not None
    try:
        assert writer.stdout.readline() == said + "\n", writer.stderr
        yield
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.communicate(timeout=60)
    assert writer.returncode == -signal.SIGKILL


def kill_half_way(store_path: Path, absent: str, question: str, *change: str) -> None:
    """Run HALF_A_CHANGE; while it holds the writer lock, a store opened here must leave its
    rows alone (it is alive) and read nothing of document `absent`; then SIGKILL it."""
    with stopped_writer(HALF_A_CHANGE, "half done", str(store_path), *change):
        counts = collection_counts(store_path)
        assert len(set(counts)) == 2, counts  # the collections differ now
        assert absent not in retrieved_docs(store_path, question)
        assert collection_counts(store_path) == counts  # not repaired under a live writer


def collection_counts(store_path: Path) -> list[int]:
    store = ChromaStore.open(StoreSettings(store_path=store_path))
    return [collection.count() for collection in store.collections.values()]


def retrieved_docs(store_path: Path, question: str) -> set[str]:
    """Documents of every paragraph retrieval ranked (each list), retrieved or cited."""
    assistant = make_context(store_path).assistant
    rankings = assistant.store.searcher.rankings(Question.of(question))
    docs = {p.doc_id for ranking in rankings for p in ranking.paragraphs}
    answer = assistant.ask(question, top_k=10)
    docs |= {hit.paragraph.doc_id for hit in answer.retrieved}
    return docs | {citation.paragraph.doc_id for citation in answer.citations}


def test_rows_a_killed_write_left_in_e5_only_are_never_read_and_are_dropped(
    store_path: Path, tmp_path: Path
) -> None:
    (tmp_path / GHOST).write_text(GHOST_TEXT, encoding="utf-8")
    kill_half_way(store_path, GHOST, GHOST_QUESTION, "write", str(tmp_path / GHOST))

    store = ChromaStore.open(StoreSettings(store_path=store_path))

    assert GHOST not in {d.doc_id for d in store.documents()}
    assert GHOST not in retrieved_docs(store_path, GHOST_QUESTION)
    assert len(set(collection_counts(store_path))) == 1  # the half-written rows are gone


def test_a_removal_killed_half_way_is_finished_by_the_next_store_opened(
    store_path: Path,
) -> None:
    kill_half_way(store_path, NOTE, NOTE_QUESTION, "remove", NOTE)

    store = ChromaStore.open(StoreSettings(store_path=store_path))

    assert NOTE not in {d.doc_id for d in store.documents()}
    assert store.paragraphs(NOTE) == []  # what `docqa docs show` reads
    assert NOTE not in retrieved_docs(store_path, NOTE_QUESTION)
    for collection in store.collections.values():  # every collection, not the primary only
        assert collection.get(where={"doc": NOTE}, include=[])["ids"] == []


# An edit (a file ingested again, shorter) killed after its new paragraphs are written and
# before the old version's last ones are deleted: the real Ingestor, stopped at that point.
EDIT_STOPPED_BEFORE_REMOVALS = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from ingest.pipeline import Ingestor
    from store import ChromaStore, StoreSettings

    store = ChromaStore.open(StoreSettings(store_path=Path(sys.argv[1])))
    def stop(ids):
        print("written", flush=True)
        sys.stdin.readline()  # killed here
    store.delete = stop
    Ingestor(store).ingest_paths([Path(sys.argv[2])])
    """
)


def test_an_edit_killed_before_its_removals_is_finished_by_the_next_store_opened(
    store_path: Path, tmp_path: Path
) -> None:
    ghost = tmp_path / GHOST
    old = [f"Ancienne mesure numéro {n} de la station Zorglub-7." for n in range(1, 6)]
    ghost.write_text("\n\n".join(old) + "\n", encoding="utf-8")
    assert not make_context(store_path).ingestor.ingest_paths([ghost]).failed
    ghost.write_text(GHOST_TEXT, encoding="utf-8")  # two paragraphs instead of five
    with stopped_writer(EDIT_STOPPED_BEFORE_REMOVALS, "written", str(store_path), str(ghost)):
        pass

    store = ChromaStore.open(StoreSettings(store_path=store_path))

    assert [p.text for p in store.paragraphs(GHOST)] == GHOST_TEXT.strip().split("\n\n")
    for collection in store.collections.values():
        assert len(collection.get(where={"doc": GHOST}, include=[])["ids"]) == 2
