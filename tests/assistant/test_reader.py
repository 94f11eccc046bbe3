"""The reader's runtime and engine plumbing, with a small reader made from e5's first layer and
seeded random heads (these tests are about plumbing: loading offline, windows, spans, the
answer contract; the trained reader's quality is measured by bench/ and README)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, AssistantSettings, answer_json
from assistant.answer_decision import AnswerDecision
from assistant.reader import Reader
from assistant.reader_input import SENTENCE_TOKENS, windows
from assistant.reading_engine import ReaderEngine, candidate_sentences
from store import Question
from store.e5_weights import load_e5_file
from store.onnx_encoder import layer_names
from ui.context import Context

SENTENCES = [
    ("", "La CICA est un forum multinational de coopération en Asie."),
    ("La CICA est un forum.", "Le premier sommet s'est tenu à Almaty en juin 2002."),
    ("", "亚信会议有26个成员国。"),
]
LONG = " ".join(f"La phrase numéro {n} parle de la sécurité en Asie," for n in range(30)) + "."


def small_reader(
    folder: Path, threshold: float = 0.5, decision: AnswerDecision | None = None
) -> Path:
    """reader.npz and reader.json as `make train-reader` writes them, with one e5 layer; the
    answer decision passes the reader's support through unless another is given."""
    file = load_e5_file()
    names = ["emb.pos", "emb.type", "emb.ln.w", "emb.ln.b", *layer_names(0)]
    rng = np.random.default_rng(7)
    tensors = {name: file.tensor(name) for name in names}
    tensors |= {
        "head.answer.w": rng.normal(0, 0.05, (1, 384)),
        "head.answer.b": np.zeros(1),
        "head.span.w": rng.normal(0, 0.05, (2, 384)),
        "head.span.b": np.zeros(2),
    }
    folder.mkdir(parents=True, exist_ok=True)
    weights = folder / "reader.npz"
    halves = {k: np.asarray(v, np.float16) for k, v in tensors.items()}
    np.savez_compressed(weights, **halves)  # type: ignore[arg-type]
    decision = decision or AnswerDecision.reader_alone(threshold)
    calibration = {
        "threshold": threshold,
        "false_abstention": 0.05,
        "layers": 1,
        "decision": decision.to_json(),
    }
    weights.with_suffix(".json").write_text(json.dumps(calibration), encoding="utf-8")
    return weights


@pytest.fixture(scope="module")
def weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_reader(tmp_path_factory.mktemp("reader"))


def test_the_reader_builds_offline_and_reads_each_candidate(
    weights: Path, tmp_path: Path, no_network: None
) -> None:
    reader = Reader(tmp_path / "models", threads=1, weights=weights)
    readings = reader.read("Où s'est tenu le premier sommet ?", [*SENTENCES, ("", LONG)])

    assert len(readings) == 4
    assert list((tmp_path / "models").glob("reader-*-int8.onnx"))
    assert reader.layers == 1 and reader.decision.threshold == 0.5
    for (_, sentence), reading in zip([*SENTENCES, ("", LONG)], readings, strict=True):
        assert 0.0 < reading.support < 1.0
        assert reading.span is not None
        start, end = reading.span
        assert 0 <= start < end <= len(sentence)


def test_a_long_sentence_is_read_in_overlapping_windows_that_cover_it(weights: Path) -> None:
    tokenizer = Reader(Path(weights).parent / "models", 1, weights).encoder.tokenizer
    assert len(tokenizer.ids([LONG])[0]) > 2 * SENTENCE_TOKENS
    parts = windows(tokenizer, "Avant.", LONG)

    assert len(parts) >= 3
    assert parts[0][2] == 0 and parts[0][0] == "Avant."
    for before, text, offset in parts:
        assert LONG[offset : offset + len(text)] == text
        assert len(tokenizer.ids([text])[0]) <= SENTENCE_TOKENS
        assert before.endswith(LONG[:offset][-20:])  # the text before the window leads to it
    ends = [offset + len(text) for _, text, offset in parts]
    assert ends[-1] == len(LONG.rstrip(".")) + 1 or LONG.endswith(parts[-1][1])
    assert all(b[2] < a for a, b in zip(ends, parts[1:], strict=False))  # overlapping
    assert windows(tokenizer, "", SENTENCES[0][1]) == [("", SENTENCES[0][1], 0)]


