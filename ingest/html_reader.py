"""HTML to paragraphs (BeautifulSoup over lxml): the page's main content, headings as sections.

The main content is `<main>` (or `role=main`), else a lone `<article>`, else `<body>` without its
navigation, banners, sidebars, footers, forms and scripts.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from ingest.budget import Budget
from ingest.decode import decode_text
from ingest.errors import DamagedFile, FileTooLarge, IngestError
from ingest.parsed import ParsedDocument, document_id
from ingest.rendering import Rendering, clean_inline, drafts_of, first_heading_or_line
from ingest.settings import IngestSettings

_NEVER_CONTENT = [
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "form",
    "button", "select", "nav", "aside", "head",
]  # fmt: skip
_CHROME = ["header", "footer"]  # page chrome outside the main content
_CHROME_ROLES = re.compile(r"^(?:navigation|banner|contentinfo|complementary|search)$")
_HEADING = re.compile(r"^h([1-6])$")
_BLOCKS = {
    "p", "div", "section", "article", "main", "blockquote", "pre", "address", "figure",
    "figcaption", "details", "summary", "dl", "dt", "dd", "ul", "ol", "li", "table", "hr",
    "header", "footer", "center", "fieldset", "caption", "body", "html",
}  # fmt: skip
_TAG = re.compile(r"<[A-Za-z]")  # an element starts (closing tags and comments make none)


def read_html(name: str, data: bytes, settings: IngestSettings | None = None) -> ParsedDocument:
    doc_id = document_id(name)
    budget = Budget.of(name, settings)
    decoded = decode_text(name, data)
    _check_tags(name, decoded.text, budget.settings.max_html_tags)
    try:
        rendering, title = _render(decoded.text, Rendering(budget))
    except IngestError:
        raise
    except Exception as exc:  # the parser gives up on pathological input
        raise DamagedFile(
            f"{name} could not be parsed as HTML ({type(exc).__name__}); save the page again"
        ) from None
    drafts = drafts_of(
        name, rendering, "its main content has no readable text (only markup, scripts or menus)"
    )
    title = title or first_heading_or_line(rendering.text, name)
    return ParsedDocument(doc_id, title, drafts, decoded.note, rendering.text)


def _check_tags(name: str, html: str, limit: int) -> None:
    """Refused before parsing: each element costs the parser about 1.5 KB (100,000 `<p>x` in a
    400 KB page took 15 s and 150 MB), and tiny tags fill 20 MB by the million."""
    for count, _ in enumerate(_TAG.finditer(html), start=1):
        if count > limit:
            raise FileTooLarge(
                f"{name} holds more than {limit:,} HTML tags; split the page, or raise "
                "DOCQA_MAX_HTML_TAGS"
            )


def _render(html: str, rendering: Rendering) -> tuple[Rendering, str]:
    from bs4 import BeautifulSoup

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bs4 warns on XHTML or URL-like input; parsed anyway
        soup: Any = BeautifulSoup(html, "lxml")
    title = clean_inline(soup.title.get_text()) if soup.title else ""
    for tag in soup.find_all(_NEVER_CONTENT):
        tag.decompose()
    for tag in soup.find_all(attrs={"hidden": True}):
        tag.decompose()
    for tag in soup.find_all(attrs={"aria-hidden": "true"}):
        tag.decompose()
    root = _main_content(soup)
    _Walker(rendering).block(root)
    return rendering, title[:120]


def _main_content(soup: Any) -> Any:
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if main is not None:
        return main
    articles = soup.find_all("article")
    if len(articles) == 1:
        return articles[0]
    body = soup.body or soup
    for tag in body.find_all(_CHROME):
        tag.decompose()
    for tag in body.find_all(attrs={"role": _CHROME_ROLES}):
        tag.decompose()
    return body


class _Walker:
    """Walks block elements in order; inline text between blocks becomes a paragraph."""

    def __init__(self, rendering: Rendering) -> None:
        self.rendering = rendering
        self.inline: list[str] = []

    def block(self, element: Any) -> None:
        from bs4 import NavigableString, Tag

        for child in element.children:
            if type(child) is NavigableString:  # not a comment, CDATA or doctype
                self.inline.append(str(child))
            elif isinstance(child, Tag):
                self.element(child)
        self.flush()

    def element(self, tag: Any) -> None:
        name = tag.name.lower()
        if heading := _HEADING.match(name):
            self.flush()
            self.rendering.heading(int(heading[1]), _text(tag))
        elif name in {"ul", "ol"}:
            self.flush()
            items: list[tuple[int, str, str]] = []
            _list_items(tag, 0, items)
            self.rendering.list_items(items)
        elif name == "table":
            self.flush()
            self.rendering.table(_table_rows(tag))
        elif name == "pre":
            self.flush()
            self.rendering.paragraph(tag.get_text())
        elif name == "br":
            self.inline.append("\n")
        elif name in _BLOCKS:
            self.flush()
            self.block(tag)
        else:
            self.inline.append(_text(tag))  # inline markup: <a>, <b>, <span>…

    def flush(self) -> None:
        # Lines (source wrapping, <br>) are joined: a space between words, none between Chinese.
        self.rendering.paragraph("".join(self.inline))
        self.inline.clear()


def _list_items(tag: Any, depth: int, out: list[tuple[int, str, str]]) -> None:
    numbered = tag.name.lower() == "ol"
    for number, item in enumerate(tag.find_all("li", recursive=False), start=1):
        nested = item.find_all(["ul", "ol"], recursive=False)
        for sub in nested:
            sub.extract()
        out.append((min(depth, 8), f"{number}." if numbered else "-", _text(item)))
        for sub in nested:
            _list_items(sub, depth + 1, out)


def _table_rows(table: Any) -> list[list[str]]:
    rows = []
    for row in table.find_all("tr"):
        if row.find_parent("table") is not table:
            continue  # a nested table's rows belong to the cell holding it
        rows.append([_text(cell) for cell in row.find_all(["th", "td"], recursive=False)])
    return rows


def _text(tag: Any) -> str:
    """A tag's text, with a line break where a block or <br> inside it separates words."""
    from bs4 import NavigableString, Tag

    parts = []
    for node in tag.descendants:
        if type(node) is NavigableString:
            parts.append(str(node))
        elif isinstance(node, Tag) and (node.name in _BLOCKS or node.name == "br"):
            parts.append("\n")
    return "".join(parts)
