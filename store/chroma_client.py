"""Opening Chroma: a client of the store (on disk, or a Chroma server), its collections and
where its keyword indexes are kept. Chroma never embeds: every collection refuses to."""

from __future__ import annotations

import contextlib
import fcntl
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings

from store.embedders import Embedder
from store.errors import EmbedderMismatch, StoreUnavailable
from store.settings import StoreSettings


class RefuseToEmbed(EmbeddingFunction[Documents]):
    """Registered on every collection so Chroma never downloads and runs its default model."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:
        raise RuntimeError("docqa passes its own vectors; Chroma was asked to embed text")

    @staticmethod
    def name() -> str:
        return "docqa-refuse-to-embed"

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> RefuseToEmbed:
        return RefuseToEmbed()


def _chroma_settings() -> ChromaSettings:
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def server_address(chroma_url: str) -> tuple[str, int, bool]:
    """Host, port and whether it speaks TLS."""
    url = urlparse(chroma_url)
    return url.hostname or "127.0.0.1", url.port or 8000, url.scheme == "https"


def open_client(settings: StoreSettings, fresh: bool = False) -> Any:
    """A Chroma client of the store; `fresh`: not the embedded one this process already has
    for the folder (Chroma shares one per folder, with its vector indexes as first read)."""
    if settings.chroma_url:
        host, port, tls = server_address(settings.chroma_url)
        try:
            return chromadb.HttpClient(
                host=host,
                port=port,
                ssl=tls,
                settings=_chroma_settings(),
            )
        except Exception as exc:
            raise StoreUnavailable(
                f"cannot reach the Chroma server at {settings.chroma_url} ({exc}); start it with "
                "`docqa chroma` or unset DOCQA_CHROMA_URL to use the on-disk store"
            ) from exc
    try:
        settings.store_path.mkdir(parents=True, exist_ok=True)
        if fresh:
            _forget_shared_client(settings.store_path)
        with _opening(settings.store_path):
            return chromadb.PersistentClient(
                path=str(settings.store_path), settings=_chroma_settings()
            )
    except Exception as exc:
        raise StoreUnavailable(
            f"cannot open the store at {settings.store_path} ({exc}); check the folder's "
            "permissions or point DOCQA_STORE_PATH elsewhere"
        ) from exc


def _forget_shared_client(store_path: Path) -> None:
    """Make the next PersistentClient for this folder start its own Chroma system. The one
    forgotten is not stopped: clients holding it (a question under way in another thread,
    another store object) go on working with it; it is freed with its last holder."""
    shared = SharedSystemClient._identifier_to_system  # noqa: SLF001 (no public way)
    counts = SharedSystemClient._identifier_to_refcount  # noqa: SLF001
    with SharedSystemClient._refcount_lock:  # noqa: SLF001
        shared.pop(str(store_path), None)
        counts.pop(str(store_path), None)


@contextmanager
def _opening(store_path: Path) -> Iterator[None]:
    """One process at a time opens an on-disk store: Chroma creates its tables outside one
    transaction, and two processes opening a new store at once both tried, one failing with
    "table collections already exists"."""
    try:
        handle = (store_path / "docqa-open.lock").open("a")
    except OSError:  # a read-only store: nobody can be creating it
        yield
        return
    with handle:
        with contextlib.suppress(OSError):  # a file system without locks (some network mounts)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def keyword_folder(settings: StoreSettings) -> Path:
    """Where built BM25 indexes are kept, one folder per store generation (a random token that
    every write changes), and only the newest kept. A server's are kept on this machine too,
    per server address: two servers holding a collection of the same name would otherwise
    delete each other's."""
    if not settings.chroma_url:
        return Path(settings.store_path) / "keyword-index" / settings.collection
    host, port, _ = server_address(settings.chroma_url)
    server = re.sub(r"[^A-Za-z0-9.-]", "_", f"{host}-{port}")
    return Path(settings.store_path) / "server-keyword-index" / server / settings.collection


def open_collection(client: Any, name: str, embedder: Embedder) -> Any:
    """A collection of `embedder`'s vectors; EmbedderMismatch when it holds another's."""
    expected = {"docqa_embedder": embedder.name, "docqa_dim": embedder.dim}
    try:
        collection = client.get_or_create_collection(
            name,
            embedding_function=RefuseToEmbed(),
            metadata={"hnsw:space": "cosine", **expected},
        )
    except Exception as exc:
        raise StoreUnavailable(f"cannot open collection {name!r}: {exc}") from exc
    found = {key: (collection.metadata or {}).get(key) for key in expected}
    if found != expected:
        raise EmbedderMismatch(
            f"collection {name!r} was built with {found['docqa_embedder']} "
            f"({found['docqa_dim']}-d) but {embedder.name} ({embedder.dim}-d) is configured; "
            "use the embedder it was built with, or ingest into a new DOCQA_STORE_PATH"
        )
    return collection


def open_meta(client: Any, name: str) -> Any:
    """The collection of the store's own records (generation token, pending removals, lease)."""
    try:
        return client.get_or_create_collection(name, embedding_function=RefuseToEmbed())
    except Exception as exc:
        raise StoreUnavailable(f"cannot open collection {name!r}: {exc}") from exc
