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

The text read is pdfminer's: the layout code returns what pdfminer's would, in bounded time.
The counts and the measuring are in ingest/pdf_budget.py, the page's layout in
ingest/pdf_layout.py; here are pdfminer's fonts, device and interpreter, counting into them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTPage
from pdfminer.pdffont import PDFFont
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.utils import Matrix

from ingest.pdf_budget import PdfBudget, cmap_entries
from ingest.pdf_layout import BoundedPage

_CMAPS = ("ToUnicode", "Encoding")
_FONT_STREAMS = (*_CMAPS, "FontFile", "FontFile2", "FontFile3")


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
