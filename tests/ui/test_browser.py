"""The app in Debian's headless Chromium: ask in three languages, abstain, upload safely.

Saves the screenshots under docs/ as it goes (docs/screenshot.png is the README's).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import default_corpus
from tests.conftest import make_context
from tests.ui import running_app
from ui.context import Context

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS = Path(__file__).resolve().parents[2] / "docs"
VIEWPORT = {"width": 1400, "height": 900}
ANSWER_TIMEOUT_MS = 60_000
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'
UPLOAD_NAME = "zorblax-notes.txt"
UPLOAD_TEXT = (
    f"{PAYLOAD} Zorblax notes\n\n"
    f"The zorblax festival takes place every March in Quillon. {PAYLOAD} "
    "It gathers four thousand kite makers.\n"
)
NEAREST = {
    "en": "Nearest paragraphs — not an answer",
    "fr": "Paragraphes les plus proches — pas une réponse",
    "zh": "最接近的段落——并非答案",
}
# Settled: the answer's evidence (or the nearest paragraphs) is in the panel.
SETTLED = "#dq-evidence-panel .dq-answered, #dq-evidence-panel .dq-abstained"

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (`make browser`)", allow_module_level=True)


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Context:
    """A writable store of the module's own, holding the seed corpus (uploads go here too)."""
    context = make_context(tmp_path_factory.mktemp("browser-store"))
    assert not context.ingestor.ingest_paths([default_corpus()]).failed
    return context


@pytest.fixture(scope="module")
def url(context: Context) -> Iterator[str]:
    with running_app(context) as address:
        yield address


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, url: str):
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(url, wait_until="load")  # never networkidle: a Gradio page keeps a stream open
    page.locator("#dq-question textarea").wait_for()
    yield page
    page.close()


def ask(page, question: str) -> str:
    """Type a question, wait for its evidence; returns 'answered' or 'abstained'."""
    box = page.locator("#dq-question textarea")
    box.fill(question)
    box.press("Enter")
    page.locator(SETTLED).first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    time.sleep(1.5)  # the panel's scroll to the first mark, and its flash, are over
    answered = page.locator("#dq-evidence-panel .dq-answered").count() > 0
    return "answered" if answered else "abstained"


def last_reply(page):
    return page.locator("#dq-chat .message.bot").last


def check_answered(page) -> None:
    link = last_reply(page).locator("a.dq-ref").first
    assert link.inner_text() == "[1]"
    mark = page.locator("#dq-evidence-panel mark#cite-1")
    assert mark.count() == 1 and mark.is_visible()
    # Hovering a marker shows the cited sentence: the very text marked in the panel.
    assert link.get_attribute("title") == mark.inner_text()


def check_abstained(page, heading: str) -> None:
    panel = page.locator("#dq-evidence-panel")
    assert panel.locator(".dq-heading").text_content() == heading
    assert panel.locator("mark").count() == 0
    assert 1 <= panel.locator("article").count() <= 3
    assert last_reply(page).locator("a.dq-ref").count() == 0


def no_injection_ran(page) -> bool:
    # The ingester strips `__` (Markdown bold) from lines, so check both spellings.
    return page.evaluate(
        "typeof window.__pwned === 'undefined' && typeof window.pwned === 'undefined'"
    )


@pytest.mark.parametrize(
    ("question", "shot"),
    [
        ("Combien de pays membres comptait la CICA en 2014 ?", "screenshot.png"),
        ("亚信会议有多少个成员国？", "screenshot-zh.png"),
    ],
)
def test_an_answer_links_each_marker_to_its_highlighted_sentence(
    page, question: str, shot: str
) -> None:
    assert ask(page, question) == "answered"
    check_answered(page)
    page.screenshot(path=str(DOCS / shot))


def test_clicking_a_marker_flashes_its_sentence(page) -> None:
    ask(page, "Combien de pays membres comptait la CICA en 2014 ?")
    last_reply(page).locator("a.dq-ref").first.click()
    page.wait_for_selector("#dq-evidence-panel mark#cite-1.dq-flash", timeout=5_000)


