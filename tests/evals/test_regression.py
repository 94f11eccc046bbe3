"""The whole seed evaluation through the real assistant must stay at or above the agreed floors.

The floors live in evals/floors.json, written after tuning:
    {"all": {"evidence_recall": 0.8, ...}, "zh": {...}, ...}
Every entry is checked. `false_abstention` is lower-is-better, so its entry is a ceiling.
Latencies are never asserted (timings depend on the machine).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import Assistant
from evals import EvalRun, default_eval_set, format_summary, load_eval_set, run_eval
from evals.metrics import SLICES

FLOORS = Path(__file__).resolve().parents[2] / "evals" / "floors.json"
LOWER_IS_BETTER = {"false_abstention"}
TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def seed_run(seeded_assistant: Assistant) -> EvalRun:
    return run_eval(seeded_assistant, load_eval_set(default_eval_set()))


def load_floors() -> dict[str, dict[str, float]]:
    if not FLOORS.is_file():
        pytest.fail(
            f"{FLOORS} is missing: after tuning, write the metric floors there as "
            '{"all": {"evidence_recall": 0.8, ...}, "fr": {...}} (slices: '
            f"{', '.join(SLICES)}); this test then holds the assistant to them"
        )
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    assert isinstance(floors, dict) and floors, f"{FLOORS} holds no floors"
    return floors


def test_the_seed_run_answers_every_question(seed_run: EvalRun) -> None:
    assert len(seed_run.answers) == len(seed_run.items) == len(seed_run.scores)
    assert [s.id for s in seed_run.scores] == [i.id for i in seed_run.items]
    assert seed_run.summary["all"]["questions"] == len(seed_run.items)


def test_the_seed_evaluation_stays_above_its_floors(seed_run: EvalRun) -> None:
    floors = load_floors()
    summary = seed_run.summary
    misses = []
    for slice_name, metrics in floors.items():
        assert slice_name in summary, f"{FLOORS}: unknown slice {slice_name!r}"
        for metric, bound in metrics.items():
            assert metric in summary[slice_name], f"{FLOORS}: unknown metric {metric!r}"
            assert not metric.startswith("latency"), f"{FLOORS}: no timing floors ({metric})"
            value = summary[slice_name][metric]
            if value is None:
                misses.append(f"{slice_name}/{metric}: no value (bound {bound})")
            elif metric in LOWER_IS_BETTER and value > bound + TOLERANCE:
                misses.append(f"{slice_name}/{metric}: {value:.3f} above ceiling {bound}")
            elif metric not in LOWER_IS_BETTER and value < bound - TOLERANCE:
                misses.append(f"{slice_name}/{metric}: {value:.3f} below floor {bound}")
    failed = ", ".join(s.id for s in seed_run.scores if s.failed) or "none"
    assert not misses, (
        "seed evaluation regressed:\n  "
        + "\n  ".join(misses)
        + f"\nfailed questions: {failed}\n{format_summary(summary)}"
    )
