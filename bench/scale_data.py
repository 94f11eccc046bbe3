"""Collections of 1k, 10k and 100k paragraphs for the scale benches, built once and cached.

Real paragraphs come first: ../shared/benchdata's 1,241 (the 1k collection is a subset that holds
the gold paragraph of every sampled question). The rest are reproducible variants of them, because
embedding 100k paragraphs with e5 (~5/s on 2 cores) would take over five hours:

- text: a real paragraph with half its words (characters, for Chinese) replaced by words drawn
  from all real paragraphs of its language, so BM25 sees realistic term statistics and partial
  matches but no variant states the gold answer;
- vectors, per embedder: unit(v_A + v_C), A the paragraph varied and C another real paragraph of
  the same language (seeded), so variants sit among real vectors (cosine to A about 0.8), not in
  isotropic noise. Both come from the real embeddings of the cached benchdata store.

Real paragraphs go through `ChromaStore.write` (records, BM25 tokens, translation links) with an
embedder that hands back their stored vectors; variants are the same records upserted directly.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from bench.benchdata import Passage, Query, as_paragraph, build_store
from store import ChromaStore, Paragraph, StoreSettings, content_hash
from store.chroma_client import open_client
from store.embedders import EMBEDDERS as EMBEDDER_CLASSES
from store.records import indexed_text, to_metadata

EMBEDDERS = ("use", "e5")
COLLECTION = "bench"
VARIANT_VERSION = "v1"  # bump when the variant recipe changes: a new cache folder
REPLACED_SHARE = 0.5
WRITE_BATCH = 5000  # Chroma's largest batch is 5461
VectorTable = dict[str, dict[str, np.ndarray]]


@dataclass(frozen=True)
class ScaleQuery:
    """A benchdata question and the id of its gold paragraph in the question's language."""

    text: str
    lang: str
    gold_id: str


def sample_questions(queries: Sequence[Query], per_language: int) -> list[ScaleQuery]:
    """A fixed sample of answerable questions, the same count in each language."""
    shuffled = random.Random(0).sample(list(queries), len(queries))
    picked: dict[str, list[ScaleQuery]] = {}
    for query in shuffled:
        if not (query.answerable and query.gold_pid):
            continue
        chosen = picked.setdefault(query.lang, [])
        if len(chosen) < per_language:
            chosen.append(ScaleQuery(query.question, query.lang, f"{query.gold_pid}#1"))
    return [q for lang in sorted(picked) for q in picked[lang]]


class PrecomputedVectors:
    """Looks like a store embedder, returns vectors worked out beforehand (by indexed text)."""

    def __init__(self, name: str, dim: int, vectors: dict[str, np.ndarray]) -> None:
        self.name, self.dim = name, dim
        self._vectors = vectors

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vectors[t] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        raise RuntimeError("the scale collections are built from stored vectors only")


def variant_text(paragraph: Paragraph, pool: Sequence[str], rng: random.Random) -> str:
    """Half the units of the text swapped for units drawn from the language's pool."""
    chinese = paragraph.lang == "zh"
    units = list(paragraph.text) if chinese else paragraph.text.split(" ")
    swapped = [rng.choice(pool) if rng.random() < REPLACED_SHARE else u for u in units]
    return ("" if chinese else " ").join(swapped)


def variants(
    real: Sequence[Paragraph], vectors: VectorTable, count: int
) -> tuple[list[Paragraph], VectorTable]:
    """`count` variants of the real paragraphs (round robin) and their vectors per embedder."""
    by_lang: dict[str, list[Paragraph]] = {}
    for paragraph in real:
        by_lang.setdefault(paragraph.lang, []).append(paragraph)
    pools = {
        lang: [u for p in ps for u in (list(p.text) if lang == "zh" else p.text.split(" "))]
        for lang, ps in by_lang.items()
    }
    out: list[Paragraph] = []
    out_vectors: VectorTable = {name: {} for name in vectors}
    for k in range(count):
        rng = random.Random(k)
        base = real[k % len(real)]
        same_lang = by_lang[base.lang]
        other = same_lang[rng.randrange(len(same_lang))]
        if other.id == base.id:  # another paragraph, when the language has one
            other = same_lang[(same_lang.index(base) + 1) % len(same_lang)]
        text = variant_text(base, pools[base.lang], rng)
        paragraph = replace(
            base,
            id=f"variant{k}#1",
            doc_id=f"variant{k}",
            source="benchdata variant",
            text=text,
            end=len(text),
            content_hash=content_hash(text),
        )
        out.append(paragraph)
        for name, table in vectors.items():
            mixed = table[base.id] + table[other.id]
            out_vectors[name][indexed_text(paragraph)] = mixed / np.linalg.norm(mixed)
    return out, out_vectors


