"""The reader engine's short answer in the browser: bold at the top of the answer, and in bold
inside its highlighted sentence in the evidence panel.

The reader here is the plumbing tests' small one (e5's first layer, seeded random heads,
threshold 0 so it always answers): its short answer is some span of the cited sentence, which
is all the UI needs to show it; the trained reader's quality is measured by bench/ and README.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assistant import AssistantSettings
from ingest import IngestSettings
from store import StoreSettings
from tests.assistant.test_reader import small_reader
from tests.ui import running_app
from tests.ui.browser import ask, last_reply, shoot
from tests.ui.conftest import open_page
from ui.context import Context

pytestmark = pytest.mark.browser
# One the small reader answers with a short span (most of its spans are nearly whole sentences,
# which the engine leaves out); checked through the assistant before the browser asks it.
QUESTION = "When exactly was CICA's first summit held, and in which city?"


@pytest.fixture(scope="module")
def reader_url(seeded_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    weights = small_reader(tmp_path_factory.mktemp("reader"), threshold=0.0)
    context = Context(
        StoreSettings(store_path=seeded_store_path),
        AssistantSettings(engine="reader", reader_weights=weights, reader_threshold=0.0),
        IngestSettings(),
    )
    assert context.assistant.ask(QUESTION).short_answer is not None
    with running_app(context) as address:
        yield address


def test_the_short_answer_leads_the_answer_and_is_bold_inside_its_highlighted_sentence(
    browser, reader_url: str
) -> None:
    page = open_page(browser, reader_url)
    try:
        assert ask(page, QUESTION) == "answered"
        lead = last_reply(page).locator("strong").first
        expect(lead).to_be_visible()
        short = lead.inner_text().strip()
        assert short and last_reply(page).inner_text().strip().startswith(short)
        inside = page.locator("#dq-evidence-panel .dq-cited mark strong.dq-short")
        expect(inside.first).to_be_visible()
        assert "".join(inside.all_inner_texts()) == short
        shoot(page, "short-answer")
    finally:
        page.context.close()
