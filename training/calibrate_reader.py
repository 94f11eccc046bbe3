"""Measure the shipped reader (onnxruntime int8, as the engine runs it) on the held-out split and
write its figures beside its weights (reader.json).

    python -m training.calibrate_reader [--weights assistant/models/reader.npz] [--target 0.05]

The figures include the reader's threshold alone: the highest at which at most `--target` of
the held-out answerable questions of every language would be declined when their own paragraph
is read. It is reported, not used: the engine decides with the answer decision, fitted for
these weights by training/fit_decision.py (`make fit-decision`), which adds it to reader.json.
Writing new figures drops an earlier decision, fitted for other weights. No torch needed.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.reader import WEIGHTS, Reader
from training.code_switch import switched
from training.reader_data import Example, held_out_groups, read_records, split

# Held-out languages: the three, then questions code-switched out of theirs ("en-zh": a
# Chinese question given mostly in English, over the Chinese paragraph), reported apart.
LANGUAGES = ("en", "fr", "zh", "en-zh", "zh-en")
CALIBRATED_ON = LANGUAGES[:3]  # thresholds bound the false abstention of questions as asked


def readings(reader: Reader, groups: list[list[Example]]) -> list[dict]:
    rows = []
    for group in groups:
        out = reader.read(group[0].question, [(e.context, e.sentence) for e in group])
        scores = [r.support for r in out]
        gold = next((i for i, e in enumerate(group) if e.label), None)
        best = int(np.argmax(scores))
        exact = overlap = 0.0
        found, expected = out[best].span, group[gold].span if gold is not None else None
        if best == gold and found is not None and expected is not None:
            exact, overlap = span_match(found, expected)
        rows.append(
            {
                "lang": group[0].lang,
                "gold": gold,
                "scores": scores,
                "best": best,
                "exact": exact,
                "f1": overlap,
            }
        )
    return rows


def span_match(found: tuple[int, int], gold: tuple[int, int]) -> tuple[float, float]:
    """Exact match, and character-overlap F1 of the short answer."""
    common = max(0, min(found[1], gold[1]) - max(found[0], gold[0]))
    if not common:
        return 0.0, 0.0
    precision, recall = common / (found[1] - found[0]), common / (gold[1] - gold[0])
    return float(found == gold), 2 * precision * recall / (precision + recall)


def auc(positives: list[float], negatives: list[float]) -> float:
    if not positives or not negatives:
        return float("nan")
    neg = np.sort(np.asarray(negatives))
    low = np.searchsorted(neg, positives, side="left")
    high = np.searchsorted(neg, positives, side="right")
    return float(np.mean((low + 0.5 * (high - low)) / len(neg)))


def share(values: list[bool] | list[float]) -> float | None:
    return round(float(np.mean(values)), 4) if values else None


def report(rows: list[dict], threshold: float) -> dict:
    out = {}
    for lang in (*LANGUAGES, "all"):
        mine = [
            r for r in rows if r["lang"] == lang or (lang == "all" and r["lang"] in LANGUAGES[:3])
        ]
        answerable = [r for r in mine if r["gold"] is not None]
        unanswerable = [r for r in mine if r["gold"] is None]
        positives = [r["scores"][r["gold"]] for r in answerable]
        negatives = [s for r in mine for i, s in enumerate(r["scores"]) if i != r["gold"]]
        out[lang] = {
            "answerable": len(answerable),
            "unanswerable": len(unanswerable),
            "auc": round(auc(positives, negatives), 4),
            "top_sentence": share([r["best"] == r["gold"] for r in answerable]),
            "span_exact": share([r["exact"] for r in answerable]),
            "span_f1": share([r["f1"] for r in answerable]),
            "false_abstention": share([max(r["scores"]) < threshold for r in answerable]),
            "abstention": share([max(r["scores"]) < threshold for r in unanswerable]),
        }
    return out


def highest_threshold(best_by_language: dict[str, list[float]], target: float) -> float:
    """The highest threshold (rounded down to 6 decimals, as stored) that declines at most
    `target` of each language's answerable questions, given each one's best score."""
    limits = []
    for best in best_by_language.values():
        if best:
            limits.append(sorted(best)[int(np.floor(target * len(best)))])
    return math.floor(min(limits) * 1e6) / 1e6


def calibrate(rows: list[dict], target: float) -> float:
    return highest_threshold(
        {
            lang: [max(r["scores"]) for r in rows if r["lang"] == lang and r["gold"] is not None]
            for lang in CALIBRATED_ON
        },
        target,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weights", type=Path, default=WEIGHTS)
    parser.add_argument("--target", type=float, default=0.05)
    parser.add_argument("--limit", type=int, default=0, help="held-out questions (0: all)")
    args = parser.parse_args()
    _, held = split(read_records())
    groups = [*held_out_groups(held), *held_out_groups(held, switch=switched)]
    if args.limit:
        groups = groups[:: max(1, len(groups) // args.limit)]
    with tempfile.TemporaryDirectory() as models:
        reader = Reader(Path(models), threads=2, weights=args.weights)
        started = time.time()
        rows = readings(reader, groups)
        elapsed = time.time() - started
    threshold = calibrate(rows, args.target)
    figures = report(rows, threshold)
    # The reader alone, reported; the engine decides with the answer decision, which
    # training/fit_decision.py fits for these weights and adds here (`make fit-decision`).
    calibration = {
        "reader_alone_threshold": threshold,
        "false_abstention": figures["all"]["false_abstention"],
        "target_per_language": args.target,
        "layers": reader.layers,
        "held_out": figures,
        "seconds_per_question": round(elapsed / len(groups), 4),
    }
    print(json.dumps(calibration, indent=1))
    args.weights.with_suffix(".json").write_text(json.dumps(calibration, indent=1) + "\n")


if __name__ == "__main__":
    main()
