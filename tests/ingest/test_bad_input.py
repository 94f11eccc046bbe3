"""Bad input: a clear message naming the file, and nothing lost from a store that had documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import Ingestor, IngestSettings, default_corpus
from ingest.readers import read_plain_text
from store import ChromaStore, Paragraph
from ui.context import Context

KEPT_DOCUMENT = """\
La Conférence pour l'interaction et les mesures de confiance en Asie (CICA) réunit des États
d'Asie autour du dialogue et de la confiance mutuelle.

Lors du sommet de Shanghai en 2014, la CICA comptait 26 pays membres.
"""

FRENCH = """\
Déclaration des ministres des affaires étrangères

À l'occasion du vingt-cinquième anniversaire de la Conférence, nous, ministres des affaires
étrangères des États membres, faisons la présente déclaration : la sécurité commune, globale,
coopérative et durable reste notre objectif. Les échanges entre les peuples sont très importants
et la coopération économique se développe année après année.
"""

CHINESE = """\
亚信会议

1992年10月，哈萨克斯坦总统纳扎尔巴耶夫在第47届联合国大会上提出了建立一个全亚洲范围的地区性安全合作组织的倡议，
旨在促进亚洲各国间的对话和协商。截止到2014年的上海亚信峰会，亚信会议已有26个成员国，横跨亚洲各区域。
"""


@pytest.fixture
def store(empty_context: Context, tmp_path: Path) -> ChromaStore:
    """A store that already holds a document."""
    kept = tmp_path / "kept.txt"
    kept.write_text(KEPT_DOCUMENT, encoding="utf-8")
    report = empty_context.ingestor.ingest_paths([kept])
    assert not report.failed
    assert empty_context.store.count() == 2
    return empty_context.store


@pytest.fixture
def ingestor(store: ChromaStore) -> Ingestor:
    return Ingestor(store)


def ingest_one(ingestor: Ingestor, path: Path) -> str:
    """Ingest a bad file; return its error message after checking the store lost nothing."""
    before = ingestor.store.paragraphs()
    report = ingestor.ingest_paths([path])
    assert len(report.documents) == 1
    (doc,) = report.documents
    assert doc.error, f"{path.name} was accepted: {doc}"
    assert doc.status == "error"
    assert report.failed == [doc]
    assert ingestor.store.paragraphs() == before
    return doc.error


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "incoming" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n\t \r\n  ", "empty"),
        ("blank-unicode.md", "\u3000\u00a0\n\u2003\n".encode(), "whitespace"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300), "binary"),
        ("noise.txt", bytes(range(1, 32)) * 40, "binary"),
        ("only-heading.md", b"# A title and nothing else\n", "no paragraphs"),
        ("table.xlsx", b"PK\x03\x04 spreadsheet", "cannot read '.xlsx'"),
        ("README", b"Text in a file without an extension.", "without an extension"),
    ],
)
def test_bad_file_is_refused_with_a_clear_message(
    ingestor: Ingestor, tmp_path: Path, name: str, data: bytes, says: str
) -> None:
    message = ingest_one(ingestor, write(tmp_path, name, data))

    assert name in message
    assert says in message


def test_a_stored_document_whose_file_turned_bad_keeps_its_paragraphs(
    ingestor: Ingestor, tmp_path: Path
) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_bytes(b"\x00\x01binary now" * 10)

    message = ingest_one(ingestor, kept)

    assert "kept.txt" in message
    assert len(ingestor.store.paragraphs("kept.txt")) == 2


def test_unsupported_extension_lists_what_is_supported(ingestor: Ingestor, tmp_path: Path) -> None:
    message = ingest_one(ingestor, write(tmp_path, "slides.xyz", b"Some text."))

    assert ".txt" in message
    assert ".md" in message


def test_a_path_that_does_not_exist_is_named(ingestor: Ingestor, tmp_path: Path) -> None:
    before = ingestor.store.paragraphs()
    missing = tmp_path / "nowhere" / "missing.txt"

    with pytest.raises(FileNotFoundError, match="missing.txt"):
        ingestor.ingest_paths([missing])

    assert ingestor.store.paragraphs() == before


def test_a_file_over_the_size_limit_is_refused(store: ChromaStore, tmp_path: Path) -> None:
    ingestor = Ingestor(store, IngestSettings(max_file_mb=0.5))
    big = write(tmp_path, "big.txt", ("Une phrase de texte ordinaire. " * 20_000).encode())
    assert big.stat().st_size > 500_000

    message = ingest_one(ingestor, big)

    assert "big.txt" in message
    assert "0.5 MB" in message  # the limit as configured
    assert "DOCQA_MAX_FILE_MB" in message


def test_an_upload_over_the_size_limit_is_refused(store: ChromaStore) -> None:
    ingestor = Ingestor(store, IngestSettings(max_file_mb=0.5))
    before = store.paragraphs()

    doc = ingestor.ingest_bytes("big.txt", b"Une phrase. " * 50_000)

    assert doc.error
    assert "big.txt" in doc.error
    assert "0.5 MB" in doc.error
    assert store.paragraphs() == before


def test_a_file_just_under_the_limit_is_accepted(store: ChromaStore, tmp_path: Path) -> None:
    ingestor = Ingestor(store, IngestSettings(max_file_mb=0.5))
    path = write(tmp_path, "fits.txt", KEPT_DOCUMENT.replace("2014", "2015").encode())

    report = ingestor.ingest_paths([path])

    assert not report.failed
    assert report.documents[0].added == 2


@pytest.mark.parametrize(
    "name",
    [
        "dir/evil.txt",
        "../../etc/passwd.txt",
        "..\\windows.txt",
        "bell\x07.txt",
        "new\nline.txt",
        "tab\tname.txt",
        "zero\u200bwidth.txt",
        "\x1b[31mred.txt",
    ],
)
def test_bad_file_names_are_refused_for_uploads(store: ChromaStore, name: str) -> None:
    before = store.paragraphs()

    doc = Ingestor(store).ingest_bytes(name, KEPT_DOCUMENT.encode("utf-8"))

    assert doc.error, doc
    assert repr(name) in doc.error or name in doc.error
    assert "rename" in doc.error
    assert store.paragraphs() == before


def test_a_good_upload_next_to_bad_ones_is_stored(store: ChromaStore) -> None:
    doc = Ingestor(store).ingest_bytes("notes d'été.txt", FRENCH.encode("utf-8"))

    assert doc.error is None
    assert doc.doc_id == "notes d'été.txt"
    assert store.count() == 2 + doc.paragraphs


# -- legacy encodings are decoded, with a note -----------------------------------------------


def stored_text(store: ChromaStore, doc_id: str) -> str:
    return "\n".join(p.text for p in store.paragraphs(doc_id))


SHORT_LETTER = """\
Déclaration des ministres des affaires étrangères

