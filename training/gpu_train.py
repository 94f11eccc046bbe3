"""Train the reader on a GPU machine from a bundle built here (training/gpu_bundle.py).

    python3 -m training.gpu_train --bundle .gpu --out $OUT [--epochs 3] [--freeze 0]

Runs where only torch and numpy are installed: the same model (training/reader_model.py) and
steps (training/reader_steps.py) as `make train-reader`, on cuda in bfloat16, with the layers
the bundle carries (all trained by default: a GPU has no need to spare the lower ones). Writes
the trained tensors in parts under 16 MiB (`python -m training.gpu_bundle --merge DIR` joins
them into assistant/models/reader.npz here), and a report: steps, time, the training loss and
the loss on held-out pairs before and after. `--init` starts from a reader.npz (v3's, say)
instead of e5's layers. `--student-layers N` then distils the trained reader into one of N
layers (started from its lowest N layers and heads, trained on the labels and on its outputs)
and returns that one: a 12-layer reader reads as well as it can, a 6-layer one twice as fast
(`--init assistant/models/reader.npz --epochs 0 --student-layers 3`: the shipped reader
distilled as it is). Fixed seeds.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from training.gpu_bundle import load, save_parts
from training.reader_model import Reader, Shape
from training.reader_steps import Plan, mean_loss, train

SEED = 13


def trained(
    model: Reader,
    pairs: list,
    pad: int,
    plan: Plan,
    device: str,
    label: str = "",
    teacher: Reader | None = None,
) -> tuple[int, int]:
    """`model` trained in place (reader_steps.train), its checkpoint in a temporary folder: too
    big to come back. Returns (steps done, steps planned)."""
    with tempfile.TemporaryDirectory() as work:
        return train(
            model,
            pairs,
            pad,
            plan,
            Path(work) / "checkpoint.pt",
            SEED,
            device,
            log=lambda m: print(f"{label}{m}", flush=True),
            teacher=teacher,
        )


def distilled(
    teacher: Reader, tensors: dict, meta: dict, pairs: list, held: list, args: argparse.Namespace
) -> tuple[Reader, dict]:
    """A reader of `--student-layers` layers, started from the teacher's lowest layers and its
    heads, trained on the pairs' labels and the teacher's outputs: fewer layers read faster."""
    teacher.eval()
    taught = {**tensors, **teacher.export()}  # the teacher's layers over e5's word table
    student = Reader(taught, Shape(**meta["shape"]), args.student_layers).to(args.device)
    plan = Plan(
        args.student_epochs, args.batch, args.lr, args.student_minutes, args.device != "cpu"
    )
    started = time.time()
    step, total = trained(student, pairs, meta["pad"], plan, args.device, "student ", teacher)
    return student, {
        "layers": args.student_layers,
        "step": step,
        "total": total,
        "training_s": round(time.time() - started),
        "held_out_loss": round(mean_loss(student, held, meta["pad"], args.device), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", type=Path, default=Path(".gpu"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--freeze", type=int, default=0, help="first layers kept as e5's")
    parser.add_argument("--minutes", type=float, default=7.0, help="training wall-time budget")
    parser.add_argument("--init", type=Path, help="a reader.npz to start from")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument(
        "--student-layers",
        type=int,
        default=0,
        help="then distil the trained reader into one of this many layers, returned instead",
    )
    parser.add_argument("--student-epochs", type=float, default=2.0)
    parser.add_argument("--student-minutes", type=float, default=3.0)
    args = parser.parse_args()

    torch.manual_seed(SEED)
    started = time.time()
    tensors, meta, pairs, held = load(args.bundle)
    if args.init:
        start = dict(np.load(args.init))
        layers = 1 + max(int(k.split(".")[0][1:]) for k in start if k.startswith("l"))
        if layers != meta["layers"]:
            raise SystemExit(
                f"{args.init} has {layers} layers, the bundle {meta['layers']}: build the "
                f"bundle with --layers {layers} (make gpu-bundle GPU_LAYERS={layers})"
            )
        tensors.update(start)
    model = Reader(tensors, Shape(**meta["shape"]), meta["layers"])
    model.freeze(args.freeze)
    model.to(args.device)
    pad = meta["pad"]
    before = mean_loss(model, held, pad, args.device)
    print(
        f"{len(pairs)} pairs, held-out loss {before:.4f}, loaded in {time.time() - started:.0f} s"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    plan = Plan(args.epochs, args.batch, args.lr, args.minutes, bf16=args.device != "cpu")
    trained_at = time.time()
    step = total = 0  # --epochs 0: the --init reader as it is (a teacher to distil, say)
    if args.epochs > 0:
        step, total = trained(model, pairs, pad, plan, args.device)
    seconds = time.time() - trained_at
    after = mean_loss(model, held, pad, args.device)
    report: dict = {}
    if args.student_layers:
        model, report["student"] = distilled(model, tensors, meta, pairs, held, args)
    parts = save_parts(model.export(), args.out)
    report |= {
        "step": step,
        "total": total,
        "training_s": round(seconds),
        "held_out_loss": {"before": round(before, 4), "after": round(after, 4)},
        "device": torch.cuda.get_device_name() if args.device.startswith("cuda") else "cpu",
        "args": {k: str(v) for k, v in vars(args).items()},
        "meta": meta,
        "parts": [p.name for p in parts],
    }
    (args.out / "report.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1), flush=True)


if __name__ == "__main__":
    main()
