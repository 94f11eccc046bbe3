"""The assistant over the seeded store: cited answers, abstentions and the answer contract."""

from __future__ import annotations

import json
import re

import pytest

from assistant import Answer, Assistant, QuestionError, answer_json
from assistant.sentences import split_sentences
from evals import EvalItem, default_eval_set, load_eval_set
from tests.contract_keys import CITATION_KEYS, CONTRACT_KEYS
from text import detect_language
from ui.context import Context

DECLARATION = "000_08fd0699280038d4.txt"
FACT_SHEET = "004_c1644274363e99c0.txt"
MARKER = re.compile(r"\[(\d+)\]")
LETTER = re.compile(r"[^\W\d_]")

RETRIEVED_KEYS = {"paragraph_id", "doc", "score"}

# Questions the seed corpus answers in plain words: (question, language, evidence, fact).
# The answer must cite a paragraph holding one of the evidence strings and state the fact.
ANSWERABLE = [
    ("亚信会议有多少个成员国？", "zh", ("26个成员国", "26 pays membres"), "26"),
    (
        "Combien de pays membres la CICA comptait-elle en 2014 ?",
        "fr",
        ("26 pays membres", "26个成员国"),
        "26",
    ),
    (
        "How many member countries did CICA have by the time of the 2014 Shanghai summit?",
        "en",
        ("26 pays membres", "26个成员国"),
        "26",
    ),
    (
        "De quand date la lettre que la Chine et le Kazakhstan ont envoyée au Secrétaire "
        "général de l'ONU ?",
        "fr",
        ("Lettre datée du 13 décembre 2017",),
        "13 décembre 2017",
    ),
    (
        "习近平在上海亚信峰会上提出了怎样的亚洲安全观？",
        "zh",
        ("共同、综合、合作、可持续", "commune, globale, coopérative et durable"),
        "可持续",
    ),
]

UNANSWERABLE = [
    ("What is CICA's annual budget?", "en"),
    ("Quel est le budget annuel de la CICA ?", "fr"),
    ("亚信会议的年度预算是多少？", "zh"),
]


@pytest.fixture(scope="module")
def seed_answers(seeded_assistant: Assistant) -> list[tuple[EvalItem, Answer]]:
    """Every question of the seed evaluation set, answered once for the property checks."""
    return [
        (item, seeded_assistant.ask(item.question)) for item in load_eval_set(default_eval_set())
    ]


# -- properties of every answer ----------------------------------------------------------------


def test_every_quote_is_the_exact_span_of_its_paragraph(
    seed_answers: list[tuple[EvalItem, Answer]],
) -> None:
    for item, answer in seed_answers:
        for citation in answer.citations:
            text = citation.paragraph.text
            assert text[citation.start : citation.end] == citation.quote, item.id
            assert citation.quote.strip(), item.id


def test_every_answer_sentence_carries_a_marker_that_has_a_citation(
    seed_answers: list[tuple[EvalItem, Answer]],
) -> None:
    for item, answer in seed_answers:
        markers = [int(n) for n in MARKER.findall(answer.text)]
        cited = [c.marker for c in answer.citations]
        if answer.abstained:
            assert markers == [] and cited == [], item.id
            continue
        assert cited == list(range(1, len(cited) + 1)), item.id
        assert set(markers) == set(cited), item.id
        *claims, tail = MARKER.split(answer.text)[::2]
        assert not LETTER.search(tail), f"{item.id}: text after the last marker: {tail!r}"
        for claim in claims:
            sentences = split_sentences(claim)
            assert len(sentences) == 1, f"{item.id}: one marker for {len(sentences)}: {claim!r}"


def test_answers_are_in_the_question_language(
    seed_answers: list[tuple[EvalItem, Answer]],
) -> None:
    for item, answer in seed_answers:
        assert answer.language == item.lang, item.id
        assert answer.question == item.question


def test_retrieved_hits_are_sorted_by_score_and_distinct(
    seed_answers: list[tuple[EvalItem, Answer]], seeded_assistant: Assistant
) -> None:
    for item, answer in seed_answers:
        scores = [hit.score for hit in answer.retrieved]
        assert answer.retrieved, item.id
        assert scores == sorted(scores, reverse=True), item.id
        assert len(answer.retrieved) <= seeded_assistant.settings.top_k
        ids = [hit.paragraph.id for hit in answer.retrieved]
        assert len(ids) == len(set(ids)), item.id


