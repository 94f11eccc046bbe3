"""Bytes to text: UTF-8 first, then a detected legacy encoding, never silently garbled.

Every decision that changes what was read is said in the document's note: the encoding when it
is not UTF-8, invalid UTF-8 bytes replaced (with their offsets), a few NUL bytes dropped (with
their offsets). A file with many NUL bytes is binary, wherever they are.
"""

from __future__ import annotations

import codecs
import re
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from ingest.errors import EmptyDocument, FileTooLarge, UnreadableText, UnsupportedFormat

# Control characters other than line and page breaks and tabs (Unicode category Cc).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
MAX_NUL_BYTES = 16  # up to this many (and under 1% of the bytes) are dropped with a note
# Invalid UTF-8 is read with replacement (and a note) when the bad sequences are a few strays,
# up to one in a thousand bytes (16 in any file), in text that is otherwise plainly UTF-8.
INVALID_UTF8_SHARE = 0.001
MIN_INVALID_UTF8 = 16
SHOWN_OFFSETS = 5
_Text = TypeVar("_Text", str, bytes)
_FILE_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}
LIKELY_ENCODINGS = ["cp1252", "latin_1", "gb18030", "big5", "shift_jis", "euc_jp"]


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()  # what reading changed: bytes replaced or dropped

    @property
    def note(self) -> str | None:
        """A line for the user when the file was not UTF-8 or was not read exactly as it is."""
        parts = list(self.warnings)
        if self.encoding not in {"utf_8", "utf-8", "ascii", "utf_8_sig"}:
            parts.insert(0, f"read as {self.encoding} (not UTF-8)")
        return "; ".join(parts) or None


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
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        return _checked(name, _utf16(name, data[2:], codec))
    marked_utf8 = data.startswith(b"\xef\xbb\xbf")  # kept until decoded: offsets are the file's
    warnings: list[str] = []
    nuls = data.count(0)
    if nuls and (utf16 := _utf16_without_bom(name, data, nuls)) is not None:
        return _checked(name, utf16)
    if nuls:
        data = _drop_nuls(name, data, b"\x00", "byte", warnings)
    if decoded := _utf8(data, warnings) or (_replaced(data, warnings) if marked_utf8 else None):
        return _checked(name, replace(decoded, text=decoded.text.removeprefix("\ufeff")))
    from charset_normalizer import from_bytes

    # Only encodings our users' fr/zh/en files come in: open detection confuses short Latin-1
    # text with Baltic or Central European code pages.
    best = from_bytes(data, cp_isolation=LIKELY_ENCODINGS).best()
    if best is None or best.encoding is None:
        raise UnreadableText(
            f"{name} is neither UTF-8 nor any encoding docqa can recognise; re-save it as UTF-8"
        )
    return _checked(name, DecodedText(str(best), best.encoding, tuple(warnings)))


def _utf8(data: bytes, warnings: list[str]) -> DecodedText | None:
    """UTF-8, or UTF-8 with a few invalid bytes replaced (and said where) when the rest is
    clearly UTF-8. None otherwise, and a legacy encoding is detected instead.

    "A few" grows with the file: a long text with 20 stray bytes is still UTF-8, not read whole
    as cp1252 mojibake. "Clearly" is more valid multi-byte characters than bad sequences: the
    accents of a Latin-1 file are all invalid UTF-8 and it has no multi-byte character at all.
    """
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", tuple(warnings))
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())  # some files hold U+FFFD
    if bad > max(MIN_INVALID_UTF8, int(len(data) * INVALID_UTF8_SHARE)):
        return None
    ascii_chars = len(data) - len(data.translate(None, bytes(range(128))))
    multibyte = len(text) - ascii_chars - text.count("\ufffd")
    if multibyte <= bad:
        return None
    shown = _invalid_utf8_offsets(data, SHOWN_OFFSETS + 1)
    count = _count(bad, "invalid UTF-8 byte sequence")
    warnings.append(f"{count} replaced by \ufffd ({_offsets(shown, 'byte')})")
    return DecodedText(text, "utf-8", tuple(warnings))


