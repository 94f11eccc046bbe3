"""The Chat tab: streamed answers with linked markers, the evidence panel, per-session settings."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant import Answer, QuestionError, answer_json
from ingest import default_corpus
from store import StoreError
from ui import render
from ui.context import Context
from ui.render_corpus import corpus_html

ALL = "all"
LANGUAGES = [("All languages", ALL), ("Français", "fr"), ("中文", "zh"), ("English", "en")]
# One question per language that the default corpus answers (a test asks each); shown while
# that corpus is loaded.
EXAMPLES = [
    "Combien de pays membres comptait la CICA en 2014 ?",
    "亚信会议有多少个成员国？",
    "Who proposed the idea of CICA?",
]
ENGINES = [("Extractive: answers are sentences quoted from the documents", "extractive")]
REVEAL_JS = "() => { window.docqaReveal && window.docqaReveal(); }"
FORGET_JS = "() => { window.docqaForget && window.docqaForget(); }"
COPY_JS = "(text) => { window.docqaCopy && window.docqaCopy(text); }"
STREAM_PAUSE_S = 0.04  # between streamed sentences: enough to see the answer grow
ECHO_CHARS = 300  # a refused (too long) question is echoed this far
SLIDER_TOP_K = 20  # the slider's end; API clients may ask for up to assistant's 50
# What a browser keeps of its chat (in its localStorage) so a reload shows the same session.
EMPTY_SESSION: dict[str, Any] = {"messages": [], "evidence": "", "copy": ""}
# Answers share one pool: the CPU (2 cores here) is the limit, not the number of threads.
ANSWERS: dict[str, Any] = {"concurrency_id": "answers", "concurrency_limit": 4}
PRIVATE: dict[str, Any] = {"api_visibility": "private"}


def message(role: str, content: str) -> dict[str, str]:
    return {"role": role, "content": content}


def seed_documents() -> set[str]:
    return {path.name for path in default_corpus().iterdir() if path.is_file()}


def refusal(error: Exception, title: str) -> gr.Error:
    """A notice for the user (or the API client's AppError) with the library's message; the
    server logs no traceback for it: nothing went wrong on the server."""
    return gr.Error(str(error), title=title, print_exception=False)


def search_filters(language: str | None, document: str | None) -> dict[str, str] | None:
    chosen = {"lang": language, "doc": document}
    filters = {key: value for key, value in chosen.items() if value and value != ALL}
    return filters or None


class ChatTab:
    def __init__(self, context: Context) -> None:
        self.context = context

    # -- handlers ----------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        language: str | None = ALL,
        document: str | None = ALL,
        top_k: Any = None,
    ) -> Answer:
        """`top_k` as the client sent it: the assistant checks it with the question."""
        return self.context.assistant.ask(
            question, filters=search_filters(language, document), top_k=top_k
        )

    def take(self, question: str | None) -> tuple[str, str]:
        """The box's question, checked before anything else: a refused one stays in the box
        (to be trimmed), is explained in a transient notice, never in the chat, and stops the
        events after this one (they run on success)."""
        try:
            text = self.context.assistant.check_question(question)
        except QuestionError as exc:
            raise refusal(exc, "Not asked") from exc
        return "", text

    def chat(
        self,
        question: str,
        history: list[dict[str, Any]] | None,
        language: str = ALL,
        document: str = ALL,
        top_k: int | None = None,
    ) -> Iterator[tuple[Any, Any, Any]]:
        """Stream the answer into the chat sentence by sentence, then show its evidence.

        Yields (history, evidence panel, answer with sources as plain text for the clipboard).
        Errors are notices (gr.Error): the chat goes back to how it was.
        """
        before = list(history or [])
        turn = sum(1 for m in before if m.get("role") == "assistant")  # this answer's number
        assistant = self.context.assistant
        try:  # made once: checked, its language detected, tokenized (embedded by the search)
            asked = assistant.question(question, search_filters(language, document))
        except QuestionError as exc:
            raise refusal(exc, "Not asked") from exc
        text = asked.text
        shown = text if len(text) <= ECHO_CHARS else text[:ECHO_CHARS] + "…"
        history = [*before, message("user", render.escape_markdown(shown))]
        yield [*history, message("assistant", "…")], render.searching_html(asked.lang), ""
        try:
            answer = assistant.ask(asked, top_k=top_k)
        except (QuestionError, StoreError) as exc:
            yield before, render.waiting_html(), ""
            raise refusal(exc, "No answer") from exc
        *growing, _ = render.stream_cuts(answer.text)
        for cut in growing:
            reply = message("assistant", render.answer_markdown(answer, cut, turn))
            yield [*history, reply], gr.skip(), gr.skip()
            time.sleep(STREAM_PAUSE_S)
        final = message("assistant", render.answer_markdown(answer, turn=turn))
        evidence = render.evidence_html(answer, turn)
        yield [*history, final], evidence, render.answer_with_sources(answer)

    def corpus(self) -> tuple[str, Any]:
        """What is loaded, and the example questions while the default corpus is."""
        documents = self.context.store.documents()
        seeded = seed_documents() <= {d.doc_id for d in documents}
        return corpus_html(documents), gr.Row(visible=seeded)

    def ask_api(
        self, question: str, language: str = ALL, document: str = ALL, top_k: int = 0
    ) -> dict[str, Any]:
        """Answer a question from the documents; returns the answer contract (JSON).

        language: fr, zh, en or all; document: a document id or all; top_k: 0 for the default.
        """
        try:
            return answer_json(self.ask(question, language, document, top_k))
        except (QuestionError, StoreError) as exc:
            raise refusal(exc, "No answer") from exc

    @staticmethod
    def remember(history: list, evidence: str, copy: str) -> dict[str, Any]:
        return {"messages": history or [], "evidence": evidence or "", "copy": copy or ""}

    @staticmethod
    def restore(saved: dict[str, Any] | None) -> tuple[list, str, str]:
        saved = saved or EMPTY_SESSION
        return (
            list(saved.get("messages") or []),
            saved.get("evidence") or render.waiting_html(),
            saved.get("copy") or "",
        )

    # -- layout ------------------------------------------------------------------------------

    def layout(self) -> None:
        with gr.Tab("Chat", id="chat"), gr.Row(equal_height=False):
            with gr.Column(scale=11):
                self.corpus_line = gr.HTML(elem_id="dq-corpus-line")
                with gr.Row(elem_id="dq-examples") as self.examples:
                    self.example_buttons = [
                        gr.Button(q, size="sm", elem_classes="dq-example") for q in EXAMPLES
                    ]
                self.chatbot = gr.Chatbot(
                    show_label=False,
                    height=440,
                    latex_delimiters=[],
                    feedback_options=None,
                    buttons=["copy"],
                    placeholder="Answers cite their sources as **[1]**: hover, focus or tap a "
                    "marker to see the cited sentence, click it to find it in the evidence panel.",
                    elem_id="dq-chat",
                )
                with gr.Row(elem_id="dq-ask-row"):
                    self.question = gr.Textbox(
                        placeholder="Ask a question… / Posez une question… / 请提问…",
                        show_label=False,
                        max_lines=4,
                        scale=8,
                        autofocus=True,
                        elem_id="dq-question",
                    )
                    self.send = gr.Button("Ask", variant="primary", scale=1, elem_id="dq-send")
                limit = self.context.assistant_settings.max_question_chars
                gr.HTML(
                    f'<div id="dq-count" data-max="{limit}" aria-live="polite" hidden></div>',
                    elem_id="dq-count-holder",
                )
                with gr.Row():
                    self.copy = gr.Button(
                        "Copy answer with sources", size="sm", elem_id="dq-copy", scale=2
                    )
                    self.clear = gr.Button("Clear chat", size="sm", elem_id="dq-clear", scale=1)
                self.settings_layout()
                # Hidden holders: the question being answered, the last answer for the clipboard.
                self.pending = gr.Textbox(visible="hidden", elem_id="dq-pending")
                self.copy_text = gr.Textbox(visible="hidden", elem_id="dq-copy-text")
                self.saved = gr.BrowserState(EMPTY_SESSION, storage_key="docqa-chat")
            with gr.Column(scale=9):
                self.evidence = gr.HTML(render.waiting_html(), elem_id="dq-evidence-panel")

    def settings_layout(self) -> None:
        """Only what is safe to change per session while serving: retrieval depth and filters."""
        default_k = self.context.assistant_settings.top_k
        with gr.Accordion("Settings (this browser tab only)", open=False, elem_id="dq-settings"):
            with gr.Row():
                self.top_k = gr.Slider(
                    1,
                    SLIDER_TOP_K,
                    value=min(default_k, SLIDER_TOP_K),
                    step=1,
                    label="Paragraphs read per answer (top-k)",
                    elem_id="dq-top-k",
                )
                self.engine = gr.Radio(
                    ENGINES,
                    value="extractive",
                    label="Answer engine",
                    info="The only engine configured on this server.",
                    interactive=False,
                    elem_id="dq-engine",
                )
            with gr.Row():
                self.language = gr.Dropdown(
                    LANGUAGES, value=ALL, label="Search paragraphs in", elem_id="dq-language"
                )
                self.document = gr.Dropdown(
                    [("All documents", ALL)], value=ALL, label="Document", elem_id="dq-document"
                )

    def answer_after(self, taken: Any, api_name: str | None = None) -> None:
        """Once a question is in `pending`: stream its answer, keep the session, show the span."""
        visibility: dict[str, Any] = (
            {"api_name": api_name, "api_visibility": "undocumented"} if api_name else PRIVATE
        )
        outputs = [self.chatbot, self.evidence, self.copy_text]
        taken.success(  # a refused question stops here: its notice is all that shows
            self.chat,
            [self.pending, self.chatbot, self.language, self.document, self.top_k],
            outputs,
            show_progress="hidden",  # the chat shows its own "…" and the panel "Searching…"
            **visibility,
            **ANSWERS,
        ).then(self.remember, outputs, self.saved, queue=False, **PRIVATE).then(
            None, js=REVEAL_JS, **PRIVATE
        )

    def wire(self, app: gr.Blocks) -> None:
        answer_outputs = [self.chatbot, self.evidence, self.copy_text]
        # Check the question and empty the box at once, then stream the answer into
        # the chat. The streaming step is callable by API clients as /chat (undocumented): the
        # bench drives it. It checks the question again, for them.
        taken = gr.on(
            [self.question.submit, self.send.click],
            self.take,
            self.question,
            [self.question, self.pending],
            concurrency_limit=None,  # queued (its notices need the queue), never waiting
            show_progress="hidden",  # a refusal is the notice, not an error mark on the box
            **PRIVATE,
        )
        self.answer_after(taken, api_name="chat")
        for button, question in zip(self.example_buttons, EXAMPLES, strict=True):
            asked = button.click(lambda q=question: q, None, self.pending, queue=False, **PRIVATE)
            self.answer_after(asked)
        self.clear.click(
            lambda: ([], render.waiting_html(), "", EMPTY_SESSION),
            None,
            [*answer_outputs, self.saved],
            queue=False,
            **PRIVATE,
        ).then(None, js=FORGET_JS, **PRIVATE)
        self.copy.click(None, self.copy_text, None, js=COPY_JS, **PRIVATE)
        app.load(self.restore, self.saved, answer_outputs, **PRIVATE).then(
            None, js=REVEAL_JS, **PRIVATE
        )
        app.load(self.corpus, None, [self.corpus_line, self.examples], **PRIVATE)
        gr.api(self.ask_api, api_name="ask", **ANSWERS)
