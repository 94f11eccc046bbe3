"""Which candidate sentence leads the answer, and whether to answer at all.

A logistic model over what the engine knows of each candidate sentence: the reader's support,
the retrieval rank of its paragraph and the sentence's similarity to the question. The reader
alone reads one sentence at a time and cannot see that its paragraph came first in retrieval
or that the question is about something the collection never mentions; retrieval alone cannot
read. Fitted on held-out questions asked through retrieval, including questions whose articles
are not in the collection (training/fit_decision.py); its weights and threshold are in the
reader's calibration file (reader.json), beside the reader's weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.errors import ConfigurationError

FEATURES = ("reader_logit", "log_rank", "cosine", "top_hit")
_EPSILON = 1e-6
_REFIT = (
    "refit it for the reader's weights with `make fit-decision` (python -m training.fit_decision)"
)


def features(supports: Sequence[float], ranks: Sequence[int], cosines: np.ndarray) -> np.ndarray:
    """One row per candidate, the columns of FEATURES."""
    support = np.clip(np.asarray(supports, dtype=np.float64), _EPSILON, 1 - _EPSILON)
    rank = np.asarray(ranks, dtype=np.float64)
    return np.stack(
        [np.log(support / (1 - support)), np.log(rank), np.asarray(cosines), rank == 1], axis=1
    )


@dataclass(frozen=True)
class AnswerDecision:
    weights: tuple[float, ...]  # one per FEATURES, then the intercept
    threshold: float  # no candidate this likely to answer: decline
    embedder: str = ""  # the store's first embedder, whose cosines it was fitted on

    def check_embedder(self, first: str) -> None:
        """Cosines of another embedder have another scale: refuse rather than misjudge."""
        if self.embedder and self.embedder != first:
            raise ConfigurationError(
                f"the reader's answer decision was fitted on '{self.embedder}' cosines and this "
                f"store's first embedder is '{first}': index with DOCQA_EMBEDDERS starting with "
                f"{self.embedder}, or refit the decision for it (make fit-decision)"
            )

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES) + 1:
            raise ConfigurationError(
                f"the answer decision has {len(self.weights)} weights, wants "
                f"{len(FEATURES) + 1}: {_REFIT}"
            )

    def log_odds(self, rows: np.ndarray) -> np.ndarray:
        """Per candidate (rows of `features`), the log-odds that it holds the answer."""
        w = np.asarray(self.weights)
        return np.asarray(rows @ w[:-1] + w[-1])

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.log_odds(rows)))

    def worth_reading(self, ranks: Sequence[int], cosines: np.ndarray, count: int) -> list[int]:
        """The `count` candidates most likely to answer before the reader has read any (its
        support taken as even): the reader's time goes to them, best first."""
        before = self.log_odds(features([0.5] * len(ranks), ranks, cosines))
        return [int(i) for i in np.argsort(-before, kind="stable")[:count]]

    def to_json(self) -> dict:
        return {
            "features": list(FEATURES),
            "weights": [round(w, 6) for w in self.weights],
            "threshold": self.threshold,  # as fitted (highest_threshold rounds it down)
            "embedder": self.embedder,
        }

    @classmethod
    def reader_alone(cls, threshold: float = 0.0) -> AnswerDecision:
        """The reader's support as it is: weight 1 on its logit, none on the rest."""
        return cls((1.0, *[0.0] * len(FEATURES)), threshold)

    @classmethod
    def from_json(cls, data: Mapping) -> AnswerDecision:
        if list(data.get("features", [])) != list(FEATURES):
            raise ConfigurationError(
                f"the answer decision was fitted on {data.get('features')}, the engine computes "
                f"{list(FEATURES)}: {_REFIT}"
            )
        weights = tuple(float(w) for w in data["weights"])
        return cls(weights, float(data["threshold"]), str(data.get("embedder", "")))
