"""The reader's training loop, on whatever device torch has: the same steps here (CPU,
training/train_reader.py) and on a GPU machine (training/gpu_train.py). torch and numpy only.

Pairs (training/gpu_bundle.py's `Pair`) are encoded by training/reader_pairs.py.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from training.gpu_bundle import Pair
from training.reader_model import Reader


@dataclass(frozen=True)
class Plan:
    epochs: float
    batch: int
    lr: float
    minutes: float  # wall-time budget: training stops there, checkpointed
    bf16: bool = False  # autocast to bfloat16 (GPUs)
    teacher_share: float = 0.5  # of the loss that follows a teacher's outputs, given one


def batches(encoded: list[Pair], size: int, rng: random.Random) -> list[list[Pair]]:
    """Batches of similar length (less padding), in random order."""
    order = sorted(range(len(encoded)), key=lambda i: (len(encoded[i][0]), rng.random()))
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(chunks)
    return [[encoded[i] for i in chunk] for chunk in chunks]


def tensors(batch: list[Pair], pad: int, device: str = "cpu") -> tuple[torch.Tensor, ...]:
    width = max(len(ids) for ids, *_ in batch)
    ids = torch.full((len(batch), width), pad, dtype=torch.long)
    mask = torch.zeros((len(batch), width))
    for row, (sequence, *_) in enumerate(batch):
        ids[row, : len(sequence)] = torch.tensor(sequence)
        mask[row, : len(sequence)] = 1.0
    labels = torch.tensor([b[1] for b in batch], dtype=torch.float)
    starts = torch.tensor([b[2] for b in batch])
    ends = torch.tensor([b[3] for b in batch])
    return tuple(t.to(device) for t in (ids, mask, labels, starts, ends))


def loss_of(
    model: Reader,
    batch: tuple[torch.Tensor, ...],
    teacher: Reader | None = None,
    teacher_share: float = 0.5,
) -> torch.Tensor:
    """Binary cross-entropy of `answer` plus half the start/end cross-entropy on positives;
    with a teacher (distillation), that share of it against the teacher's outputs instead."""
    ids, mask, labels, starts, ends = batch
    answer, span = model(ids, mask)
    answer, span = answer.float(), span.float()
    has_span = starts >= 0
    span = span + ((1.0 - mask) * -10000.0)[..., None]  # padding is never an answer
    loss = nn.functional.binary_cross_entropy_with_logits(answer, labels)
    if has_span.any():
        loss = loss + 0.5 * (
            nn.functional.cross_entropy(span[has_span][..., 0], starts[has_span])
            + nn.functional.cross_entropy(span[has_span][..., 1], ends[has_span])
        )
    if teacher is None:
        return loss
    with torch.no_grad():
        taught, taught_span = (t.float() for t in teacher(ids, mask))
        taught_span = taught_span + ((1.0 - mask) * -10000.0)[..., None]
    soft = nn.functional.binary_cross_entropy_with_logits(answer, torch.sigmoid(taught))
    if has_span.any():
        for end in (0, 1):
            target = torch.softmax(taught_span[has_span][..., end], dim=-1)
            found = torch.log_softmax(span[has_span][..., end], dim=-1)
            soft = soft - 0.5 * (target * found).sum(-1).mean()
    return (1 - teacher_share) * loss + teacher_share * soft


def train(
    model: Reader,
    encoded: list[Pair],
    pad: int,
    plan: Plan,
    checkpoint: Path,
    seed: int = 13,
    device: str = "cpu",
    log: Callable[[str], None] = print,
    teacher: Reader | None = None,
) -> tuple[int, int]:
    """AdamW with warm-up and linear decay over `plan.epochs`; checkpoints every 5 minutes and
    resumes from `checkpoint` when it exists; learns from `teacher` too when given (in eval
    mode, on the same device). Returns (steps done, steps planned)."""
    rng = random.Random(seed)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=plan.lr, weight_decay=0.01)
    order = batches(encoded, plan.batch, rng)
    total = max(1, int(len(order) * plan.epochs))
    warmup = max(1, total // 20)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))),
    )
    step = 0
    if checkpoint.exists():
        state = torch.load(checkpoint, map_location=device)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step = state["step"]
        log(f"resumed at step {step}")

    def save() -> None:
        state = {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "step": step,
        }
        torch.save(state, checkpoint)

    model.train()
    started = saved_at = time.time()
    deadline = started + plan.minutes * 60
    losses: list[float] = []
    while step < total and time.time() < deadline:
        batch = tensors(order[step % len(order)], pad, device)
        autocast = (
            torch.autocast(device_type=device.split(":")[0], dtype=torch.bfloat16)
            if plan.bf16
            else contextlib.nullcontext()
        )
        with autocast:
            loss = loss_of(model, batch, teacher, plan.teacher_share)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        scheduler.step()
        step += 1
        losses.append(loss.item())
        if step % 50 == 0:
            rate = len(losses) * plan.batch / (time.time() - started)
            log(f"step {step}/{total} loss {np.mean(losses[-50:]):.3f} ({rate:.1f} pairs/s)")
        if time.time() - saved_at > 300:
            save()
            saved_at = time.time()
    save()  # the last step, or where the wall-time budget stopped it
    return step, total


@torch.no_grad()
def mean_loss(model: Reader, encoded: list[Pair], pad: int, device: str = "cpu") -> float:
    """The training loss on pairs never trained on (a held-out check without the tokenizer)."""
    model.eval()
    losses = [
        loss_of(model, tensors(encoded[i : i + 64], pad, device)).item() * len(encoded[i : i + 64])
        for i in range(0, len(encoded), 64)
    ]
    model.train()
    return float(sum(losses) / max(1, len(encoded)))
