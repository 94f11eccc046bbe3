"""Evaluation-set items (evals/sets/*.jsonl), validated on read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

QuestionType = Literal["fact", "list", "why/how", "multi-hop", "cross-lingual", "unanswerable"]


class GoldQuote(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    doc: str = Field(description="The source file's name.")
    quote: str = Field(min_length=1, description="Exact words of the paragraph that answers.")
    group: int | None = Field(
        default=None,
        description="Quotes sharing a group are alternatives (either one is evidence enough); "
        "a quote without a group is needed on its own.",
    )


class EvalItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    lang: Literal["fr", "en", "zh"]
    question: str = Field(min_length=1)
    answerable: bool
    gold: list[GoldQuote] = Field(default_factory=list)
    answer: str = ""
    key_facts: list[str] = Field(default_factory=list)
    type: QuestionType

    @model_validator(mode="after")
    def _gold_matches_answerable(self) -> EvalItem:
        if self.answerable and not self.gold:
            raise ValueError(f"{self.id}: an answerable question needs gold quotes")
        if not self.answerable and self.gold:
            raise ValueError(f"{self.id}: an unanswerable question has no gold quotes")
        return self

    @property
    def cross_lingual(self) -> bool:
        """The question's language differs from every gold quote's document text language."""
        return self.type == "cross-lingual"

    def gold_groups(self) -> list[list[GoldQuote]]:
        groups: dict[object, list[GoldQuote]] = {}
        for index, quote in enumerate(self.gold):
            key = ("group", quote.group) if quote.group is not None else ("own", index)
            groups.setdefault(key, []).append(quote)
        return list(groups.values())


class EvalSetError(ValueError):
    """The evaluation set file cannot be read; the message names the line."""


def load_eval_set(path: Path) -> list[EvalItem]:
    if not path.is_file():
        raise EvalSetError(f"{path} does not exist; give the path of a .jsonl evaluation set")
    items: list[EvalItem] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = EvalItem.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise EvalSetError(f"{path.name} line {number}: {exc}") from exc
        if item.id in seen:
            raise EvalSetError(f"{path.name} line {number}: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise EvalSetError(f"{path.name} holds no questions")
    return items
