"""The Documents and Evaluation tabs in headless Chromium: upload, read, ask, remove; evaluate.

An uploaded document carries HTML that would run if it were ever inserted as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.ingest import hostile
from tests.ui.browser import ANSWER_TIMEOUT_MS, ask, last_reply, no_injection_ran, shoot
from ui.context import Context

pytestmark = pytest.mark.browser

PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'
UPLOAD_NAME = "zorblax-notes.txt"
UPLOAD_TEXT = (
    f"{PAYLOAD} Zorblax notes\n\n"
    f"The zorblax festival takes place every March in Quillon. {PAYLOAD} "
    "It gathers four thousand kite makers.\n"
)
UPLOAD_TITLE = "Zorblax notes"  # the end of its first line, which is its title
QUESTION = "When does the zorblax festival take place?"
EVAL_TIMEOUT_MS = 300_000  # the shipped set on two shared cores: about a minute
FACT_SHEET = "004_c1644274363e99c0.txt"
FACT_SHEET_TITLE = "La Conférence pour l'interaction et les mesures de confiance en Asie"
# The number of lines an element's text takes on the page (text nodes only: element boxes
# would add their own tops).
TEXT_LINES = """el => {
  const tops = new Set();
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top));
  }
  return tops.size;
}"""


@pytest.fixture
def uploaded(browser_context: Context) -> Iterator[list[str]]:
    """The names of the files a test uploads, removed afterwards where still stored: the
    browser tests share one store, and the Chat tab's tests count its documents."""
    names: list[str] = []
    yield names
    store = browser_context.store
    with store.writer():
        for name in names:
            if store.paragraphs(name):
                store.delete_document(name)


def choose(page, picker: str, option: str) -> None:
    """Pick a document by its label (its title) in a dropdown."""
    # Typed, then Enter: Gradio keeps earlier dropdowns' option lists in the page, so a click
    # on an option by its name could land in another picker's list.
    box = page.locator(f"{picker} input")
    box.click()
    box.fill(option)
    box.press("ArrowDown")  # the first option that matches what was typed
    box.press("Enter")
    expect(box).to_have_value(re.compile(re.escape(option)))


def upload(page, *files: Path) -> None:
    page.get_by_role("tab", name="Documents").click()
    page.locator("#dq-upload input[type=file]").set_input_files([str(f) for f in files])
    # Once uploaded, Gradio lists each file with its extension apart ("zorblax-notes .txt").
    for file in files:
        expect(page.locator("#dq-upload")).to_contain_text(file.stem)
    expect(page.locator("#dq-upload")).not_to_contain_text("Uploading")
    page.locator("#dq-ingest").click()


def header_lines(page, table: str) -> dict[str, int]:
    headers = page.locator(f"{table} .header-table .header-cell")
    expect(headers.first).to_be_visible()
    return {h.inner_text().strip(): h.evaluate(TEXT_LINES) for h in headers.all()}


def document_row(page, doc_id: str):
    return page.locator("#dq-documents .virtual-row").filter(has_text=doc_id)


def memory_kb(field: str) -> int:
    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) for line in status if line.startswith(field))


def test_hostile_uploads_are_refused_in_seconds_and_the_server_barely_grows(
    page, browser_context: Context, tmp_path: Path
) -> None:
    """Issue 18: uploaded, a page of 600,000 text operations grew the server to 7.4 GB, and a
    .docx whose body unpacks to 150 MB to 2.3 GB. The app serves from this process, so its
    peak memory is reset before the upload and read after it."""
    bomb, body = tmp_path / "bomb.pdf", tmp_path / "bomb.docx"
    bomb.write_bytes(hostile.text_operations_pdf())
    body.write_bytes(hostile.docx_bomb())
    stored = browser_context.store.documents()
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM from here on
    resident = memory_kb("VmRSS:")

    upload(page, bomb, body)

    results = page.locator("#dq-results")
    expect(results).to_contain_text("DOCQA_MAX_PDF_PAGE_OPS", timeout=60_000)
    expect(results).to_contain_text("DOCQA_MAX_UNPACKED_MB")
    assert (memory_kb("VmHWM:") - resident) / 1000 < 500  # MB, against gigabytes before
    assert browser_context.store.documents() == stored