def test_an_english_question_is_answered_or_plainly_not(page) -> None:
    outcome = ask(page, "How many member countries did CICA have in 2014?")
    if outcome == "answered":
        check_answered(page)
    else:
        check_abstained(page, NEAREST["en"])
    page.screenshot(path=str(DOCS / "screenshot-en.png"))


@pytest.mark.parametrize(
    ("question", "heading", "says", "shot"),
    [
        ("When was the Eiffel Tower built?", NEAREST["en"], "don't say", "abstained"),
        ("Quelle est la capitale du Pérou ?", NEAREST["fr"], "ne le disent pas", "abstained-fr"),
        ("秘鲁的首都是哪里？", NEAREST["zh"], "没有相关信息", "abstained-zh"),
    ],
)
def test_an_unanswerable_question_shows_the_nearest_paragraphs(
    page, question: str, heading: str, says: str, shot: str
) -> None:
    assert ask(page, question) == "abstained"
    check_abstained(page, heading)
    assert says in last_reply(page).inner_text()
    page.screenshot(path=str(DOCS / f"screenshot-{shot}.png"))


def test_a_question_near_the_documents_but_not_in_them_is_shown_consistently(page) -> None:
    # The engine's threshold is tuned elsewhere: whichever way it goes, the UI must agree.
    if ask(page, "What is the CICA's annual budget?") == "answered":
        check_answered(page)
    else:
        check_abstained(page, NEAREST["en"])


def test_an_empty_question_gets_a_friendly_message(page) -> None:
    page.locator("#dq-send").click()
    reply = last_reply(page)
    reply.wait_for(timeout=10_000)
    assert "empty" in reply.inner_text()


def test_an_uploaded_document_renders_as_text_and_can_be_removed(
    page, context: Context, tmp_path: Path
) -> None:
    upload = tmp_path / UPLOAD_NAME
    upload.write_text(UPLOAD_TEXT, encoding="utf-8")

    page.get_by_role("tab", name="Documents").click()
    page.locator("#dq-upload input[type=file]").set_input_files(str(upload))
    expect(page.locator("#dq-upload")).to_contain_text(UPLOAD_NAME)
    page.locator("#dq-ingest").click()
    expect(page.locator("#dq-results")).to_contain_text("added", timeout=ANSWER_TIMEOUT_MS)
    documents = page.locator("#dq-documents")
    expect(documents).to_contain_text(UPLOAD_NAME)
    assert documents.locator("img").count() == 0 and no_injection_ran(page)
    page.screenshot(path=str(DOCS / "screenshot-documents.png"))

    stored = context.store.paragraphs(UPLOAD_NAME)
    assert stored, "the upload did not reach the store"
    page.get_by_role("tab", name="Chat").click()
    ask(page, "When does the zorblax festival take place?")
    panel = page.locator("#dq-evidence-panel")
    shown = panel.inner_text()
    assert stored[0].text.split("\n")[-1] in shown  # the literal markup, as text
    assert "<script>" in shown and "onerror=" in shown
    assert panel.locator("img, script").count() == 0
    assert last_reply(page).locator("img, script").count() == 0
    assert no_injection_ran(page)
    page.screenshot(path=str(DOCS / "screenshot-injection.png"))

    page.get_by_role("tab", name="Documents").click()
    page.locator("#dq-remove-id input").click()
    page.get_by_role("option", name=UPLOAD_NAME).click()
    page.locator("#dq-remove").click()
    expect(page.locator("#dq-removal")).to_contain_text("Tick the confirmation box")
    page.locator("#dq-remove-id input").click()
    page.get_by_role("option", name=UPLOAD_NAME).click()
    page.locator("#dq-confirm input[type=checkbox]").check()
    page.locator("#dq-remove").click()
    expect(page.locator("#dq-removal")).to_contain_text("Removed")
    expect(documents).not_to_contain_text(UPLOAD_NAME)
    assert context.store.paragraphs(UPLOAD_NAME) == []
