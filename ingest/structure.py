"""Plain text and Markdown to paragraph drafts that keep the document's structure.

Blocks are runs of non-blank lines. Headings become the `section` of the paragraphs under them;
short title lines join the paragraph they head, signature lines and a closing place/date line
join the paragraph they close, so no heading is ever indexed on its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ingest.budget import Budget

_BOLD_ONLY = re.compile(r"^\*\*(?P<text>[\s\S]+?)\*\*$")
_MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*$")
_ROMAN = re.compile(r"^(?=[IVXLC])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})\.?$")
_NUMBERED = re.compile(r"^(?P<number>\d{1,3})[.)]\s")
_SIGNATURE = re.compile(r"^\s*[(（](?:Signé|Signed|签名|簽名)[)）]", re.MULTILINE)
_SENTENCE_END = re.compile(r"[.!?;:。！？；：…»\"”)]$")
_CJK_EDGE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_MARKUP = re.compile(r"\*\*|__")

SHORT_BLOCK_CHARS = 200  # a line this short without final punctuation reads as a title
FRONT_MATTER_CHARS = 150  # a run of titles this long is a paragraph of its own (cover page)
SECTION_PART_CHARS = 60
# No paragraph is longer: a longer block is cut at sentence ends (else line breaks, spaces,
# characters) into several, each with its own span (a 15 MB line embedded as one paragraph asked
# the embedder for 15.7 GiB). Cut a little shorter, so a title line attached still fits.
MAX_PARAGRAPH_CHARS = 4000
_CUT_CHARS = MAX_PARAGRAPH_CHARS - FRONT_MATTER_CHARS
_SENTENCE_CUT = re.compile(r"[.!?;…]+[\"'”’»)\]]*(?=\s)|[。！？；…]+[”’」』）]*")


@dataclass
class Draft:
    """A paragraph before it has an id: display text, section path and source span."""

    text: str
    section: str
    start: int
    end: int
    page: int | None = None  # set by paged formats (PDF)


@dataclass(frozen=True)
class Block:
    raw: str
    start: int
    end: int
    cut: bool = False  # a piece of a block too long to be one paragraph (never a title)


def split_blocks(source: str) -> Iterator[Block]:
    """Runs of non-blank lines, each stripped, with its span in `source`; a run longer than a
    paragraph is cut into several (see _cut)."""
    start = end = -1
    position = 0
    while True:
        newline = source.find("\n", position)
        line = source[position:] if newline < 0 else source[position:newline]
        if line and not line.isspace():
            if start < 0:
                start = position + len(line) - len(line.lstrip())
            end = position + len(line.rstrip())
        elif start >= 0:
            yield from _cut(Block(source[start:end], start, end))
            start = -1
        if newline < 0:
            break
        position = newline + 1
    if start >= 0:
        yield from _cut(Block(source[start:end], start, end))


def _cut(block: Block, limit: int = _CUT_CHARS) -> Iterator[Block]:
    raw, position = block.raw, 0
    if len(raw) > limit:
        # A list or a table is cut between its lines; prose between sentences.
        lines_first = any(_LIST_LINE.match(line) for line in raw.splitlines())
        while len(raw) - position > limit:
            cut = _cut_point(raw, position + limit // 2, position + limit, lines_first)
            piece = raw[position:cut]
            lead = len(piece) - len(piece.lstrip())
            start = block.start + position + lead
            end = block.start + position + len(piece.rstrip())
            yield Block(piece.strip(), start, end, cut=True)
            position = cut
            while raw[position].isspace():  # the block ends with a non-space character
                position += 1
    yield Block(raw[position:], block.start + position, block.end, cut=position > 0)


def _cut_point(raw: str, low: int, high: int, lines_first: bool) -> int:
    """Where to end a piece of `raw` that must end between `low` and `high`."""
    newline = raw.rfind("\n", low, high)
    if lines_first and newline >= 0:
        return newline + 1
    sentence_end = max((match.end() for match in _SENTENCE_CUT.finditer(raw, low, high)), default=0)
    if sentence_end:
        return sentence_end
    if newline >= 0:
        return newline + 1
    for at in range(high - 1, low - 1, -1):
        if raw[at].isspace():
            return at + 1
    cut = high  # one long word: cut between characters, never before a combining accent
    while cut > low and unicodedata.combining(raw[cut]):
        cut -= 1
    return cut


def clean_markup(text: str) -> str:
    return _MARKUP.sub("", text)


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: a space between words, none between Chinese characters."""
    out = ""
    for line in (clean_markup(line).strip() for line in lines):
        if not line:
            continue
        if out and not (_CJK_EDGE.match(out[-1]) and _CJK_EDGE.match(line[0])):
            out += " "
        out += line
    return out


def shorten(text: str, limit: int = SECTION_PART_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


@dataclass
class _Outline:
    """The heading path while walking a document."""

    titles: list[str] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)  # each title's heading level
    part: str | None = None
    last_was_heading: bool = False

    def section(self, number: str | None = None) -> str:
        parts = [shorten(t) for t in self.titles]
        parts += [p for p in (self.part, number) if p]
        return " > ".join(parts)


