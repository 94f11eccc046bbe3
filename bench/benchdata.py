"""../shared/benchdata as docqa paragraphs and questions, and a store built from it once.

The store (both embedders) is cached under the bench data dir, keyed by the passages file's
hash, so a second run only embeds queries. Query vectors are cached there too.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from store import ChromaStore, Embedder, Paragraph, StoreSettings, content_hash, load_embedder
from store.chroma_client import open_client
from store.records import indexed_text

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "benchdata"
DEFAULT_CACHE = Path(
    os.environ.get("DOCQA_BENCH_DIR", Path(__file__).resolve().parents[1] / ".bench-data")
)


@dataclass(frozen=True)
class Passage:
    pid: str
    group: str
    lang: str
    title: str
    text: str


@dataclass(frozen=True)
class Query:
    qid: str
    lang: str
    question: str
    gold_group: str | None
    gold_pid: str | None
    answerable: bool
    near_group: str | None


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_passages(data: Path) -> list[Passage]:
    return [
        Passage(r["pid"], r["group"], r["lang"], r.get("title", ""), r["text"])
        for r in _read_jsonl(data / "passages.jsonl")
    ]


def load_queries(data: Path) -> list[Query]:
    return [
        Query(
            r["qid"],
            r["lang"],
            r["question"],
            r.get("gold_group"),
            r.get("gold_pid_same_lang"),
            bool(r.get("answerable", True)),
            r.get("near_group"),
        )
        for r in _read_jsonl(data / "queries.jsonl")
    ]


def as_paragraph(passage: Passage) -> Paragraph:
    """One passage is one single-paragraph document; its article title is its section."""
    return Paragraph(
        id=f"{passage.pid}#1",
        doc_id=passage.pid,
        doc_title=passage.title,
        source="benchdata",
        ordinal=1,
        section=passage.title,
        page=None,
        lang=passage.lang,
        text=passage.text,
        start=0,
        end=len(passage.text),
        content_hash=content_hash(passage.text),
    )


def passage_id(paragraph_id: str) -> str:
    return paragraph_id.rsplit("#", 1)[0]


class CachedQueries:
    """An embedder whose query vectors are remembered on disk between bench runs."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.name, self.dim = inner.name, inner.dim
        self._inner = inner
        self._path = path
        self._vectors: dict[str, np.ndarray] = {}
        if path.exists():
            self._vectors = pickle.loads(path.read_bytes())
        self._dirty = False

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        if text not in self._vectors:
            self._vectors[text] = self._inner.embed_query(text)
            self._dirty = True
        return self._vectors[text]

    def save(self) -> None:
        if self._dirty:
            self._path.write_bytes(pickle.dumps(self._vectors))
            self._dirty = False


def build_store(
    passages: Sequence[Passage], embedders: tuple[str, ...], cache: Path
) -> tuple[ChromaStore, list[CachedQueries]]:
    """The benchdata store with these embedders, built once, reused while the data is unchanged."""
    paragraphs = [as_paragraph(p) for p in passages]
    # Keyed by what is indexed: a change of indexed_text() builds a new store.
    indexed = "".join(p.id + indexed_text(p) for p in paragraphs)
    digest = hashlib.sha256(indexed.encode("utf-8")).hexdigest()[:12]
    folder = cache / f"store-{'-'.join(embedders)}-{digest}"
    folder.mkdir(parents=True, exist_ok=True)
    settings = StoreSettings(store_path=folder, embedders=embedders, collection="bench")
    wrapped = [CachedQueries(load_embedder(key), cache / f"queries-{key}.pkl") for key in embedders]
    store = ChromaStore(open_client(settings), settings, wrapped)
    if store.count() < len(passages):
        with store.writer(), tqdm(total=len(paragraphs), desc="embedding benchdata") as bar:
            for start in range(0, len(paragraphs), 64):
                store.write(paragraphs[start : start + 64], bar.update)
    return store, wrapped
