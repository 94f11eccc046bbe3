"""The Chat tab as its users expect it, in Debian's headless Chromium: what is loaded, example
questions, the citation card, notices that stay out of the chat, small screens, reloads.

Screenshots go to docs/screenshots/ (the README shows them).
"""

from __future__ import annotations

import pytest

from tests.ui.browser import ANSWER_TIMEOUT_MS, ask, last_reply, shoot
from ui.chat_tab import EXAMPLES

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 400, "height": 850}
CARD = "#dq-citecard"
TOAST = ".toast-body"
IN_WINDOW = """el => { const r = el.getBoundingClientRect();
    return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }"""


def page_at(browser, url: str, viewport: dict, **options):
    page = browser.new_context(viewport=viewport, **options).new_page()
    page.goto(url, wait_until="load")
    page.locator("#dq-question textarea").wait_for()
    return page


def bot_replies(page) -> int:
    return page.locator("#dq-chat .message.bot").count()


def test_the_chat_tab_says_what_is_loaded_and_offers_answered_examples(browser, url: str) -> None:
    page = page_at(browser, url, LAPTOP)
    try:
        corpus = page.locator(".dq-corpus")
        corpus.wait_for(timeout=10_000)
        text = corpus.inner_text()
        assert "2 documents loaded" in text and "20 paragraphs in French and Chinese" in text
        assert "La Conférence pour l'interaction" in text  # titles, not file names
        buttons = page.locator("#dq-examples button")
        assert buttons.all_inner_texts() == EXAMPLES
        for n in range(buttons.count()):  # one per language, all in view at 1280×900
            assert buttons.nth(n).evaluate(IN_WINDOW), EXAMPLES[n]
        shoot(page, "chat-empty")
        for n, question in enumerate(EXAMPLES):
            replies = bot_replies(page)
            buttons.nth(n).click()
            page.wait_for_function(
                "n => document.querySelectorAll('#dq-chat .message.bot').length > n", arg=replies
            )
            page.locator(f"#dq-evidence-panel section[data-answer='{n}'].dq-answered").wait_for(
                timeout=ANSWER_TIMEOUT_MS
            )
            assert question in page.locator("#dq-chat .message.user").last.inner_text()
            assert last_reply(page).locator("a.dq-ref").count() >= 1, question
        page.locator("a.dq-to-documents").click()
        page.locator("#dq-documents").wait_for(state="visible", timeout=5_000)
    finally:
        page.context.close()


def test_a_marker_shows_its_citation_card_on_hover_focus_and_tap(browser, url: str) -> None:
    page = page_at(browser, url, LAPTOP, has_touch=True)
    try:
        assert ask(page, "Combien de pays membres comptait la CICA en 2014 ?") == "answered"
        card = page.locator(CARD)
        link = last_reply(page).locator("a.dq-ref").first
        quote = page.locator("#dq-evidence-panel mark#cite-1").inner_text()

        link.hover()
        card.wait_for(state="visible", timeout=3_000)
        text = card.inner_text()
        assert f"“{quote}”" in text
        assert "La Conférence pour l'interaction et les mesures de confiance en Asie" in text
        assert "004_c1644274363e99c0.txt" in text and "¶" in text
        assert "vérifiée" in text and "appuie la réponse" in text  # status, explained
        assert card.evaluate(IN_WINDOW)
        shoot(page, "citation-card")

        page.keyboard.press("Escape")
        card.wait_for(state="hidden", timeout=3_000)
        page.mouse.move(5, 5)
        link.focus()  # keyboard users get the card too
        card.wait_for(state="visible", timeout=3_000)
        page.keyboard.press("Escape")
        page.locator("#dq-question textarea").focus()
        card.wait_for(state="hidden", timeout=3_000)

        link.tap()  # a touch screen: no hover, the tap shows it
        card.wait_for(state="visible", timeout=3_000)
        assert f"“{quote}”" in card.inner_text()
    finally:
        page.context.close()


