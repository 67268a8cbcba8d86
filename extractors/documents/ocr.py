"""OCR of PDF pages that have no text layer (scanned, stamped reports), with Tesseract chi_sim.

Why Tesseract as a subprocess: it installs from Debian (tesseract-ocr,
tesseract-ocr-chi-sim) with its models, needs no Python package, and a
subprocess can be time-limited.  Why not OCR the whole page at once: the
ruling lines of a self-evaluation table wreck Tesseract's page segmentation
(numbers are read across cell borders, rows are merged).  So the table grid
is found on the image first — long dark pixel runs are ruling lines, and
pdfplumber's own edge → intersection → cell algorithm turns them into cells —
then each cell is cropped inside its borders and all crops of a page are read
in one Tesseract call (a list file: the model loads once).  Text outside the
tables is read from the page with the tables blanked out.  The result has the
same shape as the PDF reader's text-layer items, so everything downstream is
shared; the reader marks the pages as OCR'd so values can be flagged.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractors.documents.limits import DEFAULT_LIMITS, ReaderLimits
from extractors.documents.model import DocumentError, Table

_CELL_INSET_PX = 4
_CELL_MARGIN_PX = 12
_MIN_INK_PIXELS = 12
# A cell that is a figure: digits with separators, sign, percent (no CJK, no words).
_FIGURE = re.compile(r"^[-+=<>]?\s*[\d.,:：%\s]*\d[\d.,:：%\s]*$")


def tesseract_binary() -> str | None:
    """Path of the tesseract binary, or None when it is not installed."""
    return shutil.which("tesseract")


def check_ocr_available(limits: ReaderLimits = DEFAULT_LIMITS) -> str:
    """The tesseract path when it and the configured language model are installed; else ocr_unavailable."""
    binary = tesseract_binary()
    if binary is None:
        raise DocumentError("ocr_unavailable", "tesseract is not on PATH; scanned pages cannot be read")
    try:
        listed = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DocumentError("ocr_unavailable", f"tesseract does not run: {exc}") from exc
    languages = {line.strip() for line in (listed.stdout + listed.stderr).splitlines()}
    missing = [lang for lang in limits.ocr_language.split("+") if lang not in languages]
    if missing:
        raise DocumentError(
            "ocr_unavailable",
            f"tesseract has no model for {'+'.join(missing)} (install tesseract-ocr-chi-sim)",
        )
    return binary


@dataclass
class OcrPage:
    """What OCR read on one page: (top, item) pairs as the PDF reader's, and the mean word confidence."""

    items: list[tuple[float, Any]]
    confidence: float | None


def ocr_pdf_page(pdf: Any, index: int, limits: ReaderLimits = DEFAULT_LIMITS) -> OcrPage:
    """Render page ``index`` of a pypdfium2 document and read its tables and text by OCR."""
    import numpy as np

    binary = check_ocr_available(limits)
    page = pdf[index]
    try:
        height_pt = page.get_height()
        area_in = (page.get_width() / 72.0) * (height_pt / 72.0)
        # Huge pages are rendered coarser rather than exhaust memory.
        scale = min(limits.ocr_dpi, (limits.ocr_max_pixels / max(area_in, 1e-6)) ** 0.5) / 72.0
        image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
    finally:
        page.close()
    image = _deskewed(image, limits)
    pixels = np.asarray(image)
    ink = pixels < limits.ocr_ink_threshold
    cells_by_table = _find_tables(ink, limits)
    with tempfile.TemporaryDirectory(prefix="govperf-ocr-") as work:
        work_dir = Path(work)
        crops: list[tuple[int, int, Any]] = []  # (table index, cell index, image)
        for t, cells in enumerate(cells_by_table):
            for c, (x0, top, x1, bottom) in enumerate(cells):
                box = (
                    int(x0) + _CELL_INSET_PX,
                    int(top) + _CELL_INSET_PX,
                    int(x1) - _CELL_INSET_PX,
                    int(bottom) - _CELL_INSET_PX,
                )
                if box[2] <= box[0] or box[3] <= box[1]:
                    continue
                region = ink[box[1] : box[3], box[0] : box[2]]
                if int(region.sum()) < _MIN_INK_PIXELS:
                    continue
                crops.append((t, c, _padded(image.crop(box))))
        cell_words = _tesseract_many(
            binary, [crop for _, _, crop in crops], work_dir, "6", limits.ocr_language, limits
        )
        texts: dict[tuple[int, int], str] = {}
        confidences: list[float] = []
        for (t, c, _), words in zip(crops, cell_words, strict=True):
            texts[(t, c)] = "\n".join(_join_words(line) for line in _lines(words))
            confidences += [w["conf"] for w in words]
        _reread_numbers(binary, crops, texts, work_dir, limits)
        blanked = image.copy()
        for cells in cells_by_table:
            left = min(c[0] for c in cells)
            top = min(c[1] for c in cells)
            right = max(c[2] for c in cells)
            bottom = max(c[3] for c in cells)
            blanked.paste(255, (int(left) - 3, int(top) - 3, int(right) + 4, int(bottom) + 4))
        (page_words,) = _tesseract_many(binary, [blanked], work_dir, "4", limits.ocr_language, limits)
    confidences += [w["conf"] for w in page_words]
    items: list[tuple[float, Any]] = []
    for t, cells in enumerate(cells_by_table):
        rows = _grid(cells, {c: texts.get((t, c), "") for c in range(len(cells))})
        top_pt = min(c[1] for c in cells) / scale
        items.append((top_pt, ("table", Table(rows=rows, page=index + 1, pages=[index + 1]))))
    for line in _lines(page_words):
        text = _join_words(line).strip()
        if not text:
            continue
        payload = {
            "x0": min(w["left"] for w in line) / scale,
            "x1": max(w["left"] + w["width"] for w in line) / scale,
            "top": min(w["top"] for w in line) / scale,
            "bottom": max(w["top"] + w["height"] for w in line) / scale,
            "text": text,
            "page_height": height_pt,
        }
        items.append((payload["top"], ("line", payload)))
    items.sort(key=lambda pair: pair[0])
    confidence = sum(confidences) / len(confidences) if confidences else None
    return OcrPage(items=items, confidence=confidence)


