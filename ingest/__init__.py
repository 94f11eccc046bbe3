"""ingest: files to addressable paragraphs in the store."""

from importlib.resources import files
from pathlib import Path

from ingest.errors import (
    BadFileName,
    DamagedFile,
    EmptyDocument,
    EncryptedDocument,
    FileTooLarge,
    IngestError,
    UnreadableText,
    UnsupportedFormat,
)
from ingest.pipeline import DocumentReport, Ingestor, IngestReport
from ingest.readers import supported_suffixes
from ingest.settings import IngestSettings


def default_corpus() -> Path:
    """The seed documents shipped with docqa."""
    return Path(str(files("ingest") / "seeds"))


__all__ = [
    "BadFileName",
    "DamagedFile",
    "DocumentReport",
    "EmptyDocument",
    "EncryptedDocument",
    "FileTooLarge",
    "IngestError",
    "IngestReport",
    "IngestSettings",
    "Ingestor",
    "UnreadableText",
    "UnsupportedFormat",
    "default_corpus",
    "supported_suffixes",
]
