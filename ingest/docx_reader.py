"""Word .docx to paragraphs (python-docx): headings become sections, lists and tables stay readable.

Only the document body is read: page headers and footers live in other parts of the package, so
they never repeat into the index.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from ingest.budget import Budget
from ingest.errors import DamagedFile, IngestError, UnsupportedFormat
from ingest.parsed import ParsedDocument, document_id
from ingest.rendering import Rendering, clean_inline, drafts_of, first_heading_or_line
from ingest.settings import IngestSettings

# Built-in heading styles keep their English name in styles.xml whatever Word's language;
# documents made elsewhere name them in their own language.
_HEADING_STYLE = re.compile(r"^(?:heading|titre|überschrift|标题|標題)\s*(\d)$", re.IGNORECASE)
_BODY_PART = "word/document.xml"
# python-docx holds every part of the package in memory, pictures too, but parses only the
# XML ones (at ~15 bytes a byte): the whole package may unpack to this many times the XML limit.
PACKAGE_TIMES_XML = 4


def read_docx(name: str, data: bytes, settings: IngestSettings | None = None) -> ParsedDocument:
    doc_id = document_id(name)
    budget = Budget.of(name, settings)
    document = _open(name, data, budget)
    try:
        rendering = _render(document, Rendering(budget))
        title = (document.core_properties.title or "").strip()
    except IngestError:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds on a malformed part
        raise DamagedFile(
            f"{name} is a damaged Word document ({type(exc).__name__}); open and re-save it in Word"
        ) from None
    drafts = drafts_of(name, rendering, "the document body is empty")
    return ParsedDocument(
        doc_id, title or first_heading_or_line(rendering.text, name), drafts, text=rendering.text
    )


def _open(name: str, data: bytes, budget: Budget) -> Any:
    import docx

    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        names = set(package.namelist())
        unpacked = sum(info.file_size for info in package.infolist())
        # python-docx parses every XML part when it opens the package, at ~15 bytes of memory
        # per byte (a 150 MB document.xml took 2.3 GB). A member's declared size is what zipfile
        # reads at most (past it the CRC check fails), so it is checked before any is unpacked.
        xml = sum(info.file_size for info in package.infolist() if _is_xml(info.filename))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnsupportedFormat(
            f"{name} is not a Word .docx file (not a zip package; an old .doc?); "
            "save it as .docx from Word or LibreOffice"
        ) from None
    if _BODY_PART not in names:
        raise UnsupportedFormat(
            f"{name} is a zip archive but not a Word document (no {_BODY_PART}); "
            "check the file, or give it its real extension"
        )
    budget.check_unpacked(xml, "its XML parts (the text and its markup)")
    budget.check_unpacked(unpacked, "all its parts (pictures included)", times=PACKAGE_TIMES_XML)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise DamagedFile(
            f"{name} is a damaged Word document ({type(exc).__name__}); open and re-save it in Word"
        ) from None


def _is_xml(member: str) -> bool:
    return member.lower().endswith((".xml", ".rels"))


def _render(document: Any, rendering: Rendering) -> Rendering:
    from docx.table import Table

    items: list[tuple[int, str, str]] = []  # the list being read, flushed at its end
    numbers: dict[int, int] = {}
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            _flush(rendering, items, numbers)
            rendering.table(_table_rows(block))
            continue
        style = _style_name(block)
        if item := _list_item(block, style):
            depth, numbered = item
            numbers[depth] = numbers.get(depth, 0) + 1 if numbered else 0
            for deeper in [d for d in numbers if d > depth]:
                del numbers[deeper]
            marker = f"{numbers[depth]}." if numbered else "-"
            items.append((depth, marker, block.text))
            continue
        _flush(rendering, items, numbers)
        if match := _HEADING_STYLE.match(style):
            rendering.heading(int(match[1]), block.text)
        elif style.lower() == "title":
            rendering.heading(1, block.text)
        else:
            rendering.paragraph(block.text)
    _flush(rendering, items, numbers)
    return rendering


ListItems = list[tuple[int, str, str]]  # (depth, marker, text)


def _flush(rendering: Rendering, items: ListItems, numbers: dict[int, int]) -> None:
    rendering.list_items(items)
    items.clear()
    numbers.clear()


def _style_name(paragraph: Any) -> str:
    style = paragraph.style
    return str(style.name or "") if style is not None else ""


def _list_item(paragraph: Any, style: str) -> tuple[int, bool] | None:
    """(depth, numbered) for a list paragraph, None for any other."""
    properties = paragraph._p.pPr
    numbering = properties.numPr if properties is not None else None
    if numbering is None and not style.lower().startswith("list"):
        return None
    level = numbering.ilvl if numbering is not None else None
    depth = int(level.val) if level is not None and level.val is not None else 0
    return min(depth, 8), "number" in style.lower()


def _table_rows(table: Any) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue  # a merged cell is reported once per column it spans
            seen.add(id(cell._tc))
            cells.append(clean_inline(cell.text))
        rows.append(cells)
    return rows
