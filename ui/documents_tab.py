"""The Documents tab: upload several files, list the store, read a document, remove one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from ingest import IngestError, supported_suffixes
from store import StoreError
from ui import render
from ui.chat_tab import ALL, PRIVATE
from ui.context import Context
from ui.render_docs import count, document_html, upload_outcome
from ui.titles import document_choices, document_name

DOC_HEADERS = ["title", "file", "paragraphs", "languages"]
UPLOAD_HEADERS = ["document", "result", "paragraphs", "details"]
# Sized so each header fits on one line at the tables' minimum width (docqa.css).
DOC_WIDTHS: list[str | int] = ["44%", "26%", "15%", "15%"]
UPLOAD_WIDTHS: list[str | int] = ["30%", "15%", "15%", "40%"]
# Writes to the store go one at a time (the on-disk store has a single writer).
WRITES: dict[str, Any] = {"concurrency_limit": 1, "concurrency_id": "store-writes"}


class DocumentsTab:
    def __init__(self, context: Context) -> None:
        self.context = context

    # -- handlers ----------------------------------------------------------------------------

    def refreshed(
        self, document: str | None = None, removing: str | None = None, reading: str | None = None
    ) -> tuple[Any, Any, Any, Any]:
        """The documents table and the document pickers (chat filter, remove, read), each
        keeping its choice while that document is still in the store."""
        documents = self.context.store.documents()
        rows = [
            [d.title or d.doc_id, d.doc_id, d.paragraphs, ", ".join(d.languages)] for d in documents
        ]
        choices = document_choices(documents)
        ids = {d.doc_id for d in documents}

        def kept(value: str | None, otherwise: str | None = None) -> str | None:
            return value if value in ids else otherwise

        return (
            gr.Dataframe(value=rows, headers=DOC_HEADERS),
            gr.Dropdown(choices=[("All documents", ALL), *choices], value=kept(document, ALL)),
            gr.Dropdown(choices=choices, value=kept(removing)),
            gr.Dropdown(choices=choices, value=kept(reading)),
        )

    def upload(
        self,
        paths: list[str] | None,
        document: str | None = ALL,
        removing: str | None = None,
        reading: str | None = None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 (Gradio's way to report progress)
    ) -> tuple[Any, ...]:
        """Ingest each file, one after the other; one result row per file, in plain words."""
        rows: list[list[Any]] = []
        files = list(paths or [])
        for done, path in enumerate(files):
            name = Path(path).name
            progress((done, len(files)), desc=f"Adding {name}", unit="files")
            try:
                report = self.context.ingestor.ingest_bytes(name, Path(path).read_bytes())
            except (IngestError, StoreError, OSError) as exc:
                rows.append([name, "error", 0, str(exc)])
                continue
            result, details = upload_outcome(report)
            rows.append([report.title or report.doc_id or name, result, report.paragraphs, details])
        if not rows:
            rows.append(["", "nothing added", 0, "Choose one or more files first."])
        pickers = self.refreshed(document, removing, reading)
        return (gr.Dataframe(value=rows, headers=UPLOAD_HEADERS), None, *pickers)

    def remove(
        self,
        doc_id: str | None,
        confirmed: bool,
        document: str | None,
        reading: str | None = None,
    ) -> tuple[Any, ...]:
        """(note, confirmation box, table, pickers). Nothing removed, nothing changes: the
        table and the pickers keep what was chosen, so a missed tick costs one click."""
        unchanged = (gr.skip(),) * 4
        if not doc_id:
            return ("Choose the document to remove.", False, *unchanged)
        name = render.escape_markdown(document_name(self.context.store.documents(), doc_id))
        if not confirmed:
            return (f"Tick the confirmation box to remove **{name}**.", False, *unchanged)
        try:
            removed = self.context.ingestor.remove(doc_id)
            note = f"Removed **{name}** ({count(removed)})."
        except StoreError as exc:
            note = f"⚠️ {render.escape_markdown(str(exc))}"
        return (note, False, *self.refreshed(document, reading=reading))

    def read(self, doc_id: str | None) -> str:
        return document_html(self.context.store.paragraphs(doc_id) if doc_id else [])

    # -- layout ------------------------------------------------------------------------------

    def layout(self) -> None:
        suffixes = supported_suffixes()
        with gr.Tab("Documents", id="documents"):
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
                with gr.Column():
                    self.remove_id = gr.Dropdown(
                        [], label="Remove a document", elem_id="dq-remove-id"
                    )
                    self.confirm = gr.Checkbox(
                        label="Yes, remove it and all its paragraphs", elem_id="dq-confirm"
                    )
                    self.remove_button = gr.Button("Remove", variant="stop", elem_id="dq-remove")
                    self.removal = gr.Markdown(elem_id="dq-removal")
            # Full width (not under the upload box), so a result reads on one line; below the
            # tables' minimum width (docqa.css) they scroll sideways.
            self.results = gr.Dataframe(
                headers=UPLOAD_HEADERS,
                label="Last upload",
                interactive=False,
                wrap=True,
                column_widths=UPLOAD_WIDTHS,
                elem_id="dq-results",
            )
            self.table = gr.Dataframe(
                headers=DOC_HEADERS,
                label="Documents in the store",
                interactive=False,
                wrap=True,
                column_widths=DOC_WIDTHS,
                elem_id="dq-documents",
            )
            self.read_id = gr.Dropdown([], label="Read a document", elem_id="dq-read-id")
            self.reader = gr.HTML(document_html([]), elem_id="dq-reader")

    def wire(self, app: gr.Blocks, document_filter: gr.Dropdown) -> None:
        pickers = [self.table, document_filter, self.remove_id, self.read_id]
        self.ingest.click(
            self.upload,
            [self.files, document_filter, self.remove_id, self.read_id],
            [self.results, self.files, *pickers],
            **WRITES,
            **PRIVATE,
        ).then(self.read, self.read_id, self.reader, **PRIVATE)
        self.remove_button.click(
            self.remove,
            [self.remove_id, self.confirm, document_filter, self.read_id],
            [self.removal, self.confirm, *pickers],
            **WRITES,
            **PRIVATE,
        ).then(self.read, self.read_id, self.reader, **PRIVATE)
        self.read_id.change(self.read, self.read_id, self.reader, **PRIVATE)
        app.load(self.refreshed, document_filter, pickers, **PRIVATE)
