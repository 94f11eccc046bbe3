"""The pairs every trainer trains on (training/train_reader.py here, training/gpu_bundle.py for
a GPU machine): the examples of training/reader_data.py, encoded as the engine encodes them."""

from __future__ import annotations

import random
from pathlib import Path

from assistant.reader_input import encode_pair, question_tokens
from store import E5Tokenizer
from training import mined_negatives
from training.code_switch import switched
from training.gpu_bundle import Pair
from training.reader_data import (
    Example,
    held_out_groups,
    read_records,
    split,
    training_examples,
)
from training.swapped_questions import Swapper

SEED = 13


def prepared(
    smoke: bool = False, mined: Path | None = None
) -> tuple[list[Example], list[list[Example]]]:
    """The training examples and the held-out groups (as asked, then code-switched), as every
    trainer builds them; `smoke`: 64 examples and 8 groups; `mined`: a reader's mistakes
    (training/mined_negatives.py) added as negatives."""
    train, held = split(read_records())
    swapper = Swapper((r.lang, r.title, r.question) for r in train if r.answers)
    hard = mined_negatives.load(mined) if mined else None
    examples = list(training_examples(train, switch=switched, swapper=swapper, mined=hard))
    groups = [*held_out_groups(held), *held_out_groups(held, switch=switched)]
    if smoke:
        examples, groups = random.Random(SEED).sample(examples, 64), groups[:8]
    return examples, groups


def encode(tokenizer: E5Tokenizer, e: Example) -> Pair:
    """ids, label, start and end token positions (-1 for negatives or an answer cut off), and
    the position of the sentence's first token."""
    pair = encode_pair(tokenizer, question_tokens(tokenizer, e.question), e.context, e.sentence)
    start = end = -1
    if e.span is not None:
        inside = [i for i, (a, b) in enumerate(pair.spans) if b > e.span[0] and a < e.span[1]]
        if inside:
            start, end = pair.first + inside[0], pair.first + inside[-1]
    return pair.ids, e.label, start, end, pair.first
