"""store: the Chroma layer. Imports nothing of docqa but the text package."""

from store.chroma_store import ChromaStore
from store.e5_runtime import Encoder
from store.e5_tokenizer import E5Tokenizer
from store.embedders import Embedder, load_embedder
from store.errors import (
    EmbedderMismatch,
    StoreError,
    StoreLocked,
    StoreUnavailable,
    UnknownDocument,
)
from store.question import Question
from store.reads import DocumentSummary
from store.records import from_record, indexed_text
from store.settings import StoreSettings
from store.types import Hit, Paragraph, content_hash, paragraph_id

__all__ = [
    "ChromaStore",
    "DocumentSummary",
    "E5Tokenizer",
    "Embedder",
    "EmbedderMismatch",
    "Encoder",
    "Hit",
    "Paragraph",
    "Question",
    "StoreError",
    "StoreLocked",
    "StoreSettings",
    "StoreUnavailable",
    "UnknownDocument",
    "content_hash",
    "from_record",
    "indexed_text",
    "load_embedder",
    "paragraph_id",
]
