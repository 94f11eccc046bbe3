"""Named store errors; each message says what went wrong and what to do."""

from __future__ import annotations


class StoreError(RuntimeError):
    """Base class of the store's errors."""


class StoreUnavailable(StoreError):
    """The Chroma server cannot be reached, or the on-disk store cannot be opened."""


class EmbedderMismatch(StoreError):
    """The collection was built with another embedding model than the one configured."""


class StoreLocked(StoreError):
    """Another process is writing the on-disk store."""


class UnknownDocument(StoreError, KeyError):
    """No document with that id is in the store."""

    @classmethod
    def named(cls, doc_id: str) -> UnknownDocument:
        return cls(
            f"no document {doc_id!r} in the store; `docqa docs` (or the Documents tab) "
            "lists the document ids"
        )

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""
