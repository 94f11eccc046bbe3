"""The Evaluation tab: answer an evaluation set, show metrics per language and what failed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import gradio as gr

from evals import EvalSetError, default_eval_set, load_eval_set, run_eval
from ui import render
from ui.chat_tab import PRIVATE
from ui.context import Context
from ui.render_eval import bar_chart_html, failed_html, metrics_table

SHIPPED = "shipped"
UPLOADED = "uploaded"
SOURCES = [("The shipped seed set", SHIPPED), ("An uploaded JSONL file", UPLOADED)]
# One evaluation at a time: a run keeps a CPU core busy for tens of seconds.
EVALUATIONS: dict[str, Any] = {"concurrency_limit": 1, "concurrency_id": "evaluations"}


def failure(text: str) -> tuple[Any, ...]:
    return f"⚠️ {render.escape_markdown(text)}", gr.skip(), gr.skip(), gr.skip()


class EvalTab:
    def __init__(self, context: Context) -> None:
        self.context = context

    def run(
        self,
        source: str,
        upload: str | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 (Gradio's way to report progress)
    ) -> tuple[Any, ...]:
        """(status, metrics table, bar chart, failed questions) for the chosen set."""
        if source == UPLOADED and not upload:
            return failure("Choose a .jsonl evaluation set to upload first.")
        path = Path(upload) if source == UPLOADED and upload else default_eval_set()
        try:
            items = load_eval_set(path)
        except EvalSetError as exc:
            return failure(str(exc))
        started = time.perf_counter()
        progress((0, len(items)), desc="Answering", unit="questions")
        run = run_eval(
            self.context.assistant,
            items,
            on_progress=lambda done, total: progress((done, total), unit="questions"),
        )
        failed = sum(score.failed for score in run.scores)
        status = (
            f"**{render.escape_markdown(path.name)}**: {len(items)} questions answered in "
            f"{time.perf_counter() - started:.0f} s; {failed} failed."
        )
        headers, rows = metrics_table(run.summary)
        titles = {d.doc_id: d.title for d in self.context.store.documents()}
        return (
            status,
            gr.Dataframe(value=rows, headers=headers),
            bar_chart_html(run.summary),
            failed_html(run, titles),
        )

    def layout(self) -> None:
        with gr.Tab("Evaluation", id="evaluation"):
            gr.Markdown(
                "Answers every question of an evaluation set with the current documents and "
                "scores evidence, citations, key facts and abstention per question language. "
                "The shipped set is about the seed documents and takes about a minute.",
                elem_id="dq-eval-intro",
            )
            with gr.Row(equal_height=False):
                self.source = gr.Radio(
                    SOURCES, value=SHIPPED, label="Evaluation set", elem_id="dq-eval-source"
                )
                self.upload = gr.File(
                    file_types=[".jsonl"],
                    label="Evaluation set (.jsonl, one question per line)",
                    elem_id="dq-eval-upload",
                )
            self.start = gr.Button("Run the evaluation", variant="primary", elem_id="dq-eval-run")
            self.status = gr.Markdown(elem_id="dq-eval-status")
            with gr.Row(equal_height=False):
                self.metrics = gr.Dataframe(
                    label="Metrics per question language",
                    interactive=False,
                    elem_id="dq-eval-metrics",
                    scale=3,
                )
                self.chart = gr.HTML(elem_id="dq-eval-chart", scale=2)
            self.failed = gr.HTML(elem_id="dq-eval-failed")

    def wire(self) -> None:
        # Choosing a file means running it.
        self.upload.upload(lambda: UPLOADED, None, self.source, queue=False, **PRIVATE)
        self.start.click(
            self.run,
            [self.source, self.upload],
            [self.status, self.metrics, self.chart, self.failed],
            **EVALUATIONS,
            **PRIVATE,
        )
