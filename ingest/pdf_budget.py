"""What reading one PDF has cost so far, counted and checked as it is read.

The counts that ingest/pdf_bounds.py's pdfminer subclasses (and ingest/pdf_layout.py's layout)
add to, each checked against its DOCQA_* limit at once; and what a stream unpacks to, or how
many codes a character map names, measured in bounded steps before pdfminer unpacks them whole
(a 200 MB content stream, a map of 4 billion codes).
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterable, Iterator

from pdfminer.lzw import LZWDecoder
from pdfminer.pdftypes import (
    LITERALS_ASCII85_DECODE,
    LITERALS_ASCIIHEX_DECODE,
    LITERALS_FLATE_DECODE,
    LITERALS_LZW_DECODE,
    LITERALS_RUNLENGTH_DECODE,
    PDFStream,
    ascii85decode,
    asciihexdecode,
    resolve1,
)

from ingest.budget import Budget
from ingest.errors import FileTooLarge

_CMAP_BEGIN = re.compile(rb"begin(bf|cid)range")
_CMAP_TOKEN = re.compile(rb"<([0-9A-Fa-f\s]*)>|(\[)|(\])|-?\d+")


class PdfBudget:
    """The work done so far reading one PDF, and what went wrong on the way."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.page = 0
        self.page_ops = 0
        self.ops = 0
        self.chars = 0
        self.unpacked = 0
        self.measured: set[int] = set()  # streams already measured (a form drawn twice)
        self.cmaps: set[int] = set()  # character maps already counted
        self.corrupt_pages: set[int] = set()  # pages with a stream that failed to unpack

    def start_page(self) -> None:
        self.page += 1
        self.page_ops = 0

    def tick(self, count: int = 1) -> None:
        self.page_ops += count
        self.ops += count
        settings = self.budget.settings
        if self.page_ops > settings.max_pdf_page_ops:
            raise FileTooLarge(
                f"{self.budget.name}: page {self.page} takes more than "
                f"{settings.max_pdf_page_ops:,} operations to read (drawing operations, "
                "characters, layout); split the PDF, or raise DOCQA_MAX_PDF_PAGE_OPS"
            )
        if self.ops > settings.max_pdf_ops:
            raise FileTooLarge(
                f"{self.budget.name} takes more than {settings.max_pdf_ops:,} operations to "
                "read (drawing operations, characters, layout); split it, or raise "
                "DOCQA_MAX_PDF_OPS"
            )

    def char(self) -> None:
        self.chars += 1
        if self.chars > self.budget.settings.max_file_chars:
            self.budget.check_chars(self.chars)
        self.tick()

    def measure(self, streams: Iterable[object], what: str) -> None:
        """Count what each stream unpacks to before pdfminer unpacks it whole."""
        for item in streams:
            stream = resolve1(item)
            if not isinstance(stream, PDFStream):
                self.corrupt_pages.add(self.page)  # pdfminer runs it as empty
                continue
            if id(stream) in self.measured:
                continue
            self.measured.add(id(stream))
            left = self.budget.settings.max_unpacked_bytes - self.unpacked
            size, corrupt = unpacked_size(stream, left)
            self.unpacked += size
            if corrupt:
                self.corrupt_pages.add(self.page)
            self.budget.check_unpacked(self.unpacked, what, exact=False)


def unpacked_size(stream: PDFStream, limit: int) -> tuple[int, bool]:
    """What `stream` unpacks to (past `limit`, where the unpacking stopped) and whether its data
    is corrupt; image codecs, which pdfminer leaves packed, count as they are."""
    if stream.data is not None:
        return len(stream.data), False
    data = stream.rawdata or b""
    corrupt = False
    try:
        if stream.decipher is not None:
            assert stream.objid is not None and stream.genno is not None
            data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
        for codec, _ in stream.get_filters():
            if codec in LITERALS_FLATE_DECODE:
                data, corrupt = _inflate(data, limit)
            elif codec in LITERALS_LZW_DECODE:
                data = _bounded(LZWDecoder(io.BytesIO(data)).run(), limit)
            elif codec in LITERALS_RUNLENGTH_DECODE:
                data = _bounded(_run_lengths(data), limit)
            elif codec in LITERALS_ASCII85_DECODE:
                data = ascii85decode(data)  # these only shrink
            elif codec in LITERALS_ASCIIHEX_DECODE:
                data = asciihexdecode(data)
            else:
                break
            if len(data) > limit or corrupt:
                break
    except Exception:  # pdfminer will fail on it too, and say so
        return len(data), True
    return len(data), corrupt


def _inflate(data: bytes, limit: int) -> tuple[bytes, bool]:
    inflater = zlib.decompressobj()
    parts: list[bytes] = []
    size = 0
    try:
        while data and size <= limit:
            part = inflater.decompress(data, limit + 1 - size)
            parts.append(part)
            size += len(part)
            data = inflater.unconsumed_tail
            if inflater.eof or not part:
                break
    except zlib.error:
        return b"".join(parts), True
    return b"".join(parts), False


def _bounded(chunks: Iterator[bytes], limit: int) -> bytes:
    out = bytearray()
    for chunk in chunks:
        out += chunk
        if len(out) > limit:
            break
    return bytes(out)


def _run_lengths(data: bytes) -> Iterator[bytes]:
    at = 0
    while at < len(data) and data[at] != 128:
        length = data[at]
        if length < 128:
            yield data[at + 1 : at + 2 + length]
            at += 2 + length
        else:
            yield data[at + 1 : at + 2] * (257 - length)
            at += 2


def cmap_entries(data: bytes) -> int:
    """How many codes the ranges of a character map name (pdfminer makes an entry for each:
    `<00000000> <FFFFFFFF>` is 4 billion of them). One pass over the data, whatever it holds."""
    total = 0
    at = 0
    while begin := _CMAP_BEGIN.search(data, at):
        end = data.find(b"end" + begin[1] + b"range", begin.end())
        items: list[bytes | None] = []  # each range's start, end and target (None: not hex)
        depth = 0
        for token in _CMAP_TOKEN.finditer(data, begin.end(), end if end >= 0 else len(data)):
            if token[2]:
                depth += 1
                if depth == 1:
                    items.append(None)  # an array of targets
            elif token[3]:
                depth = max(depth - 1, 0)
            elif not depth:
                items.append(token[1])
        for start, last in zip(items[0::3], items[1::3], strict=False):
            if start is not None and last is not None:
                first = int(b"".join(start.split()) or b"0", 16)
                total += max(0, int(b"".join(last.split()) or b"0", 16) - first + 1)
        if end < 0:
            break
        at = end
    return total
