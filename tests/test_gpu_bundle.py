"""The reader's GPU bundle (training/gpu_bundle.py): what travels to a GPU machine is e5 exactly,
the pairs as encoded, and what comes back joins into the reader's weights file (numpy only:
the training itself needs torch, `make train-reader-smoke` runs it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from store.e5_weights import load_e5_file
from training.gpu_bundle import (
    PART_BYTES,
    carried_weights,
    load_weights,
    merge,
    packed,
    save_parts,
    unpacked,
)


def test_the_carried_weights_are_e5s_exactly_with_only_the_word_rows_the_pairs_use(
    tmp_path: Path,
) -> None:
    file = load_e5_file()
    rows = np.array([0, 1, 2, 17, 6000, file.config.vocab - 1])
    np.savez_compressed(tmp_path / "weights.npz", **carried_weights(file, 1, rows))  # type: ignore[arg-type]
    tensors = load_weights(tmp_path / "weights.npz")

    assert np.array_equal(tensors["emb.word"], file.word_rows(rows))
    for name in ("emb.pos", "emb.ln.w", "l0.q.w", "l0.fo.w", "l0.fo.b", "l0.oln.w"):
        assert np.array_equal(tensors[name], file.tensor(name)), name
    assert "l1.q.w" not in tensors
    float32 = sum(t.nbytes for t in tensors.values())
    assert (tmp_path / "weights.npz").stat().st_size < float32 / 4  # Q4 blocks travel


def test_pairs_come_back_as_they_were_encoded() -> None:
    pairs = [([0, 5, 9, 2], 1, 2, 3, 2), ([0, 7, 2], 0, -1, -1, 1), ([0, 2], 0, -1, -1, 1)]
    assert unpacked(packed(pairs)) == pairs


def test_trained_tensors_return_in_parts_under_the_tools_limit_and_join_again(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(1)
    weights = {f"l{i}.fi.w": rng.normal(size=(1536, 384)).astype(np.float32) for i in range(24)}
    weights["head.answer.b"] = np.array([0.25], dtype=np.float32)

    save_parts({"stray": np.zeros(1)}, tmp_path)  # an earlier run's part, replaced
    (tmp_path / "reader-part-7.npz").write_bytes(b"")
    parts = save_parts(weights, tmp_path)
    merged = tmp_path / "reader.npz"

    assert len(parts) > 1 and all(p.stat().st_size < PART_BYTES + 2**16 for p in parts)
    assert merge(tmp_path, merged) == len(weights)
    joined = np.load(merged)
    assert all(np.array_equal(joined[k], v.astype(np.float16)) for k, v in weights.items())


def test_merging_without_parts_names_the_step_that_makes_them(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="training.gpu_train"):
        merge(tmp_path, tmp_path / "reader.npz")


DEVICE_SIDE = ("gpu_train", "gpu_bundle", "reader_model", "reader_steps")


def test_what_runs_on_the_gpu_machine_imports_only_torch_numpy_and_itself() -> None:
    """That machine has torch and numpy, not the project's dependencies (store, chromadb…):
    module-level imports of the modules it runs stay within these (inside a function, as
    `build` and `from_e5` import the store, they run here only)."""
    import ast
    import sys

    allowed = {"numpy", "torch", "training", *sys.stdlib_module_names}
    for name in DEVICE_SIDE:
        path = Path(__file__).resolve().parents[1] / "training" / f"{name}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules = [node.module]
            else:
                continue
            for module in modules:
                assert module.split(".")[0] in allowed, f"{name}.py imports {module}"
                if module.startswith("training."):
                    assert module.split(".")[1] in DEVICE_SIDE, f"{name}.py imports {module}"


def test_parts_its_report_does_not_list_are_refused(tmp_path: Path) -> None:
    weights = {"head.answer.b": np.array([0.25], dtype=np.float32)}
    save_parts(weights, tmp_path)
    (tmp_path / "report.json").write_text('{"parts": ["reader-part-0.npz"]}', encoding="utf-8")
    np.savez(tmp_path / "reader-part-1.npz", stray=np.zeros(1))  # left from another run

    with pytest.raises(FileNotFoundError, match="fetch that run's files again"):
        merge(tmp_path, tmp_path / "reader.npz")
