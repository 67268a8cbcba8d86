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


def build_many_page_pdf(path: Path, pages: int, text: str = "2023 self-evaluation") -> Path:
    """A valid PDF of ``pages`` pages sharing one content stream, written directly (fast at any size)."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # page tree, filled below once the page object numbers are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    first_page = len(objects) + 1
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 3 0 R >> >> >>"
    )
    objects += [page] * pages
    kids = b" ".join(b"%d 0 R" % n for n in range(first_page, first_page + pages))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path
