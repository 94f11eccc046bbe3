"""Answer a whole evaluation set, write the answer contract, score and report."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from assistant import Answer, Assistant, answer_json
from evals.metrics import SLICES, QuestionScore, score_answer, summarize_slices
from evals.schema import EvalItem, load_eval_set


def default_eval_set() -> Path:
    return Path(str(files("evals") / "sets" / "seed.jsonl"))


@dataclass(frozen=True)
class EvalRun:
    items: list[EvalItem]
    answers: list[Answer]
    scores: list[QuestionScore]

    @property
    def summary(self) -> dict[str, dict[str, float | int | None]]:
        return summarize_slices(self.scores)

    def rows(self) -> list[dict[str, Any]]:
        """One answer-contract object per question, with its scores under `scores`."""
        return [
            answer_json(answer, item.id) | {"scores": score.as_dict()}
            for item, answer, score in zip(self.items, self.answers, self.scores, strict=True)
        ]

    def write(self, out: Path) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as handle:
            for row in self.rows():
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def run_eval(
    assistant: Assistant,
    items: Sequence[EvalItem],
    on_progress: Callable[[int, int], None] | None = None,
) -> EvalRun:
    answers, scores = [], []
    for n, item in enumerate(items, start=1):
        answer = assistant.ask(item.question)
        answers.append(answer)
        scores.append(score_answer(item, answer, assistant.verifier))
        if on_progress:
            on_progress(n, len(items))
    return EvalRun(list(items), answers, scores)


def run_eval_file(assistant: Assistant, path: Path) -> EvalRun:
    return run_eval(assistant, load_eval_set(path))


METRIC_LABELS = {
    "questions": "questions",
    "evidence_recall": "evidence recall",
    "citation_precision": "citation precision",
    "key_fact_coverage": "key-fact coverage",
    "abstention_accuracy": "abstention accuracy",
    "false_abstention": "false abstention",
    "alce_citation_recall": "ALCE citation recall",
    "alce_citation_precision": "ALCE citation precision",
    "retrieval_r1": "retrieval R@1",
    "retrieval_r5": "retrieval R@5",
    "retrieval_mrr": "retrieval MRR",
    "latency_p50_ms": "latency p50 (ms)",
    "latency_p95_ms": "latency p95 (ms)",
}


def format_summary(summary: dict[str, dict[str, float | int | None]]) -> str:
    """A plain-text table: one row per metric, one column per slice."""
    width = max(len(label) for label in METRIC_LABELS.values())
    lines = [" " * width + "".join(f"{name:>15}" for name in SLICES)]
    for key, label in METRIC_LABELS.items():
        cells = []
        for name in SLICES:
            value = summary[name][key]
            if value is None:
                cells.append(f"{'—':>15}")
            elif isinstance(value, int) or key.startswith("latency"):
                cells.append(f"{value:>15.0f}")
            else:
                cells.append(f"{value:>15.3f}")
        lines.append(f"{label:<{width}}" + "".join(cells))
    return "\n".join(lines)
