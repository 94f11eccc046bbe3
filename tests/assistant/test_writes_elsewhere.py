"""An assistant held open (as `docqa serve` holds one) follows what other processes write.

Two real processes on one on-disk store: this one answers, a `docqa ingest` (or `docqa docs
remove`) subprocess writes. Chroma's embedded client keeps each collection's vector index in
memory: before, the held assistant never found the new document by dense retrieval, and a
question filtered to it failed with Chroma's "Error finding id".
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assistant import Assistant
from ingest import default_corpus
from store import Question, UnknownDocument
from tests.conftest import make_context
from tests.ingest.corpus import DOCQA, docqa_env
from ui.context import Context

NEW_DOC = "station.txt"
NEW_TEXT = (
    "La station de mesure Zorglub-7 a été inaugurée à Tachkent le 3 mars 1987 par "
    "l'ingénieur Ivan Petrov.\n\n"
    "Depuis, la station Zorglub-7 mesure chaque jour le débit de la rivière Chirchiq.\n"
)
QUESTION = "Quand la station Zorglub-7 a-t-elle été inaugurée ?"
LATER_DOC = "barrage.txt"
LATER_TEXT = "Le barrage de Toktogoul sur la rivière Naryn a été achevé en 1975.\n"
LATER_QUESTION = "Quand le barrage de Toktogoul a-t-il été achevé ?"

# A writer session of its own that writes one file, then another when told to (a line on
# its stdin): a long `docqa ingest` seen between two of its write batches.
TWO_WRITES = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from ingest.pipeline import to_paragraphs
    from ingest.readers import read_plain_text
    from store import ChromaStore, StoreSettings

    store = ChromaStore.open(StoreSettings(store_path=Path(sys.argv[1])))
    with store.writer():
        for path in map(Path, sys.argv[2:]):
            parsed = read_plain_text(path.name, path.read_bytes())
            store.write(to_paragraphs(parsed, str(path)))
            print("written", flush=True)
            sys.stdin.readline()
    """
)


def run_docqa(store: Path, *args: str) -> None:
    done = subprocess.run(
        [str(DOCQA), *args],
        env=docqa_env(store_path=str(store)),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def served(tmp_path: Path) -> Context:
    """A store with the seed corpus, and an assistant that has answered (all loaded)."""
    context = make_context(tmp_path / "store")
    assert not context.ingestor.ingest_paths([default_corpus()]).failed
    context.assistant.ask(QUESTION)  # dense indexes, BM25 index and models in memory
    return context


def doc_ids(assistant: Assistant, **filters: str) -> list[str]:
    answer = assistant.ask(QUESTION, filters=filters or None)
    return [hit.paragraph.doc_id for hit in answer.retrieved]


def test_a_document_ingested_by_another_process_is_answered_from(
    served: Context, tmp_path: Path
) -> None:
    (tmp_path / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
    run_docqa(served.store_settings.store_path, "ingest", str(tmp_path / NEW_DOC))
    assistant = served.assistant

    answer = assistant.ask(QUESTION)

    assert not answer.abstained, answer.text
    assert answer.citations[0].paragraph.doc_id == NEW_DOC
    assert "1987" in answer.text
    for ranking in assistant.store.searcher.rankings(Question.of(QUESTION)):  # each list too
        assert ranking.paragraphs[0].doc_id == NEW_DOC, ranking.name
    assert set(doc_ids(assistant, doc=NEW_DOC)) == {NEW_DOC}
    assert NEW_DOC in {d.doc_id for d in served.store.documents()}


def test_a_document_removed_by_another_process_is_no_longer_found(
    served: Context, tmp_path: Path
) -> None:
    (tmp_path / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
    assert not served.ingestor.ingest_paths([tmp_path / NEW_DOC]).failed
    assert doc_ids(served.assistant)[0] == NEW_DOC

    run_docqa(served.store_settings.store_path, "docs", "remove", NEW_DOC)

    assert NEW_DOC not in doc_ids(served.assistant)
    with pytest.raises(UnknownDocument, match=NEW_DOC):
        served.assistant.ask(QUESTION, filters={"doc": NEW_DOC})


def test_a_document_written_mid_session_by_another_process_can_be_filtered_to(
    served: Context, tmp_path: Path
) -> None:
    """The generation changes at a writer session's start and end only: rows written in
    between are past the Chroma this process reopened at the start."""
    (tmp_path / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
    (tmp_path / LATER_DOC).write_text(LATER_TEXT, encoding="utf-8")
    writer = subprocess.Popen(
        [sys.executable, "-c", TWO_WRITES, str(served.store_settings.store_path)]
        + [str(tmp_path / NEW_DOC), str(tmp_path / LATER_DOC)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=docqa_env(),
    )
    assert writer.stdin is not None and writer.stdout is not None
    try:
        assert writer.stdout.readline() == "written\n"
        assert doc_ids(served.assistant, doc=NEW_DOC)[0] == NEW_DOC  # reopened here
        writer.stdin.write("next\n")
        writer.stdin.flush()
        assert writer.stdout.readline() == "written\n"

        answer = served.assistant.ask(LATER_QUESTION, filters={"doc": LATER_DOC})

        assert {hit.paragraph.doc_id for hit in answer.retrieved} == {LATER_DOC}
    finally:
        _, stderr = writer.communicate("done\n", timeout=120)
    assert writer.returncode == 0, stderr
