"""store: the Chroma layer. Imports nothing of docqa but the text package."""

from store.chroma_store import ChromaStore
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
from store.records import from_record
from store.settings import StoreSettings
from store.types import Hit, Paragraph, content_hash, paragraph_id

__all__ = [
    "ChromaStore",
    "DocumentSummary",
    "Embedder",
    "EmbedderMismatch",
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
    "load_embedder",
    "paragraph_id",
]
