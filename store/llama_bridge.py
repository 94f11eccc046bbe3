"""llama-index glue: our embedders as `BaseEmbedding`, our Chroma collections as retrievers."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Mapping
from functools import cache
from typing import Any

from llama_index.core import Settings as LlamaSettings
from llama_index.core import VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.retrievers import VectorIndexRetriever
from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters
from llama_index.vector_stores.chroma import ChromaVectorStore
from pydantic import PrivateAttr

from store.embedders import Embedder


@cache
def configure_llama_index() -> None:
    """No default LLM: llama-index must never reach for OpenAI. (It prints a notice: hide it.)"""
    with contextlib.redirect_stdout(io.StringIO()):
        LlamaSettings.llm = None


class StoreEmbedding(BaseEmbedding):
    """Wraps the store's embedder so llama-index embeds queries exactly as ingest embedded text."""

    _embedder: Any = PrivateAttr()

    def __init__(self, embedder: Embedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.name, embed_batch_size=32, **kwargs)
        self._embedder = embedder

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self._embedder.embed_query(query)]

    def _get_text_embedding(self, text: str) -> list[float]:
        return [float(x) for x in self._embedder.embed_passages([text])[0]]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self._embedder.embed_passages(texts)]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def vector_index(collection: Any, embedder: Embedder) -> VectorStoreIndex:
    """An index over an existing collection; our embedder is passed so no default is looked up."""
    configure_llama_index()
    return VectorStoreIndex.from_vector_store(
        ChromaVectorStore(chroma_collection=collection), embed_model=StoreEmbedding(embedder)
    )


def retriever(
    index: VectorStoreIndex, top_k: int, filters: MetadataFilters | None
) -> VectorIndexRetriever:
    return VectorIndexRetriever(index=index, similarity_top_k=top_k, filters=filters)


def metadata_filters(equals: Mapping[str, str]) -> MetadataFilters | None:
    if not equals:
        return None
    return MetadataFilters(
        filters=[
            MetadataFilter(key=key, value=value, operator=FilterOperator.EQ)
            for key, value in equals.items()
        ]
    )
