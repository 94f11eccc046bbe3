"""Incremental re-ingest: unchanged paragraphs are kept (not re-embedded), the store never stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest import DocumentReport, Ingestor, default_corpus
from ingest.pipeline import to_paragraphs
from ingest.readers import read_plain_text
from store import ChromaStore, Paragraph
from ui.context import Context

DECLARATION = "000_08fd0699280038d4.txt"
FACT_SHEET = "004_c1644274363e99c0.txt"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the seed corpus."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for seed in default_corpus().glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
        (folder / seed.name).chmod(0o644)
    return folder


@pytest.fixture
def ingested(empty_context: Context, corpus: Path) -> Context:
    report = empty_context.ingestor.ingest_paths([corpus])
    assert not report.failed
    assert [d.status for d in report.documents] == ["added", "added"]
    return empty_context


def parse(path: Path) -> list[Paragraph]:
    return to_paragraphs(read_plain_text(path.name, path.read_bytes()), str(path.resolve()))


def report_for(ingestor: Ingestor, path: Path) -> DocumentReport:
    report = ingestor.ingest_paths([path])
    assert len(report.documents) == 1
    assert not report.failed, report.failed
    return report.documents[0]


def assert_store_holds_exactly(store: ChromaStore, path: Path) -> None:
    """The store's rows of the document are what the file says now: nothing stale, nothing lost."""
    assert store.paragraphs(path.name) == parse(path)


def declaration_blocks(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n\n")


def test_first_ingest_adds_and_embeds_every_paragraph(empty_context: Context, corpus: Path) -> None:
    report = empty_context.ingestor.ingest_paths([corpus])

    declaration, fact_sheet = report.documents
    assert (declaration.doc_id, fact_sheet.doc_id) == (DECLARATION, FACT_SHEET)
    assert declaration.added == declaration.paragraphs == declaration.embedded == 18
    assert fact_sheet.added == fact_sheet.paragraphs == fact_sheet.embedded == 2
    assert report.total("added") == empty_context.store.count() == 20
    assert_store_holds_exactly(empty_context.store, corpus / DECLARATION)
    assert_store_holds_exactly(empty_context.store, corpus / FACT_SHEET)


def test_second_ingest_keeps_everything_and_embeds_nothing(ingested: Context, corpus: Path) -> None:
    report = ingested.ingestor.ingest_paths([corpus])

    for doc in report.documents:
        assert doc.status == "unchanged"
        assert doc.kept == doc.paragraphs
        assert (doc.added, doc.replaced, doc.removed, doc.embedded) == (0, 0, 0, 0)
    assert ingested.store.count() == 20


def test_editing_one_paragraph_replaces_only_that_one(ingested: Context, corpus: Path) -> None:
    path = corpus / DECLARATION
    text = path.read_text(encoding="utf-8")
    old = "accueilli quatre de ses sommets"
    assert text.count(old) == 1
    path.write_text(text.replace(old, "accueilli cinq de ses sommets"), encoding="utf-8")

    doc = report_for(ingested.ingestor, path)

    assert doc.status == "replaced"
    assert (doc.replaced, doc.embedded, doc.added, doc.removed) == (1, 1, 0, 0)
    assert doc.kept == doc.paragraphs - 1 == 17
    assert_store_holds_exactly(ingested.store, path)
    stored = " ".join(p.text for p in ingested.store.paragraphs(DECLARATION))
    assert "cinq de ses sommets" in stored
    assert old not in stored
    assert ingested.store.count() == 20


def test_an_edit_that_shifts_offsets_keeps_the_other_vectors(
    ingested: Context, corpus: Path
) -> None:
    path = corpus / DECLARATION
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("politique macroéconomique", "politique macroéconomique et financière"),
        encoding="utf-8",
    )

    doc = report_for(ingested.ingestor, path)

    # Every later paragraph moved in the file, yet only the edited one is embedded again.
    assert doc.embedded == 1
    assert doc.replaced == 1
    assert doc.kept == 17
    assert_store_holds_exactly(ingested.store, path)


