"""What the browser tests do on the page: ask, read the reply and the evidence, take shots."""

from __future__ import annotations

import time
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ANSWER_TIMEOUT_MS = 60_000
# Settled: the answer's evidence (or the nearest paragraphs) is in the panel.
SETTLED = "#dq-evidence-panel .dq-answered, #dq-evidence-panel .dq-abstained"
NEAREST = {
    "en": "Nearest paragraphs — not an answer",
    "fr": "Paragraphes les plus proches — pas une réponse",
    "zh": "最接近的段落——并非答案",
}


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def ask(page, question: str) -> str:
    """Type a question, wait for its evidence; returns 'answered' or 'abstained'."""
    replies = page.locator("#dq-chat .message.bot").count()
    box = page.locator("#dq-question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#dq-chat .message.bot').length > n", arg=replies
    )
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
    badge = page.locator('#dq-evidence-panel a.dq-badge[href="#cite-1"]')
    assert badge.get_attribute("data-status") == "verified"


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
