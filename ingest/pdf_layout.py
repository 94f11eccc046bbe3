"""pdfminer's layout of a page in bounded time: every line compared to find its neighbours is
counted against the PDF's budget (ingest/pdf_budget.py).

pdfminer's grouping of lines into blocks is kept (the same blocks) without its cubic worst case,
and a page with more than MAX_GROUPED_BOXES blocks (a large table) is put in reading order top
to bottom, left to right, instead of grouped pairwise (quadratic: 600 blocks took 9.5 s).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

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
from pdfminer.utils import Plane, Rect

from ingest.pdf_budget import PdfBudget

# pdfminer groups a page's blocks of text pairwise: 600 blocks (a table) took 9.5 s.
MAX_GROUPED_BOXES = 200
MAX_GRID_CELLS = 100_000  # pdfminer indexes a page in 50-point cells: a page 4 m wide is a bomb


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
