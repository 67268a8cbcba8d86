"""XLSX rendering with openpyxl: one sheet per section, merged cells, thin borders.

Why sheets per section: portals publish department reports as workbooks with
the 自评报告 text, the 基础数据表 and the 自评表 on separate sheets; paragraphs
become single merged rows, tables keep their merges.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from extractors.samples.layout import Document, Paragraph, Table
from extractors.samples.reproducible import FIXED_TIMESTAMP, normalize_ooxml

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(horizontal="center", vertical="center", wrap_text=True)
COLUMN_UNIT_WIDTH = 11.0  # Excel character widths per relative width unit
PROSE_COLUMNS = 8


def _write_table(sheet, top: int, block: Table) -> int:  # type: ignore[no-untyped-def]
    """Writes ``block`` from row ``top``; returns the next free row."""
    for r, c, cell in block.placed():
        row, column = top + r, 1 + c
        written = sheet.cell(row=row, column=column, value=cell.text or None)
        if cell.text.startswith("="):
            written.data_type = "s"  # "=100%" is printed text, not a formula
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                target = sheet.cell(row=row + dr, column=column + dc)
                target.border = _BORDER
                target.alignment = _WRAP
                if cell.header:
                    target.font = Font(bold=True)
        if cell.rowspan > 1 or cell.colspan > 1:
            sheet.merge_cells(
                start_row=row, start_column=column, end_row=row + cell.rowspan - 1,
                end_column=column + cell.colspan - 1,
            )  # fmt: skip
    for index, width in enumerate(block.widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width * COLUMN_UNIT_WIDTH
    return top + len(block.rows)


def _write_paragraph(sheet, row: int, block: Paragraph, width: int) -> None:  # type: ignore[no-untyped-def]
    cell = sheet.cell(row=row, column=1, value=block.text)
    cell.font = Font(bold=block.heading, size=14 if block.heading and block.centered else 11)
    horizontal = "center" if block.centered else "left"
    cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
    if width > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    if len(block.text) > 40:
        sheet.row_dimensions[row].height = 15 * (1 + len(block.text) // 50)


def render_xlsx(document: Document) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = ""
    workbook.properties.title = document.title
    workbook.properties.created = workbook.properties.modified = FIXED_TIMESTAMP
    for section in document.sections:
        sheet = workbook.create_sheet(section.sheet_name[:31])
        tables = [b for b in section.blocks if isinstance(b, Table)]
        width = tables[0].n_cols if tables else PROSE_COLUMNS
        row = 1
        for block in section.blocks:
            if isinstance(block, Table):
                row = _write_table(sheet, row, block)
            else:
                _write_paragraph(sheet, row, block, width)
                row += 1
        if not tables:
            for index in range(1, width + 1):
                sheet.column_dimensions[get_column_letter(index)].width = COLUMN_UNIT_WIDTH
    out = io.BytesIO()
    workbook.save(out)
    return normalize_ooxml(out.getvalue())
