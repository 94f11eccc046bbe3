"""The real app over HTTP (gradio_client), and its handlers over a real store."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import gradio as gr
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from tests.contract_keys import CITATION_KEYS, CONTRACT_KEYS
from tests.ui import running_app
from ui.app import build_app
from ui.chat_tab import ChatTab, search_filters
from ui.context import Context

QUESTIONS = {
    "fr": "Combien de pays membres comptait la CICA en 2014 ?",
    "zh": "亚信会议有多少个成员国？",
    "en": "How many member countries did CICA have in 2014?",
}
RELIABLY_ANSWERED = {"fr", "zh"}
# How the copy text names the seed fact sheet: its title, then its file name.
FACT_SHEET = (
    "La Conférence pour l'interaction et les mesures de confiance en Asie "
    "(004_c1644274363e99c0.txt)"
)


@pytest.fixture(scope="module")
def app_url(seeded_context: Context) -> Iterator[str]:
    with running_app(seeded_context) as url:
        yield url


@pytest.fixture(scope="module")
def client(app_url: str) -> Client:
    return Client(app_url, verbose=False)


def call_ask(url: str, data: list[Any]) -> tuple[str, Any]:
    """/ask as a raw HTTP client calls it: (the SSE event, its data). The body is JSON with
    escapes, so it can carry what gradio_client cannot encode (a lone surrogate)."""
    body = json.dumps({"data": data}).encode("ascii")
    request = urllib.request.Request(
        url + "gradio_api/call/ask", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        event_id = json.load(response)["event_id"]
    with urllib.request.urlopen(f"{url}gradio_api/call/ask/{event_id}", timeout=120) as response:
        lines = response.read().decode("utf-8").splitlines()
    event = next(line.removeprefix("event: ") for line in lines if line.startswith("event: "))
    payload = next(line.removeprefix("data: ") for line in lines if line.startswith("data: "))
    return event, json.loads(payload)


def assert_still_answers(client: Client) -> None:
    assert client.predict(QUESTIONS["zh"], api_name="/ask")["citations"]


def message_text(message: dict) -> str:
    """A chat message's text: Gradio 6 sends content as a list of typed parts."""
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content)


def check_contract(result: dict, question: str, language: str) -> None:
    assert set(result) >= CONTRACT_KEYS, set(result)
    assert "id" not in result
    assert result["question"] == question
    assert result["language"] == language
    assert isinstance(result["answer"], str) and result["answer"]
    assert isinstance(result["abstained"], bool)
    assert result["retrieved"], "the engine saw no paragraph of the seed corpus"
    for hit in result["retrieved"]:
        assert {"paragraph_id", "doc", "score"} <= set(hit)
    assert {"retrieve", "answer"} <= set(result["timings_ms"])
    for citation in result["citations"]:
        assert set(citation) >= CITATION_KEYS
        assert citation["quote"] in citation["text"]
        assert citation["text"][citation["start"] : citation["end"]] == citation["quote"]
        assert f"[{citation['marker']}]" in result["answer"]
    assert result["abstained"] == (not result["citations"])


@pytest.mark.parametrize("language", sorted(QUESTIONS))
def test_the_ask_endpoint_returns_the_whole_answer_contract(client: Client, language: str) -> None:
    question = QUESTIONS[language]
    result = client.predict(question, api_name="/ask")
    check_contract(result, question, language)
    if language in RELIABLY_ANSWERED:
        assert not result["abstained"], result["answer"]
        assert result["citations"][0]["doc"] == "004_c1644274363e99c0.txt"


def test_an_empty_question_is_refused_with_the_assistants_message(client: Client) -> None:
    with pytest.raises(AppError, match="empty"):
        client.predict("   ", api_name="/ask")


@pytest.mark.parametrize(
    ("question", "says"),
    [
        (42, "not int"),
        (None, "not NoneType"),
        (["Qui ?"], "not list"),
        ({"q": "Qui ?"}, "not dict"),
        ("\u200b\u200d", "empty"),
        ("\x00\x00", "empty"),
    ],
)
def test_the_ask_endpoint_refuses_a_question_it_cannot_take_by_name(
    client: Client, capfd: pytest.CaptureFixture[str], question: object, says: str
) -> None:
    with pytest.raises(AppError, match=says) as refused:
        client.predict(question, api_name="/ask")

    assert refused.value.message and refused.value.message[0].isupper()
    assert "Traceback" not in capfd.readouterr().err  # a refusal, not a server failure
    assert_still_answers(client)


