"""Retrieval across French, Chinese and English: keyword index, dense lists, fusion, translations.

Real embedders (USE and e5) and real Chroma on disk throughout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import Assistant
from ingest import Ingestor, default_corpus
from store import (
    ChromaStore,
    Paragraph,
    Question,
    StoreError,
    StoreSettings,
    UnknownDocument,
)
from store.fusion import Ranking, fuse, standardized
from store.search import KEYWORD
from ui.context import Context

NOTE = "004_c1644274363e99c0.txt"  # the note on CICA: French, then the same text in Chinese


def lead_ids(store: ChromaStore, question: str, **filters: str) -> list[str]:
    hits = store.search(Question.of(question, filters), 5)
    return [hit.paragraph.id for hit in hits]


def keyword_ids(store: ChromaStore, question: str) -> list[str]:
    return [pid for pid, _ in store.keyword_search(Question.of(question).terms, 10)]


def note_paragraph(store: ChromaStore, lang: str) -> Paragraph:
    return next(p for p in store.paragraphs(NOTE) if p.lang == lang)


# -- the keyword index ---------------------------------------------------------------------


def test_chinese_keyword_search_finds_a_paragraph_by_a_two_character_word(
    seeded_context: Context,
) -> None:
    store = seeded_context.store

    assert keyword_ids(store, "峰会") == [note_paragraph(store, "zh").id]


def test_french_keyword_search_matches_other_inflections(seeded_context: Context) -> None:
    store = seeded_context.store
    with_plural = {p.id for p in store.paragraphs() if "mesures" in p.text and p.lang == "fr"}
    assert with_plural

    assert with_plural <= set(keyword_ids(store, "mesure"))


def test_keyword_index_survives_a_restart_and_follows_a_re_ingest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(default_corpus(), corpus)
    settings = StoreSettings(store_path=tmp_path / "store")
    Ingestor(ChromaStore.open(settings)).ingest_paths([corpus])

    reopened = ChromaStore.open(settings)  # a new store object, as a new process opens it
    assert keyword_ids(reopened, "峰会") == [note_paragraph(reopened, "zh").id]
    assert reopened.keywords.indexed_ids() == {p.id for p in reopened.paragraphs()}

    note = corpus / NOTE
    note.write_text(note.read_text(encoding="utf-8").replace("峰会", "高峰论坛"), encoding="utf-8")
    Ingestor(reopened).ingest_paths([corpus])

    assert keyword_ids(reopened, "峰会") == []
    assert keyword_ids(reopened, "高峰论坛") == [note_paragraph(reopened, "zh").id]
    assert reopened.keywords.indexed_ids() == {p.id for p in reopened.paragraphs()}


def test_keyword_retrieval_runs_in_the_question_language_only(seeded_context: Context) -> None:
    searcher = seeded_context.store.searcher

    french = searcher.keyword_ranking(Question.of("Combien de membres compte la CICA ?"))
    english = searcher.keyword_ranking(Question.of("How many members does CICA have?"))

    assert french.paragraphs and {p.lang for p in french.paragraphs} == {"fr"}
    assert english.paragraphs == []  # no English paragraphs: the dense lists answer it


# -- fusion --------------------------------------------------------------------------------


def test_standardized_scores_are_centred_and_scaled() -> None:
    assert standardized([3.0, 1.0]) == [1.0, -1.0]
    assert standardized([0.5]) == [0.0]
    assert standardized([0.4, 0.4, 0.4]) == pytest.approx([0.0, 0.0, 0.0])


def test_fusion_lets_a_confident_list_outweigh_a_flat_one(seeded_context: Context) -> None:
    a, b, c = seeded_context.store.paragraphs()[:3]
    sure = Ranking("dense", [a, b, c], [0.90, 0.30, 0.29])
    flat = Ranking(KEYWORD, [b, a, c], [5.1, 5.0, 4.9], dense=False)

    hits = fuse([sure, flat], top_k=3)

    assert [h.paragraph.id for h in hits][0] == a.id
    assert hits[0].ranks == {"dense": 1, KEYWORD: 2}
    assert hits[0].similarities == {"dense": 0.90}  # keyword scores are not similarities


# -- parallel translations -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("亚信会议有多少个成员国？", "zh"),
        ("Combien d'États membres compte la CICA ?", "fr"),
    ],
)
def test_a_paragraph_and_its_translation_come_back_as_one_hit_in_the_question_language(
    seeded_assistant: Assistant, question: str, lang: str
) -> None:
    asked = Question.of(question)
    assert asked.lang == lang
    hits = seeded_assistant.store.search(asked, 5)
    note = [h for h in hits if h.paragraph.doc_id == NOTE]

    assert len(note) == 1
    assert note[0].paragraph.lang == lang
    assert [t.lang for t in note[0].translations] == [{"zh": "fr", "fr": "zh"}[lang]]


def test_a_language_filter_keeps_the_lead_in_that_language(seeded_assistant: Assistant) -> None:
    hits = seeded_assistant.store.search(Question.of("亚信会议有多少个成员国？", {"lang": "fr"}), 5)

    assert hits and all(h.paragraph.lang == "fr" for h in hits)


def test_english_questions_reach_french_and_chinese_paragraphs(seeded_assistant: Assistant) -> None:
    ids = lead_ids(seeded_assistant.store, "How many member states did CICA have in 2014?")

    assert any(pid.startswith(NOTE) for pid in ids)  # within the 5 hits: R@5, not R@1


# -- adding an embedder to an existing store ------------------------------------------------


def test_a_store_built_with_one_embedder_is_completed_for_a_second(tmp_path: Path) -> None:
    path = tmp_path / "store"
    Ingestor(ChromaStore.open(StoreSettings(store_path=path, embedders=("use",)))).ingest_paths(
        [default_corpus()]
    )
    both = ChromaStore.open(StoreSettings(store_path=path, embedders=("use", "e5")))
    e5 = both.collections[both.embedders[1].name]
    assert e5.count() == 0

    report = Ingestor(both).ingest_paths([default_corpus()])

    assert report.total("added") == 0
    assert e5.count() == both.count() > 0
    question = "Combien d'États membres compte la CICA ?"
    ranking = next(r for r in both_rankings(both, question) if r.name == both.embedders[1].name)
    assert ranking.paragraphs


def both_rankings(store: ChromaStore, question: str) -> list[Ranking]:
    return store.searcher.rankings(Question.of(question))


# -- a document filter naming no stored document ---------------------------------------------


def test_a_filter_on_an_unknown_document_names_it_and_how_to_list_documents(
    seeded_assistant: Assistant,
) -> None:
    """Not the abstention a filter matching nothing gives, nor Chroma's 'Error finding id'."""
    with pytest.raises(UnknownDocument) as caught:
        seeded_assistant.ask("Qui a signé la déclaration ?", filters={"doc": "nope.txt"})

    assert "nope.txt" in str(caught.value)
    assert "docqa docs" in str(caught.value)
    assert isinstance(caught.value, StoreError)  # what the CLI and the UI translate


def test_a_filter_on_a_known_document_still_answers_from_it(seeded_assistant: Assistant) -> None:
    answer = seeded_assistant.ask("亚信会议有多少个成员国？", filters={"doc": NOTE})

    assert answer.retrieved and {h.paragraph.doc_id for h in answer.retrieved} == {NOTE}
