"""The Documents tab's handlers over a real store: upload results, reading, removal."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from ui.context import Context
from ui.documents_tab import DocumentsTab

NOTES = "Notes\n\nThe zorblax festival takes place every March.\n\nIt lasts a week.\n"


def rows(table) -> list[list]:
    return table.value["data"]


def test_each_uploaded_file_gets_its_result_in_plain_words(
    empty_context: Context, tmp_path: Path
) -> None:
    good = tmp_path / "notes.txt"
    good.write_text(NOTES, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    tab = DocumentsTab(empty_context)

    results, cleared, table, doc_filter, remove_choices, read_choices = tab.upload(
        [str(good), str(empty), str(binary)], "all"
    )
    added, empty_row, binary_row = rows(results)
    assert added[:3] == ["Notes", "added", 2]  # named by its title
    assert added[3].startswith("New document: 2 paragraphs")
    assert empty_row[:2] == ["empty.txt", "error"] and "empty" in empty_row[3].lower()
    assert binary_row[:2] == ["image.txt", "error"] and binary_row[3]
    assert cleared is None
    assert rows(table) == [["Notes", "notes.txt", 2, "en"]]
    assert ("Notes", "notes.txt") in doc_filter.choices
    assert read_choices.choices == remove_choices.choices == [("Notes", "notes.txt")]

    assert rows(tab.upload([str(good)], "all")[0])[0][1:3] == ["unchanged", 2]

    good.write_text(NOTES.replace("a week", "ten days") + "\nA third paragraph.\n", "utf-8")
    replaced = rows(tab.upload([str(good)], "all")[0])[0]
    assert replaced[1:3] == ["replaced", 3]
    assert replaced[3] == "Updated the stored version (paragraphs: 1 changed, 1 new, 1 kept)."


def test_nothing_chosen_says_so(empty_context: Context) -> None:
    assert rows(DocumentsTab(empty_context).upload([], "all")[0])[0][1] == "nothing added"


def test_a_document_reads_paragraph_by_paragraph_as_text(
    empty_context: Context, tmp_path: Path
) -> None:
    evil = tmp_path / "evil.md"
    evil.write_text(
        "# Title <b>x</b>\n\nFirst <script>alert(1)</script> paragraph.\n\nSecond one.\n",
        encoding="utf-8",
    )
    tab = DocumentsTab(empty_context)
    tab.upload([str(evil)], "all")
    page = tab.read("evil.md")
    assert page.count('class="dq-read-para"') == len(empty_context.store.paragraphs("evil.md"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page
    assert "¶1" in page and "¶2" in page
    assert "Choose a document" in tab.read(None)


def test_remove_needs_confirmation_and_updates_every_picker(
    empty_context: Context, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    tab = DocumentsTab(empty_context)
    tab.upload([str(notes)], "all")

    note, confirmed, *pickers = tab.remove("notes.txt", False, "all")
    assert note == "Tick the confirmation box to remove **Notes \\(notes\\.txt\\)**."
    assert confirmed is False
    # Nothing removed: the table and every picker stay as they are (the choice is kept).
    assert pickers == [gr.skip()] * 4

    note, _, table, doc_filter, remove_choices, read_choices = tab.remove(
        "notes.txt", True, "notes.txt"
    )
    assert note == "Removed **Notes \\(notes\\.txt\\)** (2 paragraphs)."
    assert rows(table) == []
    assert doc_filter.value == "all"  # the chat's filter no longer names the removed document
    assert remove_choices.choices == [] and read_choices.choices == []
    assert empty_context.store.documents() == []

    note, *_ = tab.remove("notes.txt", True, "all")
    assert note.startswith("⚠️") and "no document" in note
    assert tab.remove(None, True, "all")[0] == "Choose the document to remove."


def test_a_one_paragraph_document_is_counted_in_the_singular(
    empty_context: Context, tmp_path: Path
) -> None:
    single = tmp_path / "single.txt"
    single.write_text("Only one paragraph here.\n", encoding="utf-8")
    tab = DocumentsTab(empty_context)
    added = rows(tab.upload([str(single)], "all")[0])[0]
    assert added[3] == "New document: 1 paragraph indexed."
    note, *_ = tab.remove("single.txt", True, "all")
    assert note.endswith("(1 paragraph).")


def test_pickers_keep_their_choice_and_tell_same_titled_documents_apart(
    empty_context: Context, tmp_path: Path
) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        title = "Other" if name == "c.txt" else "Minutes"
        (tmp_path / name).write_text(f"{title}\n\nWhat was said in {name}.\n", "utf-8")
    tab = DocumentsTab(empty_context)
    tab.upload([str(tmp_path / "a.txt"), str(tmp_path / "c.txt")], "all")

    *_, doc_filter, remove_choices, read_choices = tab.upload(
        [str(tmp_path / "b.txt")], "a.txt", "c.txt", "a.txt"
    )
    assert read_choices.choices == [
        ("Minutes (a.txt)", "a.txt"),
        ("Minutes (b.txt)", "b.txt"),
        ("Other", "c.txt"),
    ]
    assert (doc_filter.value, remove_choices.value, read_choices.value) == (
        "a.txt",
        "c.txt",
        "a.txt",
    )

    *_, doc_filter, remove_choices, read_choices = tab.remove("c.txt", True, "c.txt", "a.txt")
    assert (doc_filter.value, remove_choices.value, read_choices.value) == ("all", None, "a.txt")


def test_each_blank_line_separated_block_of_an_uploaded_text_is_a_paragraph(
    empty_context: Context,
) -> None:
    text = "First block line one.\nline two.\n\nSecond block.\n\nThird block.\n"
    report = empty_context.ingestor.ingest_bytes("blocks.txt", text.encode())
    assert report.paragraphs == 3
    stored = empty_context.store.paragraphs("blocks.txt")
    assert [p.text for p in stored] == [
        "First block line one. line two.",
        "Second block.",
        "Third block.",
    ]