@pytest.mark.parametrize("question", ["\ud800", "Qui \udcff ?"])
def test_a_lone_surrogate_is_refused_with_a_message(
    app_url: str, client: Client, capfd: pytest.CaptureFixture[str], question: str
) -> None:
    event, data = call_ask(app_url, [question, "all", "all", 0])

    assert event == "error"
    assert data["error"] and "broken character" in data["error"]
    assert "Traceback" not in capfd.readouterr().err
    assert_still_answers(client)


@pytest.mark.parametrize(
    ("top_k", "says"),
    [
        (-5, "top_k is -5: ask for 1 to 50"),
        (10**12, "top_k is 1000000000000: ask for 1 to 50"),
        (51, "top_k is 51"),
        ("abc", "top_k must be a whole number of paragraphs, not str 'abc'"),
        (2.5, "not float 2.5"),
    ],
)
def test_the_ask_endpoint_refuses_a_top_k_outside_1_to_50_by_name(
    client: Client, capfd: pytest.CaptureFixture[str], top_k: object, says: str
) -> None:
    with pytest.raises(AppError) as refused:
        client.predict(QUESTIONS["fr"], "all", "all", top_k, api_name="/ask")

    assert says in str(refused.value.message)
    assert "Traceback" not in capfd.readouterr().err
    assert_still_answers(client)


@pytest.mark.parametrize("top_k", [0, 3.0])
def test_top_k_zero_is_the_default_and_a_whole_float_is_taken(client: Client, top_k: float) -> None:
    result = client.predict(QUESTIONS["fr"], "all", "all", top_k, api_name="/ask")
    assert 1 <= len(result["retrieved"]) <= (top_k or 5)


def test_the_ask_endpoint_names_an_unknown_document(client: Client) -> None:
    with pytest.raises(AppError) as refused:
        client.predict(QUESTIONS["fr"], "all", "nope.txt", 0, api_name="/ask")

    assert "nope.txt" in str(refused.value) and "docqa docs" in str(refused.value)


def test_the_queue_answers_several_clients_at_once(client: Client) -> None:
    jobs = [client.submit(QUESTIONS[lang], api_name="/ask") for lang in ("fr", "zh", "fr", "zh")]
    results = [job.result(timeout=120) for job in jobs]
    assert [r["language"] for r in results] == ["fr", "zh", "fr", "zh"]


def test_the_ask_endpoint_takes_the_session_settings(client: Client) -> None:
    result = client.predict(QUESTIONS["fr"], "zh", "all", 3, api_name="/ask")
    assert 1 <= len(result["retrieved"]) <= 3
    assert result["language"] == "fr"  # the question's language, whatever is searched


def test_only_the_ask_endpoint_is_public(client: Client) -> None:
    api = client.view_api(print_info=False, return_format="dict")
    assert set(api["named_endpoints"]) == {"/ask"}


def test_the_chat_endpoint_streams_the_answer_its_evidence_and_the_copy_text(
    client: Client,
) -> None:
    # Undocumented but callable: the same event the browser's Ask button runs.
    job = client.submit(QUESTIONS["zh"], [], "all", "all", 8, api_name="/chat")
    history, evidence, copied = job.result(timeout=120)
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert 'href="#cite-1"' in message_text(history[-1])
    assert '<mark id="cite-1"' in evidence
    assert copied.startswith(f"问题: {QUESTIONS['zh']}")
    assert f"[1] {FACT_SHEET} ¶" in copied
    assert len(job.outputs()) >= 3  # placeholder, growing answer, final


@pytest.mark.parametrize("question", ["", "   ", "\u200b", "\ufeff\u2060", "\x00"])
def test_the_chat_endpoint_refuses_an_empty_question_with_a_message(
    client: Client, question: str
) -> None:
    job = client.submit(question, [], "all", "all", 5, api_name="/chat")
    with pytest.raises(AppError, match="The question is empty"):
        job.result(timeout=120)
    assert_still_answers(client)


def test_the_chat_endpoint_refuses_a_top_k_beyond_its_slider(client: Client) -> None:
    job = client.submit(QUESTIONS["fr"], [], "all", "all", -5, api_name="/chat")
    with pytest.raises(AppError, match="-5"):
        job.result(timeout=120)


# -- the handlers behind the chat ---------------------------------------


