"""A PDF page's positioned lines back into paragraphs and headings.

A PDF holds positioned lines, not paragraphs. Lines are grouped back into paragraphs by their
spacing, indentation and font size; words hyphenated at a line end are rejoined; a paragraph cut
by a page break is continued; lines repeated at the top or bottom of most pages (running headers,
footers, page numbers) are dropped. No pdfminer here: ingest/pdf_reader.py reads the lines.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from ingest.budget import Budget
from ingest.rendering import Rendering

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_SENTENCE_END = re.compile(r"[.!?:;。！？：；»\"”)]$")
_HYPHENATED = re.compile(r"[^\W\d_][-\u00ad]$")
_PAGE_NUMBER = re.compile(
    r"^\W*(?:page|p\.|seite|第)?\s*\d+\s*(?:(?:/|of|sur|de|页|頁)\s*\d+)?\s*(?:页|頁)?\W*$",
    re.IGNORECASE,
)
MARGIN_SHARE = 0.12  # the top and bottom 12% of a page is where running heads live
REPEATED_SHARE = 0.6  # a margin line on this share of pages (2 at least) is a running head
HEADING_SIZE_RATIO = 1.2  # a line this much larger than body text is a heading
PARAGRAPH_GAP_RATIO = 1.4  # a line pitch this much larger than usual starts a paragraph


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float  # distance from the page's top edge, growing downwards
    size: float  # the median font size of its characters
    in_margin: bool = False  # in the band at the top or bottom where running heads live


@dataclass
class Paragraph:
    lines: list[Line] = field(default_factory=list)

    @property
    def size(self) -> float:
        return statistics.median(line.size for line in self.lines)

    def text(self) -> str:
        return join_pdf_lines([line.text for line in self.lines])


def join_pdf_lines(lines: list[str]) -> str:
    """Lines of one paragraph as one line: hyphenated words rejoined, no space between CJK."""
    out = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if not out:
            out = line
        elif _HYPHENATED.search(out):
            # "inter-" + "national"; "Franco-" + "Kazakh" keeps its hyphen (a compound).
            out = (out[:-1] if line[0].islower() else out) + line
        elif _CJK.match(out[-1]) and _CJK.match(line[0]):
            out += line
        else:
            out += " " + line
    return out


def render_pages(pages: list[list[Line]], budget: Budget) -> Rendering:
    """Every page's lines, as Markdown-like paragraphs and headings, each on its page."""
    body_size = _body_size(pages)
    heading_sizes = _heading_sizes(pages, body_size)
    running = _running_heads(pages)
    placed: list[tuple[int, Paragraph]] = []  # (page it starts on, paragraph)
    for number, lines in enumerate(pages, start=1):
        kept = [line for line in lines if _margin_key(line) not in running]
        for index, paragraph in enumerate(_paragraphs(kept)):
            if index == 0 and placed and _continues(placed[-1][1], paragraph, body_size):
                placed[-1][1].lines.extend(paragraph.lines)  # carried over the page break
            else:
                placed.append((number, paragraph))
    rendering = Rendering(budget)
    for number, paragraph in placed:
        if rendering.page_at(rendering.length) != number:
            rendering.start_page(number)
        _emit(rendering, paragraph, body_size, heading_sizes)
    return rendering


def _margin_key(line: Line) -> str | None:
    """What a running head looks like on every page: digits masked, case and spaces folded."""
    if not line.in_margin:
        return None
    if _PAGE_NUMBER.match(line.text):
        return "#page-number"
    return re.sub(r"\d+", "#", " ".join(line.text.lower().split()))


def _running_heads(pages: list[list[Line]]) -> set[str | None]:
    seen = Counter(key for page in pages for key in {_margin_key(line) for line in page} if key)
    needed = max(2, REPEATED_SHARE * len(pages))
    running: set[str | None] = {key for key, count in seen.items() if count >= needed}
    running.add("#page-number")  # a lone page number is never content
    return running


def _body_size(pages: list[list[Line]]) -> float:
    weights: Counter[float] = Counter()
    for page in pages:
        for line in page:
            weights[round(line.size, 1)] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _paragraphs(lines: list[Line]) -> list[Paragraph]:
    pitches = [
        b.top - a.top
        for a, b in zip(lines, lines[1:], strict=False)
        if 0 < b.top - a.top < 3 * max(a.size, b.size)
    ]
    usual_pitch = statistics.median(pitches) if pitches else 0.0
    right_edge = max((line.x1 for line in lines), default=0.0)
    paragraphs: list[Paragraph] = []
    for line in lines:
        current = paragraphs[-1] if paragraphs else None
        if current is None or _starts_paragraph(current, line, usual_pitch, right_edge):
            paragraphs.append(Paragraph([line]))
        else:
            current.lines.append(line)
    return paragraphs


def _starts_paragraph(
    current: Paragraph, line: Line, usual_pitch: float, right_edge: float
) -> bool:
    last = current.lines[-1]
    pitch = line.top - last.top
    if pitch <= 0 or pitch > PARAGRAPH_GAP_RATIO * max(usual_pitch, last.size):
        return True  # a new column, or a gap
    if abs(line.size - last.size) > 0.15 * last.size:
        return True  # a heading, or back to body text after one
    if line.x0 > last.x0 + 1.5 * line.size:
        return True  # first-line indent
    short_last = last.x1 < right_edge - 3 * last.size
    return short_last and bool(_SENTENCE_END.search(last.text))


def _continues(previous: Paragraph, paragraph: Paragraph, body_size: float) -> bool:
    """Whether a page's first paragraph carries on the previous page's last one."""
    last, first = previous.lines[-1].text, paragraph.lines[0].text
    if _is_heading(previous, body_size) or _is_heading(paragraph, body_size):
        return False
    if _SENTENCE_END.search(last) or abs(previous.size - paragraph.size) > 0.15 * body_size:
        return False
    return first[0].islower() or bool(_CJK.match(first[0]) and _CJK.match(last[-1]))


def _is_heading(paragraph: Paragraph, body_size: float) -> bool:
    return (
        body_size > 0
        and paragraph.size >= HEADING_SIZE_RATIO * body_size
        and len(paragraph.lines) <= 3
        and len(paragraph.text()) <= 200
    )


def _heading_sizes(pages: list[list[Line]], body_size: float) -> list[float]:
    """Font sizes of headings, largest first: the first is level 1, the next level 2…"""
    sizes = {
        round(line.size)
        for page in pages
        for line in page
        if not line.in_margin and line.size >= HEADING_SIZE_RATIO * body_size
    }
    return sorted(sizes, reverse=True)


def _emit(
    rendering: Rendering, paragraph: Paragraph, body_size: float, heading_sizes: list[float]
) -> None:
    if _is_heading(paragraph, body_size):
        size = round(paragraph.size)
        level = heading_sizes.index(size) + 1 if size in heading_sizes else len(heading_sizes)
        rendering.heading(level, paragraph.text())
    else:
        rendering.paragraph(paragraph.text())