def _invalid_utf8_offsets(data: bytes, most: int) -> list[int]:
    """Where the first `most` invalid UTF-8 sequences start: each one found costs a decode of the
    rest, so only those shown are looked for."""
    offsets: list[int] = []
    position = 0
    view = memoryview(data)
    while len(offsets) < most:
        try:
            codecs.utf_8_decode(view[position:], None, True)
            break
        except UnicodeDecodeError as error:
            offsets.append(position + error.start)
            position += error.end
    return offsets


def _replaced(data: bytes, warnings: list[str]) -> DecodedText:
    """UTF-8 text (its byte order mark says so) with its bad bytes replaced."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    warnings.append(f"{_count(bad, 'invalid UTF-8 byte sequence')} replaced by \ufffd")
    return DecodedText(text, "utf-8", tuple(warnings))


def _utf16_without_bom(name: str, data: bytes, nuls: int) -> DecodedText | None:
    """UTF-16 without a byte order mark: NUL bytes (the high byte of every ASCII character) make
    a good share of the file and nearly all fall on the same side of each byte pair."""
    if len(data) % 2 or nuls * 20 < len(data):
        return None
    even = data[0::2].count(0)
    if (nuls - even) >= 0.9 * nuls:
        codec = "utf-16-le"  # "a\x00"
    elif even >= 0.9 * nuls:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None  # a lone surrogate: not UTF-16 text
    warnings: list[str] = ["no byte order mark: its encoding was recognised from its bytes"]
    if "\x00" in text:
        text = _drop_nuls(name, text, "\x00", "character", warnings)
    return DecodedText(text, codec, tuple(warnings))


def _utf16(name: str, data: bytes, codec: str) -> DecodedText:
    text = data.decode(codec, errors="replace")
    warnings: list[str] = []
    if bad := text.count("\ufffd") - data.decode(codec, errors="ignore").count("\ufffd"):
        warnings.append(f"{_count(bad, 'invalid UTF-16 sequence')} replaced by \ufffd")
    if "\x00" in text:
        text = _drop_nuls(name, text, "\x00", "character", warnings)
    return DecodedText(text, codec, tuple(warnings))


def _drop_nuls(name: str, data: _Text, nul: _Text, unit: str, warnings: list[str]) -> _Text:
    """A few NULs (a stray one from a bad copy) are dropped and said where; more are binary."""
    positions: list[int] = []
    at = data.find(nul)
    while at >= 0 and len(positions) <= MAX_NUL_BYTES:
        positions.append(at)
        at = data.find(nul, at + 1)
    if len(positions) > MAX_NUL_BYTES or len(positions) * 100 > len(data):
        total = data.count(nul)
        raise UnsupportedFormat(
            f"{name} looks binary (it contains {total:,} NUL {unit}s), not text as its name "
            "says; give docqa a .txt, .md file saved as text"
        )
    warnings.append(
        f"{_count(len(positions), f'NUL {unit}')} dropped ({_offsets(positions, unit)})"
    )
    return data.replace(nul, nul[:0])


def _count(number: int, what: str) -> str:
    return f"{number} {what}" + ("" if number == 1 else "s")


def _offsets(positions: list[int], unit: str) -> str:
    shown = ", ".join(f"{p:,}" for p in positions[:SHOWN_OFFSETS])
    more = ", …" if len(positions) > SHOWN_OFFSETS else ""
    return f"at {unit} {shown}{more}" if len(positions) == 1 else f"at {unit}s {shown}{more}"


def _checked(name: str, decoded: DecodedText) -> DecodedText:
    text = decoded.text
    controls = sum(1 for _ in _CONTROLS.finditer(text))
    if text and controls / len(text) > 0.01:
        raise UnsupportedFormat(
            f"{name} looks binary (control characters in its text), not text as its name says; "
            "check the file, or convert it to UTF-8 text"
        )
    if not text.strip():
        raise EmptyDocument(f"{name} holds only whitespace; there is nothing to ingest")
    return decoded
