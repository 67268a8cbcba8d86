"""One PDF page's layout through pdfium: text lines, ruled tables, characters and images.

Why pdfium and not pdfplumber for the page: pdfplumber gets every character and
ruling line by interpreting the content stream in Python (pdfminer), which costs
~30-50 ms a page and was most of an extraction; pdfium does the same in C in a
few milliseconds.  The table *geometry* is still pdfplumber's: the ruling lines
read here are handed, as pdfplumber edge dicts, to pdfplumber's own
``TableFinder`` and the characters to its ``Table.extract``, so a table comes
out cell for cell (merged cells included) as ``page.find_tables()`` finds it,
with the same tolerances.

Coordinates follow pdfplumber's convention: x from the left, ``top``/``bottom``
measured down from the top of the media box.
"""

from __future__ import annotations

import ctypes
import math
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pypdfium2.raw as pdfium_c
from pdfplumber.table import TableFinder

from extractors.documents.model import Table

# Affine matrix (a, b, c, d, e, f): x' = a*x + c*y + e, y' = b*x + d*y + f (PDF's convention).
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# A segment is horizontal/vertical when its ends differ by less than this along the other axis (pt).
AXIS_TOLERANCE = 0.01
# Forms nested deeper than this are not descended (pdfium's own default is 15; reports use 1-2).
MAX_FORM_DEPTH = 8
# A filled, unstroked shape is a drawn rule only when it is at most this thick (pt); wider ones are
# backgrounds (a browser or LibreOffice paints one behind every run of text, a header bar, a shaded cell).
MAX_FILLED_RULE_PT = 2.5


@dataclass
class PageLayout:
    """What the PDF reader needs of one page, in reading order by ``top``."""

    items: list[tuple[float, Any]]  # (top, ("line", dict)) and (top, ("table", Table))
    text_chars: int  # non-blank characters of the text layer (scan detection)
    image_share: float  # share of the page the largest image covers (scan detection)
    width: float
    height: float


def read_page_layout(pdf: Any, index: int) -> PageLayout:
    """Lines and ruled tables of page ``index`` of an open ``pypdfium2.PdfDocument``.

    Raises whatever pdfium raises on a page it cannot load; the caller falls back to pdfplumber.
    """
    page = pdf[index]
    try:
        left, bottom, right, top = page.get_mediabox()
        width, height = right - left, top - bottom
        paths: list[tuple[Any, Matrix]] = []
        images: list[Matrix] = []
        _collect_objects(page.raw, False, IDENTITY, paths, images, depth=0)
        image_share = max((_unit_square_area(m) / ((width * height) or 1.0) for m in images), default=0.0)
        text_page = page.get_textpage()
        try:
            text_chars = len("".join(text_page.get_text_range().split()))
            runs = _text_runs(text_page, top)
            rows_by_table: list[tuple[tuple[float, float, float, float], list[list[str | None]]]] = []
            if paths:
                edges = _ruling_edges(paths, top)
                if edges:
                    source = _LayoutSource(edges, text_page, top, (0.0, 0.0, width, height))
                    for found in TableFinder(source).tables:
                        rows = cell_texts(found, source.chars)
                        if rows:
                            rows_by_table.append((found.bbox, rows))
        finally:
            text_page.close()
    finally:
        page.close()
    boxes = [box for box, _ in rows_by_table]
    outside = [run for run in runs if not _centre_inside(run, boxes)]
    items = runs_to_lines(outside, height)
    number = index + 1
    for box, rows in rows_by_table:
        items.append((box[1], ("table", Table(rows=rows, page=number, pages=[number]))))
    items.sort(key=lambda pair: pair[0])
    return PageLayout(items, text_chars, image_share, width, height)


class _LayoutSource:
    """The attributes pdfplumber's ``TableFinder`` reads of a page, and the page's characters.

    Why characters are read lazily: most ruled pages' edges form a table, but a page with
    only a rule under its heading has none, and then its characters are never needed.
    """

    def __init__(
        self, edges: list[dict[str, Any]], text_page: Any, page_top: float, bbox: tuple[float, ...]
    ) -> None:
        self.edges = edges
        self.bbox = bbox
        self._text_page = text_page
        self._page_top = page_top
        self._chars: list[dict[str, Any]] | None = None

    @property
    def chars(self) -> list[dict[str, Any]]:
        if self._chars is None:
            self._chars = page_chars(self._text_page, self._page_top)
        return self._chars


