"""PDF rendering with reportlab: A4, ruled tables, page numbers, a real CJK text layer.

Why STSong-Light: it is one of reportlab's built-in Adobe CID fonts, so no font
file is needed, and its ToUnicode mapping makes pdfplumber read the text back
as CJK characters (checked by tests/samples), not ``(cid:N)`` codes.  The PDF is
written in reportlab's invariant mode so its bytes do not depend on the clock.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import Table as PdfTable
from reportlab.platypus.doctemplate import BaseDocTemplate

from extractors.samples.layout import Document, Paragraph, Table

FONT = "STSong-Light"
MARGIN = 18 * mm
_BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, firstLineIndent=21)
_PLAIN = ParagraphStyle("plain", fontName=FONT, fontSize=10.5, leading=16)
_HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=12, leading=20, spaceBefore=6)
_TITLE = ParagraphStyle("title", parent=_HEADING, fontSize=15, leading=24, alignment=TA_CENTER)
_CENTERED = ParagraphStyle("centered", parent=_PLAIN, alignment=TA_CENTER)
_CELL = ParagraphStyle("cell", fontName=FONT, fontSize=8.5, leading=11, alignment=TA_CENTER)


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _paragraph(block: Paragraph) -> PdfParagraph:
    if block.heading and block.centered:
        style = _TITLE
    elif block.heading:
        style = _HEADING
    elif block.centered:
        style = _CENTERED
    elif len(block.text) > 20:
        style = _BODY
    else:
        style = _PLAIN
    return PdfParagraph(_escape(block.text), style)


def _table(block: Table, width: float) -> PdfTable:
    grid: list[list[object]] = [["" for _ in range(block.n_cols)] for _ in block.rows]
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    for r, c, cell in block.placed():
        grid[r][c] = PdfParagraph(_escape(cell.text), _CELL) if cell.text else ""
        if cell.rowspan > 1 or cell.colspan > 1:
            commands.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
    unit = width / sum(block.widths)
    table = PdfTable(grid, colWidths=[w * unit for w in block.widths])
    table.setStyle(TableStyle(commands))
    return table


def _page_number(canvas: Canvas, doc: BaseDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 9)
    canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第 {doc.page} 页")
    canvas.restoreState()


def render_pdf(document: Document) -> bytes:
    """The document as an A4 PDF; each section after the first starts a new page."""
    _register_font()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
        title=document.title, author="", creator="govperf samples", invariant=1,
    )  # fmt: skip
    story: list[Flowable] = []
    for index, section in enumerate(document.sections):
        if index:
            story.append(PageBreak())
        for block in section.blocks:
            if isinstance(block, Table):
                story += [Spacer(1, 2 * mm), _table(block, doc.width), Spacer(1, 2 * mm)]
            else:
                story.append(_paragraph(block))
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return out.getvalue()
