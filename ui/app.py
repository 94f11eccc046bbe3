"""The Gradio chat UI: ask with citations beside the answer, and manage the documents."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ui.offline import apply_offline_env

apply_offline_env()

import gradio as gr  # noqa: E402

from assistant import Answer, QuestionError, answer_json  # noqa: E402
from ingest import DocumentReport, supported_suffixes  # noqa: E402
from store import StoreError, detect_language  # noqa: E402
from ui import render  # noqa: E402
from ui.context import Context  # noqa: E402

STATIC = Path(__file__).parent / "static"
ALL = "all"
LANGUAGES = [("All languages", ALL), ("Français", "fr"), ("中文", "zh"), ("English", "en")]
EXAMPLES = [
    "Combien de pays membres comptait la CICA en 2014 ?",
    "亚信会议有多少个成员国？",
    "How many member countries did CICA have in 2014?",
]
REVEAL_JS = "() => { window.docqaReveal && window.docqaReveal(); }"
STREAM_PAUSE_S = 0.04  # between streamed sentences: enough to see the answer grow
ECHO_CHARS = 300  # a refused (too long) question is echoed this far
DOC_HEADERS = ["id", "title", "paragraphs", "languages"]
UPLOAD_HEADERS = ["file", "result", "¶", "details"]

THEME = gr.themes.Soft(
    primary_hue="amber",
    neutral_hue="slate",
    # Local fonts only: the default theme would fetch Google Fonts, and docqa runs offline.
    font=["Inter", "Noto Sans", "Noto Sans CJK SC", "system-ui", "sans-serif"],
    font_mono=["DejaVu Sans Mono", "ui-monospace", "monospace"],
)


def message(role: str, content: str) -> dict[str, str]:
    return {"role": role, "content": content}


def warning(text: str) -> dict[str, str]:
    return message("assistant", f"⚠️ {render.escape_markdown(text)}")


def search_filters(language: str | None, document: str | None) -> dict[str, str] | None:
    chosen = {"lang": language, "doc": document}
    filters = {key: value for key, value in chosen.items() if value and value != ALL}
    return filters or None


def report_row(name: str, report: DocumentReport) -> list[Any]:
    if report.error:
        return [name, "error", 0, report.error]
    details = (
        f"+{report.added} added, {report.kept} kept, {report.replaced} replaced, "
        f"{report.removed} removed"
    )
    if report.note:
        details += f" ({report.note})"
    return [report.doc_id or name, report.status, report.paragraphs, details]


class DocqaApp:
    """The UI over one Context (store, assistant, ingestor): its layout and event handlers."""

    def __init__(self, context: Context) -> None:
        self.context = context

    # -- chat ------------------------------------------------------------------------------

    def ask(
        self, question: str, language: str | None = None, document: str | None = None
    ) -> Answer:
        return self.context.assistant.ask(question, filters=search_filters(language, document))

    def chat(
        self, question: str, history: list[dict[str, Any]] | None, language: str, document: str
    ) -> Iterator[tuple[list[dict[str, Any]], Any]]:
        """Stream the answer into the chat sentence by sentence, then show its evidence."""
        history = list(history or [])
        shown = (question or "").strip()
        if shown:
            shown = shown if len(shown) <= ECHO_CHARS else shown[:ECHO_CHARS] + "…"
            history.append(message("user", render.escape_markdown(shown)))
        try:
            text = self.context.assistant.check_question(question)
        except QuestionError as exc:
            yield [*history, warning(str(exc))], gr.skip()
            return
        pending = message("assistant", "…")
        yield [*history, pending], render.searching_html(detect_language(text))
        try:
            answer = self.ask(text, language, document)
        except (QuestionError, StoreError) as exc:
            yield [*history, warning(str(exc))], render.waiting_html()
            return
        *growing, _ = render.stream_cuts(answer.text)
        for cut in growing:
            yield [*history, message("assistant", render.answer_markdown(answer, cut))], gr.skip()
            time.sleep(STREAM_PAUSE_S)
        final = message("assistant", render.answer_markdown(answer))
        yield [*history, final], render.evidence_html(answer)

    def ask_api(self, question: str) -> dict[str, Any]:
        """Answer a question from the documents; returns the answer contract (JSON)."""
        try:
            return answer_json(self.ask(question))
        except (QuestionError, StoreError) as exc:
            raise gr.Error(str(exc)) from exc

    # -- documents -------------------------------------------------------------------------

    def document_rows(self) -> list[list[Any]]:
        return [
            [d.doc_id, d.title, d.paragraphs, ", ".join(d.languages)]
            for d in self.context.store.documents()
        ]

    def refreshed(self, document: str | None = None) -> tuple[Any, Any, Any]:
        """The documents table and both document pickers, after the store changed."""
        rows = self.document_rows()
        ids = [row[0] for row in rows]
        current = document if document in ids else ALL
        return (
            gr.Dataframe(value=rows, headers=DOC_HEADERS),
            gr.Dropdown(choices=[("All documents", ALL), *((i, i) for i in ids)], value=current),
            gr.Dropdown(choices=ids, value=None),
        )

    def upload(self, paths: list[str] | None, document: str | None) -> tuple[Any, ...]:
        rows: list[list[Any]] = []
        for path in paths or []:
            name = Path(path).name
            try:
                report = self.context.ingestor.ingest_bytes(name, Path(path).read_bytes())
            except (StoreError, OSError) as exc:
                rows.append([name, "error", 0, str(exc)])
            else:
                rows.append(report_row(name, report))
        if not rows:
            rows.append(["", "nothing to add", 0, "choose one or more files first"])
        return (gr.Dataframe(value=rows, headers=UPLOAD_HEADERS), None, *self.refreshed(document))

    def remove(self, doc_id: str | None, confirmed: bool, document: str | None) -> tuple[Any, ...]:
        if not doc_id:
            note = "Choose the document to remove."
        elif not confirmed:
            note = f"Tick the confirmation box to remove **{render.escape_markdown(doc_id)}**."
        else:
            try:
                with self.context.store.writer():
                    count = self.context.store.delete_document(doc_id)
                note = f"Removed **{render.escape_markdown(doc_id)}** ({count} paragraphs)."
            except StoreError as exc:
                note = f"⚠️ {render.escape_markdown(str(exc))}"
        return (note, False, *self.refreshed(document))

    # -- layout ----------------------------------------------------------------------------

    def build(self) -> gr.Blocks:
        with gr.Blocks(title="docqa") as app:
            gr.Markdown(
                "# docqa\nAsk about your documents in French, Chinese or English: every claim "
                "cites its paragraph, and the cited sentence is highlighted.",
                elem_id="dq-header",
            )
            self.chat_tab()
            self.documents_tab()
            self.wire(app)
            gr.api(self.ask_api, api_name="ask")
        return app

    def chat_tab(self) -> None:
        with gr.Tab("Chat"), gr.Row(equal_height=False):
            with gr.Column(scale=11):
                self.chatbot = gr.Chatbot(
                    show_label=False,
                    height=500,
                    latex_delimiters=[],
                    feedback_options=None,
                    buttons=["copy"],
                    placeholder="Answers cite their sources as **[1]**: hover a marker to read "
                    "the cited sentence, click it to find it in the evidence panel.",
                    elem_id="dq-chat",
                )
                with gr.Row():
                    self.question = gr.Textbox(
                        placeholder="Ask a question… / Posez une question… / 请提问…",
                        show_label=False,
                        max_lines=4,
                        scale=8,
                        autofocus=True,
                        elem_id="dq-question",
                    )
                    self.send = gr.Button("Ask", variant="primary", scale=1, elem_id="dq-send")
                with gr.Row():
                    self.language = gr.Dropdown(LANGUAGES, value=ALL, label="Language", scale=2)
                    self.document = gr.Dropdown(
                        [("All documents", ALL)], value=ALL, label="Document", scale=3
                    )
                    self.clear = gr.Button("Clear", scale=1, elem_id="dq-clear")
                gr.Examples([[q] for q in EXAMPLES], inputs=[self.question], label="Try")
            with gr.Column(scale=9):
                self.evidence = gr.HTML(
                    render.waiting_html(), js_on_load=None, elem_id="dq-evidence-panel"
                )

    def documents_tab(self) -> None:
        suffixes = supported_suffixes()
        with gr.Tab("Documents"):
            with gr.Row(equal_height=False):
                with gr.Column():
                    self.files = gr.File(
                        file_count="multiple",
                        file_types=suffixes,
                        label=f"Add documents ({', '.join(suffixes)})",
                        elem_id="dq-upload",
                    )
                    self.ingest = gr.Button(
                        "Add to the store", variant="primary", elem_id="dq-ingest"
                    )
                    self.results = gr.Dataframe(
                        headers=UPLOAD_HEADERS,
                        label="Last upload",
                        interactive=False,
                        wrap=True,
                        column_widths=["32%", "16%", "8%", "44%"],
                        elem_id="dq-results",
                    )
                with gr.Column():
                    self.remove_id = gr.Dropdown(
                        [], label="Remove a document", elem_id="dq-remove-id"
                    )
                    self.confirm = gr.Checkbox(
                        label="Yes, remove it and all its paragraphs", elem_id="dq-confirm"
                    )
                    self.remove_button = gr.Button("Remove", variant="stop", elem_id="dq-remove")
                    self.removal = gr.Markdown(elem_id="dq-removal")
            self.table = gr.Dataframe(
                headers=DOC_HEADERS,
                label="Documents in the store",
                interactive=False,
                wrap=True,
                elem_id="dq-documents",
            )

    def wire(self, app: gr.Blocks) -> None:
        private: dict[str, Any] = {"api_visibility": "private"}  # only `ask` is public
        writes: dict[str, Any] = {"concurrency_limit": 1, "concurrency_id": "store-writes"}
        pickers = [self.table, self.document, self.remove_id]
        pending = gr.State("")
        for trigger in (self.question.submit, self.send.click):
            # Empty the box at once (unqueued), then stream the answer into the chat.
            trigger(
                lambda q: ("", q), self.question, [self.question, pending], queue=False, **private
            ).then(
                self.chat,
                [pending, self.chatbot, self.language, self.document],
                [self.chatbot, self.evidence],
                **private,
            ).then(None, js=REVEAL_JS, **private)
        self.clear.click(
            lambda: ([], render.waiting_html()),
            None,
            [self.chatbot, self.evidence],
            queue=False,
            **private,
        )
        self.ingest.click(
            self.upload,
            [self.files, self.document],
            [self.results, self.files, *pickers],
            **writes,
            **private,
        )
        self.remove_button.click(
            self.remove,
            [self.remove_id, self.confirm, self.document],
            [self.removal, self.confirm, *pickers],
            **writes,
            **private,
        )
        app.load(self.refreshed, self.document, pickers, **private)


def build_app(context: Context) -> gr.Blocks:
    return DocqaApp(context).build()


def launch(
    context: Context,
    host: str = "127.0.0.1",
    port: int = 7860,
    *,
    prevent_thread_lock: bool = False,
) -> gr.Blocks:
    """Serve the UI on http://HOST:PORT; blocks unless `prevent_thread_lock` (tests)."""
    app = build_app(context)
    app.queue(default_concurrency_limit=4)
    app.launch(
        server_name=host,
        server_port=port,
        prevent_thread_lock=True,
        quiet=True,
        ssr_mode=False,
        footer_links=["api"],
        max_file_size=context.ingest_settings.max_bytes,
        theme=THEME,
        css=(STATIC / "docqa.css").read_text(encoding="utf-8"),
        js=(STATIC / "docqa.js").read_text(encoding="utf-8"),
    )
    print(f"docqa is running at http://{host}:{app.server_port}", flush=True)
    if not prevent_thread_lock:
        app.block_thread()
    return app