def _heading(block: Block, markdown: bool, outline: _Outline) -> bool:
    """Update the outline if `block` is a heading; return whether it was one."""
    if markdown and (match := _MD_HEADING.match(block.raw)) and "\n" not in block.raw:
        level = len(match["hashes"])
        # By level, not position: a "##" with no "#" above it is still a top section.
        keep = sum(1 for above in outline.levels if above < level)
        outline.titles = [*outline.titles[:keep], join_lines([match["text"]])]
        outline.levels = [*outline.levels[:keep], level]
        outline.part = None
        return True
    if match := _BOLD_ONLY.match(block.raw):
        title = join_lines(match["text"].splitlines())
        if outline.last_was_heading:
            outline.levels = [*outline.levels, (outline.levels or [0])[-1] + 1]
            outline.titles = [*outline.titles, title]
        else:
            outline.titles, outline.levels = [title], [1]
        outline.part = None
        return True
    if _ROMAN.match(block.raw):
        outline.part = block.raw.rstrip(".")
        return True
    return False


# List items and Markdown table rows keep their own lines (a table row per line).
_LIST_LINE = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s|^\s*\|.*\|\s*$")


def _is_short(block: Block) -> bool:
    if any(_LIST_LINE.match(line) for line in block.raw.splitlines()):
        return False  # a list is content, however short
    text = join_lines(block.raw.splitlines())
    return len(text) <= SHORT_BLOCK_CHARS and not _SENTENCE_END.search(text)


def _body_text(block: Block, markdown: bool) -> str:
    lines = block.raw.splitlines()
    if markdown and any(_LIST_LINE.match(line) for line in lines):
        return "\n".join(clean_markup(line).strip() for line in lines)  # a list keeps its lines
    return join_lines(lines)


def _signature_text(block: Block) -> str:
    """Signature lines: the role joined, each '(Signé) Name' on its own line."""
    text = join_lines(block.raw.splitlines())
    return re.sub(r"\s*([(（](?:Signé|Signed|签名|簽名)[)）])", r"\n\1", text).strip()


def build_drafts(source: str, markdown: bool = False, budget: Budget | None = None) -> list[Draft]:
    """Paragraph drafts of `source`, none longer than MAX_PARAGRAPH_CHARS; with a budget, a file
    with more paragraphs than it allows is refused while they are built."""
    drafts: list[Draft] = []
    outline = _Outline()
    pending: list[Block] = []  # short title lines waiting for the paragraph they head
    pending_chars = 0

    def add(draft: Draft) -> None:
        drafts.append(draft)
        if budget is not None:
            budget.check_paragraphs(len(drafts))

    def flush_pending_as_paragraph_or_trailer() -> None:
        nonlocal pending_chars
        if not pending:
            return
        text = "\n".join(join_lines(b.raw.splitlines()) for b in pending)
        same_section = bool(drafts) and drafts[-1].section.startswith(outline.section())
        if same_section and len(text) < FRONT_MATTER_CHARS:
            _extend(drafts, text, pending[0].start, pending[-1].end, add)
        else:
            add(Draft(text, outline.section(), pending[0].start, pending[-1].end))
        pending.clear()
        pending_chars = 0

    for block in split_blocks(source):
        if not join_lines(block.raw.splitlines()):
            continue  # only markup (e.g. a lone "**"): nothing to read
        if _heading(block, markdown, outline):
            flush_pending_as_paragraph_or_trailer()
            outline.last_was_heading = True
            continue
        outline.last_was_heading = False
        if _SIGNATURE.search(block.raw) and drafts and not pending:
            _extend(drafts, _signature_text(block), block.start, block.end, add)
        elif not block.cut and _is_short(block):
            if pending_chars + len(block.raw) >= MAX_PARAGRAPH_CHARS:
                flush_pending_as_paragraph_or_trailer()  # a run of titles is a paragraph
            pending.append(block)
            pending_chars += len(block.raw) + 1
        else:
            number = match["number"] if (match := _NUMBERED.match(block.raw)) else None
            body = _body_text(block, markdown)
            start = block.start
            heads = "\n".join(join_lines(b.raw.splitlines()) for b in pending)
            if pending and len(heads) >= FRONT_MATTER_CHARS:
                flush_pending_as_paragraph_or_trailer()
            elif pending:
                body, start = heads + "\n" + body, pending[0].start
                pending.clear()
                pending_chars = 0
            # "Each station measures:" + its bullet list or table (numbered paragraphs stay apart).
            lead_in = _leads_in(drafts, outline.section())
            if lead_in and number is None and start == block.start and _LIST_LINE.match(body):
                _extend(drafts, body, block.start, block.end, add)
                continue
            add(Draft(body, outline.section(number), start, block.end))
    flush_pending_as_paragraph_or_trailer()
    return drafts


def _leads_in(drafts: list[Draft], section: str) -> bool:
    return bool(drafts) and drafts[-1].section == section and drafts[-1].text.endswith((":", "："))


def _extend(
    drafts: list[Draft], text: str, start: int, end: int, add: Callable[[Draft], None]
) -> None:
    """Join `text` to the last paragraph, or make it the next one where they would be too long."""
    last = drafts[-1]
    if len(last.text) + 1 + len(text) > MAX_PARAGRAPH_CHARS:
        add(Draft(text, last.section, start, end, last.page))
        return
    last.text = f"{last.text}\n{text}"
    last.end = end
