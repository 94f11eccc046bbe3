"""The Chat tab in Debian's headless Chromium: three languages, markers, copy, session, settings.

Each state is saved under docs/screenshots/ (the README shows them).
"""

from __future__ import annotations

import pytest

from tests.ui.browser import (
    NEAREST,
    ask,
    check_abstained,
    check_answered,
    last_reply,
    shoot,
)
from tests.ui.conftest import open_page

pytestmark = pytest.mark.browser

# Cites the letter's heading and the declaration's long terrorism paragraph: the panel scrolls.
TWO_PARAGRAPHS = (
    "Is the UN Global Counter-Terrorism Strategy one of the agenda topics this letter was "
    "circulated under, and what does the declaration itself call for regarding that Strategy?"
)


@pytest.mark.parametrize(
    ("question", "heading", "opening", "shot"),
    [
        ("Combien de pays membres comptait la CICA en 2014 ?", "Sources", "D'après", "chat-fr"),
        ("亚信会议有多少个成员国？", "依据", "根据文档", "chat-zh"),
        ("Who proposed the idea of CICA?", "Evidence", "According", "chat-en"),
    ],
)
def test_an_answer_in_each_language_links_its_markers_to_highlighted_evidence(
    page, question: str, heading: str, opening: str, shot: str
) -> None:
    assert ask(page, question) == "answered"
    check_answered(page)
    assert last_reply(page).inner_text().startswith(opening)  # answered in the question's language
    assert page.locator("#dq-evidence-panel .dq-heading").inner_text().lower() == heading.lower()
    shoot(page, shot)


def test_clicking_a_marker_scrolls_the_panel_to_its_sentence(page) -> None:
    assert ask(page, TWO_PARAGRAPHS) == "answered"
    panel = page.locator("#dq-evidence-panel")
    panel.evaluate("p => { p.style.scrollBehavior = 'auto'; p.scrollTop = 0; }")
    assert panel.evaluate("p => p.scrollHeight > p.clientHeight"), "the panel does not scroll"
    in_view = """([panel, target]) => {
        const p = document.querySelector(panel).getBoundingClientRect();
        const t = document.querySelector(target).getBoundingClientRect();
        return t.top >= p.top && t.bottom <= p.bottom;
    }"""
    markers = last_reply(page).locator("a.dq-ref")
    hidden = []  # the markers whose sentence is out of sight at the top of the panel
    for n in range(markers.count()):
        target = f"#dq-evidence-panel [id='{markers.nth(n).get_attribute('href')[1:]}']"
        if not page.evaluate(in_view, ["#dq-evidence-panel", target]):
            hidden.append((markers.nth(n), target))
    assert hidden, "every cited sentence is already in view"
    last, target = hidden[-1]
    last.click()
    page.wait_for_function(in_view, arg=["#dq-evidence-panel", target], timeout=5_000)
    assert panel.evaluate("p => p.scrollTop") > 0
    page.wait_for_selector(f"{target}.dq-flash", timeout=5_000)
    shoot(page, "marker-scrolled")


def test_the_copy_button_copies_the_answer_with_its_sources(page) -> None:
    assert ask(page, "亚信会议有多少个成员国？") == "answered"
    page.locator("#dq-copy").click()
    page.wait_for_selector("#dq-copy[data-copied]", timeout=5_000)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("问题: 亚信会议有多少个成员国？\n\n根据文档")
    quote = page.locator("#dq-evidence-panel mark#cite-1").inner_text()
    source = (
        "La Conférence pour l'interaction et les mesures de confiance en Asie "
        "(004_c1644274363e99c0.txt)"
    )
    assert f"来源:\n[1] {source} ¶" in copied and f"“{quote}”" in copied


def test_the_chat_is_kept_per_browser_until_cleared(page, browser, url: str) -> None:
    question = "Combien de pays membres comptait la CICA en 2014 ?"
    ask(page, question)
    page.reload(wait_until="load")
    page.locator("#dq-evidence-panel mark#cite-1").wait_for(timeout=10_000)
    assert question in page.locator("#dq-chat .message.user").first.inner_text()
    assert last_reply(page).locator("a.dq-ref").count() >= 1

    stranger = open_page(browser, url)  # another browser: its own, empty chat
    try:
        assert stranger.locator("#dq-chat .message").count() == 0
    finally:
        stranger.context.close()

    page.locator("#dq-clear").click()
    page.locator("#dq-evidence-panel .dq-hint").wait_for(timeout=5_000)
    assert page.locator("#dq-chat .message").count() == 0
    page.reload(wait_until="load")
    page.locator("#dq-evidence-panel .dq-hint").wait_for(timeout=10_000)
    assert page.locator("#dq-chat .message").count() == 0


def test_the_language_setting_filters_the_evidence(page) -> None:
    page.locator("#dq-settings").get_by_text("Settings").first.click()
    page.locator("#dq-language input").click()
    page.get_by_role("option", name="中文").click()
    assert ask(page, "Combien de pays membres comptait la CICA en 2014 ?") == "answered"
    cited = "#dq-evidence-panel .dq-cited > p.dq-text, #dq-evidence-panel .dq-original p"
    langs = page.locator(cited)
    assert {langs.nth(i).get_attribute("lang") for i in range(langs.count())} == {"zh"}
    assert last_reply(page).inner_text().startswith("D'après")  # still answered in French
    shoot(page, "settings")


@pytest.mark.parametrize(
    ("question", "heading", "says", "shot"),
    [
        ("When was the Eiffel Tower built?", NEAREST["en"], "don't say", "abstained-en"),
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
    shoot(page, shot)


def test_a_marker_of_an_earlier_answer_brings_its_evidence_back(page) -> None:
    ask(page, "Combien de pays membres comptait la CICA en 2014 ?")
    first_quote = last_reply(page).locator("a.dq-ref").first.get_attribute("title")
    ask(page, "When was the Eiffel Tower built?")  # abstains: the panel shows nearest paragraphs
    assert page.locator("#dq-evidence-panel .dq-abstained").count() == 1
    page.locator("#dq-chat .message.bot").first.locator("a.dq-ref").first.click()
    mark = page.locator("#dq-evidence-panel mark#cite-1")
    mark.wait_for(timeout=5_000)
    assert mark.inner_text() == first_quote
    assert page.locator("#dq-evidence-panel section").get_attribute("data-answer") == "0"
