"""Test documents made by the tests: one report in fr, en and zh, written as PDF, DOCX and HTML.

The PDF is laid out line by line (so the test knows where every line, page break and hyphen
falls), with a running header and a page-number footer on every page; the Chinese one embeds a
TrueType CJK font from a Debian package.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
SOFT_HYPHEN = "\u00ad"  # marks where the PDF layout breaks a word with a hyphen


@dataclass(frozen=True)
class Report:
    lang: str
    title: str
    header: str  # the running header of every PDF page
    sections: list[tuple[str, list[str]]]  # (heading, paragraphs); soft hyphens in the text
    question: str
    answer_paragraph: str  # the paragraph that answers `question` (soft hyphens removed)
    answer_fact: str

    def paragraphs(self) -> list[str]:
        return [plain(p) for _, paragraphs in self.sections for p in paragraphs]


def plain(text: str) -> str:
    return text.replace(SOFT_HYPHEN, "")


EN = Report(
    lang="en",
    title="Lumen River Observatory",
    header="Lumen River Observatory - Annual report 2023",
    sections=[
        (
            "History",
            [
                "The Lumen River Observatory was founded in 1987 by the regional water agency to "
                "measure the flow of the river and the quality of its water at twelve stations "
                "along its course.",
                "Over three decades the observatory has built one of the longest continuous "
                "records of river temperature in the region. Its measure\u00adments are "
                "published every month and are used by farmers, fishermen, municipalities and "
                "researchers who study how a warmer climate changes fresh water ecosystems, from "
                "the spawning of trout in the upper valley to the growth of algae in the slow "
                "reaches near the estuary, where the river meets the sea.",
            ],
        ),
        (
            "Stations and staff",
            [
                "The highest station stands at Verrine, at an altitude of 1,240 metres; it "
                "records the melting of snow each spring and warns the valley of floods.",
                "In 2023 the observatory had 41 employees, including 17 technicians who visit "
                "each of the twelve stations every week to check the sensors.",
            ],
        ),
        (
            "Budget",
            [
                "The annual budget of the observatory reached 3.2 million euros in 2023, funded "
                "mainly by the regional water agency and by research contracts.",
            ],
        ),
    ],
    question="How many employees did the observatory have in 2023?",
    answer_paragraph="In 2023 the observatory had 41 employees",
    answer_fact="41",
)

FR = Report(
    lang="fr",
    title="Observatoire de la rivière Lumen",
    header="Observatoire de la rivière Lumen - Rapport annuel 2023",
    sections=[
        (
            "Histoire",
            [
                "L'observatoire de la rivière Lumen a été fondé en 1987 par l'agence régionale "
                "de l'eau pour mesurer le débit de la rivière et la qualité de son eau en douze "
                "stations le long de son cours.",
                "En trois décennies, l'observatoire a constitué l'une des plus longues séries "
                "continues de mesures de la tempéra\u00adture d'une rivière dans la région. Ses "
                "mesures sont publiées chaque mois et servent aux agriculteurs, aux pêcheurs, aux "
                "communes et aux chercheurs qui étudient comment un climat plus chaud transforme "
                "les écosystèmes d'eau douce, depuis le frai des truites dans la haute vallée "
                "jusqu'à la croissance des algues près de l'estuaire.",
            ],
        ),
        (
            "Stations et personnel",
            [
                "La station la plus haute se trouve à Verrine, à 1 240 mètres d'altitude ; elle "
                "enregistre la fonte des neiges chaque printemps et prévient la vallée des crues.",
                "En 2023, l'observatoire comptait 41 employés, dont 17 techniciens qui visitent "
                "chacune des douze stations toutes les semaines pour vérifier les capteurs.",
            ],
        ),
        (
            "Budget",
            [
                "Le budget annuel de l'observatoire a atteint 3,2 millions d'euros en 2023, "
                "financé surtout par l'agence régionale de l'eau et par des contrats de recherche.",
            ],
        ),
    ],
    question="Combien d'employés l'observatoire comptait-il en 2023 ?",
    answer_paragraph="En 2023, l'observatoire comptait 41 employés",
    answer_fact="41",
)

ZH = Report(
    lang="zh",
    title="卢门河观测站",
    header="卢门河观测站 2023年度报告",
    sections=[
        (
            "历史",
            [
                "卢门河观测站由地区水务局于1987年创建，用于在河流沿线的十二个站点测量河水流量和水质。",
                "三十多年来，观测站积累了本地区最长的连续河水温度记录之一。观测数据每月公布一次，"
                "供农民、渔民、市政当局以及研究人员使用，他们研究气候变暖如何改变淡水生态系统，"
                "从上游河谷鳟鱼的产卵到河口附近缓流河段藻类的生长。",
            ],
        ),
        (
            "站点与人员",
            [
                "海拔最高的站点位于韦里讷，海拔1240米，每年春天记录融雪情况，并向河谷发出洪水预警。",
                "2023年，观测站共有41名员工，其中17名技术人员每周巡查十二个站点，检查传感器。",
            ],
        ),
        (
            "预算",
            ["2023年观测站的年度预算达到320万欧元，主要由地区水务局和科研合同资助。"],
        ),
    ],
    question="2023年观测站共有多少名员工？",
    answer_paragraph="2023年，观测站共有41名员工",
    answer_fact="41",
)

REPORTS = {"en": EN, "fr": FR, "zh": ZH}


# -- PDF -------------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 300.0, 400.0, 40.0
BODY_SIZE, HEADING_SIZE, LEADING = 10.0, 15.0, 14.0


@dataclass(frozen=True)
class PdfLayout:
    data: bytes
    pages: int
    page_of: dict[str, int]  # paragraph text (plain) -> the page it starts on


def make_pdf(report: Report) -> PdfLayout:
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(PAGE_WIDTH, PAGE_HEIGHT))
    pdf.set_auto_page_break(False)
    pdf.set_title(report.title)
    if report.lang == "zh":
        assert CJK_FONT.exists(), f"{CJK_FONT} is missing: `make browser` installs it"
        pdf.add_font("body", fname=str(CJK_FONT))
        pdf.add_font("body", style="B", fname=str(CJK_FONT))
        font = "body"
    else:
        font = "helvetica"
    pages: list[list[tuple[str, float, float]]] = []  # (text, y, size) per page
    page_of: dict[str, int] = {}
    y = PAGE_HEIGHT  # forces a first page

    def put(text: str, size: float, gap_before: float) -> None:
        nonlocal y
        y += gap_before
        if y + LEADING > PAGE_HEIGHT - MARGIN - 10 or not pages:
            pages.append([])
            y = MARGIN + 20
        pages[-1].append((text, y, size))
        y += LEADING if size == BODY_SIZE else size * 1.4

    def wrap(text: str, size: float) -> list[str]:
        pdf.set_font(font, "B" if size != BODY_SIZE else "", size)
        width = PAGE_WIDTH - 2 * MARGIN
        return _wrap(pdf, text, width, cjk=report.lang == "zh")

    for heading, paragraphs in report.sections:
        for line in wrap(heading, HEADING_SIZE):
            put(line, HEADING_SIZE, 12)
        for paragraph in paragraphs:
            for index, line in enumerate(wrap(paragraph, BODY_SIZE)):
                put(line, BODY_SIZE, 8 if index == 0 else 0)
                if index == 0:
                    page_of[plain(paragraph)] = len(pages)
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font(font, "", 8)
        pdf.text(MARGIN, 25, report.header)
        footer = f"第 {number} 页" if report.lang == "zh" else f"Page {number} / {len(pages)}"
        pdf.text(PAGE_WIDTH / 2 - 20, PAGE_HEIGHT - 20, footer)
        for text, line_y, size in lines:
            pdf.set_font(font, "B" if size != BODY_SIZE else "", size)
            pdf.text(MARGIN, line_y, text)
    return PdfLayout(bytes(pdf.output()), len(pages), page_of)


def _wrap(pdf: object, text: str, width: float, cjk: bool) -> list[str]:
    """Greedy line filling; a word with a soft hyphen is always broken there, with a hyphen."""
    measure = pdf.get_string_width  # type: ignore[attr-defined]
    units = list(text) if cjk else text.split(" ")
    joiner = "" if cjk else " "
    lines, current = [], ""
    for unit in units:
        if SOFT_HYPHEN in unit:
            head, tail = unit.split(SOFT_HYPHEN)
            lines.append(f"{current}{joiner}{head}-" if current else f"{head}-")
            current = tail
            continue
        candidate = f"{current}{joiner}{unit}" if current else unit
        if current and measure(candidate) > width:
            lines.append(current)
            current = unit
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


# -- DOCX ------------------------------------------------------------------------------------

TABLE = {
    "en": [["Station", "Altitude (m)", "Since"], ["Verrine", "1240", "1987"]],
    "fr": [["Station", "Altitude (m)", "Depuis"], ["Verrine", "1240", "1987"]],
    "zh": [["站点", "海拔（米）", "启用年份"], ["韦里讷", "1240", "1987"]],
}
LIST_ITEMS = {
    "en": ["river flow", "water temperature", "dissolved oxygen"],
    "fr": ["débit de la rivière", "température de l'eau", "oxygène dissous"],
    "zh": ["河水流量", "水温", "溶解氧"],
}
LIST_LEAD = {
    "en": "Each station measures:",
    "fr": "Chaque station mesure :",
    "zh": "每个站点测量：",
}


def make_docx(report: Report) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = report.title
    document.sections[0].header.paragraphs[0].text = report.header
    document.sections[0].footer.paragraphs[0].text = "Page 1"
    document.add_heading(report.title, level=1)
    for number, (heading, paragraphs) in enumerate(report.sections):
        document.add_heading(heading, level=2)
        for paragraph in paragraphs:
            document.add_paragraph(plain(paragraph))
        if number == 1:
            document.add_paragraph(LIST_LEAD[report.lang])
            for item in LIST_ITEMS[report.lang]:
                document.add_paragraph(item, style="List Bullet")
            rows = TABLE[report.lang]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for row, values in zip(table.rows, rows, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- HTML ------------------------------------------------------------------------------------


def make_html(report: Report) -> bytes:
    body = []
    for heading, paragraphs in report.sections:
        body.append(f"<h2>{heading}</h2>")
        # Source line breaks inside a paragraph, as editors wrap HTML.
        body += ["<p>" + plain(p).replace(", ", ",\n  ", 1) + "</p>" for p in paragraphs]
    items = "".join(f"<li>{item}</li>" for item in LIST_ITEMS[report.lang])
    html = f"""<!DOCTYPE html>
<html lang="{report.lang}"><head><meta charset="utf-8"><title>{report.title}</title>
<style>p {{ color: #333 }}</style><script>var tracking = "do not index me";</script></head>
<body>
<header><a href="/">Home</a> | <a href="/about">About us</a></header>
<nav><ul><li>Menu item one</li><li>Menu item two</li></ul></nav>
<main>
<h1>{report.title}</h1>
{chr(10).join(body)}
<p>{LIST_LEAD[report.lang]}</p><ul>{items}</ul>
</main>
<aside>Subscribe to our newsletter</aside>
<footer>Copyright footer text, all rights reserved</footer>
</body></html>"""
    return html.encode("utf-8")