def cell_texts(table: Any, chars: list[dict[str, Any]]) -> list[list[str | None]]:
    """``Table.extract()``'s grid, each character placed once instead of tested against every row.

    Why not ``Table.extract``: it filters all the page's characters once per row and again
    per cell, which made it the slowest step of a ruled page.  The rule is the same - a
    character belongs to the cell holding its centre, the left/top side inclusive - and so
    is the text of a cell (pdfplumber's ``extract_text`` over its characters in page order);
    a cell covered by a merge is None, an empty cell "".
    """
    from pdfplumber.utils import extract_text

    rows = table.rows
    cells = [cell for row in rows for cell in row.cells if cell is not None]
    xs = sorted({x for cell in cells for x in (cell[0], cell[2])})
    ys = sorted({y for cell in cells for y in (cell[1], cell[3])})
    # Each slot of the grid the cell boundaries make -> the cells covering it.
    slot_cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    for cell in cells:
        for i in range(xs.index(cell[0]), xs.index(cell[2])):
            for j in range(ys.index(cell[1]), ys.index(cell[3])):
                slot_cells.setdefault((i, j), []).append(cell)
    chars_in: dict[tuple[float, float, float, float], list[dict[str, Any]]] = {}
    for char in chars:
        i = bisect_right(xs, (char["x0"] + char["x1"]) / 2) - 1
        j = bisect_right(ys, (char["top"] + char["bottom"]) / 2) - 1
        for cell in slot_cells.get((i, j), ()):
            chars_in.setdefault(cell, []).append(char)
    return [
        [
            None if cell is None else (extract_text(chars_in[cell]) if cell in chars_in else "")
            for cell in row.cells
        ]
        for row in rows
    ]


def page_chars(text_page: Any, page_top: float) -> list[dict[str, Any]]:
    """pdfplumber-style char dicts of the page's text layer (pdfium's inserted spaces left out).

    The box is pdfium's loose box (the font's ascent to descent), as pdfplumber's is, so
    that characters of one line share their top and cluster into one line of cell text.
    """
    raw = text_page.raw
    box = pdfium_c.FS_RECTF()
    chars: list[dict[str, Any]] = []
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            continue
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if not code or not pdfium_c.FPDFText_GetLooseCharBox(raw, i, box):
            continue
        upright = abs(math.sin(pdfium_c.FPDFText_GetCharAngle(raw, i))) < 0.1
        chars.append(
            {
                "text": chr(code),
                "x0": box.left,
                "x1": box.right,
                "top": page_top - box.top,
                "doctop": page_top - box.top,
                "bottom": page_top - box.bottom,
                "width": box.right - box.left,
                "height": box.top - box.bottom,
                "upright": upright,
            }
        )
    return chars


def _collect_objects(
    parent: Any, in_form: bool, ctm: Matrix, paths: list[tuple[Any, Matrix]], images: list[Matrix], depth: int
) -> None:
    """Path objects and image placements, each with its matrix to page space.

    Why descend into forms: some producers put a whole page, tables included, in a form
    XObject; pdfplumber (pdfminer) flattens forms, so must this.
    """
    count = pdfium_c.FPDFFormObj_CountObjects(parent) if in_form else pdfium_c.FPDFPage_CountObjects(parent)
    get_object = pdfium_c.FPDFFormObj_GetObject if in_form else pdfium_c.FPDFPage_GetObject
    for i in range(max(count, 0)):
        obj = get_object(parent, i)
        if not obj:
            continue
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            # pdfium keeps no object for a path ended with ``n`` (paints nothing), as pdfminer does.
            paths.append((obj, _compose(_object_matrix(obj), ctm)))
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images.append(_compose(_object_matrix(obj), ctm))
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
            _collect_objects(obj, True, _compose(_object_matrix(obj), ctm), paths, images, depth + 1)


def _object_matrix(obj: Any) -> Matrix:
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
        return IDENTITY
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def _compose(first: Matrix, then: Matrix) -> Matrix:
    """The matrix applying ``first`` and then ``then``."""
    a1, b1, c1, d1, e1, f1 = first
    a2, b2, c2, d2, e2, f2 = then
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _unit_square_area(matrix: Matrix) -> float:
    """Area of the bounding box of the unit square under ``matrix`` (an image's placement)."""
    a, b, c, d, _, _ = matrix
    return (abs(a) + abs(c)) * (abs(b) + abs(d))


