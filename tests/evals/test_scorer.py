"""The scorer on hand-made answers: each metric means what it says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import Answer, Citation, Hit
from evals import EvalItem, EvalRun, GoldQuote, format_summary, score_answer, summarize_slices
from evals.metrics import summarize
from evals.runner import METRIC_LABELS
from store import Paragraph, content_hash

DOC = "000_08fd0699280038d4.txt"
OTHER = "004_c1644274363e99c0.txt"

TEXTS = {
    (DOC, 1): "Lettre datée du 13 décembre 2017, adressée au Secrétaire général.",
    (DOC, 2): "3. Le Kazakhstan, la Turquie et la Chine ont tour à tour assuré la présidence.",
    (DOC, 3): "7. Nous sommes déterminés à élargir la CICA.\nNew York, le 20 septembre 2017",
    (OTHER, 1): "Lors du sommet de Shanghai en 2014, ce mécanisme comptait 26 pays membres.",
    (OTHER, 2): "截止到2014年的上海亚信峰会，亚信会议已有26个成员国。",
    (OTHER, 3): "Lettre datée du 13 décembre 2017, adressée au Secrétaire général.",
}


def paragraph(doc: str, ordinal: int) -> Paragraph:
    text = TEXTS[(doc, ordinal)]
    return Paragraph(
        id=f"{doc}#{ordinal}",
        doc_id=doc,
        doc_title="title",
        source=doc,
        ordinal=ordinal,
        section="",
        page=None,
        lang="zh" if "成员国" in text else "fr",
        text=text,
        start=0,
        end=len(text),
        content_hash=content_hash(text),
    )


def cite(marker: int, p: Paragraph) -> Citation:
    quote = p.text.splitlines()[0]
    return Citation(marker=marker, paragraph=p, quote=quote, start=0, end=len(quote))


def make_answer(
    cited: list[Paragraph],
    retrieved: list[Paragraph] | None = None,
    abstained: bool = False,
    text: str | None = None,
    timings: dict[str, float] | None = None,
) -> Answer:
    citations = tuple(cite(n, p) for n, p in enumerate(cited, start=1))
    if text is None:
        text = " ".join(f"{c.quote} [{c.marker}]" for c in citations) or "The documents don't say."
    hits = tuple(
        Hit(p, score=1.0 / n)
        for n, p in enumerate(retrieved if retrieved is not None else cited, 1)
    )
    return Answer("question?", "fr", text, citations, abstained, hits, timings or {"answer": 5.0})


def item(
    gold: list[GoldQuote],
    key_facts: list[str] | None = None,
    lang: str = "fr",
    kind: str = "fact",
    item_id: str = "fr-01",
) -> EvalItem:
    return EvalItem.model_validate(
        {
            "id": item_id,
            "lang": lang,
            "question": "question?",
            "answerable": bool(gold),
            "gold": gold,
            "answer": "reference",
            "key_facts": key_facts or [],
            "type": kind if gold else "unanswerable",
        }
    )


LETTER = GoldQuote(doc=DOC, quote="Lettre datée du 13 décembre 2017")
PRESIDENCY = GoldQuote(doc=DOC, quote="la Turquie et la Chine ont tour à tour")
NEW_YORK = GoldQuote(doc=DOC, quote="New York,   le 20 septembre 2017")


def test_a_perfect_answer_scores_one_everywhere() -> None:
    question = item([LETTER], key_facts=["13 décembre 2017"])

    score = score_answer(question, make_answer([paragraph(DOC, 1)]))

    assert score.evidence_recall == 1.0
    assert score.citation_precision == 1.0
    assert score.key_fact_coverage == 1.0
    assert score.retrieval_rank == 1
    assert not score.abstained and not score.failed


def test_citing_the_wrong_paragraph_scores_zero() -> None:
    question = item([LETTER], key_facts=["13 décembre 2017"])

    score = score_answer(question, make_answer([paragraph(DOC, 2)]))

    assert score.evidence_recall == 0.0
    assert score.citation_precision == 0.0
    assert score.key_fact_coverage == 0.0
    assert score.retrieval_rank is None
    assert score.failed


def test_the_quote_must_be_in_the_named_document() -> None:
    # The same sentence in another document is not the gold evidence.
    score = score_answer(item([LETTER]), make_answer([paragraph(OTHER, 3)]))

    assert score.evidence_recall == 0.0
    assert score.citation_precision == 0.0


def test_recall_counts_each_needed_quote_and_precision_each_citation() -> None:
    question = item([LETTER, PRESIDENCY], kind="multi-hop")

    one_of_two = score_answer(question, make_answer([paragraph(DOC, 1), paragraph(OTHER, 1)]))
    both = score_answer(question, make_answer([paragraph(DOC, 2), paragraph(DOC, 1)]))

    assert one_of_two.evidence_recall == 0.5
    assert one_of_two.citation_precision == 0.5
    assert one_of_two.failed
    assert both.evidence_recall == 1.0
    assert both.citation_precision == 1.0
    assert not both.failed


def test_gold_in_one_group_are_alternatives() -> None:
    date_in_letter = GoldQuote(doc=DOC, quote="13 décembre 2017", group=0)
    date_in_fact_sheet = GoldQuote(doc=OTHER, quote="26 pays membres", group=0)
    question = item([date_in_letter, date_in_fact_sheet])

    either = score_answer(question, make_answer([paragraph(OTHER, 1)]))
    other = score_answer(question, make_answer([paragraph(DOC, 1)]))

    assert either.evidence_recall == 1.0
    assert other.evidence_recall == 1.0
    assert question.gold_groups() == [[date_in_letter, date_in_fact_sheet]]


def test_a_group_and_a_lone_quote_are_both_needed() -> None:
    question = item(
        [
            GoldQuote(doc=OTHER, quote="26 pays membres", group=1),
            GoldQuote(doc=OTHER, quote="26个成员国", group=1),
            LETTER,
        ]
    )

    group_only = score_answer(question, make_answer([paragraph(OTHER, 2)]))
    group_and_lone = score_answer(question, make_answer([paragraph(OTHER, 2), paragraph(DOC, 1)]))

    assert len(question.gold_groups()) == 2
    assert group_only.evidence_recall == 0.5
    assert group_and_lone.evidence_recall == 1.0


def test_matching_ignores_whitespace_case_and_markup() -> None:
    question = item([NEW_YORK], key_facts=["NEW YORK", "20 **septembre** 2017"])
    answer = make_answer([paragraph(DOC, 3)], text="Adoptée à New York, le 20 septembre 2017 [1]")

    score = score_answer(question, answer)

    assert score.evidence_recall == 1.0
    assert score.key_fact_coverage == 1.0


def test_key_fact_coverage_is_the_share_found_in_the_answer_text() -> None:
    question = item([PRESIDENCY], key_facts=["Kazakhstan", "Turquie", "Chine", "Inde"])

    score = score_answer(question, make_answer([paragraph(DOC, 2)]))

    assert score.key_fact_coverage == 0.75


def test_retrieval_rank_is_the_first_gold_hit() -> None:
    retrieved = [paragraph(OTHER, 1), paragraph(DOC, 2), paragraph(DOC, 1)]

    score = score_answer(item([LETTER]), make_answer([paragraph(DOC, 1)], retrieved=retrieved))

    assert score.retrieval_rank == 3
    summary = summarize([score])
    assert summary["retrieval_r1"] == 0.0
    assert summary["retrieval_r5"] == 1.0
    assert summary["retrieval_mrr"] == pytest.approx(1 / 3)


def test_abstaining_on_an_unanswerable_question_is_correct() -> None:
    question = item([], item_id="fr-15")

    abstained = score_answer(question, make_answer([], abstained=True, retrieved=[]))
    answered = score_answer(question, make_answer([paragraph(DOC, 1)]))

    assert abstained.abstained and not abstained.failed
    assert abstained.evidence_recall is None and abstained.citation_precision is None
    assert answered.failed
    assert summarize([abstained])["abstention_accuracy"] == 1.0
    assert summarize([answered])["abstention_accuracy"] == 0.0
    assert summarize([abstained, answered])["abstention_accuracy"] == 0.5


def test_abstaining_on_an_answerable_question_is_a_false_abstention() -> None:
    question = item([LETTER], key_facts=["13 décembre 2017"])

    score = score_answer(question, make_answer([], abstained=True, retrieved=[paragraph(DOC, 1)]))

    assert score.failed
    assert score.evidence_recall == 0.0
    assert score.citation_precision is None
    assert score.key_fact_coverage == 0.0
    assert score.retrieval_rank == 1
    assert summarize([score])["false_abstention"] == 1.0


def test_latency_is_the_sum_of_the_timings() -> None:
    answer = make_answer([paragraph(DOC, 1)], timings={"retrieve": 12.5, "answer": 30.0})

    assert score_answer(item([LETTER]), answer).latency_ms == 42.5


def test_slices_split_by_language_and_cross_lingual() -> None:
    scores = [
        score_answer(item([LETTER], item_id="fr-01"), make_answer([paragraph(DOC, 1)])),
        score_answer(
            item([LETTER], lang="zh", kind="cross-lingual", item_id="zh-01"),
            make_answer([paragraph(DOC, 2)]),
        ),
        score_answer(item([], lang="en", item_id="en-01"), make_answer([], abstained=True)),
    ]

    summary = summarize_slices(scores)

    assert set(summary) == {"fr", "en", "zh", "cross-lingual", "all"}
    assert summary["all"]["questions"] == 3
    assert summary["fr"]["evidence_recall"] == 1.0
    assert summary["zh"]["evidence_recall"] == 0.0
    assert summary["cross-lingual"]["questions"] == 1
    assert summary["cross-lingual"]["evidence_recall"] == 0.0
    assert summary["all"]["evidence_recall"] == 0.5
    assert summary["en"]["evidence_recall"] is None  # no answerable English question
    assert summary["en"]["abstention_accuracy"] == 1.0
    assert summary["fr"]["abstention_accuracy"] is None

    table = format_summary(summary)
    for label in METRIC_LABELS.values():
        assert label in table
    assert "cross-lingual" in table.splitlines()[0]


def test_an_eval_run_writes_one_contract_line_per_question(tmp_path: Path) -> None:
    items = [item([LETTER], item_id="fr-01"), item([], lang="en", item_id="en-01")]
    answers = [make_answer([paragraph(DOC, 1)]), make_answer([], abstained=True)]
    run = EvalRun(items, answers, [score_answer(i, a) for i, a in zip(items, answers, strict=True)])
    out = tmp_path / "results" / "run.jsonl"

    run.write(out)

    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == ["fr-01", "en-01"]
    assert rows[0]["citations"][0]["paragraph_id"] == f"{DOC}#1"
    assert rows[0]["scores"]["evidence_recall"] == 1.0
    assert rows[1]["abstained"] is True
    assert rows[1]["scores"]["answerable"] is False
