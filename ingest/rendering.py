"""A rich document (PDF, DOCX, HTML) written out as Markdown-like text, the text its offsets index.

Every reader of a structured format emits headings, paragraphs, list items and table rows here;
the same structure code as for Markdown then builds the paragraph drafts, so sections, title
attachment and numbered paragraphs behave alike in every format. `start`/`end` of a paragraph
index this rendering (`ParsedDocument.text`), and PDF paragraphs also carry their page.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ingest.budget import Budget
from ingest.errors import EmptyDocument
from ingest.structure import Draft, build_drafts, join_lines

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]")
TABLE_ROWS_PER_BLOCK = 20  # a long table becomes several paragraphs, each with its header row


def clean_inline(text: str) -> str:
    """One line of readable text: invisible characters dropped, runs of spaces collapsed."""
    text = _INVISIBLE.sub("", text)
    return join_lines([_SPACES.sub(" ", line) for line in text.splitlines()])


@dataclass
class Rendering:
    """Blocks appended in reading order, separated by blank lines; with a budget, a document with
    more text than it allows is refused as it is rendered."""

    budget: Budget | None = None
    parts: list[str] = field(default_factory=list)
    length: int = 0
    page_starts: list[tuple[int, int]] = field(default_factory=list)  # (offset, page number)

    def start_page(self, page: int) -> None:
        self.page_starts.append((self.length, page))

    def heading(self, level: int, text: str) -> None:
        if text := clean_inline(text):
            self._block("#" * min(max(level, 1), 6) + " " + text)

    def paragraph(self, text: str) -> None:
        if text := clean_inline(text):
            self._block(text)

    def lines(self, lines: list[str]) -> None:
        """A block whose lines stay apart (list items, table rows)."""
        kept = [line.rstrip() for line in lines if line.strip()]
        if kept:
            self._block("\n".join(kept))

    def list_items(self, items: list[tuple[int, str, str]]) -> None:
        """(depth, marker, text) items: a list kept as one block, a line per item."""
        self.lines(
            ["  " * depth + f"{marker} {clean_inline(text)}" for depth, marker, text in items]
        )

    def table(self, rows: list[list[str]]) -> None:
        """Rows of cells as Markdown table rows; long tables split, each part with the header."""
        cleaned = [[clean_inline(cell).replace("|", "/") for cell in row] for row in rows]
        cleaned = [row for row in cleaned if any(row)]
        if not cleaned:
            return
        header, body = cleaned[0], cleaned[1:]
        for start in range(0, max(len(body), 1), TABLE_ROWS_PER_BLOCK):
            part = [header, *body[start : start + TABLE_ROWS_PER_BLOCK]]
            self.lines(["| " + " | ".join(row) + " |" for row in part])

    def _block(self, text: str) -> None:
        if self.parts:
            self.parts.append("\n\n")
            self.length += 2
        self.parts.append(text)
        self.length += len(text)
        if self.budget is not None:
            self.budget.check_chars(self.length)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def page_at(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        index = bisect_right([start for start, _ in self.page_starts], offset) - 1
        return self.page_starts[max(index, 0)][1]


def drafts_of(name: str, rendering: Rendering, empty_hint: str) -> list[Draft]:
    """Paragraph drafts of a rendering, each with its page; EmptyDocument when there are none."""
    drafts = build_drafts(rendering.text, markdown=True, budget=rendering.budget)
    if not drafts:
        raise EmptyDocument(f"{name} has no text to index: {empty_hint}")
    for draft in drafts:
        draft.page = rendering.page_at(draft.start)
    return drafts


def first_heading_or_line(text: str, fallback: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.lstrip("#").strip()[:120]
    return fallback
