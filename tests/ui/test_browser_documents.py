"""The Documents and Evaluation tabs in headless Chromium: upload, read, ask, remove; evaluate.

An uploaded document carries HTML that would run if it were ever inserted as markup.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

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
QUESTION = "When does the zorblax festival take place?"
EVAL_TIMEOUT_MS = 300_000  # the shipped set on two shared cores: about a minute


def choose(page, picker: str, option: str) -> None:
    page.locator(f"{picker} input").click()
    page.get_by_role("option", name=option).click()


def test_upload_read_ask_then_remove_a_document_with_injected_html(
    page, browser_context: Context, tmp_path: Path
) -> None:
    upload = tmp_path / UPLOAD_NAME
    upload.write_text(UPLOAD_TEXT, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")

    page.get_by_role("tab", name="Documents").click()
    page.locator("#dq-upload input[type=file]").set_input_files([str(upload), str(empty)])
    # Once uploaded, Gradio lists the file with its extension apart ("zorblax-notes .txt").
    expect(page.locator("#dq-upload")).to_contain_text(Path(UPLOAD_NAME).stem)
    expect(page.locator("#dq-upload")).not_to_contain_text("Uploading")
    page.locator("#dq-ingest").click()
    results = page.locator("#dq-results")
    expect(results).to_contain_text("New document", timeout=ANSWER_TIMEOUT_MS)
    expect(results).to_contain_text("error")  # the empty file, in plain words
    documents = page.locator("#dq-documents")
    expect(documents).to_contain_text(UPLOAD_NAME)
    assert documents.locator("img").count() == 0 and no_injection_ran(page)
    shoot(page, "documents")

    stored = browser_context.store.paragraphs(UPLOAD_NAME)
    choose(page, "#dq-read-id", UPLOAD_NAME)
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
    choose(page, "#dq-remove-id", UPLOAD_NAME)
    page.locator("#dq-remove").click()
    expect(page.locator("#dq-removal")).to_contain_text("Tick the confirmation box")
    choose(page, "#dq-remove-id", UPLOAD_NAME)
    page.locator("#dq-confirm input[type=checkbox]").check()
    page.locator("#dq-remove").click()
    expect(page.locator("#dq-removal")).to_contain_text("Removed")
    expect(documents).not_to_contain_text(UPLOAD_NAME)
    assert browser_context.store.paragraphs(UPLOAD_NAME) == []
    shoot(page, "removed")

    page.get_by_role("tab", name="Chat").click()
    ask(page, QUESTION)
    assert UPLOAD_NAME not in panel.inner_text()  # gone from the answers too
    assert "zorblax" not in last_reply(page).inner_text().lower()


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
