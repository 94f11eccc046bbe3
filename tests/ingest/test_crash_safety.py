"""An ingest killed with SIGKILL halfway leaves a consistent store; ingest again completes it.

A real `docqa ingest` process over a corpus large enough to take a while is killed once Chroma
has logged some of its rows; then the store is checked, ingested again and checked again.
"""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

import pytest

from ingest import Ingestor
from store import ChromaStore, StoreSettings
from tests.conftest import make_context
from tests.ingest.corpus import (
    assert_store_holds,
    docqa,
    docqa_env,
    expected_paragraphs,
    queued_rows,
    write_corpus,
)
from text import tokenize

DOCUMENTS, PARAGRAPHS = 10, 60
# Documents are written together, whole, up to Ingestor.WRITE_BATCH paragraphs; each write logs
# its rows once per embedder collection (secondary ones first), plus link and generation
# updates: past this, at least one write is whole and most documents are still to come.
PER_WRITE = -(-Ingestor.WRITE_BATCH // PARAGRAPHS) * PARAGRAPHS
KILL_AFTER_ROWS = (len(StoreSettings().embedders) + 1) * PER_WRITE
GIVE_UP_SECONDS = 300  # only so a broken ingest cannot hang the suite; never a pass condition


@pytest.fixture(scope="module")
def killed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(corpus, store path, stderr) after an ingest was killed with SIGKILL mid-way."""
    root = tmp_path_factory.mktemp("crash")
    corpus = write_corpus(root / "corpus", range(DOCUMENTS), PARAGRAPHS)
    store_path = root / "store"
    process = docqa("ingest", str(corpus), env=docqa_env(store_path=str(store_path)))
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while queued_rows(store_path) < KILL_AFTER_ROWS:
        assert process.poll() is None, f"ingest ended before it could be killed: {process.stderr}"
        assert time.monotonic() < deadline, "ingest wrote nothing"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate()
    assert process.returncode == -signal.SIGKILL
    return corpus, store_path, stderr


def test_the_killed_ingest_left_a_consistent_part_of_the_corpus(
    killed: tuple[Path, Path, str],
) -> None:
    corpus, store_path, _ = killed
    store = ChromaStore.open(StoreSettings(store_path=store_path))
    expected = expected_paragraphs(corpus)

    stored_docs = {p.doc_id for p in store.paragraphs()}

    assert stored_docs, "the kill came before any row was written"
    assert len(stored_docs) < DOCUMENTS, "the kill came after the ingest was done"
    # Whatever is there is whole and right: documents it finished, nothing half-written.
    assert_store_holds(store, {doc: expected[doc] for doc in sorted(stored_docs)})


def test_ingest_again_completes_the_corpus(killed: tuple[Path, Path, str]) -> None:
    corpus, store_path, _ = killed
    reader = ChromaStore.open(StoreSettings(store_path=store_path))  # a long-lived reader
    # Its keyword index is built now, pre-repair.
    reader.keyword_search(tokenize("station", "fr"), 1)
    before = reader.count()

    process = docqa("ingest", str(corpus), env=docqa_env(store_path=str(store_path)))
    stdout, stderr = process.communicate(timeout=GIVE_UP_SECONDS)

    assert process.returncode == 0, stderr
    total = DOCUMENTS * PARAGRAPHS
    summary = re.search(r"(\d+) documents: (\d+) paragraphs added, (\d+) kept", stdout)
    assert summary, stdout
    assert summary.groups() == (str(DOCUMENTS), str(total - before), str(before))
    expected = expected_paragraphs(corpus)
    assert_store_holds(ChromaStore.open(StoreSettings(store_path=store_path)), expected)
    assert_store_holds(reader, expected)  # the older process's keyword index caught up


def test_after_the_repair_questions_find_their_paragraph(killed: tuple[Path, Path, str]) -> None:
    corpus, store_path, _ = killed
    context = make_context(store_path)
    assert context.store.count() == DOCUMENTS * PARAGRAPHS, "runs after the re-ingest"

    answer = context.assistant.ask("Depuis quand la station S07x042 mesure-t-elle le débit ?")

    assert not answer.abstained, answer.text
    assert answer.citations[0].paragraph.id == "releves-07.txt#43"
    assert "1992" in answer.text
