"""What every reader returns, and the document id every reader derives from the file name."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ingest.errors import BadFileName
from ingest.structure import Draft


@dataclass(frozen=True)
class ParsedDocument:
    doc_id: str
    title: str
    drafts: list[Draft]
    note: str | None = None  # e.g. the encoding it was read in
    text: str = ""  # the text the drafts' offsets index (for rich formats, their rendering)


def document_id(name: str) -> str:
    """The document id is the file's name: refuse names that cannot be one."""
    if not name or name in {".", ".."} or "/" in name or "\\" in name:
        raise BadFileName(f"{name!r} is not a plain file name (path separators); rename the file")
    if any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in name):
        raise BadFileName(f"{name!r} contains control characters; rename the file")
    return name
