"""Shared fixtures: real embedder, real Chroma on disk, the shipped seed corpus."""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ui.offline import apply_offline_env

apply_offline_env()
# The int8 graphs built from installed weights go to a folder of this test session (and of the
# docqa processes the tests start), never to the user's data folder.
os.environ.setdefault("DOCQA_MODELS_PATH", tempfile.mkdtemp(prefix="docqa-models-"))

from assistant import Assistant, AssistantSettings  # noqa: E402
from ingest import Ingestor, IngestSettings, default_corpus  # noqa: E402
from store import ChromaStore, StoreSettings  # noqa: E402
from ui.context import Context  # noqa: E402


def make_context(store_path: Path, **store_options: Any) -> Context:
    return Context(
        StoreSettings(store_path=store_path, **store_options),
        AssistantSettings(),
        IngestSettings(),
    )


@pytest.fixture(scope="session")
def seeded_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store holding the seed corpus, built once per test session (read-only use)."""
    path = tmp_path_factory.mktemp("seeded-store")
    store = ChromaStore.open(StoreSettings(store_path=path))
    report = Ingestor(store).ingest_paths([default_corpus()])
    assert not report.failed
    return path


@pytest.fixture(scope="session")
def seeded_context(seeded_store_path: Path) -> Context:
    return make_context(seeded_store_path)


@pytest.fixture(scope="session")
def seeded_assistant(seeded_context: Context) -> Assistant:
    return seeded_context.assistant


@pytest.fixture
def empty_context(tmp_path: Path) -> Context:
    """A fresh, empty on-disk store of the test's own (writable)."""
    return make_context(tmp_path / "store")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Refuse every outbound connection except to loopback, as on an air-gapped machine."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def allowed(address: object) -> bool:
        if isinstance(address, tuple) and address:
            host = str(address[0])
            return host in {"localhost", "::1"} or host.startswith("127.")
        return isinstance(address, str | bytes)  # unix sockets

    def guarded_connect(self: socket.socket, address: object) -> None:
        if not allowed(address):
            raise OSError(f"network access refused in tests: {address!r}")
        real_connect(self, address)  # type: ignore[arg-type]

    def guarded_connect_ex(self: socket.socket, address: object) -> int:
        if not allowed(address):
            raise OSError(f"network access refused in tests: {address!r}")
        return real_connect_ex(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    yield
