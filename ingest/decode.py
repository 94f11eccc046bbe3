"""Bytes to text: UTF-8 first, then a detected legacy encoding, never silently garbled."""

from __future__ import annotations

import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import EmptyDocument, FileTooLarge, UnreadableText, UnsupportedFormat

_CONTROL_OK = {"\n", "\r", "\t", "\f"}
_FILE_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}
LIKELY_ENCODINGS = ["utf_16", "cp1252", "latin_1", "gb18030", "big5", "shift_jis", "euc_jp"]


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str

    @property
    def note(self) -> str | None:
        """A line for the user when the file was not UTF-8."""
        if self.encoding in {"utf_8", "utf-8", "ascii", "utf_8_sig"}:
            return None
        return f"read as {self.encoding} (not UTF-8)"


def check_size(name: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise FileTooLarge(
            f"{name} is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit; split "
            "it, or raise DOCQA_MAX_FILE_MB"
        )


def read_limited(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refused before reading when it is not a regular file (a FIFO would
    block, a device never end) or over the limit; read at most to the limit (a file may grow)."""
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        kind = _FILE_KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise UnsupportedFormat(
            f"{path.name} is {kind}, not a regular file; docqa reads regular files only"
        )
    check_size(path.name, path.stat().st_size, max_bytes)
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    check_size(path.name, len(data), max_bytes)
    if not data.strip():
        raise EmptyDocument(f"{path.name} is empty; there is nothing to ingest")
    return data


def decode_text(name: str, data: bytes) -> DecodedText:
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedFormat(
            f"{name} looks binary (it contains NUL bytes), not text as its name says; "
            "give docqa a .txt, .md file saved as text"
        )
    try:
        return _checked(name, DecodedText(data.decode("utf-8-sig"), "utf-8"))
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # Only encodings our users' fr/zh/en files come in: open detection confuses short Latin-1
    # text with Baltic or Central European code pages.
    best = from_bytes(data, cp_isolation=LIKELY_ENCODINGS).best()
    if best is None or best.encoding is None:
        raise UnreadableText(
            f"{name} is neither UTF-8 nor any encoding docqa can recognise; re-save it as UTF-8"
        )
    return _checked(name, DecodedText(str(best), best.encoding))


def _checked(name: str, decoded: DecodedText) -> DecodedText:
    text = decoded.text
    sample = text[:65536]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in _CONTROL_OK)
    if sample and controls / len(sample) > 0.01:
        raise UnsupportedFormat(
            f"{name} looks binary (control characters in its text), not text as its name says; "
            "check the file, or convert it to UTF-8 text"
        )
    if not text.strip():
        raise EmptyDocument(f"{name} holds only whitespace; there is nothing to ingest")
    return decoded
