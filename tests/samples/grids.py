"""Read the table cells of a rendered sample back, per format, as rows of normalised strings.

Why one shape for all formats: the tests then check the same key cells (money
row, indicator rows, 总分) whatever the file type, with the reader an
extractor would use (pdfplumber, python-docx, openpyxl, BeautifulSoup).
"""

from __future__ import annotations

import io
import re

import pdfplumber
from bs4 import BeautifulSoup
from docx import Document
from openpyxl import load_workbook

Grid = list[list[str]]


def norm(text: object) -> str:
    """Cell text without any white space (PDF cells wrap inside CJK words)."""
    return re.sub(r"\s+", "", "" if text is None else str(text))


def pdf_grids(data: bytes) -> list[Grid]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [
            [[norm(c) for c in row] for row in table] for page in pdf.pages for table in page.extract_tables()
        ]


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def docx_grids(data: bytes) -> list[Grid]:
    grids = []
    for table in Document(io.BytesIO(data)).tables:
        grid = []
        for row in table.rows:
            texts, previous = [], None
            for cell in row.cells:  # a horizontally merged cell repeats: keep it once
                texts.append("" if cell._tc is previous else norm(cell.text))
                previous = cell._tc
            grid.append(texts)
        grids.append(grid)
    return grids


def xlsx_grids(data: bytes) -> list[Grid]:
    workbook = load_workbook(io.BytesIO(data))
    return [[[norm(v) for v in row] for row in sheet.iter_rows(values_only=True)] for sheet in workbook]


def html_grids(data: bytes) -> list[Grid]:
    """Tables with rowspan/colspan expanded: a spanned cell's text in its first slot only."""
    grids = []
    for table in BeautifulSoup(data, "html.parser").find_all("table"):
        pending: dict[tuple[int, int], str] = {}
        grid = []
        for r, tr in enumerate(table.find_all("tr")):
            row: list[str] = []
            for cell in tr.find_all(["td", "th"]):
                while (r, len(row)) in pending:
                    row.append(pending.pop((r, len(row))))
                colspan, rowspan = int(cell.get("colspan", 1)), int(cell.get("rowspan", 1))
                start = len(row)
                row += [norm(cell.get_text())] + [""] * (colspan - 1)
                for dr in range(1, rowspan):
                    for dc in range(colspan):
                        pending[(r + dr, start + dc)] = ""
            while (r, len(row)) in pending:
                row.append(pending.pop((r, len(row))))
            grid.append(row)
        grids.append(grid)
    return grids


READERS = {"pdf": pdf_grids, "docx": docx_grids, "xlsx": xlsx_grids, "html": html_grids}


def all_rows(fmt: str, data: bytes) -> list[list[str]]:
    """Every table row of the document with empty cells dropped."""
    return [[c for c in row if c] for grid in READERS[fmt](data) for row in grid]


def find_row(rows: list[list[str]], label: str) -> list[str]:
    """The first row that has a cell equal to ``label``, from that cell on."""
    for row in rows:
        if label in row:
            return row[row.index(label) :]
    raise AssertionError(f"no table row labelled {label!r}")
