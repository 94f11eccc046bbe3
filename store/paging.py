"""Reading many Chroma records in pages.

Chroma's on-disk store fetches the metadata of a `get` in one SQL statement with a variable per
record; past about 32k records SQLite refuses it ("too many SQL variables"), so a 100k-paragraph
collection could not be read back whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

PAGE = 10_000


def pages(
    collection: Any, include: list[str], where: dict[str, Any] | None = None
) -> Iterator[Any]:
    """`collection.get(where=..., include=...)`, PAGE records at a time."""
    offset = 0
    while True:
        page = collection.get(where=where, include=include, limit=PAGE, offset=offset)
        yield page
        if len(page["ids"]) < PAGE:
            return
        offset += PAGE


def get_all(collection: Any, include: list[str], where: dict[str, Any] | None = None) -> dict:
    """Every record's id and included fields, each a list in the same order."""
    out: dict[str, list[Any]] = {"ids": [], **{key: [] for key in include}}
    for page in pages(collection, include, where):
        for key in out:
            out[key].extend(page[key])
    return out


VALUES_PER_CALL = 5_000  # ids or hashes per Chroma call (each is one SQLite variable)


def chunks(values: Sequence[str]) -> list[list[str]]:
    """Ids or hashes in parts SQLite takes (each is one of its ~32k variables a statement)."""
    step = VALUES_PER_CALL
    return [list(values[at : at + step]) for at in range(0, len(values), step)]
