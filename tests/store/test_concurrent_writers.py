"""Several `docqa ingest` processes at once: the server keeps every row; on disk, none is lost.

The server is started the way users start it, with `docqa chroma`.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from store import ChromaStore, StoreSettings
from tests.ingest.corpus import (
    DOCQA,
    assert_store_holds,
    docqa,
    docqa_env,
    expected_paragraphs,
    write_corpus,
)
from tests.store.conftest import chroma_running, free_port

WRITERS, DOCUMENTS, PARAGRAPHS = 3, 4, 25
LOCKED = "another docqa process is writing"
OPENERS, ROUNDS = 3, 4

# Each opener waits for the same instant, then opens (and so creates) the on-disk store.
OPEN_AT_ONCE = """
import sys, time
from pathlib import Path
from store import StoreSettings
from store.chroma_store import open_client
path, start = sys.argv[1], float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
open_client(StoreSettings(store_path=Path(path))).get_or_create_collection("opened")
"""


@pytest.fixture(scope="module")
def docqa_chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`docqa chroma` on a free port; yields its URL."""
    folder = tmp_path_factory.mktemp("docqa-chroma")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = folder / "server.log"
    command = [str(DOCQA), "chroma", "--path", str(folder / "data"), "--port", str(port)]
    with chroma_running(command, url, log_path, docqa_env()):
        assert f"export DOCQA_CHROMA_URL={url}" in log_path.read_text()
        yield url


def corpora(root: Path) -> list[Path]:
    """One corpus per writer, each with documents of its own."""
    return [
        write_corpus(root / f"writer-{w}", range(w * DOCUMENTS, (w + 1) * DOCUMENTS), PARAGRAPHS)
        for w in range(WRITERS)
    ]


def run_together(folders: list[Path], env: dict[str, str]) -> list[tuple[int, str, str]]:
    processes = [docqa("ingest", str(folder), env=env) for folder in folders]
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=600)
        results.append((process.returncode, stdout, stderr))
    return results


def test_three_writers_on_a_server_keep_every_paragraph(docqa_chroma: str, tmp_path: Path) -> None:
    folders = corpora(tmp_path)
    collection = f"t{uuid.uuid4().hex[:12]}"

    results = run_together(folders, docqa_env(chroma_url=docqa_chroma, collection=collection))

    for returncode, stdout, stderr in results:
        assert returncode == 0, stderr
        assert f"{DOCUMENTS} documents: {DOCUMENTS * PARAGRAPHS} paragraphs added" in stdout
    store = ChromaStore.open(StoreSettings(chroma_url=docqa_chroma, collection=collection))
    expected = {doc: p for folder in folders for doc, p in expected_paragraphs(folder).items()}
    assert store.count() == WRITERS * DOCUMENTS * PARAGRAPHS
    assert_store_holds(store, expected)


def test_writers_on_one_disk_store_never_lose_rows_silently(tmp_path: Path) -> None:
    """Each writer either stores all its paragraphs or is refused with the fix; never a loss."""
    folders = corpora(tmp_path)
    store_path = tmp_path / "store"

    results = run_together(folders, docqa_env(store_path=str(store_path)))

    stored: dict[str, list] = {}
    for folder, (returncode, _, stderr) in zip(folders, results, strict=True):
        if returncode == 0:
            stored.update(expected_paragraphs(folder))
        else:
            assert LOCKED in stderr, stderr
            assert "DOCQA_CHROMA_URL" in stderr  # the fix is named
    assert stored, "no writer got the store"
    assert_store_holds(ChromaStore.open(StoreSettings(store_path=store_path)), stored)


def test_processes_creating_one_disk_store_at_once_all_open_it(tmp_path: Path) -> None:
    """Chroma creates its tables outside one transaction; docqa serialises the first open."""
    for round_number in range(ROUNDS):
        store_path = tmp_path / f"store-{round_number}"
        start = time.time() + 3  # past every opener's import
        openers = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN_AT_ONCE, str(store_path), str(start)],
                stderr=subprocess.PIPE,
                text=True,
                env=docqa_env(),
            )
            for _ in range(OPENERS)
        ]
        for opener in openers:
            _, stderr = opener.communicate(timeout=120)
            assert opener.returncode == 0, stderr
