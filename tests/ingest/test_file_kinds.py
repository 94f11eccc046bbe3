"""Only regular files are read, and a folder walk never leaves its folder: a FIFO or a device
named .txt is refused by name before anything blocks, a link out of the folder is not followed,
a link loop is named. Found in a folder walk, each is reported as a failed document and the
other files are read. Nothing already stored changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest import Ingestor
from ui.context import Context

TEXT = "La CICA compte vingt-sept États membres.\n\nLe secrétariat se trouve à Astana.\n"


@pytest.fixture
def ingestor(empty_context: Context, tmp_path: Path) -> Ingestor:
    kept = tmp_path / "kept.txt"
    kept.write_text(TEXT, encoding="utf-8")
    assert not empty_context.ingestor.ingest_paths([kept]).failed
    return empty_context.ingestor


def refused(ingestor: Ingestor, path: Path) -> str:
    before = ingestor.store.paragraphs()
    report = ingestor.ingest_paths([path])
    assert ingestor.store.paragraphs() == before
    (document,) = report.documents
    assert document.error
    return document.error


def test_a_fifo_named_txt_is_refused_without_blocking(ingestor: Ingestor, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    error = refused(ingestor, fifo)
    assert "pipe.txt" in error and "named pipe" in error and "regular files" in error


def test_a_link_to_a_device_is_refused_by_name(ingestor: Ingestor, tmp_path: Path) -> None:
    link = tmp_path / "zeros.txt"
    link.symlink_to("/dev/zero")
    error = refused(ingestor, link)
    assert "zeros.txt" in error and "character device" in error


def test_a_folder_walk_does_not_leave_the_folder_through_links(
    ingestor: Ingestor, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Le mot de passe est hunter2.\n", encoding="utf-8")
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "note.txt").write_text(TEXT.replace("Astana", "Almaty"), encoding="utf-8")
    (folder / "sub" / "inner.txt").write_text("Une note intérieure.\n", encoding="utf-8")
    (folder / "passwd.txt").symlink_to(outside / "secret.txt")
    (folder / "escape").symlink_to(outside, target_is_directory=True)
    (folder / "alias.txt").symlink_to(folder / "note.txt")  # inside: kept
    os.mkfifo(folder / "pipe.txt")

    report = ingestor.ingest_paths([folder])

    read = [Path(d.source).name for d in report.documents if not d.error]
    assert len(read) == 3  # note.txt, its link inside the folder, sub/inner.txt
    assert set(read) <= {"alias.txt", "inner.txt", "note.txt"} and "inner.txt" in read
    assert sorted(Path(d.source).name for d in report.failed) == ["passwd.txt", "pipe.txt"]
    assert not any("hunter2" in p.text for p in ingestor.store.paragraphs())


def test_a_folder_walk_reports_each_file_it_cannot_read_and_reads_the_others(
    ingestor: Ingestor, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "note.txt").write_text(TEXT.replace("Astana", "Almaty"), encoding="utf-8")
    os.mkfifo(folder / "sub" / "pipe.txt")
    (folder / "zeros.txt").symlink_to("/dev/zero")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "gone.md").symlink_to(folder / "missing.md")
    (folder / "sub" / "loop.txt").symlink_to(folder / "sub" / "loop.txt")
    os.mkfifo(folder / "pipe.fifo")  # not a format docqa reads: passed over, as a .png would be
    stored = ingestor.store.paragraphs()

    report = ingestor.ingest_paths([folder])

    assert [Path(d.source).name for d in report.documents if not d.error] == ["note.txt"]
    errors = {Path(d.source).relative_to(folder).as_posix(): d.error or "" for d in report.failed}
    assert sorted(errors) == ["gone.md", "passwd.txt", "sub/loop.txt", "sub/pipe.txt", "zeros.txt"]
    assert errors["sub/pipe.txt"] == (
        "pipe.txt is a named pipe (FIFO), not a regular file; docqa reads regular files only"
    )
    assert errors["zeros.txt"] == (
        f"zeros.txt is a symbolic link to /dev/zero, outside the folder {folder}, and a folder "
        "walk never leaves its folder; give the file directly, or copy it into the folder"
    )
    assert errors["passwd.txt"].startswith("passwd.txt is a symbolic link to /")
    assert errors["gone.md"] == (
        "gone.md is a symbolic link that leads nowhere (broken, or a loop); give the file it "
        "should point to, or remove the link"
    )
    assert errors["sub/loop.txt"].startswith("sub/loop.txt is a symbolic link that leads nowhere")
    assert len(ingestor.store.paragraphs()) == len(stored) + 2
    assert not any("root:" in p.text for p in ingestor.store.paragraphs())


def test_a_link_loop_given_directly_is_named_as_one(ingestor: Ingestor, tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    with pytest.raises(FileNotFoundError, match="symbolic link that leads nowhere"):
        ingestor.ingest_paths([loop])
