"""Browser fixtures: Debian's Chromium (Playwright) and the app over a writable store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import default_corpus
from tests.conftest import make_context
from tests.ui import running_app
from ui.context import Context

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
VIEWPORT = {"width": 1400, "height": 900}


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Context:
    """A writable store of the browser tests' own, holding the seed corpus (uploads go here)."""
    context = make_context(tmp_path_factory.mktemp("browser-store"))
    assert not context.ingestor.ingest_paths([default_corpus()]).failed
    return context


@pytest.fixture(scope="session")
def url(browser_context: Context) -> Iterator[str]:
    with running_app(browser_context) as address:
        yield address


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make browser` installs it")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser, url: str):
    """A page in a fresh browser profile (its own localStorage and clipboard permission)."""
    profile = browser.new_context(
        viewport=VIEWPORT, permissions=["clipboard-read", "clipboard-write"]
    )
    page = profile.new_page()
    page.goto(url, wait_until="load")  # never networkidle: a Gradio page keeps a stream open
    page.locator("#dq-question textarea").wait_for()
    return page


@pytest.fixture
def page(browser, url: str):
    page = open_page(browser, url)
    yield page
    page.context.close()