def real_vectors(store: ChromaStore) -> VectorTable:
    """Each embedder's stored vector of every real paragraph, by paragraph id."""
    out: VectorTable = {}
    for name, collection in store.collections.items():
        rows = collection.get(include=["embeddings"])
        out[name] = {
            i: np.asarray(v, dtype=np.float32)
            for i, v in zip(rows["ids"], rows["embeddings"], strict=True)
        }
    return out


def choose_real(
    real: Sequence[Paragraph], size: int, questions: Sequence[ScaleQuery]
) -> list[Paragraph]:
    """All real paragraphs, or a seeded subset of `size` that keeps every gold paragraph."""
    if size >= len(real):
        return list(real)
    gold = {q.gold_id for q in questions}
    kept = [p for p in real if p.id in gold]
    rest = [p for p in real if p.id not in gold]
    return kept + random.Random(size).sample(rest, max(0, size - len(kept)))


def open_scale_store(
    folder: Path, embedders: tuple[str, ...], chroma_url: str | None = None
) -> ChromaStore:
    """A scale collection opened with freshly loaded embedders: none remembers a query vector
    from an earlier measurement (USE keeps its last questions'), so every question is embedded
    live."""
    settings = StoreSettings(
        store_path=folder, chroma_url=chroma_url, embedders=embedders, collection=COLLECTION
    )
    models = [EMBEDDER_CLASSES[key](threads=settings.threads) for key in embedders]
    return ChromaStore(open_client(settings), settings, models)


def write_variants(store: ChromaStore, rows: Sequence[Paragraph], vectors: VectorTable) -> None:
    """Variants as the same records `ChromaStore.write` makes (BM25 tokens included), upserted
    straight into each collection: no translation links, which cost ~7 ms a paragraph in
    Chroma's filtered nearest-neighbour queries at this size. Rows already there are skipped,
    so an interrupted build resumes."""
    present = set(store.collections[store.embedders[0].name].get(include=[])["ids"])
    missing = [p for p in rows if p.id not in present]
    with tqdm(total=len(missing), desc="variants", unit="¶") as bar:
        for start in range(0, len(missing), WRITE_BATCH):
            batch = missing[start : start + WRITE_BATCH]
            metadatas = [to_metadata(p) for p in batch]
            for name, collection in reversed(store.collections.items()):  # primary last
                collection.upsert(
                    ids=[p.id for p in batch],
                    embeddings=np.stack([vectors[name][indexed_text(p)] for p in batch]),
                    documents=[p.text for p in batch],
                    metadatas=metadatas,
                )
            bar.update(len(batch))


def build_scale_store(
    passages: Sequence[Passage],
    size: int,
    questions: Sequence[ScaleQuery],
    cache: Path,
) -> Path:
    """The folder of a collection of `size` paragraphs (use and e5 vectors), built once."""
    base, _ = build_store(passages, EMBEDDERS, cache)
    real = [as_paragraph(p) for p in passages]
    recipe = "".join(p.id + indexed_text(p) for p in real) + VARIANT_VERSION
    recipe += "".join(q.gold_id for q in questions) if size < len(real) else ""
    digest = hashlib.sha256(recipe.encode("utf-8")).hexdigest()[:10]
    folder = cache / f"scale-{size}-{digest}"
    done = folder / "complete"
    if done.exists():
        return folder
    chosen = choose_real(real, size, questions)
    by_id = real_vectors(base)
    fresh, fresh_vectors = variants(real, by_id, max(0, size - len(chosen)))
    for name in by_id:
        for paragraph in chosen:
            fresh_vectors[name][indexed_text(paragraph)] = by_id[name][paragraph.id]
    settings = StoreSettings(store_path=folder, embedders=EMBEDDERS, collection=COLLECTION)
    embedders = [PrecomputedVectors(e.name, e.dim, fresh_vectors[e.name]) for e in base.embedders]
    store = ChromaStore(open_client(settings), settings, embedders)
    with store.writer():  # real paragraphs through the real write path, links and all
        store.write(chosen)
    with store.writer(), store.changing():  # keyword indexes built before see the change
        write_variants(store, fresh, fresh_vectors)
    done.write_text(str(len(chosen) + len(fresh)), encoding="utf-8")
    return folder
