"""Generated corpora for the process tests: many distinct, checkable paragraphs."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from ingest.pipeline import to_paragraphs
from ingest.readers import read_plain_text
from store import ChromaStore, Paragraph
from text import tokenize

DOCQA = Path(sys.executable).parent / "docqa"
CITIES = ["Almaty", "Astana", "Shanghai", "Dushanbe", "Tashkent", "Bichkek", "Ankara", "Bakou"]


def paragraph_text(doc: int, number: int) -> str:
    """A sentence unique to (doc, number): its station code appears nowhere else."""
    city = CITIES[(doc + number) % len(CITIES)]
    return (
        f"La station S{doc:02d}x{number:03d} du réseau de {city} mesure le débit de la rivière "
        f"chaque jour depuis {1950 + number} ; ses relevés du lot {doc}-{number} sont publiés "
        "chaque mois."
    )


def write_corpus(folder: Path, docs: range, paragraphs: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for doc in docs:
        body = "\n\n".join(paragraph_text(doc, n) for n in range(paragraphs))
        (folder / f"releves-{doc:02d}.txt").write_text(body + "\n", encoding="utf-8")
    return folder


def expected_paragraphs(folder: Path) -> dict[str, list[Paragraph]]:
    return {
        path.name: to_paragraphs(read_plain_text(path.name, path.read_bytes()), str(path.resolve()))
        for path in sorted(folder.glob("*.txt"))
    }


def assert_store_holds(store: ChromaStore, expected: dict[str, list[Paragraph]]) -> None:
    """Every paragraph present with its text, nothing else; the keyword index finds each one."""
    stored = store.paragraphs()
    assert len(stored) == sum(len(p) for p in expected.values())
    by_doc: dict[str, list[str]] = {}
    for paragraph in stored:
        by_doc.setdefault(paragraph.doc_id, []).append(paragraph.text)
    assert by_doc == {doc: [p.text for p in paras] for doc, paras in expected.items()}
    assert len({p.id for p in stored}) == len(stored)
    for paragraphs in expected.values():
        for paragraph in (paragraphs[0], paragraphs[-1]):
            code = paragraph.text.split()[2]  # the station code, e.g. S03x017
            hits = store.keyword_search(tokenize(code, "fr"), 1)
            assert [pid for pid, _ in hits] == [paragraph.id], code


def docqa_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCQA_")}
    env.update({f"DOCQA_{key.upper()}": value for key, value in settings.items()})
    env["ANONYMIZED_TELEMETRY"] = "False"
    return env


def docqa(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(DOCQA), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def queued_rows(store_path: Path) -> int:
    """Rows Chroma has logged in an on-disk store, read without disturbing the writer."""
    database = store_path / "chroma.sqlite3"
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=0.5) as connection:
            return int(connection.execute("SELECT count(*) FROM embeddings_queue").fetchone()[0])
    except sqlite3.Error:  # not created yet, or busy for a moment
        return 0
