"""Bad PDF, DOCX and HTML files, huge files and bad names on disk: a clear message, nothing lost.

The messages name the file, the problem and what to do; the store keeps every paragraph it had.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from ingest import Ingestor
from tests.ingest.documents import EN, make_docx, make_pdf
from tests.ingest.test_bad_input import KEPT_DOCUMENT, ingest_one, write
from ui.context import Context

FIFTY_MB = 50_000_000


@pytest.fixture
def ingestor(empty_context: Context, tmp_path: Path) -> Ingestor:
    """An ingestor over a store that already holds a document (which must never be lost)."""
    kept = write(tmp_path, "kept.txt", KEPT_DOCUMENT.encode("utf-8"))
    assert not empty_context.ingestor.ingest_paths([kept]).failed
    return empty_context.ingestor


@pytest.fixture(scope="module")
def good_pdf() -> bytes:
    return make_pdf(EN).data


def encrypted_pdf() -> bytes:
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, "Confidential: the observatory's salaries for 2023.")
    pdf.set_encryption(
        owner_password="owner", user_password="secret", encryption_method=EncryptionMethod.RC4
    )
    return bytes(pdf.output())


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_truncated_pdf_is_refused(ingestor: Ingestor, tmp_path: Path, good_pdf: bytes) -> None:
    message = ingest_one(ingestor, write(tmp_path, "cut.pdf", good_pdf[: len(good_pdf) // 2]))

    assert "cut.pdf" in message
    assert "truncated" in message
    assert "download it again" in message


def test_a_pdf_damaged_inside_is_refused(
    ingestor: Ingestor, tmp_path: Path, good_pdf: bytes
) -> None:
    damaged = good_pdf[:200] + b"\x00garbage" * 400 + good_pdf[-200:]

    message = ingest_one(ingestor, write(tmp_path, "damaged.pdf", damaged))

    assert "damaged.pdf" in message
    assert "damaged" in message or "no text" in message


def test_an_encrypted_pdf_is_refused_with_the_fix(ingestor: Ingestor, tmp_path: Path) -> None:
    message = ingest_one(ingestor, write(tmp_path, "secret.pdf", encrypted_pdf()))

    assert "secret.pdf" in message
    assert "password-protected" in message
    assert "unprotected copy" in message


def test_a_pdf_without_text_asks_for_ocr(ingestor: Ingestor, tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a drawing, as a scan is an image: no text

    message = ingest_one(ingestor, write(tmp_path, "scan.pdf", bytes(pdf.output())))

    assert "scan.pdf" in message
    assert "OCR" in message


def test_a_text_file_named_pdf_is_refused(ingestor: Ingestor, tmp_path: Path) -> None:
    message = ingest_one(ingestor, write(tmp_path, "notes.pdf", b"Just some notes.\n"))

    assert "notes.pdf is not a PDF" in message


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        (
            "slides.docx",
            zip_of({"ppt/slides/slide1.xml": b"<p:sld/>", "[Content_Types].xml": b"<Types/>"}),
            "a zip archive but not a Word document",
        ),
        ("photos.docx", zip_of({"IMG_0001.jpg": b"\xff\xd8\xff" + bytes(500)}), "not a Word"),
        ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), "an old .doc?"),
        (
            "broken.docx",
            zip_of({"word/document.xml": b"<w:document><unclosed", "[Content_Types].xml": b"<"}),
            "damaged Word document",
        ),
    ],
)
def test_a_docx_that_is_not_a_word_document_is_refused(
    ingestor: Ingestor, tmp_path: Path, name: str, data: bytes, says: str
) -> None:
    message = ingest_one(ingestor, write(tmp_path, name, data))

    assert name in message
    assert says in message


def test_a_truncated_docx_is_refused(ingestor: Ingestor, tmp_path: Path) -> None:
    data = make_docx(EN)

    message = ingest_one(ingestor, write(tmp_path, "cut.docx", data[: len(data) // 2]))

    assert "cut.docx" in message
    assert "not a Word .docx file" in message or "damaged" in message


def test_an_empty_docx_is_refused(ingestor: Ingestor, tmp_path: Path) -> None:
    import docx

    out = io.BytesIO()
    docx.Document().save(out)

    message = ingest_one(ingestor, write(tmp_path, "blank.docx", out.getvalue()))

    assert "blank.docx has no text to index" in message


@pytest.mark.parametrize(
    "html",
    [
        b"<html><head><title>Empty</title></head><body></body></html>",
        b"<html><body><script>document.write('hello')</script><style>p{}</style></body></html>",
        b"<html><body><nav>Home</nav><main>  </main><footer>(c) 2024</footer></body></html>",
        b"<!-- only a comment -->",
    ],
)
def test_an_html_page_without_text_is_refused(
    ingestor: Ingestor, tmp_path: Path, html: bytes
) -> None:
    message = ingest_one(ingestor, write(tmp_path, "page.html", html))

    assert "page.html has no text to index" in message
    assert "main content" in message


def test_html_in_latin_1_and_gb18030_is_read(ingestor: Ingestor, tmp_path: Path) -> None:
    french = "<p>Le siège de la Conférence se trouve à Astana depuis 2006, année de création.</p>"
    chinese = "<p>亚信会议秘书处设在阿斯塔纳，自2006年起正式运作，负责会议的日常工作。</p>"
    latin = write(tmp_path, "fr.html", french.encode("latin-1"))
    gb = write(tmp_path, "zh.html", chinese.encode("gb18030"))

    report = ingestor.ingest_paths([latin, gb])

    assert not report.failed, report.failed
    assert ingestor.store.paragraphs("fr.html")[0].text.startswith("Le siège de la Conférence")
    assert ingestor.store.paragraphs("zh.html")[0].text.startswith("亚信会议秘书处")
    assert all(d.note and "not UTF-8" in d.note for d in report.documents)


@pytest.mark.parametrize("name", ["huge.txt", "huge.pdf", "huge.docx", "huge.html"])
def test_a_50_mb_file_is_refused_unread_with_the_limit_named(
    ingestor: Ingestor, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    with path.open("wb") as handle:
        handle.truncate(FIFTY_MB)  # sparse: 50 MB on paper, nothing written

    tracemalloc.start()
    try:
        message = ingest_one(ingestor, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert name in message
    assert "50.0 MB" in message
    assert "20 MB limit" in message  # the default DOCQA_MAX_FILE_MB
    assert "DOCQA_MAX_FILE_MB" in message
    assert peak < 5_000_000, f"{peak / 1e6:.1f} MB allocated: the file was read"


@pytest.mark.parametrize(
    "name", ["bell\x07.txt", "new\nline.md", "esc\x1b[31m.html", "zw\u200b.pdf"]
)
def test_a_file_on_disk_with_control_characters_in_its_name_is_refused(
    ingestor: Ingestor, tmp_path: Path, name: str
) -> None:
    message = ingest_one(ingestor, write(tmp_path, name, b"Un paragraphe de texte ordinaire."))

    assert repr(name) in message
    assert "rename the file" in message


@pytest.mark.parametrize("name", ["a/b.txt", "..\\up.html", "../etc/passwd.pdf", "c:\\x.docx"])
def test_an_upload_named_with_a_path_is_refused(ingestor: Ingestor, name: str) -> None:
    before = ingestor.store.paragraphs()

    doc = ingestor.ingest_bytes(name, b"Un paragraphe de texte ordinaire.")

    assert doc.error and repr(name) in doc.error
    assert "path separators" in doc.error
    assert ingestor.store.paragraphs() == before
