"""The shipped reader (assistant/models/reader.npz, v3) as a user gets it: it loads offline; with
its answer decision (DOCQA_ENGINE=reader) it declines questions the seed corpus has nothing on;
alone, it finds the answer sentence of held-out qa-train questions (articles it was never
trained on; the decision was fitted on them, so it is not tested here)."""

from __future__ import annotations

import pytest

from assistant import Assistant, AssistantSettings
from assistant.reader import WEIGHTS, Reader
from training.reader_data import Example, held_out_groups, read_records, split
from ui.context import Context

OFF_TOPIC = (
    "What is the population of Mongolia?",
    "Who won the 2018 football World Cup?",
    "How do I bake sourdough bread?",
    "What is the boiling point of water at sea level?",
    "Quelle est la capitale de l'Australie ?",
    "Qui a écrit Les Misérables ?",
    "Combien de joueurs compte une équipe de rugby ?",
    "Quelle est la hauteur de la tour Eiffel ?",
    "蒙古的人口是多少？",
    "谁发明了电话？",
    "长城有多长？",
    "如何学习游泳？",
)
PER_LANGUAGE = 40


@pytest.fixture(scope="module")
def reader_assistant(seeded_context: Context) -> Assistant:
    return Assistant(seeded_context.store, AssistantSettings(engine="reader"))


def test_the_shipped_reader_loads_and_reads_with_the_network_cut(
    no_network: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    reader = Reader(tmp_path_factory.mktemp("models"), threads=2, weights=WEIGHTS)
    readings = reader.read(
        "Où s'est tenu le premier sommet de la CICA ?",
        [
            ("", "Le premier sommet de la CICA s'est tenu à Almaty en juin 2002."),
            ("", "Le Kazakhstan compte environ vingt millions d'habitants."),
        ],
    )
    assert readings[0].support > readings[1].support
    assert reader.decision.threshold > 0


def test_off_topic_questions_in_three_languages_are_declined(reader_assistant: Assistant) -> None:
    answered = [q for q in OFF_TOPIC if not reader_assistant.ask(q).abstained]
    # Measured: 11 of 12 declined (谁发明了电话？ is answered, just above the threshold); the
    # rules engine declines 8. Issue 14 wants all 12.
    assert len(answered) <= 1, answered


@pytest.fixture(scope="module")
def held_out() -> dict[str, list[list[Example]]]:
    _, held = split(read_records())
    groups: dict[str, list[list[Example]]] = {}
    for group in held_out_groups(held):
        if any(e.label for e in group) and len(groups.get(group[0].lang, [])) < PER_LANGUAGE:
            groups.setdefault(group[0].lang, []).append(group)
    return groups


@pytest.mark.parametrize("lang", ["en", "fr", "zh"])
def test_held_out_questions_find_their_answer_sentence_first(
    reader_assistant: Assistant, held_out: dict[str, list[list[Example]]], lang: str
) -> None:
    """Among their paragraph's sentences and the closest sentences of other held-out articles,
    the answer sentence gets the reader's highest support for most (all held out: .77-.81)."""
    reader = Reader(reader_assistant.store.settings.models_path, 2, WEIGHTS)
    first = 0
    for group in held_out[lang]:
        supports = [
            r.support
            for r in reader.read(group[0].question, [(e.context, e.sentence) for e in group])
        ]
        first += group[supports.index(max(supports))].label
    assert first / len(held_out[lang]) >= 0.6