def _reread_numbers(
    binary: str,
    crops: list[tuple[int, int, Any]],
    texts: dict[tuple[int, int], str],
    work_dir: Path,
    limits: ReaderLimits,
) -> None:
    """Read again, with the Latin model as one line, the cells chi_sim read as figures.

    Why: chi_sim drops and invents digits in amounts (1777.75 → 9775); the Latin model
    reads printed figures reliably but turns Chinese into noise, so it only replaces a
    cell that both models read as a figure.
    """
    numeric = [((t, c), crop) for t, c, crop in crops if _FIGURE.match(texts.get((t, c), ""))]
    if not numeric or not limits.ocr_figure_language:
        return
    reread = _tesseract_many(
        binary, [crop for _, crop in numeric], work_dir, "7", limits.ocr_figure_language, limits
    )
    for (key, _), words in zip(numeric, reread, strict=True):
        text = "".join(w["text"] for w in words)
        if _FIGURE.match(text):
            texts[key] = text


def _deskewed(image: Any, limits: ReaderLimits) -> Any:
    """The page rotated upright: scans are rarely straight, and a ruling line tilted by half a
    degree no longer reads as one line.

    Why a projection profile: rows of text and rules are sharpest (highest variance of the
    per-row ink count) at the right angle; trying small angles on a reduced image is cheap.
    """
    import numpy as np
    from PIL import Image

    if limits.ocr_max_skew_degrees <= 0:
        return image
    small = image.reduce(4) if min(image.size) >= 800 else image
    ink = small.point(lambda v: 255 if v < limits.ocr_ink_threshold else 0)
    best_angle, best_score = 0.0, -1.0
    steps = int(limits.ocr_max_skew_degrees / limits.ocr_skew_step_degrees)
    for step in range(-steps, steps + 1):
        angle = step * limits.ocr_skew_step_degrees
        rotated = ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0)
        profile = np.asarray(rotated, dtype=np.float64).sum(axis=1)
        score = float(profile.var())
        if score > best_score:
            best_angle, best_score = angle, score
    if best_angle == 0.0:
        return image
    return image.rotate(best_angle, resample=Image.Resampling.BICUBIC, fillcolor=255)


def _padded(crop: Any) -> Any:
    """A white margin around a cell crop: Tesseract reads text touching the image edge badly."""
    from PIL import Image

    canvas = Image.new("L", (crop.width + 2 * _CELL_MARGIN_PX, crop.height + 2 * _CELL_MARGIN_PX), 255)
    canvas.paste(crop, (_CELL_MARGIN_PX, _CELL_MARGIN_PX))
    return canvas


def _runs(mask: Any, min_length: int) -> list[tuple[int, int, int]]:
    """(line index, start, end) of every run of True at least ``min_length`` long along axis 1."""
    import numpy as np

    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    change = np.diff(padded, axis=1)
    starts = np.argwhere(change == 1)
    ends = np.argwhere(change == -1)
    out = []
    for (row, start), (_, end) in zip(starts, ends, strict=True):
        if end - start >= min_length:
            out.append((int(row), int(start), int(end)))
    return out


