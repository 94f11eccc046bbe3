"""PDF to paragraphs with page numbers (pdfminer.six layout analysis).

Here the file is read: its envelope checked, every page's text lines taken from pdfminer's layout
(within ingest/pdf_bounds.py's budget), its title and signs of damage; the lines are made
paragraphs again by ingest/pdf_paragraphs.py.
"""

from __future__ import annotations

import io
import logging
import statistics
from dataclasses import dataclass, field
from typing import Any

from ingest.budget import Budget
from ingest.errors import DamagedFile, EncryptedDocument, IngestError
from ingest.parsed import ParsedDocument, document_id
from ingest.pdf_paragraphs import MARGIN_SHARE, Line, render_pages
from ingest.rendering import clean_inline, drafts_of, first_heading_or_line
from ingest.settings import IngestSettings

# pdfminer reports every oddity of real-world PDFs on the root logger's children.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def read_pdf(name: str, data: bytes, settings: IngestSettings | None = None) -> ParsedDocument:
    doc_id = document_id(name)
    budget = Budget.of(name, settings)
    _check_envelope(name, data)
    pages, title, damage = _pages(name, data, budget)
    rendering = render_pages(pages, budget)
    if damage.unread and not rendering.text.strip():
        raise DamagedFile(
            f"{name} is damaged ({'; '.join(damage.unread)}): no text could be read from it; "
            "re-export or download it again"
        )
    drafts = drafts_of(name, rendering, "it holds no extractable text (a scan? run OCR first)")
    title = title or first_heading_or_line(rendering.text, name)
    return ParsedDocument(doc_id, title, drafts, damage.note, rendering.text)


@dataclass
class Damage:
    """Signs that a PDF is damaged, rather than without text (a scan)."""

    unread: list[str] = field(default_factory=list)  # why nothing could be read
    corrupt_pages: list[int] = field(default_factory=list)  # content that failed to unpack
    missing_pages: str | None = None  # e.g. "only 1 of its 2 pages could be found"

    @property
    def note(self) -> str | None:
        """What a document read in part says (it is kept: the rest is worth finding)."""
        parts = [f"damaged: {self.missing_pages}"] if self.missing_pages else []
        if self.corrupt_pages:
            pages = ", ".join(str(page) for page in self.corrupt_pages[:10])
            more = ", …" if len(self.corrupt_pages) > 10 else ""
            plural = "s" if len(self.corrupt_pages) > 1 else ""
            parts.append(
                f"damaged: the content of page{plural} {pages}{more} could not be read in full"
            )
        return "; ".join(parts) or None


def _check_envelope(name: str, data: bytes) -> None:
    if b"%PDF-" not in data[:1024]:
        raise DamagedFile(
            f"{name} is not a PDF (no %PDF header); check the file, or give it its real extension"
        )
    if b"%%EOF" not in data[-2048:]:
        raise DamagedFile(
            f"{name} is truncated (its PDF end-of-file marker is missing); copy or download "
            "it again"
        )


def _pages(name: str, data: bytes, budget: Budget) -> tuple[list[list[Line]], str, Damage]:
    """The text lines of every page, the title in the document's metadata, signs of damage."""
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import (
        PDFDocument,
        PDFEncryptionError,
        PDFPasswordIncorrect,
        PDFXRefFallback,
    )
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    from ingest.pdf_bounds import BoundedAggregator, BoundedInterpreter, BoundedResources
    from ingest.pdf_budget import PdfBudget

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        bounds = PdfBudget(budget)
        resources = BoundedResources(bounds)
        device = BoundedAggregator(resources, LAParams())
        interpreter = BoundedInterpreter(resources, device)
        pages = []
        for page in PDFPage.create_pages(document):
            interpreter.process_page(page)
            pages.append(_page_lines(device.get_result()))
        damage = Damage(corrupt_pages=sorted(bounds.corrupt_pages))
        declared = _declared_pages(document)
        if not pages:
            damage.unread.append("no page could be found in it")
        elif declared is not None and len(pages) < declared:
            damage.missing_pages = f"only {len(pages)} of its {declared} pages could be found"
            damage.unread.append(damage.missing_pages)
        if any(isinstance(xref, PDFXRefFallback) for xref in document.xrefs):
            damage.unread.append("its cross-reference table is broken")
        if damage.corrupt_pages:
            damage.unread.append("the content of its pages is corrupt")
        return pages, _metadata_title(document), damage
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise EncryptedDocument(
            f"{name} is password-protected; save an unprotected copy (e.g. print it to PDF) "
            "and ingest that"
        ) from None
    except IngestError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on a broken file
        raise DamagedFile(
            f"{name} is damaged and cannot be read as a PDF ({type(exc).__name__}); "
            "re-export or download it again"
        ) from None


def _declared_pages(document: Any) -> int | None:
    """The page count the document's page tree declares, if it declares one."""
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(document.catalog.get("Pages")).get("Count"))
    except Exception:  # no page tree: pdfminer then looks for pages object by object
        return None
    return count if isinstance(count, int) and count > 0 else None


def _metadata_title(document: Any) -> str:
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    for info in document.info:
        title = resolve1(info.get("Title"))
        if isinstance(title, bytes):
            return clean_inline(decode_text(title))[:120]
        if isinstance(title, str):
            return clean_inline(title)[:120]
    return ""


def _page_lines(page: object) -> list[Line]:
    from pdfminer.layout import LTChar, LTPage, LTTextContainer, LTTextLine

    assert isinstance(page, LTPage)
    height = page.height
    lines = []

    def visit(element: object) -> None:
        if isinstance(element, LTTextLine):
            text = clean_inline(element.get_text())
            sizes = [c.size for c in element if isinstance(c, LTChar)]
            if text and sizes:
                top = max(height - element.y1, 0.0)
                lines.append(Line(text, element.x0, element.x1, top, statistics.median(sizes)))
        elif isinstance(element, LTTextContainer):
            for child in element:
                visit(child)

    for element in page:
        visit(element)  # in pdfminer's reading order (columns one after the other)
    for line in lines:
        line.in_margin = not height * MARGIN_SHARE <= line.top <= height * (1 - MARGIN_SHARE)
    return lines