def test_cited_paragraphs_were_retrieved(seed_answers: list[tuple[EvalItem, Answer]]) -> None:
    for item, answer in seed_answers:
        # a hit is one piece of evidence: its paragraph and its parallel translations
        retrieved = {p.id for hit in answer.retrieved for p in (hit.paragraph, *hit.translations)}
        assert {c.paragraph.id for c in answer.citations} <= retrieved, item.id


# -- answers and abstentions -------------------------------------------------------------------


@pytest.mark.parametrize(("question", "lang", "evidence", "fact"), ANSWERABLE)
def test_a_clearly_answered_question_gets_a_cited_answer(
    seeded_assistant: Assistant, question: str, lang: str, evidence: tuple[str, ...], fact: str
) -> None:
    answer = seeded_assistant.ask(question)

    assert answer.language == lang
    assert not answer.abstained, answer.text
    assert any(
        needle in citation.paragraph.text for citation in answer.citations for needle in evidence
    ), [c.paragraph.id for c in answer.citations]
    assert fact in answer.text


@pytest.mark.parametrize(("question", "lang"), UNANSWERABLE)
def test_an_unanswerable_question_abstains_in_its_language(
    seeded_assistant: Assistant, question: str, lang: str
) -> None:
    answer = seeded_assistant.ask(question)

    assert answer.abstained, answer.text
    assert answer.citations == ()
    assert not MARKER.search(answer.text)
    assert answer.language == lang
    assert detect_language(answer.text) == lang, answer.text
    assert answer.retrieved  # the nearest paragraphs are still shown


def test_an_empty_store_abstains_and_says_so_in_the_question_language(
    empty_context: Context,
) -> None:
    for question, lang in UNANSWERABLE:
        answer = empty_context.assistant.ask(question)

        assert answer.abstained
        assert answer.citations == () and answer.retrieved == ()
        assert detect_language(answer.text) == lang
        assert "docqa ingest" in answer.text


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("", "empty"),
        ("   \n\t  ", "empty"),
        ("x" * 100_000, "100,000"),
        ("亚信" * 50_000, "100,000"),
    ],
)
def test_a_question_that_cannot_be_asked_is_refused_helpfully(
    seeded_assistant: Assistant, question: str, says: str
) -> None:
    with pytest.raises(QuestionError) as caught:
        seeded_assistant.ask(question)

    message = str(caught.value)
    assert says in message
    if says == "100,000":
        assert f"{seeded_assistant.settings.max_question_chars:,}" in message
    assert isinstance(caught.value, ValueError)


def test_surrounding_whitespace_is_not_part_of_the_question(seeded_assistant: Assistant) -> None:
    answer = seeded_assistant.ask("  \n亚信会议有多少个成员国？\t ")

    assert answer.question == "亚信会议有多少个成员国？"


def test_top_k_bounds_the_retrieved_list(seeded_assistant: Assistant) -> None:
    answer = seeded_assistant.ask("Quelles mesures de confiance la CICA applique-t-elle ?", top_k=2)

    assert 1 <= len(answer.retrieved) <= 2


# -- filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "field", "value"),
    [
        ({"doc": FACT_SHEET}, "doc_id", FACT_SHEET),
        ({"doc": DECLARATION}, "doc_id", DECLARATION),
        ({"lang": "zh"}, "lang", "zh"),
        ({"lang": "fr"}, "lang", "fr"),
    ],
)
def test_filters_restrict_retrieval(
    seeded_assistant: Assistant, filters: dict[str, str], field: str, value: str
) -> None:
    answer = seeded_assistant.ask("How many member states does CICA have?", filters=filters)

    assert answer.retrieved
    assert {getattr(hit.paragraph, field) for hit in answer.retrieved} == {value}
    assert {getattr(c.paragraph, field) for c in answer.citations} <= {value}


def test_doc_and_lang_filters_combine(seeded_assistant: Assistant) -> None:
    answer = seeded_assistant.ask(
        "亚信会议有多少个成员国？", filters={"doc": FACT_SHEET, "lang": "fr"}
    )

    assert [hit.paragraph.id for hit in answer.retrieved] == [f"{FACT_SHEET}#1"]