def _find_tables(ink: Any, limits: ReaderLimits) -> list[list[tuple[float, float, float, float]]]:
    """Cells (x0, top, x1, bottom in pixels) of each ruled table on the image, biggest grid first."""
    from pdfplumber import table as grid

    min_length = int(limits.ocr_min_rule_inches * limits.ocr_dpi)
    edges: list[dict[str, Any]] = []
    for y, x0, x1 in _runs(ink, min_length):
        edges.append(
            {"orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0}
        )
    for x, y0, y1 in _runs(ink.T, min_length):
        edges.append(
            {"orientation": "v", "x0": x, "x1": x, "top": y0, "bottom": y1, "width": 0, "height": y1 - y0}
        )
    if not edges:
        return []
    tolerance = max(2, round(limits.ocr_dpi / 100))
    merged = grid.merge_edges(edges, tolerance, tolerance, tolerance, tolerance)
    intersections = grid.edges_to_intersections(merged, tolerance, tolerance)
    cells = grid.intersections_to_cells(intersections)
    tables = grid.cells_to_tables(cells)
    return [list(t) for t in tables if len(t) >= 2]


def _grid(cells: list[tuple[float, float, float, float]], texts: dict[int, str]) -> list[list[str | None]]:
    """Cells placed on the grid of their distinct left and top edges; positions a merge covers are None."""
    xs = _distinct(sorted({c[0] for c in cells} | {c[2] for c in cells}))
    ys = _distinct(sorted({c[1] for c in cells} | {c[3] for c in cells}))
    rows: list[list[str | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for index, (x0, top, x1, bottom) in enumerate(cells):
        c0, c1 = _position(xs, x0), _position(xs, x1)
        r0, r1 = _position(ys, top), _position(ys, bottom)
        if c1 <= c0 or r1 <= r0:
            continue
        rows[r0][c0] = texts.get(index, "")
    return [row for row in rows if any(cell is not None for cell in row)]


def _distinct(values: list[float], tolerance: float = 3.0) -> list[float]:
    out: list[float] = []
    for value in values:
        if not out or value - out[-1] > tolerance:
            out.append(value)
    return out


def _position(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def _tesseract_many(
    binary: str, images: list[Any], work_dir: Path, psm: str, language: str, limits: ReaderLimits
) -> list[list[dict[str, Any]]]:
    """Words (text, box, conf, line keys) of each image, read in one tesseract run over a list file."""
    if not images:
        return []
    batch = Path(tempfile.mkdtemp(dir=work_dir))
    paths = []
    for number, image in enumerate(images):
        path = batch / f"{number}.png"
        image.save(path)
        paths.append(path)
    listing = batch / "images.txt"
    listing.write_text("\n".join(str(p) for p in paths) + "\n", encoding="utf-8")
    command = [binary, str(listing), "stdout", "-l", language, "--psm", psm, "tsv"]
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=limits.ocr_timeout_s, check=False, env=environment
        )
    except subprocess.TimeoutExpired as exc:
        raise DocumentError("timeout", f"OCR of a page took longer than {limits.ocr_timeout_s:g}s") from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise DocumentError("ocr_failed", f"tesseract exited with {done.returncode}: {detail[0]}")
    per_image: list[list[dict[str, Any]]] = [[] for _ in images]
    reader = csv.DictReader(io.StringIO(done.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=3)
    for row in reader:
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        number = int(row["page_num"]) - 1
        if 0 <= number < len(per_image):
            per_image[number].append(
                {
                    "text": text,
                    "left": int(row["left"]),
                    "top": int(row["top"]),
                    "width": int(row["width"]),
                    "height": int(row["height"]),
                    "conf": float(row["conf"]),
                    "line": (row["block_num"], row["par_num"], row["line_num"]),
                }
            )
    return per_image


def _lines(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words grouped into Tesseract's lines, top to bottom, each left to right."""
    lines: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for word in words:
        lines.setdefault(word["line"], []).append(word)
    ordered = sorted(lines.values(), key=lambda ws: min(w["top"] for w in ws))
    return [sorted(ws, key=lambda w: w["left"]) for ws in ordered]


def _join_words(words: list[dict[str, Any]]) -> str:
    """Chinese is written without spaces: a space only between two Latin letters or digits."""
    out = ""
    for word in words:
        text = word["text"]
        if out and out[-1].isascii() and out[-1].isalnum() and text[0].isascii() and text[0].isalnum():
            out += " "
        out += text
    return out
