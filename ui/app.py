"""The Gradio app: Chat, Documents and Evaluation tabs over one Context, served with a queue."""

from __future__ import annotations

import threading
from pathlib import Path

from ui.offline import apply_offline_env

apply_offline_env()

import gradio as gr  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from ui.chat_tab import PRIVATE, ChatTab  # noqa: E402
from ui.context import Context  # noqa: E402
from ui.documents_tab import DocumentsTab  # noqa: E402
from ui.eval_tab import EvalTab  # noqa: E402
from ui.same_origin import SameOriginOnly  # noqa: E402

STATIC = Path(__file__).parent / "static"
# Each event runs on its own worker; answers share a pool of 4 (ui.chat_tab.ANSWERS). Past
# this many waiting, a user is told the server is busy rather than left waiting minutes.
QUEUE_MAX_SIZE = 64

THEME = gr.themes.Soft(
    primary_hue="amber",
    neutral_hue="slate",
    # Local fonts only: the default theme would fetch Google Fonts, and docqa runs offline.
    font=["Inter", "Noto Sans", "Noto Sans CJK SC", "system-ui", "sans-serif"],
    font_mono=["DejaVu Sans Mono", "ui-monospace", "monospace"],
)


class DocqaApp:
    """The UI's three tabs; each owns its layout and handlers."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.chat_tab = ChatTab(context)
        self.documents_tab = DocumentsTab(context)
        self.eval_tab = EvalTab(context)

    def build(self) -> gr.Blocks:
        with gr.Blocks(title="docqa") as app:
            gr.Markdown(
                "# docqa\nAsk about your documents in French, Chinese or English: every claim "
                "cites its paragraph, and the cited sentence is highlighted.",
                elem_id="dq-header",
            )
            with gr.Tabs(elem_id="dq-tabs"):
                self.chat_tab.layout()
                self.documents_tab.layout()
                self.eval_tab.layout()
            self.chat_tab.wire(app)
            self.documents_tab.wire(app, document_filter=self.chat_tab.document)
            # The Chat tab's line about what is loaded follows every upload and removal.
            self.documents_tab.table.change(
                self.chat_tab.corpus,
                None,
                [self.chat_tab.corpus_line, self.chat_tab.examples],
                **PRIVATE,
            )
            self.eval_tab.wire()
        return app


def build_app(context: Context) -> gr.Blocks:
    return DocqaApp(context).build()


def launch(
    context: Context,
    host: str = "127.0.0.1",
    port: int = 7860,
    *,
    auth: tuple[str, str] | None = None,
    warm_up: bool = False,
    prevent_thread_lock: bool = False,
) -> gr.Blocks:
    """Serve the UI on http://HOST:PORT; blocks unless `prevent_thread_lock` (tests). With
    `auth` (user, password) every page, event and API call needs the login. With `warm_up`
    the models, jieba and indexes load while the UI starts, not on the first user's question."""
    if warm_up:
        threading.Thread(target=context.assistant.warm_up, name="warm-up", daemon=True).start()
    app = build_app(context)
    app.queue(default_concurrency_limit=4, max_size=QUEUE_MAX_SIZE)
    app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        prevent_thread_lock=True,
        quiet=True,
        ssr_mode=False,
        footer_links=["api"],
        max_file_size=context.ingest_settings.max_bytes,
        theme=THEME,
        css=(STATIC / "docqa.css").read_text(encoding="utf-8"),
        js=(STATIC / "docqa.js").read_text(encoding="utf-8"),
        app_kwargs={"middleware": [Middleware(SameOriginOnly)]},
    )
    print(f"docqa is running at http://{host}:{app.server_port}", flush=True)
    if not prevent_thread_lock:
        app.block_thread()
    return app
