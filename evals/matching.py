"""Whitespace- and markup-insensitive matching of gold quotes and key facts."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("**", "").replace("’", "'")
    return _SPACE.sub(" ", text).strip().casefold()


def contains(haystack: str, needle: str) -> bool:
    return normalize(needle) in normalize(haystack)
