"""pdfminer within a budget: every page's work counted while it is read, refused past the limits.

pdfminer reads whatever a PDF asks: an 83 KB page of 600,000 text operations took 6.8 GB, a
content stream inflating to 200 MB ran for 7 minutes, and its layout analysis compares every
overlapping line with every other (1,000 lines drawn on one spot took 110 s). Here:

- a content stream, a font program or a character map is measured before pdfminer unpacks it,
  by unpacking it in bounded steps, against DOCQA_MAX_UNPACKED_MB over the whole file;
- every operand and operator of a page's content (its forms included), every character drawn,
  every line compared while laying the page out and every range of a font's character map is
  one operation, counted against DOCQA_MAX_PDF_PAGE_OPS per page (what one page may hold in
  memory) and DOCQA_MAX_PDF_OPS over the file (how long reading it may take);
- a page with more than MAX_GROUPED_BOXES blocks of text (a large table) is put in reading order
  top to bottom, left to right, not by pdfminer's pairwise grouping (quadratic in memory and time).

The text read is pdfminer's: the layout code below returns what pdfminer's would, in bounded time.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import (
    LAParams,
    LTComponent,
    LTPage,
    LTTextBox,
    LTTextBoxHorizontal,
    LTTextBoxVertical,
    LTTextGroup,
    LTTextLine,
    LTTextLineHorizontal,
)
from pdfminer.lzw import LZWDecoder
from pdfminer.pdffont import PDFFont
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
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
from pdfminer.utils import Matrix, Plane, Rect

from ingest.budget import Budget
from ingest.errors import FileTooLarge

# pdfminer groups a page's blocks of text pairwise: 600 blocks (a table) took 9.5 s.
MAX_GROUPED_BOXES = 200
MAX_GRID_CELLS = 100_000  # pdfminer indexes a page in 50-point cells: a page 4 m wide is a bomb
_CMAPS = ("ToUnicode", "Encoding")
_FONT_STREAMS = (*_CMAPS, "FontFile", "FontFile2", "FontFile3")
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


class BoundedResources(PDFResourceManager):
    """Fonts whose programs and character maps are measured before pdfminer reads them."""

    def __init__(self, bounds: PdfBudget) -> None:
        super().__init__()
        self.bounds = bounds

    def get_font(self, objid: object, spec: Mapping[str, object]) -> PDFFont:
        if not (objid and objid in self._cached_fonts):
            streams = list(_font_streams(spec))
            self.bounds.measure([stream for _, stream in streams], "its fonts")
            for key, stream in streams:
                if key in _CMAPS and id(stream) not in self.bounds.cmaps:
                    self.bounds.cmaps.add(id(stream))
                    self.bounds.tick(cmap_entries(stream.get_data()))
        return super().get_font(objid, spec)


def _font_streams(spec: Mapping[str, object], depth: int = 0) -> Iterator[tuple[str, PDFStream]]:
    if depth > 3:
        return
    for key in _FONT_STREAMS:
        if isinstance(stream := resolve1(spec.get(key)), PDFStream):
            yield key, stream
    for key in ("FontDescriptor", "DescendantFonts"):
        value = resolve1(spec.get(key))
        for item in value if isinstance(value, list) else [value]:
            if isinstance(inner := resolve1(item), dict):
                yield from _font_streams(inner, depth + 1)


class BoundedAggregator(PDFPageAggregator):
    """pdfminer's page layout, with every character counted and the page's layout bounded."""

    def __init__(self, resources: BoundedResources, laparams: LAParams) -> None:
        super().__init__(resources, laparams=laparams)
        self.bounds = resources.bounds

    def begin_page(self, page: PDFPage, ctm: Matrix) -> None:
        super().begin_page(page, ctm)
        self.bounds.start_page()
        assert isinstance(self.cur_item, LTPage)
        self.cur_item = BoundedPage(self.cur_item.pageid, self.cur_item.bbox, self.bounds)

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        self.bounds.char()
        return float(super().render_char(*args, **kwargs))


class BoundedInterpreter(PDFPageInterpreter):
    """Counts every operand and operator, and measures each content stream before running it."""

    device: BoundedAggregator

    def push(self, obj: Any) -> None:
        self.device.bounds.tick()
        super().push(obj)

    def execute(self, streams: Sequence[object]) -> None:
        self.device.bounds.measure(streams, "its page contents")
        super().execute(streams)


def _counted(operator: Any, weight: int) -> Any:
    def counted(self: BoundedInterpreter) -> None:
        self.device.bounds.tick(weight)
        operator(self)

    return counted


# `q` copies the whole graphics state: a page of them took 3 times as long per operation as
# one of text or paths (bench/hostile.py), so each counts as 3 and the budget stays a time.
_WEIGHTS = {"do_q": 3}

# Operators with operands are counted as their operands are pushed; the others here. pdfminer
# reads an operator's operand count from its code, so these keep the one argument (self).
for _name, _operator in vars(PDFPageInterpreter).items():
    if _name.startswith("do_") and _operator.__code__.co_argcount == 1:
        setattr(BoundedInterpreter, _name, _counted(_operator, _WEIGHTS.get(_name, 1)))


class _CountingPlane(Plane[LTTextLine]):
    """pdfminer's Plane, counting every object it looks at to find neighbours."""

    def __init__(self, bbox: Rect, bounds: PdfBudget) -> None:
        super().__init__(bbox)
        self.bounds = bounds

    def add(self, obj: LTTextLine) -> None:
        self.bounds.tick(_cells(obj.bbox, self.gridsize))
        super().add(obj)

    def find(self, bbox: Rect) -> Iterator[LTTextLine]:
        self.bounds.tick(_cells(bbox, self.gridsize))
        (x0, y0, x1, y1) = bbox
        done = set()
        for k in self._getrange(bbox):
            if k not in self._grid:
                continue
            cell = self._grid[k]
            self.bounds.tick(len(cell))
            for obj in cell:
                if obj in done:
                    continue
                done.add(obj)
                if obj.x1 <= x0 or x1 <= obj.x0 or obj.y1 <= y0 or y1 <= obj.y0:
                    continue
                yield obj


