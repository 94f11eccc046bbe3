"""Several `docqa ingest` processes at once: the server keeps every row; on disk, none is lost.

The server is started the way users start it, with `docqa chroma`.
"""

from __future__ import annotations

import fcntl
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

# Says when it is about to open (and so create) the on-disk store, then opens it.
OPEN_STORE = """
import sys
from pathlib import Path
from store import StoreSettings
from store.chroma_client import open_client
print("opening", flush=True)
open_client(StoreSettings(store_path=Path(sys.argv[1]))).get_or_create_collection("opened")
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

    env = docqa_env(store_path=str(tmp_path / "local"), chroma_url=docqa_chroma)
    results = run_together(folders, {**env, "DOCQA_COLLECTION": collection})

    for returncode, stdout, stderr in results:
        assert returncode == 0, stderr
        assert f"{DOCUMENTS} documents: {DOCUMENTS * PARAGRAPHS} paragraphs added" in stdout
    store = ChromaStore.open(
        StoreSettings(store_path=tmp_path / "local", chroma_url=docqa_chroma, collection=collection)
    )
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


def test_a_process_opening_a_disk_store_waits_while_another_opens_it(tmp_path: Path) -> None:
    """Chroma creates its tables outside one transaction: processes creating one new store at
    once failed with "table collections already exists" (3 of 18 in six rounds of three,
    before the lock). Opening is one process at a time."""
    store_path = tmp_path / "store"
    store_path.mkdir()
    with (store_path / "docqa-open.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process is opening it
        opener = subprocess.Popen(
            [sys.executable, "-c", OPEN_STORE, str(store_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=docqa_env(),
        )
        try:
            assert opener.stdout is not None
            assert opener.stdout.readline().strip() == "opening", opener.stderr
            time.sleep(1.0)  # Chroma creates a store in ~0.1 s
            assert opener.poll() is None
            assert not (store_path / "chroma.sqlite3").exists()
            fcntl.flock(held, fcntl.LOCK_UN)
            _, stderr = opener.communicate(timeout=120)
        finally:
            opener.kill()
    assert opener.returncode == 0, stderr
    assert (store_path / "chroma.sqlite3").exists()


def test_writers_of_same_named_files_on_a_server_never_mix_two_files(
    docqa_chroma: str, tmp_path: Path
) -> None:
    """`docqa ingest x1` and `docqa ingest x2` at once, the folders holding the same file names
    with different texts and lengths: by the id rule (a name relative to the folder given) both
    write the same documents; each must end as one file's paragraphs, whole."""
    lengths = {"x1": 30, "x2": 12}
    folders = []
    for index, (name, length) in enumerate(lengths.items()):
        texts = write_corpus(tmp_path / f"texts-{name}", range(10 * index, 10 * index + 4), length)
        folder = tmp_path / name
        folder.mkdir()
        for n, path in enumerate(sorted(texts.iterdir())):  # same names, other texts
            path.rename(folder / f"releve-{n}.txt")
        folders.append(folder)
    names = sorted(p.name for p in folders[0].iterdir())
    collection = f"t{uuid.uuid4().hex[:12]}"
    env = docqa_env(store_path=str(tmp_path / "local"), chroma_url=docqa_chroma)

    results = run_together(folders, {**env, "DOCQA_COLLECTION": collection})

    for returncode, _, stderr in results:
        assert returncode == 0, stderr
    store = ChromaStore.open(
        StoreSettings(store_path=tmp_path / "local", chroma_url=docqa_chroma, collection=collection)
    )
    for name in names:
        paragraphs = store.paragraphs(name)
        sources = {Path(p.source).parent.name for p in paragraphs}
        assert len(sources) == 1, (name, sources)  # one file's paragraphs, never both
        assert len(paragraphs) == lengths[sources.pop()]