def test_a_filter_matching_nothing_abstains_without_claiming_the_store_is_empty(
    seeded_assistant: Assistant,
) -> None:
    # A stored document with no English paragraph (an unknown document is an UnknownDocument:
    # tests/assistant/test_retrieval.py).
    answer = seeded_assistant.ask(
        "How many member states does CICA have?",
        filters={"doc": "000_08fd0699280038d4.txt", "lang": "en"},
    )

    assert answer.abstained
    assert answer.retrieved == () and answer.citations == ()
    # The store holds documents: the answer must not tell the user to ingest some.
    assert "No documents are loaded" not in answer.text
    assert "docqa ingest" not in answer.text


# -- the answer contract -----------------------------------------------------------------------


def check_contract(payload: dict[str, object], answer: Answer) -> None:
    assert payload.keys() >= CONTRACT_KEYS
    assert payload["question"] == answer.question
    assert payload["language"] == answer.language
    assert payload["answer"] == answer.text
    assert payload["abstained"] is answer.abstained
    citations = payload["citations"]
    assert isinstance(citations, list)
    assert len(citations) == len(answer.citations)
    for row, citation in zip(citations, answer.citations, strict=True):
        assert row.keys() >= CITATION_KEYS
        assert row["marker"] == citation.marker
        assert row["doc"] == citation.paragraph.doc_id
        assert row["paragraph_id"] == citation.paragraph.id
        assert row["paragraph_id"].startswith(row["doc"] + "#")
        assert row["text"] == citation.paragraph.text
        assert row["section"] == citation.paragraph.section
        assert row["page"] is None
        assert row["text"][row["start"] : row["end"]] == row["quote"]
        assert 0.0 <= row["support"] <= 1.0
    short = payload["short_answer"]
    if answer.short_answer is None:
        assert short is None
    else:
        assert isinstance(short, dict)
        cited = next(c for c in answer.citations if c.marker == short["citation"])
        assert cited.paragraph.text[short["start"] : short["end"]] == short["text"]
        assert cited.start <= short["start"] < short["end"] <= cited.end  # inside its sentence
        assert str(payload["answer"]).startswith(f"{short['text']} [{short['citation']}]")
    retrieved = payload["retrieved"]
    assert isinstance(retrieved, list)
    assert [r["paragraph_id"] for r in retrieved] == [h.paragraph.id for h in answer.retrieved]
    for row in retrieved:
        assert row.keys() >= RETRIEVED_KEYS
        assert isinstance(row["score"], float)
    timings = payload["timings_ms"]
    assert isinstance(timings, dict)
    assert all(isinstance(v, float) and v >= 0 for v in timings.values())


def test_answer_json_follows_the_contract(seeded_assistant: Assistant) -> None:
    answer = seeded_assistant.ask("亚信会议有多少个成员国？")

    payload = answer_json(answer)

    check_contract(payload, answer)
    assert "id" not in payload
    assert payload["citations"]
    assert {"retrieve", "answer"} <= payload["timings_ms"].keys()
    assert json.loads(json.dumps(payload, ensure_ascii=False)) == payload


def test_answer_json_of_an_abstention_carries_the_question_id(seeded_assistant: Assistant) -> None:
    answer = seeded_assistant.ask("What is CICA's annual budget?")

    payload = answer_json(answer, "en-17")

    check_contract(payload, answer)
    assert payload["id"] == "en-17"
    assert list(payload)[0] == "id"
    assert json.loads(json.dumps(payload)) == payload


def test_answer_json_of_every_seed_answer_follows_the_contract(
    seed_answers: list[tuple[EvalItem, Answer]],
) -> None:
    for item, answer in seed_answers:
        payload = answer_json(answer, item.id)
        check_contract(payload, answer)
        json.dumps(payload, ensure_ascii=False)


def test_warm_up_runs_on_an_empty_store_and_leaves_answers_unchanged(
    seeded_assistant: Assistant, empty_context: Context
) -> None:
    question = "Où s'est tenu le premier sommet de la CICA ?"
    before = seeded_assistant.ask(question)

    empty_context.assistant.warm_up()  # `docqa serve` may start on an empty store
    seeded_assistant.warm_up()

    after = seeded_assistant.ask(question)
    assert (after.text, after.citations) == (before.text, before.citations)


def test_a_year_named_in_the_question_picks_the_sentence_that_holds_it(
    seeded_assistant: Assistant,
) -> None:
    # The declaration's sentences about member states score higher but hold no 2014: the
    # fact sheet's sentence with the year answers, quoted across languages.
    answer = seeded_assistant.ask("How many member countries did CICA have in 2014?")

    assert not answer.abstained
    assert any("26" in c.quote and "2014" in c.quote for c in answer.citations)
