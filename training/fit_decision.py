"""Fit the answer decision (assistant/answer_decision.py) on held-out questions asked through
retrieval, and write it into the reader's calibration file.

    python -m training.pipeline_reads --weights W                  # held-out questions
    python -m training.pipeline_reads --weights W --leave-out 0    # off-collection, both halves
    python -m training.pipeline_reads --weights W --leave-out 1
    python -m training.fit_decision --weights W

A logistic regression over every candidate sentence: does it hold a gold answer? The
off-collection questions' candidates are all negatives: what retrieval brings for a question
the collection cannot answer. The threshold is the highest at which at most `--target` of each
language's held-out answerable questions are declined. Figures are measured across halves of
the articles (fitted on one half, threshold included, measured on the other), next to the
reader's support alone calibrated the same way.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.answer_decision import FEATURES, AnswerDecision, features
from assistant.reader import WEIGHTS
from training.calibrate_reader import CALIBRATED_ON, LANGUAGES, highest_threshold, share
from training.pipeline_reads import CACHE, EMBEDDERS, READS, fold, off_collection

L2 = 1e-2


@dataclass(frozen=True)
class Harvested:
    lang: str
    fold: int
    answerable: bool
    off_collection: bool
    rows: np.ndarray  # features of its candidates
    holds: np.ndarray  # which candidates hold a gold answer


def load(paths: list[Path]) -> list[Harvested]:
    out = []
    for path in paths:
        for line in path.open(encoding="utf-8"):
            q = json.loads(line)
            reads = q["reads"]
            rows = features(
                [r["support"] for r in reads],
                [r["rank"] for r in reads],
                np.array([r["cosine"] for r in reads]),
            )
            off = bool(q.get("off_collection"))
            holds = np.array([r["holds"] and not off for r in reads], dtype=bool)
            out.append(Harvested(q["lang"], fold(q["title"]), q["answerable"], off, rows, holds))
    return out


def logistic(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 30) -> np.ndarray:
    """Weights (then the intercept) by Newton's method on the L2-penalised log-loss."""
    design = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(design.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-design @ w))
        gradient = design.T @ (p - y) + l2 * w
        hessian = (design * (p * (1 - p))[:, None]).T @ design + l2 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def best_candidate(decision: AnswerDecision, question: Harvested) -> tuple[float, bool]:
    """The most likely candidate's probability, and whether it holds an answer."""
    if not len(question.rows):
        return 0.0, False
    p = decision.probabilities(question.rows)
    top = int(np.argmax(p))
    return float(p[top]), bool(question.holds[top])


def calibrated(weights: np.ndarray, harvested: list[Harvested], target: float) -> AnswerDecision:
    """The decision with the highest threshold declining at most `target` of the answerable
    questions of each language."""
    decision = AnswerDecision(tuple(float(w) for w in weights), 0.0, EMBEDDERS[0])
    best = {
        lang: [
            best_candidate(decision, h)[0]
            for h in harvested
            if h.lang == lang and h.answerable and not h.off_collection
        ]
        for lang in CALIBRATED_ON
    }
    return replace(decision, threshold=highest_threshold(best, target))


def fit(questions: list[Harvested], target: float) -> AnswerDecision:
    x = np.vstack([q.rows for q in questions])
    y = np.concatenate([q.holds for q in questions]).astype(np.float64)
    return calibrated(logistic(x, y), questions, target)


def reader_alone(questions: list[Harvested], target: float) -> AnswerDecision:
    return calibrated(np.array(AnswerDecision.reader_alone().weights), questions, target)


Verdict = tuple[Harvested, float, bool, float]  # question, best probability, holds, threshold


def verdicts(decision: AnswerDecision, questions: list[Harvested]) -> list[Verdict]:
    return [(q, *best_candidate(decision, q), decision.threshold) for q in questions]


def figures(found: list[Verdict]) -> dict:
    """Per language: answered correctly (the first sentence holds an answer), declined among
    the answerable, the unanswerable and the off-collection questions."""

    out = {}
    for lang in LANGUAGES:
        mine = [(q, p >= t, h) for q, p, h, t in found if q.lang == lang]
        answerable = [(a, h) for q, a, h in mine if q.answerable and not q.off_collection]
        out[lang] = {
            "answerable": len(answerable),
            "answer_accuracy": share([a and h for a, h in answerable]),
            "false_abstention": share([not a for a, _ in answerable]),
            "unanswerable_declined": share(
                [not a for q, a, _ in mine if not q.answerable and not q.off_collection]
            ),
            "off_collection_declined": share([not a for q, a, _ in mine if q.off_collection]),
        }
    return out


def across_halves(
    questions: list[Harvested],
    target: float,
    fitter: Callable[[list[Harvested], float], AnswerDecision],
) -> dict:
    """Fitted (threshold included) on one half of the articles, measured on the other."""
    found: list[Verdict] = []
    for half in (0, 1):
        decision = fitter([q for q in questions if q.fold != half], target)
        found += verdicts(decision, [q for q in questions if q.fold == half])
    return figures(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weights", type=Path, default=WEIGHTS)
    parser.add_argument("--reads", type=Path, nargs="+", default=None)
    parser.add_argument("--target", type=float, default=0.08)
    args = parser.parse_args()
    paths = args.reads or [CACHE / READS, *(CACHE / off_collection(n) for n in (0, 1))]
    questions = load(paths)
    decision = fit(questions, args.target)
    report = {
        "features": list(FEATURES),
        "target_per_language": args.target,
        "questions": len(questions),
        "across_halves": across_halves(questions, args.target, fit),
        "reader_alone_across_halves": across_halves(questions, args.target, reader_alone),
    }
    print(json.dumps({"decision": decision.to_json(), **report}, indent=1))
    calibration_file = args.weights.with_suffix(".json")
    calibration = json.loads(calibration_file.read_text(encoding="utf-8"))
    calibration["decision"] = {**decision.to_json(), "fitted_on": report}
    calibration_file.write_text(json.dumps(calibration, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