def test_missing_weights_say_how_to_get_them(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make train-reader"):
        Reader(tmp_path, weights=tmp_path / "reader.npz")


def reader_assistant(context: Context, weights: Path, threshold: float) -> Assistant:
    settings = AssistantSettings(engine="reader", reader_weights=weights)
    return Assistant(context.store, settings.model_copy(update={"reader_threshold": threshold}))


def test_the_reader_engine_answers_with_a_short_answer_inside_its_cited_sentence(
    seeded_context: Context, weights: Path
) -> None:
    answer = reader_assistant(seeded_context, weights, 0.0).ask("亚信会议有多少个成员国？")

    assert not answer.abstained and answer.citations
    payload = answer_json(answer)
    for row in payload["citations"]:
        assert row["text"][row["start"] : row["end"]] == row["quote"]
        assert row["verified"] is True
    short = payload["short_answer"]
    if short is not None:
        cited = answer.citations[short["citation"] - 1]
        assert cited.start <= short["start"] < short["end"] <= cited.end
        assert cited.paragraph.text[short["start"] : short["end"]] == short["text"]
        assert answer.text.startswith(f"{short['text']} [{short['citation']}]")


def test_the_reader_engine_declines_when_no_sentence_reaches_its_threshold(
    seeded_context: Context, weights: Path
) -> None:
    answer = reader_assistant(seeded_context, weights, 1.0).ask("亚信会议有多少个成员国？")
    assert answer.abstained and answer.citations == () and answer.short_answer is None


def test_the_answer_decision_weighs_retrieval_beside_the_reader(
    seeded_context: Context, tmp_path: Path
) -> None:
    """A decision that trusts only retrieval's rank cites the top hit; with one that trusts
    only the reader, the most likely sentence is the one the reader supports most."""
    question = "Quand le premier sommet de la CICA s'est-il tenu ?"
    by_rank = AnswerDecision((0.0, -5.0, 0.0, 0.0, 0.0), 0.0)
    weights = small_reader(tmp_path / "rank", decision=by_rank)
    answer = reader_assistant(seeded_context, weights, 0.0).ask(question)
    top = answer.retrieved[0]
    assert answer.citations[0].paragraph in top.readable({})
    assert answer.confidence == pytest.approx(1 / (1 + np.exp(-by_rank.weights[-1])))

    alone = reader_assistant(seeded_context, small_reader(tmp_path / "alone"), 0.0)
    engine = alone.engine
    assert isinstance(engine, ReaderEngine)
    asked = alone.question(question)
    reads = engine.read(asked, seeded_context.store.search(asked, 5, 30))
    assert [r.probability for r in reads] == pytest.approx(
        sorted((r.reading.support for r in reads), reverse=True)
    )


def test_the_reader_reads_only_the_most_promising_candidates(
    seeded_context: Context, weights: Path
) -> None:
    """With a limit of 3, the sentences read are those the decision ranks first before reading,
    each with its hit's rank and its own similarity to the question."""
    by_similarity = AnswerDecision((1.0, 0.0, 5.0, 0.0, 0.0), 0.0)
    store = seeded_context.store
    reader = Reader(store.settings.models_path, 1, weights)
    engine = ReaderEngine(reader, by_similarity, store, 3, 3)
    asked = Question.of("亚信会议有多少个成员国？")
    hits = store.search(asked, 5, 30)
    gathered = candidate_sentences(hits, asked.filters)
    cosines = store.embed([c.sentence.text for c in gathered]) @ store.question_vector(asked)

    reads = engine.read(asked, hits)

    assert len(gathered) > 3 and len(reads) == 3
    assert {r.sentence.text for r in reads} == {
        gathered[i].sentence.text for i in np.argsort(-cosines)[:3]
    }
    for r in reads:
        assert r.rank == 1 + next(n for n, h in enumerate(hits) if h is r.candidate.hit)
        assert r.cosine == pytest.approx(float(cosines[gathered.index(r.candidate)]), abs=1e-5)