def test_notices_are_transient_and_never_part_of_the_chat(browser, url: str) -> None:
    page = page_at(browser, url, LAPTOP)
    try:
        page.locator("#dq-send").click()
        toast = page.locator(TOAST).last
        toast.wait_for(timeout=10_000)
        assert "The question is empty" in toast.inner_text()
        assert page.locator("#dq-chat .message").count() == 0

        assert ask(page, "亚信会议有多少个成员国？") == "answered"
        answer = last_reply(page).inner_text()
        page.locator("#dq-send").click()  # empty again, after an answer
        page.wait_for_function(
            "() => document.querySelectorAll('.toast-body').length >= 1"
            " && document.body.innerText.includes('The question is empty')"
        )
        assert bot_replies(page) == 1 and last_reply(page).inner_text() == answer

        box = page.locator("#dq-question textarea")
        box.fill("Pourquoi ? " * 200)  # 2,200 characters, over the 2,000 limit
        box.press("End")
        page.keyboard.type("!")
        count = page.locator("#dq-count")
        assert count.is_visible() and "/ 2,000" in count.inner_text()
        page.locator("#dq-send").click()
        page.wait_for_function("() => document.body.innerText.includes('the limit is 2,000')")
        notice = [t for t in page.locator(TOAST).all_inner_texts() if "limit" in t][-1]
        assert "DOCQA_" not in notice
        assert box.input_value().startswith("Pourquoi ?")  # still there, to be trimmed
        assert bot_replies(page) == 1
        shoot(page, "notice-too-long")

        page.reload(wait_until="load")
        page.locator("#dq-evidence-panel mark#cite-1").wait_for(timeout=10_000)
        assert page.locator("#dq-chat .message.user").count() == 1  # no notice was saved
        assert bot_replies(page) == 1
        assert "empty" not in page.locator("#dq-chat").inner_text()
    finally:
        page.context.close()


def test_on_a_phone_a_marker_scrolls_the_page_to_its_flashing_evidence(browser, url: str) -> None:
    page = page_at(browser, url, PHONE)
    try:
        assert ask(page, "亚信会议有多少个成员国？") == "answered"
        question = page.locator("#dq-question")
        assert question.bounding_box()["width"] >= 300  # the whole row, not 160 px
        page.evaluate("window.scrollTo(0, 0)")
        mark = page.locator("#dq-evidence-panel mark#cite-1")
        assert not mark.evaluate(IN_WINDOW)
        last_reply(page).locator("a.dq-ref").first.click()
        page.wait_for_function(f"() => ({IN_WINDOW})(document.querySelector('mark#cite-1'))")
        page.wait_for_selector("#dq-evidence-panel mark#cite-1.dq-flash", timeout=5_000)
        shoot(page, "chat-400px")
    finally:
        page.context.close()


def test_after_a_reload_every_answers_markers_still_work(browser, url: str) -> None:
    page = page_at(browser, url, LAPTOP)
    try:
        ask(page, "Combien de pays membres comptait la CICA en 2014 ?")
        first = page.locator("#dq-evidence-panel mark#cite-1").inner_text()
        ask(page, "亚信会议有多少个成员国？")
        page.reload(wait_until="load")
        page.locator("#dq-evidence-panel mark#cite-1").wait_for(timeout=10_000)
        earlier = page.locator("#dq-chat .message.bot").first.locator("a.dq-ref").first
        earlier.hover()
        page.locator(CARD).wait_for(state="visible", timeout=3_000)
        assert f"“{first}”" in page.locator(CARD).inner_text()
        earlier.click()
        page.locator("#dq-evidence-panel section[data-answer='0'] mark#cite-1").wait_for(
            timeout=5_000
        )
        assert page.locator("#dq-evidence-panel mark#cite-1").inner_text() == first
    finally:
        page.context.close()