def test_deleting_the_last_paragraph_removes_it(ingested: Context, corpus: Path) -> None:
    path = corpus / FACT_SHEET
    blocks = path.read_text(encoding="utf-8").rstrip("\n").split("\n\n")
    path.write_text("\n\n".join(blocks[:-2]) + "\n", encoding="utf-8")  # heading + paragraph

    doc = report_for(ingested.ingestor, path)

    assert (doc.paragraphs, doc.removed, doc.kept, doc.replaced, doc.added) == (1, 1, 1, 0, 0)
    assert doc.embedded == 0
    assert_store_holds_exactly(ingested.store, path)
    assert all(p.lang == "fr" for p in ingested.store.paragraphs(FACT_SHEET))
    assert ingested.store.count() == 19


def test_deleting_a_middle_paragraph_leaves_no_stale_row(ingested: Context, corpus: Path) -> None:
    path = corpus / DECLARATION
    blocks = declaration_blocks(path)
    doomed = next(i for i, b in enumerate(blocks) if b.startswith("3. Le Kazakhstan"))
    path.write_text("\n\n".join(blocks[:doomed] + blocks[doomed + 1 :]), encoding="utf-8")

    doc = report_for(ingested.ingestor, path)

    assert doc.paragraphs == 17
    assert doc.removed == 1
    assert doc.added == 0
    assert doc.embedded == 0  # every remaining text is already embedded
    assert doc.kept + doc.replaced == 17
    assert_store_holds_exactly(ingested.store, path)
    stored = " ".join(p.text for p in ingested.store.paragraphs(DECLARATION))
    assert "Le Kazakhstan, la Turquie et la Chine ont tour à tour" not in stored
    assert ingested.store.count() == 19


def test_appending_a_paragraph_adds_and_embeds_only_it(ingested: Context, corpus: Path) -> None:
    path = corpus / FACT_SHEET
    extra = "\n\nLa CICA a tenu son cinquième sommet à Douchanbé en juin 2019, selon la fiche.\n"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + extra, encoding="utf-8")

    doc = report_for(ingested.ingestor, path)

    assert (doc.paragraphs, doc.added, doc.kept, doc.embedded, doc.removed) == (3, 1, 2, 1, 0)
    assert_store_holds_exactly(ingested.store, path)


def test_other_documents_are_untouched_by_a_re_ingest(ingested: Context, corpus: Path) -> None:
    before = ingested.store.paragraphs(FACT_SHEET)
    path = corpus / DECLARATION
    path.write_text(path.read_text(encoding="utf-8").replace("quatre", "cinq"), encoding="utf-8")

    report_for(ingested.ingestor, path)

    assert ingested.store.paragraphs(FACT_SHEET) == before


def test_uploading_the_same_bytes_reuses_every_vector(ingested: Context, corpus: Path) -> None:
    data = (corpus / FACT_SHEET).read_bytes()

    doc = ingested.ingestor.ingest_bytes(FACT_SHEET, data, source="upload")

    assert doc.error is None
    assert (doc.kept, doc.embedded, doc.added, doc.removed, doc.replaced) == (2, 0, 0, 0, 0)
    assert {p.source for p in ingested.store.paragraphs(FACT_SHEET)} == {"upload"}


def test_a_file_copied_under_a_new_name_is_a_new_document_without_re_embedding(
    ingested: Context, corpus: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copie.txt"
    shutil.copyfile(corpus / FACT_SHEET, copy)

    doc = report_for(ingested.ingestor, copy)

    assert (doc.doc_id, doc.added, doc.embedded) == ("copie.txt", 2, 0)
    assert ingested.store.count() == 22
    assert [d.doc_id for d in ingested.store.documents()] == [DECLARATION, FACT_SHEET, "copie.txt"]