def _ruling_edges(paths: list[tuple[Any, Matrix]], page_top: float) -> list[dict[str, Any]]:
    """Horizontal and vertical straight segments of the paths, as pdfplumber edge dicts.

    Why segments and not object bounds: a producer may draw a whole grid, or a cell's
    rectangle, as one path.  Curves break a polyline (pdfplumber keeps only their straight
    axis-parallel pieces too); diagonal segments are no ruling line and are dropped.
    """
    edges: list[dict[str, Any]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    fill_mode, stroked = ctypes.c_int(), ctypes.c_int()
    for path, (a, b, c, d, e, f) in paths:
        fill_only = (
            pdfium_c.FPDFPath_GetDrawMode(path, fill_mode, stroked)
            and not stroked.value
            and fill_mode.value != pdfium_c.FPDF_FILLMODE_NONE
        )
        points: list[tuple[float, float, bool, bool]] = []
        for s in range(max(pdfium_c.FPDFPath_CountSegments(path), 0)):
            segment = pdfium_c.FPDFPath_GetPathSegment(path, s)
            if not segment or not pdfium_c.FPDFPathSegment_GetPoint(segment, x, y):
                continue
            point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            is_line = pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_LINETO
            points.append((*point, is_line, bool(pdfium_c.FPDFPathSegment_GetClose(segment))))
        if fill_only and points and not _is_thin(points):
            continue
        polyline: list[tuple[float, float]] = []
        for px, py, is_line, closes in points:
            if is_line:
                polyline.append((px, py))
            else:  # a move starts a new sub-path; a Bézier ends the straight run
                _add_segments(polyline, page_top, edges)
                polyline = [(px, py)]
            if closes and polyline:
                polyline.append(polyline[0])
        _add_segments(polyline, page_top, edges)
    return edges


def _is_thin(points: list[tuple[float, float, bool, bool]]) -> bool:
    """Whether a filled shape is a rule (thin in one direction) rather than a background.

    Each sub-path is judged alone: Word draws a whole grid's borders as one path of thin rectangles.
    """
    subpaths: list[list[tuple[float, float]]] = []
    for px, py, is_line, _ in points:
        if not is_line or not subpaths:
            subpaths.append([])
        subpaths[-1].append((px, py))
    for sub in subpaths:
        xs = [p[0] for p in sub]
        ys = [p[1] for p in sub]
        if len(sub) > 1 and min(max(xs) - min(xs), max(ys) - min(ys)) > MAX_FILLED_RULE_PT:
            return False
    return True


def _add_segments(polyline: list[tuple[float, float]], page_top: float, edges: list[dict[str, Any]]) -> None:
    for (x0, y0), (x1, y1) in pairwise(polyline):
        vertical = abs(x0 - x1) < AXIS_TOLERANCE
        horizontal = abs(y0 - y1) < AXIS_TOLERANCE
        if vertical == horizontal:  # a point, or a diagonal
            continue
        edges.append(
            {
                "object_type": "line",
                "x0": min(x0, x1),
                "x1": max(x0, x1),
                "top": page_top - max(y0, y1),
                "bottom": page_top - min(y0, y1),
                "width": abs(x1 - x0),
                "height": abs(y1 - y0),
                "orientation": "v" if vertical else "h",
            }
        )


def _text_runs(text_page: Any, page_top: float) -> list[dict[str, Any]]:
    """pdfium's text runs (one font, one line) with their boxes, blank runs dropped."""
    runs = []
    for i in range(text_page.count_rects()):
        left, bottom, right, top = text_page.get_rect(i)
        text = text_page.get_text_bounded(left, bottom, right, top)
        if text.strip():
            runs.append(
                {"x0": left, "x1": right, "top": page_top - top, "bottom": page_top - bottom, "text": text}
            )
    return runs


def _centre_inside(run: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (run["x0"] + run["x1"]) / 2
    cy = (run["top"] + run["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def runs_to_lines(runs: list[dict[str, Any]], height: float) -> list[tuple[float, Any]]:
    """Group text runs into lines by vertical overlap (digits and CJK sit on slightly different
    baselines), then order each line left to right."""
    groups: list[list[dict[str, Any]]] = []
    for run in sorted(runs, key=lambda r: r["top"]):
        middle = (run["top"] + run["bottom"]) / 2
        for group in reversed(groups[-3:]):
            top = min(r["top"] for r in group)
            bottom = max(r["bottom"] for r in group)
            if top <= middle <= bottom:
                group.append(run)
                break
        else:
            groups.append([run])
    items: list[tuple[float, Any]] = []
    for group in groups:
        group.sort(key=lambda r: r["x0"])
        text = ""
        x1 = group[0]["x0"]
        for run in group:
            gap = run["x0"] - x1
            if text and gap > 0.25 * (run["bottom"] - run["top"]) and not text.endswith(" "):
                text += " "
            text += run["text"]
            x1 = run["x1"]
        line = {
            "x0": group[0]["x0"],
            "x1": x1,
            "top": min(r["top"] for r in group),
            "bottom": max(r["bottom"] for r in group),
            "text": text.strip(),
            "page_height": height,
        }
        items.append((line["top"], ("line", line)))
    return items
