"""The shipped evaluation set (evals/sets/seed.jsonl) is sound against the shipped documents."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from evals import EvalItem, EvalSetError, default_eval_set, load_eval_set
from evals.metrics import holds
from ingest import default_corpus
from ui.context import Context

LANGS = ("fr", "en", "zh")
MIN_PER_LANG = 15
MIN_UNANSWERABLE = 6
MIN_CROSS_LINGUAL = 8
MIN_MULTI_HOP = 5
MIN_PER_OTHER_TYPE = 3  # fact, list, why/how
MAX_QUOTE_CHARS = 300


def norm(text: str) -> str:
    """Whitespace collapsed and Markdown bold removed, as the gold quotes are written."""
    return re.sub(r"\s+", " ", text.replace("**", "")).strip()


@cache
def documents() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(default_corpus().glob("*.txt"))}


def source_paragraphs(doc: str) -> list[str]:
    """Blocks separated by blank lines in the source file, normalised."""
    return [norm(block) for block in re.split(r"\n\s*\n", documents()[doc]) if block.strip()]


@pytest.fixture(scope="module")
def items() -> list[EvalItem]:
    return load_eval_set(default_eval_set())


@pytest.fixture(scope="module")
def answerable(items: list[EvalItem]) -> list[EvalItem]:
    return [item for item in items if item.answerable]


def test_the_set_loads_with_unique_ids(items: list[EvalItem]) -> None:
    ids = [item.id for item in items]
    assert len(ids) == len(set(ids))
    raw = default_eval_set().read_text(encoding="utf-8").splitlines()
    assert len(items) == len([line for line in raw if line.strip()])


def test_ids_name_their_language(items: list[EvalItem]) -> None:
    for item in items:
        assert re.fullmatch(rf"{item.lang}-\d{{2,}}", item.id), item.id


def test_every_language_has_enough_questions(items: list[EvalItem]) -> None:
    per_language = Counter(str(item.lang) for item in items)
    for lang in LANGS:
        assert per_language[lang] >= MIN_PER_LANG, per_language


def test_question_types_are_covered(items: list[EvalItem]) -> None:
    per_type = Counter(item.type for item in items)
    assert per_type["unanswerable"] >= MIN_UNANSWERABLE, per_type
    assert per_type["cross-lingual"] >= MIN_CROSS_LINGUAL, per_type
    assert per_type["multi-hop"] >= MIN_MULTI_HOP, per_type
    for kind in ("fact", "list", "why/how"):
        assert per_type[kind] >= MIN_PER_OTHER_TYPE, per_type


def test_unanswerable_questions_are_spread_over_the_languages(items: list[EvalItem]) -> None:
    assert {item.lang for item in items if not item.answerable} == set(LANGS)


def test_unanswerable_means_type_unanswerable_without_gold(items: list[EvalItem]) -> None:
    for item in items:
        assert (item.type == "unanswerable") == (not item.answerable), item.id
        if not item.answerable:
            assert item.gold == [] and item.key_facts == [], item.id


def test_answerable_questions_have_gold_key_facts_and_an_answer(
    answerable: list[EvalItem],
) -> None:
    for item in answerable:
        assert item.gold, item.id
        assert item.key_facts and all(f.strip() for f in item.key_facts), item.id
        assert item.answer.strip(), item.id
        assert item.question.strip(), item.id


def test_gold_quotes_are_exact_words_of_the_shipped_documents(
    answerable: list[EvalItem],
) -> None:
    for item in answerable:
        for gold in item.gold:
            assert gold.doc in documents(), f"{item.id}: unknown document {gold.doc}"
            assert "**" not in gold.quote, item.id
            quote = norm(gold.quote)
            assert quote, item.id
            assert len(quote) <= MAX_QUOTE_CHARS, item.id
            assert quote in norm(documents()[gold.doc]), f"{item.id}: {gold.quote[:80]!r}"


def test_gold_quotes_stay_inside_one_source_paragraph(answerable: list[EvalItem]) -> None:
    for item in answerable:
        for gold in item.gold:
            blocks = source_paragraphs(gold.doc)
            assert any(norm(gold.quote) in block for block in blocks), (
                f"{item.id}: quote crosses a paragraph boundary: {gold.quote[:80]!r}"
            )


def test_key_facts_are_inside_the_gold_quotes(answerable: list[EvalItem]) -> None:
    for item in answerable:
        quotes = [norm(gold.quote) for gold in item.gold]
        for fact in item.key_facts:
            assert any(norm(fact) in quote for quote in quotes), f"{item.id}: {fact!r}"


def test_multi_hop_gold_comes_from_two_paragraphs(answerable: list[EvalItem]) -> None:
    for item in answerable:
        if item.type != "multi-hop":
            continue
        hit = {
            (
                gold.doc,
                next(i for i, b in enumerate(source_paragraphs(gold.doc)) if norm(gold.quote) in b),
            )
            for gold in item.gold
        }
        assert len(hit) >= 2, item.id


def test_every_gold_quote_is_held_by_an_ingested_paragraph(
    answerable: list[EvalItem], seeded_context: Context
) -> None:
    """The scorer gives credit only when a stored paragraph holds the quote: it must be possible."""
    paragraphs = seeded_context.store.paragraphs()
    for item in answerable:
        for gold in item.gold:
            assert any(holds(p, gold) for p in paragraphs), f"{item.id}: {gold.quote[:80]!r}"


def test_cross_lingual_questions_have_evidence_only_in_other_languages(
    answerable: list[EvalItem], seeded_context: Context
) -> None:
    paragraphs = seeded_context.store.paragraphs()
    for item in answerable:
        languages = {p.lang for gold in item.gold for p in paragraphs if holds(p, gold)}
        if item.type == "cross-lingual":
            assert item.lang not in languages, item.id
        elif item.lang != "en":  # the seed documents are French and Chinese only
            assert item.lang in languages, item.id


# -- the loader refuses broken sets with the line named -----------------------------------------


GOOD = {
    "id": "fr-99",
    "lang": "fr",
    "question": "Quand ?",
    "answerable": True,
    "gold": [{"doc": "a.txt", "quote": "le 20 septembre 2017"}],
    "answer": "Le 20 septembre 2017.",
    "key_facts": ["20 septembre 2017"],
    "type": "fact",
}


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        ([json.dumps(GOOD), json.dumps(GOOD)], "line 2: duplicate id 'fr-99'"),
        ([json.dumps(GOOD), "{not json"], "line 2"),
        ([json.dumps(GOOD | {"gold": []})], "line 1"),
        ([json.dumps(GOOD | {"lang": "de"})], "line 1"),
        ([json.dumps(GOOD | {"answerable": False})], "line 1"),
        ([json.dumps(GOOD | {"extra": 1})], "line 1"),
        (["", "  "], "holds no questions"),
    ],
)
def test_the_loader_names_the_bad_line(tmp_path: Path, lines: list[str], says: str) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(EvalSetError, match=re.escape(says)):
        load_eval_set(path)


def test_the_loader_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(EvalSetError, match="does not exist"):
        load_eval_set(tmp_path / "missing.jsonl")