À l'occasion du vingt-cinquième anniversaire de la Conférence, nous, ministres des affaires étrangères des États membres, faisons la présente déclaration : la sécurité commune, globale, coopérative et durable est notre objectif. Les échanges entre les peuples sont très importants.
"""  # noqa: E501 - one long line, as editors save it


def seed_fact_sheet_in_french() -> str:
    """The French half of the shipped fact sheet, with the quotes Latin-1 can hold."""
    text = (default_corpus() / "004_c1644274363e99c0.txt").read_text(encoding="utf-8")
    return text.split("亚信会议")[0].replace("«", '"').replace("»", '"')


LATIN_SAMPLES = {
    "declaration": lambda: FRENCH,
    "letter": lambda: SHORT_LETTER,
    "fact-sheet": seed_fact_sheet_in_french,
}


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
@pytest.mark.parametrize("sample", sorted(LATIN_SAMPLES))
def test_latin_text_is_decoded_correctly_with_a_note(
    ingestor: Ingestor, tmp_path: Path, encoding: str, sample: str
) -> None:
    text = LATIN_SAMPLES[sample]()
    path = write(tmp_path, "latin.txt", text.encode(encoding))

    report = ingestor.ingest_paths([path])

    (doc,) = report.documents
    assert doc.error is None, doc.error
    expected = read_plain_text("latin.txt", text.encode("utf-8")).drafts
    stored = ingestor.store.paragraphs("latin.txt")
    assert [p.text for p in stored] == [d.text for d in expected], doc.note
    assert doc.note and "not UTF-8" in doc.note
    assert any(name in doc.note.lower() for name in ("latin", "8859", "1252")), doc.note
    joined = stored_text(ingestor.store, "latin.txt")
    for word in ("Conférence", "États" if sample != "fact-sheet" else "sécurité"):
        assert word in joined
    assert {p.lang for p in stored} == {"fr"}


def test_gb18030_text_is_decoded_correctly_with_a_note(ingestor: Ingestor, tmp_path: Path) -> None:
    path = write(tmp_path, "chinois.txt", CHINESE.encode("gb18030"))

    report = ingestor.ingest_paths([path])

    (doc,) = report.documents
    assert doc.error is None, doc.error
    assert doc.note and "not UTF-8" in doc.note
    assert "gb" in doc.note.lower(), doc.note
    paragraphs: list[Paragraph] = ingestor.store.paragraphs("chinois.txt")
    text = stored_text(ingestor.store, "chinois.txt")
    for word in ("亚信会议", "哈萨克斯坦总统纳扎尔巴耶夫", "26个成员国", "，"):
        assert word in text
    assert {p.lang for p in paragraphs} == {"zh"}
    # Wrapped Chinese lines are joined without a space between characters.
    assert "倡议，旨在" in text


def test_utf8_with_a_byte_order_mark_needs_no_note(ingestor: Ingestor, tmp_path: Path) -> None:
    path = write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + FRENCH.encode("utf-8"))

    (doc,) = ingestor.ingest_paths([path]).documents

    assert doc.error is None
    assert doc.note is None
    first = ingestor.store.paragraphs("bom.txt")[0]
    assert first.text.startswith("Déclaration")
    assert first.doc_title == "Déclaration des ministres des affaires étrangères"


def test_windows_line_ends_give_the_same_paragraphs(ingestor: Ingestor, tmp_path: Path) -> None:
    unix = write(tmp_path, "unix.txt", FRENCH.encode("utf-8"))
    windows = write(tmp_path, "windows.txt", FRENCH.replace("\n", "\r\n").encode("utf-8"))

    ingestor.ingest_paths([unix, windows])

    store = ingestor.store
    assert [p.text for p in store.paragraphs("unix.txt")] == [
        p.text for p in store.paragraphs("windows.txt")
    ]
    assert [(p.start, p.end) for p in store.paragraphs("unix.txt")] == [
        (p.start, p.end) for p in store.paragraphs("windows.txt")
    ]
