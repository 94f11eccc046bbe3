"""Document ids are unique per source file: a folder's files are named by their path inside it,
and files of one command that would share a name get their folder's name in front.

Before, a document's id was its file name alone: `docqa ingest x1 x2` over two folders holding
the same five file names reported ten documents and kept five, each overwritten by the second.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import default_corpus
from ingest.file_walk import PassedOver, named_files
from tests.ingest.corpus import paragraph_text
from ui.context import Context

NAMES = [f"releve-{n}.txt" for n in range(5)]


def write_folder(folder: Path, first_doc: int) -> dict[str, str]:
    """Five files of the same names in every folder, each with station codes of its own
    (paragraph_text(doc, n) holds the code S{doc}x{n}); returns file name -> its first code."""
    folder.mkdir(parents=True)
    codes = {}
    for offset, name in enumerate(NAMES):
        doc = first_doc + offset
        texts = [paragraph_text(doc, n) for n in range(3)]
        (folder / name).write_text("\n\n".join(texts) + "\n", encoding="utf-8")
        codes[name] = texts[0].split()[2]
    return codes


def ids(paths: list[Path]) -> list[str]:
    return [named[1] for named in named_files(paths) if not isinstance(named, PassedOver)]


def test_two_folders_sharing_file_names_keep_every_document(
    empty_context: Context, tmp_path: Path
) -> None:
    codes = {
        "x1": write_folder(tmp_path / "x1", 10),
        "x2": write_folder(tmp_path / "x2", 20),
    }

    report = empty_context.ingestor.ingest_paths([tmp_path / "x1", tmp_path / "x2"])

    expected = {f"{folder}/{name}" for folder in codes for name in NAMES}
    assert not report.failed
    assert {d.doc_id for d in report.documents} == expected
    documents = empty_context.store.documents()
    assert {d.doc_id for d in documents} == expected
    assert all(d.title.startswith("La station S") for d in documents)  # still the readable title
    for folder, by_name in codes.items():
        for name, code in by_name.items():
            answer = empty_context.assistant.ask(
                f"Depuis quelle année la station {code} mesure-t-elle le débit ?"
            )
            assert not answer.abstained, answer.text
            cited = answer.citations[0].paragraph
            assert cited.doc_id == f"{folder}/{name}" and code in cited.text


def test_a_folder_names_its_files_by_their_path_inside_it(tmp_path: Path) -> None:
    write_folder(tmp_path / "docs" / "sub", 0)
    (tmp_path / "docs" / "top.txt").write_text("Un texte.\n", encoding="utf-8")

    assert ids([tmp_path / "docs"]) == [*(f"sub/{name}" for name in NAMES), "top.txt"]


def test_a_file_given_directly_and_the_seed_folder_keep_their_names(tmp_path: Path) -> None:
    write_folder(tmp_path / "x1", 0)
    seeds = sorted(path.name for path in default_corpus().glob("*.txt"))

    assert ids([tmp_path / "x1" / NAMES[0]]) == [NAMES[0]]
    assert ids([default_corpus()]) == seeds
    assert seeds == ["000_08fd0699280038d4.txt", "004_c1644274363e99c0.txt"]


def test_only_the_names_that_clash_get_their_folder(tmp_path: Path) -> None:
    write_folder(tmp_path / "x1", 0)
    write_folder(tmp_path / "x2", 10)
    (tmp_path / "x2" / "own.txt").write_text("Un texte.\n", encoding="utf-8")

    named = ids([tmp_path / "x1", tmp_path / "x2" / NAMES[0], tmp_path / "x2" / "own.txt"])

    assert named == [
        f"x1/{NAMES[0]}",
        *NAMES[1:],
        f"x2/{NAMES[0]}",
        "own.txt",
    ]


def test_folders_of_the_same_name_are_told_apart_by_their_parents(tmp_path: Path) -> None:
    write_folder(tmp_path / "p" / "docs", 0)
    write_folder(tmp_path / "q" / "docs", 10)

    named = ids([tmp_path / "p" / "docs", tmp_path / "q" / "docs"])

    assert named[0] == f"p/docs/{NAMES[0]}" and named[5] == f"q/docs/{NAMES[0]}"


@pytest.mark.parametrize("twice", ["folder", "file"])
def test_the_same_file_given_twice_is_not_a_clash(tmp_path: Path, twice: str) -> None:
    write_folder(tmp_path / "x1", 0)
    path = tmp_path / "x1" if twice == "folder" else tmp_path / "x1" / NAMES[0]

    named = ids([path, path])

    assert set(named) <= set(NAMES)


def test_a_file_stored_under_its_bare_name_moves_to_its_path_id(
    empty_context: Context, tmp_path: Path
) -> None:
    """Stores made before ids were paths hold a subfolder's file under its file name alone
    (as a file given directly still is): ingesting its folder now replaces that document by
    the path-named one instead of keeping the same text twice."""
    codes = write_folder(tmp_path / "relevés" / "2024", 30)
    moved = tmp_path / "relevés" / "2024" / NAMES[0]
    ingestor, store = empty_context.ingestor, empty_context.store
    assert not ingestor.ingest_paths([moved]).failed
    assert {d.doc_id for d in store.documents()} == {NAMES[0]}

    report = ingestor.ingest_paths([tmp_path / "relevés"])

    assert not report.failed
    assert {d.doc_id for d in store.documents()} == {f"2024/{name}" for name in NAMES}
    first = next(d for d in report.documents if d.doc_id == f"2024/{NAMES[0]}")
    assert first.removed == 3  # the bare-named copy's paragraphs
    answer = empty_context.assistant.ask(
        f"Depuis quelle année la station {codes[NAMES[0]]} mesure-t-elle le débit ?"
    )
    assert {c.paragraph.doc_id for c in answer.citations} <= {f"2024/{NAMES[0]}"}