def test_the_chat_streams_then_shows_the_evidence(seeded_context: Context) -> None:
    steps = list(ChatTab(seeded_context).chat(QUESTIONS["fr"], [], "all", "all"))
    replies = [history[-1]["content"] for history, _, _ in steps]
    assert steps[0][0][0] == {"role": "user", "content": steps[0][0][0]["content"]}
    assert "dq-searching" in steps[0][1]  # the panel says it is searching while retrieval runs
    assert len(steps) >= 3  # placeholder, then at least two growing parts of the answer
    assert all(len(a) <= len(b) for a, b in zip(replies[1:], replies[2:], strict=False))
    final_history, final_panel, copied = steps[-1]
    assert len(final_history) == 2
    assert 'href="#cite-1"' in final_history[-1]["content"]
    assert '<mark id="cite-1"' in final_panel
    assert copied.startswith(f"Question: {QUESTIONS['fr']}\n")
    assert f"Sources:\n[1] {FACT_SHEET} ¶" in copied


def test_the_chat_names_an_unknown_document_in_a_notice(seeded_context: Context) -> None:
    """The chat's document filter naming a document removed since the page loaded."""
    with pytest.raises(gr.Error) as refused:
        list(ChatTab(seeded_context).chat(QUESTIONS["fr"], [], "all", "nope.txt"))

    assert "nope.txt" in str(refused.value.message)
    assert "docqa docs" in str(refused.value.message)


def test_a_session_is_remembered_and_restored_whole(seeded_context: Context) -> None:
    *_, (history, panel, copied) = ChatTab(seeded_context).chat(QUESTIONS["zh"], [], "all", "all")
    saved = ChatTab.remember(history, panel, copied)
    assert ChatTab.restore(saved) == (history, panel, copied)
    empty_history, waiting, nothing = ChatTab.restore(None)
    assert empty_history == [] and "dq-hint" in waiting and nothing == ""


def test_the_next_question_keeps_the_earlier_turns(seeded_context: Context) -> None:
    chat = ChatTab(seeded_context)
    *_, (first, _, _) = chat.chat(QUESTIONS["fr"], [], "all", "all")
    *_, (second, _, copied) = chat.chat(QUESTIONS["zh"], first, "all", "all")
    assert len(second) == 4 and second[:2] == first
    assert QUESTIONS["fr"] not in copied  # the copy is of the last answer only


def test_top_k_bounds_the_paragraphs_read(seeded_context: Context) -> None:
    answer = ChatTab(seeded_context).ask(QUESTIONS["fr"], "all", "all", 2)
    assert len(answer.retrieved) <= 2


@pytest.mark.parametrize(
    ("question", "says"), [("   ", "empty"), ("\u200b\x00", "empty"), ("x" * 5000, "limit")]
)
def test_a_refused_question_is_a_notice_and_never_reaches_the_chat(
    seeded_context: Context, question: str, says: str
) -> None:
    tab = ChatTab(seeded_context)
    # The box keeps a refused question (an event that fails sets no output) and the
    # answer step, which runs only on success, is not started.
    with pytest.raises(gr.Error, match=says) as refused:
        tab.take(question)
    message = str(refused.value.message)
    assert message[0].isupper() and "DOCQA_" not in message
    assert not refused.value.print_exception  # nothing failed on the server
    with pytest.raises(gr.Error, match=says):  # /chat, called directly, says the same
        list(tab.chat(question, [{"role": "user", "content": "q"}]))


def test_the_answer_runs_only_once_the_box_accepted_the_question(seeded_context: Context) -> None:
    app = build_app(seeded_context)
    chat = next(fn for fn in app.fns.values() if fn.api_name == "chat")
    assert chat.trigger_after is not None
    take = app.fns[chat.trigger_after]
    assert take.fn is not None and take.fn.__name__ == "take"
    assert chat.trigger_only_on_success


def test_an_accepted_question_empties_the_box_and_is_asked(seeded_context: Context) -> None:
    assert ChatTab(seeded_context).take(QUESTIONS["fr"]) == ("", QUESTIONS["fr"])
    assert ChatTab(seeded_context).take("\u200bQui ?") == ("", "Qui ?")


def test_filters_leave_out_all(seeded_context: Context) -> None:
    assert search_filters("all", "all") is None
    assert search_filters("zh", None) == {"lang": "zh"}
    assert search_filters("all", "a.txt") == {"doc": "a.txt"}


def test_a_language_filter_reaches_the_assistant(seeded_context: Context) -> None:
    answer = ChatTab(seeded_context).ask(QUESTIONS["fr"], "zh", "all")
    assert {hit.paragraph.lang for hit in answer.retrieved} == {"zh"}
