"""Small documents built in the tests themselves (python-docx, openpyxl, reportlab with STSong-Light)."""

from __future__ import annotations

from pathlib import Path


def cjk_font() -> str:
    """Register reportlab's built-in CID font for Chinese text and return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    name = "STSong-Light"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(name))
    return name


def build_pdf(
    path: Path,
    paragraphs: list[str],
    table_rows: list[list[str]] | None = None,
    *,
    repeat_header: bool = False,
    encrypt_password: str | None = None,
    col_widths: list[float] | None = None,
) -> Path:
    """An A4 PDF: paragraphs, then a ruled table (split over pages when long), page numbers at the bottom."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    font = cjk_font()
    style = ParagraphStyle("cjk", fontName=font, fontSize=11, leading=16, wordWrap="CJK")
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12, wordWrap="CJK")

    def page_number(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    story: list = [Paragraph(text, style) for text in paragraphs]
    if table_rows:
        data = [[Paragraph(c, cell_style) for c in row] for row in table_rows]
        table = Table(data, repeatRows=1 if repeat_header else 0, colWidths=col_widths)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story.append(table)
    kwargs = {}
    if encrypt_password:
        from reportlab.lib.pdfencrypt import StandardEncryption

        kwargs["encrypt"] = StandardEncryption(encrypt_password, canPrint=0)
    SimpleDocTemplate(str(path), pagesize=A4, **kwargs).build(
        story, onFirstPage=page_number, onLaterPages=page_number
    )
    return path
