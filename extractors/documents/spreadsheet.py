"""XLSX (openpyxl) and XLS (xlrd) readers: each sheet becomes one table, merged ranges as None.

Why one module: both formats end in the same grid; only the way merged ranges
are reported differs.  Values are printed as the sheet shows them where it
matters (percent-formatted cells → "95%") so that interpreters see the text a
reader would.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from extractors.documents.limits import DEFAULT_LIMITS, ReaderLimits
from extractors.documents.model import Block, Document, DocumentError, Paragraph, Table
from extractors.documents.zipguard import check_zip


def _format_value(value: Any, number_format: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float | int):
        if number_format and "%" in number_format:
            return f"{round(float(value) * 100, 6):g}%"
        if isinstance(value, float):
            return f"{round(value, 6):.6f}".rstrip("0").rstrip(".")
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _sheet_blocks(name: str, grid: list[list[str | None]]) -> list[Block]:
    """A sheet's rows: a row with a single filled cell is a line of text (title, narrative, note),
    consecutive rows with several cells form a table."""
    while grid and all(not c for c in grid[-1]):
        grid.pop()
    if not grid:
        return []
    width = max(len(r) for r in grid)
    while width and all(len(r) < width or not r[width - 1] for r in grid):
        width -= 1
        grid = [r[:width] for r in grid]
    blocks: list[Block] = [Paragraph(text=name)]
    rows: list[list[str | None]] = []
    for row in grid:
        filled = [c for c in row if c]
        if len(filled) >= 2:
            rows.append(row + [""] * (width - len(row)))
            continue
        if rows:
            blocks.append(Table(rows=rows, title=name))
            rows = []
        if filled:
            blocks.append(Paragraph(text=str(filled[0])))
    if rows:
        blocks.append(Table(rows=rows, title=name))
    return blocks


def read_xlsx(path: Path, limits: ReaderLimits = DEFAULT_LIMITS) -> Document:
    """Read every sheet of an .xlsx workbook."""
    check_zip(path, limits)
    import openpyxl

    try:
        # From bytes, not the path: openpyxl refuses names without an .xlsx
        # suffix, and the raw store names files by their sha256 alone.
        data = path.read_bytes()
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:
        raise DocumentError("truncated", f"unreadable Excel workbook ({type(exc).__name__}: {exc})") from exc
    blocks: list[Block] = []
    for sheet, formula_sheet in zip(workbook.worksheets, formulas.worksheets, strict=True):
        covered: set[tuple[int, int]] = set()
        for merged in sheet.merged_cells.ranges:
            for row in range(merged.min_row, merged.max_row + 1):
                for col in range(merged.min_col, merged.max_col + 1):
                    if (row, col) != (merged.min_row, merged.min_col):
                        covered.add((row, col))
        grid: list[list[str | None]] = []
        for row in sheet.iter_rows():
            out: list[str | None] = []
            for cell in row:
                if (cell.row, cell.column) in covered:
                    out.append(None)
                elif cell.value is None and cell.row is not None and cell.column is not None:
                    out.append(
                        _uncached_formula_text(formula_sheet.cell(row=cell.row, column=cell.column).value)
                    )
                else:
                    out.append(_format_value(cell.value, getattr(cell, "number_format", None)))
            grid.append(out)
        blocks.extend(_sheet_blocks(sheet.title, grid))
    if not blocks:
        raise DocumentError("empty", "the workbook has no cells")
    return Document(format="xlsx", blocks=blocks, page_count=len(workbook.worksheets))


def _uncached_formula_text(value: Any) -> str:
    """A formula without a cached result: "=100%" typed as text by a generator is the text a reader sees;
    real formulas (with cell references or functions) stay blank rather than show their source."""
    if isinstance(value, str) and re.fullmatch(r"=\s*[-+]?[\d.,]+\s*%?", value):
        return value
    return ""


def read_xls(path: Path, limits: ReaderLimits = DEFAULT_LIMITS) -> Document:
    """Read every sheet of a legacy .xls workbook."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True)
    except Exception as exc:
        try:
            book = xlrd.open_workbook(str(path))
        except Exception:
            raise DocumentError(
                "truncated", f"unreadable .xls workbook ({type(exc).__name__}: {exc})"
            ) from exc
    blocks: list[Block] = []
    for sheet in book.sheets():
        covered: set[tuple[int, int]] = set()
        for rlo, rhi, clo, chi in getattr(sheet, "merged_cells", []) or []:
            for row in range(rlo, rhi):
                for col in range(clo, chi):
                    if (row, col) != (rlo, clo):
                        covered.add((row, col))
        grid: list[list[str | None]] = []
        for r in range(sheet.nrows):
            out: list[str | None] = []
            for c in range(sheet.ncols):
                if (r, c) in covered:
                    out.append(None)
                    continue
                cell = sheet.cell(r, c)
                number_format = _xls_format(book, cell)
                out.append(_format_value(cell.value if cell.value != "" else None, number_format))
            grid.append(out)
        blocks.extend(_sheet_blocks(sheet.name, grid))
    if not blocks:
        raise DocumentError("empty", "the workbook has no cells")
    return Document(format="xls", blocks=blocks, page_count=book.nsheets)


def _xls_format(book: Any, cell: Any) -> str | None:
    try:
        xf = book.xf_list[cell.xf_index]
        return book.format_map[xf.format_key].format_str
    except Exception:
        return None