def test_upload_read_ask_then_remove_a_document_with_injected_html(
    page, browser_context: Context, tmp_path: Path
) -> None:
    upload_file = tmp_path / UPLOAD_NAME
    upload_file.write_text(UPLOAD_TEXT, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")

    upload(page, upload_file, empty)
    results = page.locator("#dq-results")
    expect(results).to_contain_text("New document", timeout=ANSWER_TIMEOUT_MS)
    expect(results).to_contain_text("error")  # the empty file, in plain words
    documents = page.locator("#dq-documents")
    expect(documents).to_contain_text(UPLOAD_NAME)
    assert documents.locator("img").count() == 0 and no_injection_ran(page)
    shoot(page, "documents")

    stored = browser_context.store.paragraphs(UPLOAD_NAME)
    choose(page, "#dq-read-id", UPLOAD_TITLE)
    reader = page.locator("#dq-reader")
    expect(reader.locator(".dq-read-para")).to_have_count(len(stored))
    assert "<script>" in reader.inner_text() and reader.locator("img, script").count() == 0
    assert no_injection_ran(page)
    reader.scroll_into_view_if_needed()
    shoot(page, "reader")

    page.get_by_role("tab", name="Chat").click()
    assert ask(page, QUESTION) == "answered"
    panel = page.locator("#dq-evidence-panel")
    shown = panel.inner_text()
    assert UPLOAD_NAME in shown
    assert stored[-1].text in shown  # the literal markup, as text
    assert panel.locator("img, script").count() == 0
    assert last_reply(page).locator("img, script").count() == 0
    assert no_injection_ran(page)
    shoot(page, "injection-inert")

    page.get_by_role("tab", name="Documents").click()
    choose(page, "#dq-remove-id", UPLOAD_TITLE)
    page.locator("#dq-remove").click()
    expect(page.locator("#dq-removal")).to_contain_text("Tick the confirmation box")
    page.locator("#dq-confirm input[type=checkbox]").check()  # the choice was kept
    page.locator("#dq-remove").click()
    expect(page.locator("#dq-removal")).to_contain_text("Removed")
    expect(documents).not_to_contain_text(UPLOAD_NAME)
    assert browser_context.store.paragraphs(UPLOAD_NAME) == []
    shoot(page, "removed")

    page.get_by_role("tab", name="Chat").click()
    ask(page, QUESTION)
    assert UPLOAD_NAME not in panel.inner_text()  # gone from the answers too
    assert "zorblax" not in last_reply(page).inner_text().lower()


def test_documents_are_named_by_their_title_with_the_file_name_beside_it(page) -> None:
    page.get_by_role("tab", name="Documents").click()
    row = document_row(page, FACT_SHEET)
    expect(row.locator('[data-col="0"]')).to_have_text(FACT_SHEET_TITLE)
    choose(page, "#dq-read-id", FACT_SHEET_TITLE)
    reader = page.locator("#dq-reader")
    expect(reader.locator(".dq-reader-title")).to_have_text(FACT_SHEET_TITLE)
    expect(reader.locator(".dq-file")).to_have_text(FACT_SHEET)

    page.get_by_role("tab", name="Chat").click()
    page.locator("#dq-settings").get_by_text("Settings").click()  # the document filter is in it
    page.locator("#dq-document input").click()
    expect(
        page.locator("#dq-document").get_by_role("option", name=FACT_SHEET_TITLE)
    ).to_be_visible()
    page.keyboard.press("Escape")
    assert ask(page, "Combien de pays membres comptait la CICA en 2014 ?") == "answered"
    head = page.locator("#dq-evidence-panel .dq-cited .dq-card-head").first
    expect(head.locator(".dq-doc-title")).to_have_text(FACT_SHEET_TITLE)
    expect(head.locator(".dq-file")).to_have_text(FACT_SHEET)
    card = page.locator("#dq-evidence-panel .dq-cited").first
    # The header names the document once (its first paragraph starts with the title line).
    assert head.inner_text().count(FACT_SHEET_TITLE) == 1
    assert (
        card.locator(".dq-section").count() == 0
    )  # a section named like the title is not repeated
    title_px, file_px = (
        float(head.locator(f".{css}").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        for css in ("dq-doc-title", "dq-file")
    )
    assert file_px < title_px  # the file name is secondary
    shoot(page, "evidence-titles")


def test_remove_without_the_confirmation_keeps_every_choice(page) -> None:
    page.get_by_role("tab", name="Documents").click()
    choose(page, "#dq-read-id", FACT_SHEET_TITLE)
    choose(page, "#dq-remove-id", FACT_SHEET_TITLE)
    page.locator("#dq-remove").click()
    removal = page.locator("#dq-removal")
    expect(removal).to_contain_text(f"Tick the confirmation box to remove {FACT_SHEET_TITLE}")
    expect(page.locator("#dq-remove-id input")).to_have_value(FACT_SHEET_TITLE)
    expect(page.locator("#dq-read-id input")).to_have_value(FACT_SHEET_TITLE)
    expect(page.locator("#dq-reader .dq-reader-title")).to_have_text(FACT_SHEET_TITLE)
    expect(document_row(page, FACT_SHEET)).to_have_count(1)


def test_a_one_paragraph_document_is_counted_in_the_singular(
    page, tmp_path: Path, uploaded: list[str]
) -> None:
    note = tmp_path / "harbour-note.txt"
    note.write_text("The Quillon harbour opens at dawn.\n", encoding="utf-8")
    uploaded.append(note.name)
    upload(page, note)
    results = page.locator("#dq-results")
    expect(results).to_contain_text("New document: 1 paragraph indexed.", timeout=ANSWER_TIMEOUT_MS)
    choose(page, "#dq-remove-id", "The Quillon harbour opens at dawn.")
    page.locator("#dq-confirm input[type=checkbox]").check()
    page.locator("#dq-remove").click()
    removal = page.locator("#dq-removal")
    expect(removal).to_contain_text("(1 paragraph).")
    assert "paragraphs" not in removal.inner_text()


def test_upload_result_headers_each_take_one_line(
    page, tmp_path: Path, uploaded: list[str]
) -> None:
    note = tmp_path / "kite-note.txt"
    note.write_text("Kites\n\nThe kite makers meet in March.\n", encoding="utf-8")
    uploaded.append(note.name)
    upload(page, note)
    expect(page.locator("#dq-results .virtual-row").first).to_contain_text(
        "Kites", timeout=ANSWER_TIMEOUT_MS
    )
    lines = header_lines(page, "#dq-results")
    assert lines == {"document": 1, "result": 1, "paragraphs": 1, "details": 1}
    shoot(page, "upload-results")


def test_the_documents_tab_reads_at_400_px(page) -> None:
    page.set_viewport_size({"width": 400, "height": 850})
    page.get_by_role("tab", name="Documents").click()
    row = document_row(page, FACT_SHEET)
    title = row.locator('[data-col="0"]')
    expect(title).to_have_text(FACT_SHEET_TITLE)
    title.scroll_into_view_if_needed()
    box = title.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 400  # whole, without scrolling
    for table in ("#dq-documents", "#dq-results"):
        assert set(header_lines(page, table).values()) == {1}, table
    shoot(page, "documents-400px")
    # The other columns are a sideways scroll away, each whole once scrolled to.
    for column, shown in (("2", "2"), ("3", "fr, zh")):
        cell = row.locator(f'[data-col="{column}"]')
        cell.scroll_into_view_if_needed()
        expect(cell).to_have_text(shown)
        box = cell.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 400, column
    shoot(page, "documents-400px-scrolled")


def test_the_evaluation_tab_runs_the_shipped_set(page) -> None:
    page.get_by_role("tab", name="Evaluation").click()
    page.locator("#dq-eval-run").click()
    status = page.locator("#dq-eval-status")
    expect(status).to_contain_text("questions answered", timeout=EVAL_TIMEOUT_MS)
    assert "seed.jsonl" in status.inner_text()
    metrics = page.locator("#dq-eval-metrics")
    for column in ("fr", "en", "zh", "cross-lingual", "all"):
        expect(metrics).to_contain_text(column)
    expect(metrics).to_contain_text("evidence recall")
    assert page.locator("#dq-eval-chart .dq-chart-group").count() == 5
    failed = page.locator("#dq-eval-failed")
    expect(failed.locator("table.dq-failed, p.dq-note")).to_have_count(1)
    shoot(page, "evaluation")
    if failed.locator("tbody tr").count():
        failed.scroll_into_view_if_needed()
        shoot(page, "evaluation-failed")
