"""Tables read through pdfium equal pdfplumber's, however the producer drew the ruling lines.

Why these layouts: producers draw a grid as separate lines, as one path, as one
rectangle per cell or as thin filled rectangles (Word's borders), sometimes under a
scaled coordinate system or inside a form XObject; pdfplumber (pdfminer) sees through
all of them, so the pdfium reader must too.  Each case checks the cells against the
expected grid *and* against ``pdfplumber``'s ``find_tables`` on the same page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2
import pytest

from extractors.documents.model import Table
from extractors.documents.pdfium_layout import read_page_layout
from tests.documents.builders import cjk_font

COLUMNS = [40.0, 110.0, 80.0, 80.0]  # widths, pt
ROWS = 4
ROW_HEIGHT = 22.0
CELLS = [
    ["序号", "项目名称", "年初预算", "执行数"],
    ["1", "农村公路养护", "120.50", "118.20"],
    ["2", "学生资助补助", "88.00", "87.95"],
    ["3", "基层医疗服务", "45.30", "40.10"],
]


def _grid_lines(x0: float, y0: float, merged_cell: bool) -> list[tuple[float, float, float, float]]:
    """The grid's rules as (x1, y1, x2, y2); ``merged_cell`` leaves out the rule between the
    last two cells of the second row, so that they form one cell."""
    xs = [x0]
    for width in COLUMNS:
        xs.append(xs[-1] + width)
    ys = [y0 - i * ROW_HEIGHT for i in range(ROWS + 1)]
    lines = [(xs[0], y, xs[-1], y) for y in ys]
    for i, x in enumerate(xs):
        if merged_cell and i == len(xs) - 2:
            lines.append((x, ys[0], x, ys[1]))
            lines.append((x, ys[2], x, ys[-1]))
        else:
            lines.append((x, ys[0], x, ys[-1]))
    return lines


def _draw_cells(canvas: Any, x0: float, y0: float, merged_cell: bool) -> None:
    canvas.setFont(cjk_font(), 9)
    for r, row in enumerate(CELLS):
        x = x0
        for c, text in enumerate(row):
            if not (merged_cell and r == 1 and c == len(row) - 1):
                canvas.drawString(x + 3, y0 - (r + 1) * ROW_HEIGHT + 7, text)
            x += COLUMNS[c]


def _separate_lines(canvas: Any, lines: list[tuple[float, float, float, float]]) -> None:
    for line in lines:
        canvas.line(*line)


def _one_path(canvas: Any, lines: list[tuple[float, float, float, float]]) -> None:
    path = canvas.beginPath()
    for x1, y1, x2, y2 in lines:
        path.moveTo(x1, y1)
        path.lineTo(x2, y2)
    canvas.drawPath(path, stroke=1, fill=0)


def _thin_filled_rectangles(canvas: Any, lines: list[tuple[float, float, float, float]]) -> None:
    for x1, y1, x2, y2 in lines:
        canvas.rect(
            min(x1, x2) - 0.25, min(y1, y2) - 0.25, abs(x2 - x1) + 0.5, abs(y2 - y1) + 0.5, stroke=0, fill=1
        )


def _cell_rectangles(canvas: Any, x0: float, y0: float) -> None:
    for r in range(ROWS):
        x = x0
        for width in COLUMNS:
            canvas.rect(x, y0 - (r + 1) * ROW_HEIGHT, width, ROW_HEIGHT, stroke=1, fill=0)
            x += width


def _build(path: Path, draw: Callable[[Any], None]) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont(cjk_font(), 12)
    canvas.drawString(72, 780, "一、项目支出绩效自评表")
    draw(canvas)
    canvas.setFont(cjk_font(), 11)
    canvas.drawString(72, 560, "二、存在的问题")
    canvas.showPage()
    canvas.save()
    return path


def _plain(canvas: Any, style: str = "lines", merged: bool = False) -> None:
    lines = _grid_lines(72, 740, merged)
    {"lines": _separate_lines, "one_path": _one_path, "filled": _thin_filled_rectangles}[style](canvas, lines)
    _draw_cells(canvas, 72, 740, merged)


def _rectangles(canvas: Any) -> None:
    _cell_rectangles(canvas, 72, 740)
    _draw_cells(canvas, 72, 740, False)


def _scaled(canvas: Any) -> None:
    canvas.saveState()
    canvas.translate(30, -20)
    canvas.scale(0.9, 0.9)
    _separate_lines(canvas, _grid_lines(72, 800, False))
    _draw_cells(canvas, 72, 800, False)
    canvas.restoreState()


def _in_form(canvas: Any) -> None:
    canvas.beginForm("grid")
    _one_path(canvas, _grid_lines(72, 740, False))
    canvas.endForm()
    canvas.doForm("grid")
    _draw_cells(canvas, 72, 740, False)


LAYOUTS: dict[str, Callable[[Any], None]] = {
    "separate_lines": _plain,
    "one_path": lambda canvas: _plain(canvas, "one_path"),
    "thin_filled_rectangles": lambda canvas: _plain(canvas, "filled"),
    "cell_rectangles": _rectangles,
    "scaled_and_translated": _scaled,
    "grid_inside_a_form_xobject": _in_form,
}


def _pdfium_tables(path: Path) -> list[list[list[str | None]]]:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        layout = read_page_layout(pdf, 0)
    finally:
        pdf.close()
    return [
        payload.rows for _, (kind, payload) in layout.items if kind == "table" and isinstance(payload, Table)
    ]


def _pdfplumber_tables(path: Path) -> list[list[list[str | None]]]:
    with pdfplumber.open(path) as pdf:
        return [found.extract() for found in pdf.pages[0].find_tables()]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_ruled_table_equals_the_expected_grid_and_pdfplumber(tmp_path: Path, layout: str) -> None:
    path = _build(tmp_path / f"{layout}.pdf", LAYOUTS[layout])
    tables = _pdfium_tables(path)
    assert tables == [CELLS]
    assert tables == _pdfplumber_tables(path)


def test_merged_cell_is_none_as_pdfplumber_has_it(tmp_path: Path) -> None:
    path = _build(tmp_path / "merged.pdf", lambda canvas: _plain(canvas, merged=True))
    tables = _pdfium_tables(path)
    expected = [row[:] for row in CELLS]
    expected[1][2:] = ["120.50", None]
    assert tables == [expected]
    assert tables == _pdfplumber_tables(path)


def test_unpainted_path_draws_no_table(tmp_path: Path) -> None:
    """A path ended with ``n`` (a clip outline) is not a ruling line."""

    def draw(canvas: Any) -> None:
        path = canvas.beginPath()
        for x1, y1, x2, y2 in _grid_lines(72, 740, False):
            path.moveTo(x1, y1)
            path.lineTo(x2, y2)
        canvas.drawPath(path, stroke=0, fill=0)
        _draw_cells(canvas, 72, 740, False)

    path = _build(tmp_path / "unpainted.pdf", draw)
    assert _pdfium_tables(path) == []
    assert _pdfplumber_tables(path) == []


def test_lines_outside_the_table_are_kept_in_reading_order(tmp_path: Path) -> None:
    path = _build(tmp_path / "order.pdf", _plain)
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        layout = read_page_layout(pdf, 0)
    finally:
        pdf.close()
    kinds = [(kind, payload["text"] if kind == "line" else None) for _, (kind, payload) in layout.items]
    assert kinds == [("line", "一、项目支出绩效自评表"), ("table", None), ("line", "二、存在的问题")]
    assert layout.text_chars > 40
    assert layout.image_share == 0.0


def test_page_pdfium_cannot_load_is_read_by_pdfplumber_with_the_same_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extractors.documents import pdf as pdf_reader
    from tests.documents.builders import build_pdf

    rows = [
        ["指标", "年度指标值", "实际完成值"],
        ["覆盖人数", "≥1000人", "1200人"],
        ["满意度", "≥90%", "95%"],
    ]
    path = build_pdf(
        tmp_path / "report.pdf", ["一、基本情况", "本项目年度预算120万元，全年执行率98.5%。"], rows
    )
    through_pdfium = pdf_reader.read_pdf(path).blocks

    def cannot_load(pdf: Any, index: int) -> None:
        raise RuntimeError("pdfium failed to load the page")

    monkeypatch.setattr(pdf_reader, "read_page_layout", cannot_load)
    through_pdfplumber = pdf_reader.read_pdf(path).blocks
    assert [type(block).__name__ for block in through_pdfium] == ["Paragraph", "Paragraph", "Table"]
    assert through_pdfplumber == through_pdfium
    assert through_pdfium[-1].rows == rows


def test_text_backgrounds_are_no_ruling_lines(tmp_path: Path) -> None:
    """A browser or LibreOffice printing a web page fills a rectangle behind every run of text
    (white on white, or a coloured header bar); those wide fills are not a table's rules, so a
    paragraph painted that way stays running text instead of becoming a table of text fragments."""

    def draw(canvas: Any) -> None:
        canvas.setFont(cjk_font(), 11)
        y = 700.0
        lines = (["2022年,中央下达我省", "3批", "资金6800万元。"], ["省财政厅于", "6月17日", "下达。"])
        for runs in lines:
            x = 72.0
            for text in runs:
                width = canvas.stringWidth(text, cjk_font(), 11)
                canvas.setFillColorRGB(1, 1, 1)
                canvas.rect(x, y - 3, width, 15, stroke=0, fill=1)
                canvas.setFillColorRGB(0, 0, 0)
                canvas.drawString(x, y, text)
                x += width + 4
            y -= 22
        canvas.setFillColorRGB(0.1, 0.37, 0.65)
        canvas.rect(72, 760, 300, 24, stroke=0, fill=1)

    path = _build(tmp_path / "backgrounds.pdf", draw)
    assert _pdfium_tables(path) == []
