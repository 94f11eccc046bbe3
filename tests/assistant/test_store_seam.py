"""The seam between the assistant and the store: one question is one search call (dense and
keyword lists fused inside the store, translations resolved) and at most one read of stored
vectors; the question is embedded once per embedder. Real store, real embedders: the store's
public methods are wrapped to count the calls made from outside store/."""

from __future__ import annotations

import ast
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import store as store_package
from assistant import Assistant
from store import ChromaStore, StoreSettings

ROOT = Path(__file__).resolve().parents[2]


def counted(target: object, name: str, calls: Counter[str], outside_store: bool = True) -> None:
    """Count calls of `target.name` (only those made from outside store/, by default)."""
    original: Callable[..., Any] = getattr(target, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        caller = sys._getframe(1).f_globals.get("__name__", "")  # noqa: SLF001
        if not (outside_store and caller.startswith("store.")):
            calls[name] += 1
        return original(*args, **kwargs)

    setattr(target, name, wrapper)


@pytest.mark.parametrize(
    "question", ["How many member states did CICA have in 2014?", "亚信会议有多少个成员国？"]
)
def test_one_question_is_one_search_and_at_most_one_vector_read(
    seeded_store_path: Path, question: str
) -> None:
    store = ChromaStore.open(StoreSettings(store_path=seeded_store_path))
    assistant = Assistant(store)
    assistant.ask("Qui ?")  # loading (keyword index, Chroma's indexes) is not the question
    calls: Counter[str] = Counter()
    for name in dir(store):
        if not name.startswith("_") and callable(getattr(store, name)):
            counted(store, name, calls)
    embedded: Counter[str] = Counter()
    for embedder in store.embedders:
        counted(embedder, "embed_query", embedded, outside_store=False)

    answer = assistant.ask(question)

    assert not answer.abstained, answer.text
    # `question_vector` hands back the vector the search made; `embed` embeds sentences.
    # Neither reads Chroma.
    assert calls["search"] == 1
    assert calls["vectors"] <= 1
    assert set(calls) <= {"search", "vectors", "question_vector", "embed"}, calls
    assert embedded["embed_query"] == len(store.embedders)  # once per embedder


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_nothing_outside_store_imports_chromadb_or_reads_its_collections() -> None:
    outside = [
        path
        for package in ("assistant", "ingest", "ui", "evals", "text")
        for path in (ROOT / package).rglob("*.py")
    ]
    assert outside
    for path in outside:
        source = path.read_text(encoding="utf-8")
        assert not any(m.split(".")[0] == "chromadb" for m in imported_modules(path)), path
        assert ".collections" not in source and ".embedders" not in source, path


def test_the_assistant_imports_the_store_only_through_its_package() -> None:
    """`from store import X` with X one of the package's exports, never a store module."""
    reached_in = []
    for path in (ROOT / "assistant").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module == "store":
                exported = store_package.__all__
                modules = [f"store.{a.name}" for a in node.names if a.name not in exported]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            reached_in += [f"{path.name}: {m}" for m in modules if m.startswith("store.")]
    assert reached_in == []


def test_every_module_is_under_300_lines() -> None:
    packages = ("text", "store", "ingest", "assistant", "ui", "evals", "bench", "training")
    long = {
        str(path.relative_to(ROOT)): n
        for package in packages
        for path in (ROOT / package).rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) >= 300
    }
    assert long == {}