def _cells(bbox: Rect, size: float) -> int:
    (x0, y0, x1, y1) = bbox
    return int(min(abs(x1 - x0), 1e9) // size + 1) * int(min(abs(y1 - y0), 1e9) // size + 1)


class BoundedPage(LTPage):
    def __init__(self, pageid: int, bbox: Rect, bounds: PdfBudget) -> None:
        super().__init__(pageid, bbox)
        self.bounds = bounds

    def group_textlines(
        self, laparams: LAParams, lines: Iterable[LTTextLine]
    ) -> Iterator[LTTextBox]:
        """pdfminer's grouping of lines into blocks, without its cubic worst case: a block that
        several neighbours already share is added once, not once per neighbour."""
        lines = list(lines)
        plane = _CountingPlane(self.bbox, self.bounds)
        plane.extend(lines)
        boxes: dict[LTTextLine, LTTextBox] = {}
        for line in lines:
            neighbors = line.find_neighbors(plane, laparams.line_margin)
            members: list[LTComponent] = [line]
            merged: set[int] = set()
            for obj1 in neighbors:
                members.append(obj1)
                if obj1 in boxes:
                    box = boxes.pop(obj1)
                    if id(box) not in merged:
                        merged.add(id(box))
                        members.extend(box)
            self.bounds.tick(len(members))
            if isinstance(line, LTTextLineHorizontal):
                new: LTTextBox = LTTextBoxHorizontal()
            else:
                new = LTTextBoxVertical()
            for obj in dict.fromkeys(members):
                new.add(obj)
                boxes[obj] = new  # type: ignore[index]
        done = set()
        for line in lines:
            if line not in boxes:
                continue
            box = boxes[line]
            if box in done:
                continue
            done.add(box)
            if not box.is_empty():
                yield box

    def group_textboxes(self, laparams: LAParams, boxes: Sequence[LTTextBox]) -> list[LTTextGroup]:
        if len(boxes) > MAX_GROUPED_BOXES or _cells(self.bbox, 50) > MAX_GRID_CELLS:
            # pdfminer's order without grouping (boxes_flow=None): top to bottom, left to right.
            ordered = sorted(boxes, key=_top_down)
            return [LTTextGroup(ordered)]
        self.bounds.tick(len(boxes) * (len(boxes) - 1) // 2)
        return super().group_textboxes(laparams, boxes)


def _top_down(box: LTTextBox) -> tuple[int, float, float]:
    if isinstance(box, LTTextBoxVertical):
        return (0, -box.x1, -box.y0)
    return (1, -box.y0, box.x0)
