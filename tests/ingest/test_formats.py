"""PDF, DOCX and HTML documents made here, in fr, en and zh: read, ingested, asked about.

Real parts throughout: fpdf2 and python-docx write the files, the readers parse them, the USE
embedder and Chroma store them, the Assistant answers with a citation of the right paragraph.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.docx_reader import read_docx
from ingest.html_reader import read_html
from ingest.parsed import ParsedDocument
from ingest.pdf_paragraphs import join_pdf_lines
from ingest.pdf_reader import read_pdf
from tests.conftest import make_context
from tests.ingest.documents import (
    LIST_ITEMS,
    LIST_LEAD,
    REPORTS,
    TABLE,
    PdfLayout,
    Report,
    make_docx,
    make_html,
    make_pdf,
)
from ui.context import Context

LANGS = sorted(REPORTS)
FORMATS: dict[str, Callable[[Report], bytes]] = {
    "pdf": lambda report: make_pdf(report).data,
    "docx": make_docx,
    "html": make_html,
}
READ = {"pdf": read_pdf, "docx": read_docx, "html": read_html}


@pytest.fixture(scope="module")
def pdfs() -> dict[str, PdfLayout]:
    return {lang: make_pdf(report) for lang, report in REPORTS.items()}


def words(text: str) -> str:
    return "".join(text.split())


def assert_offsets_point_into_the_text(parsed: ParsedDocument) -> None:
    """`start`/`end` index the document's text: each paragraph's words are found there."""
    for draft in parsed.drafts:
        span = parsed.text[draft.start : draft.end]
        assert words(draft.text.replace("#", "")) in words(span.replace("#", "")) or (
            words(span) in words(draft.text)
        ), (draft.text, span)


# -- PDF -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_paragraphs_are_rebuilt_with_their_pages(pdfs: dict[str, PdfLayout], lang: str) -> None:
    report, layout = REPORTS[lang], pdfs[lang]
    assert layout.pages >= 2

    parsed = read_pdf(f"report-{lang}.pdf", layout.data)

    # Every paragraph whole: wrapped lines joined, the hyphenated word rejoined, the paragraph
    # cut by a page break continued, the running header and page numbers gone.
    assert [d.text for d in parsed.drafts] == report.paragraphs()
    assert [d.page for d in parsed.drafts] == [layout.page_of[p] for p in report.paragraphs()]
    assert parsed.title == report.title  # from the PDF's metadata
    assert [d.section for d in parsed.drafts] == [
        heading for heading, paragraphs in report.sections for _ in paragraphs
    ]
    assert_offsets_point_into_the_text(parsed)


def test_a_paragraph_crosses_a_page_break_in_the_test_documents(
    pdfs: dict[str, PdfLayout],
) -> None:
    """The generated layout does split paragraphs over pages (else the test above is weak)."""
    for lang, layout in pdfs.items():
        parsed = read_pdf(f"report-{lang}.pdf", layout.data)
        pages = {d.page for d in parsed.drafts}
        assert pages == set(range(1, layout.pages + 1)), lang
    english = read_pdf("report-en.pdf", pdfs["en"].data)
    crossing = next(d for d in english.drafts if d.text.startswith("The highest station"))
    assert crossing.text.endswith("warns the valley of floods.")
    assert crossing.page == 1  # it starts on page 1 and ends on page 2


def test_pdf_running_header_and_footer_are_dropped(pdfs: dict[str, PdfLayout]) -> None:
    for lang, layout in pdfs.items():
        text = read_pdf(f"report-{lang}.pdf", layout.data).text
        assert REPORTS[lang].header not in text
        assert "Page 1" not in text
        assert "第 1 页" not in text


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["inter-", "national law"], "international law"),
        (["Franco-", "Kazakh talks"], "Franco-Kazakh talks"),  # capital: a real hyphen
        (["mesures de la tempéra-", "ture"], "mesures de la température"),
        (["亚信会议", "成员国"], "亚信会议成员国"),
        (["the year", "2017"], "the year 2017"),
    ],
)
def test_pdf_lines_are_joined_and_de_hyphenated(lines: list[str], joined: str) -> None:
    assert join_pdf_lines(lines) == joined


# -- DOCX ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_docx_headings_become_sections_and_lists_and_tables_stay_readable(lang: str) -> None:
    report = REPORTS[lang]

    parsed = read_docx(f"report-{lang}.docx", make_docx(report))

    assert parsed.title == report.title
    texts = [d.text for d in parsed.drafts]
    for paragraph in report.paragraphs():
        assert paragraph in texts
    sections = {d.text: d.section for d in parsed.drafts}
    second_heading = report.sections[1][0]
    assert sections[report.sections[1][1][0]] == f"{report.title} > {second_heading}"
    items = "\n".join(f"- {item}" for item in LIST_ITEMS[lang])
    assert f"{LIST_LEAD[lang]}\n{items}" in texts  # the lead-in line heads its list
    header, row = TABLE[lang]
    table = next(t for t in texts if t.startswith("|"))
    assert table.splitlines() == ["| " + " | ".join(header) + " |", "| " + " | ".join(row) + " |"]
    assert all(report.header not in t for t in texts)  # the page header is not body text
    assert all(d.page is None for d in parsed.drafts)
    assert_offsets_point_into_the_text(parsed)


# -- HTML ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_html_main_content_only_with_headings_as_sections(lang: str) -> None:
    report = REPORTS[lang]

    parsed = read_html(f"report-{lang}.html", make_html(report))

    assert parsed.title == report.title
    texts = [d.text for d in parsed.drafts]
    assert [t for t in texts if not t.startswith(LIST_LEAD[lang])] == report.paragraphs()
    joined = "\n".join(texts)
    for chrome in ("Menu item", "About us", "newsletter", "Copyright", "tracking", "color"):
        assert chrome not in joined
    assert {d.section for d in parsed.drafts} == {
        f"{report.title} > {heading}" for heading, _ in report.sections
    }
    assert_offsets_point_into_the_text(parsed)


def test_html_without_main_drops_navigation_and_keeps_inline_markup_whole() -> None:
    html = (
        "<html><body><nav>Accueil | Contact</nav><header>Bandeau du site</header>"
        "<div><h2>Histoire</h2>La <b>Con</b>férence a été créée en 1992.<br>"
        "Elle réunit 27 États.</div><div role='navigation'>Plan du site</div>"
        "<footer>Mentions légales</footer></body></html>"
    )

    parsed = read_html("page.html", html.encode("utf-8"))

    assert [(d.section, d.text) for d in parsed.drafts] == [
        ("Histoire", "La Conférence a été créée en 1992. Elle réunit 27 États.")
    ]


# -- asked through the real assistant -----------------------------------------------------------


@pytest.fixture(scope="module")
def report_store(tmp_path_factory: pytest.TempPathFactory) -> Context:
    """One store holding the report in every format and language (9 documents)."""
    folder = tmp_path_factory.mktemp("reports")
    for lang, report in REPORTS.items():
        for kind, make in FORMATS.items():
            (folder / f"report-{lang}.{kind}").write_bytes(make(report))
    context = make_context(tmp_path_factory.mktemp("report-store"))
    ingested = context.ingestor.ingest_paths([folder])
    assert not ingested.failed, [d.error for d in ingested.failed]
    assert len(ingested.documents) == 9
    return context


@pytest.mark.parametrize("kind", sorted(FORMATS))
@pytest.mark.parametrize("lang", LANGS)
def test_a_question_is_answered_from_the_right_paragraph_and_page(
    report_store: Context, pdfs: dict[str, PdfLayout], kind: str, lang: str
) -> None:
    report = REPORTS[lang]
    doc_id = f"report-{lang}.{kind}"

    answer = report_store.assistant.ask(report.question, filters={"doc": doc_id})

    assert not answer.abstained, answer.text
    cited = answer.citations[0].paragraph
    assert cited.doc_id == doc_id
    assert cited.text.startswith(report.answer_paragraph)
    assert report.answer_fact in answer.text
    assert cited.lang == lang
    if kind == "pdf":
        full = next(p for p in report.paragraphs() if p.startswith(report.answer_paragraph))
        assert cited.page == pdfs[lang].page_of[full]
        assert cited.page is not None and cited.page >= 1
    else:
        assert cited.page is None


def test_every_format_lands_in_the_store_with_its_pages(report_store: Context) -> None:
    store = report_store.store
    for lang in LANGS:
        pdf = store.paragraphs(f"report-{lang}.pdf")
        assert [p.text for p in pdf] == REPORTS[lang].paragraphs()
        assert {p.page for p in pdf} >= {1, 2}
        assert store.paragraphs(f"report-{lang}.docx")
        assert store.paragraphs(f"report-{lang}.html")


def test_re_ingesting_unchanged_documents_embeds_nothing(
    report_store: Context, tmp_path: Path
) -> None:
    for lang, report in REPORTS.items():
        for kind, make in FORMATS.items():
            (tmp_path / f"report-{lang}.{kind}").write_bytes(make(report))

    again = report_store.ingestor.ingest_paths([tmp_path])

    assert not again.failed
    assert again.total("embedded") == 0
    assert {d.status for d in again.documents} == {"unchanged"}


# -- titles ----------------------------------------------------------------------------------

BODY_HEADING = "Annual report of the Lumen station"
BODY_TEXT = "The Lumen station measured the river every hour of the year without a gap."


def small_pdf(metadata_title: str | None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    if metadata_title:
        pdf.set_title(metadata_title)
    pdf.add_page()
    pdf.set_font("helvetica", size=16)
    pdf.cell(text=BODY_HEADING, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, text=BODY_TEXT)
    return bytes(pdf.output())


def small_docx(metadata_title: str | None) -> bytes:
    import io

    import docx

    document = docx.Document()
    document.core_properties.title = metadata_title or ""
    document.add_heading(BODY_HEADING, level=1)
    document.add_paragraph(BODY_TEXT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("make", "read"), [(small_pdf, read_pdf), (small_docx, read_docx)])
def test_the_metadata_title_names_the_document_else_its_first_heading(
    make: Callable[[str | None], bytes], read: Callable[[str, bytes], ParsedDocument]
) -> None:
    named = read("report.bin", make("Lumen River Observatory: the 2023 report"))
    unnamed = read("report.bin", make(None))

    assert named.title == "Lumen River Observatory: the 2023 report"
    assert unnamed.title == BODY_HEADING
