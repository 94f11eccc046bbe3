"""Fuzzing the PDF, DOCX and HTML readers: any input parses or raises a named ingest error.

Mutations of real documents reach deep into the parsers (random bytes rarely get past a PDF or
zip header). Each run is derandomized and bounded by its example count (a few seconds each).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.docx_reader import read_docx
from ingest.html_reader import read_html
from ingest.parsed import ParsedDocument
from ingest.pdf_reader import read_pdf
from tests.ingest.documents import EN, ZH, make_docx, make_pdf
from tests.ingest.test_fuzz_readers import check

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PDF = make_pdf(EN).data
CJK_PDF = make_pdf(ZH).data
DOCX = make_docx(EN)


Edits = list[tuple[int, bytes]]  # (position, bytes written there)


def mutate(data: bytes, edits: Edits, cut: int | None) -> bytes:
    """Overwrite bytes at positions (modulo the length) and optionally truncate."""
    out = bytearray(data)
    for position, replacement in edits:
        at = position % len(out)
        out[at : at + len(replacement)] = replacement
    return bytes(out[:cut] if cut else out)


EDITS = st.lists(st.tuples(st.integers(min_value=0), st.binary(min_size=1, max_size=8)), max_size=6)
CUTS = st.none() | st.integers(min_value=1, max_value=len(PDF))


@pytest.mark.parametrize("original", [PDF, CJK_PDF], ids=["en", "zh"])
@FUZZ
@given(edits=EDITS, cut=CUTS)
def test_pdf_reader_on_damaged_pdfs(
    original: bytes, edits: list[tuple[int, bytes]], cut: int | None
) -> None:
    check(read_pdf, "fuzz.pdf", mutate(original, edits, cut))


@FUZZ
@given(data=st.binary(max_size=3000))
def test_pdf_reader_on_arbitrary_bytes_behind_a_pdf_header(data: bytes) -> None:
    check(read_pdf, "fuzz.pdf", b"%PDF-1.7\n" + data + b"\n%%EOF\n")


def with_body(xml: bytes) -> bytes:
    """The generated .docx with its document.xml replaced."""
    source = zipfile.ZipFile(io.BytesIO(DOCX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = xml if item.filename == "word/document.xml" else source.read(item)
            target.writestr(item.filename, data)
    return out.getvalue()


BODY = zipfile.ZipFile(io.BytesIO(DOCX)).read("word/document.xml")


@FUZZ
@given(edits=EDITS, cut=st.none() | st.integers(min_value=1, max_value=len(BODY)))
def test_docx_reader_on_damaged_document_xml(
    edits: list[tuple[int, bytes]], cut: int | None
) -> None:
    check(read_docx, "fuzz.docx", with_body(mutate(BODY, edits, cut)))


@FUZZ
@given(edits=EDITS, cut=st.none() | st.integers(min_value=1, max_value=len(DOCX)))
def test_docx_reader_on_damaged_packages(edits: Edits, cut: int | None) -> None:
    check(read_docx, "fuzz.docx", mutate(DOCX, edits, cut))


TAGS = st.sampled_from(
    [
        "<p>", "</p>", "<h1>", "</h2>", "<ul><li>", "</li>", "<ol>", "<table><tr><td>", "</td>",
        "<br>", "<main>", "</main>", "<article>", "<nav>", "<script>", "</script>", "<!--", "-->",
        "<![CDATA[", "]]>", "<div hidden>", "<b>", "&amp;", "&#0;", "&#x110000;", "<?xml?>",
        "<meta charset='gb18030'>", "<pre>", "<h7>", "<td colspan=9>", "亚信", "Déclaration",
        "\x00", "\u200b", "\n",
    ]
)  # fmt: skip
HTML_LIKE = st.lists(st.one_of(TAGS, st.text(max_size=30)), max_size=60).map("".join)


@FUZZ
@given(text=HTML_LIKE)
def test_html_reader_on_html_like_text(text: str) -> None:
    check(read_html, "fuzz.html", text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(data=st.binary(max_size=2000))
def test_html_reader_on_arbitrary_bytes(data: bytes) -> None:
    check(read_html, "fuzz.html", data)


READERS: dict[str, Callable[[str, bytes], ParsedDocument]] = {
    "pdf": read_pdf,
    "docx": read_docx,
    "html": read_html,
}


@pytest.mark.parametrize("kind", sorted(READERS))
@FUZZ
@given(data=st.binary(max_size=500))
def test_every_reader_on_arbitrary_bytes(kind: str, data: bytes) -> None:
    check(READERS[kind], f"fuzz.{kind}", data)
