"""store: the Chroma layer. Imports nothing else of docqa."""

from store.chroma_store import ChromaStore, DocumentSummary
from store.embedders import Embedder, load_embedder
from store.errors import (
    EmbedderMismatch,
    StoreError,
    StoreLocked,
    StoreUnavailable,
    UnknownDocument,
)
from store.records import from_record
from store.settings import StoreSettings
from store.text import detect_language
from store.types import Paragraph, content_hash, paragraph_id

__all__ = [
    "ChromaStore",
    "DocumentSummary",
    "Embedder",
    "EmbedderMismatch",
    "Paragraph",
    "StoreError",
    "StoreLocked",
    "StoreSettings",
    "StoreUnavailable",
    "UnknownDocument",
    "content_hash",
    "detect_language",
    "from_record",
    "load_embedder",
    "paragraph_id",
]
