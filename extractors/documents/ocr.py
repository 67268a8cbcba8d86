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
# 自评, the word every report is titled by, is what chi_sim misreads most in headings: as 目评
# ("绩效目评报告", "目标目评表").  The only real phrase with 目评 in it is 项目评价.
_SELF_EVALUATION = re.compile(r"(?<=绩效)目评|(?<!项)目评(?=报|表)")
# A word of running text that holds a figure: punctuation around it kept apart.
_WORD_FIGURE = re.compile(r"^([(（]?)([^(（)）。，、；：]*?\d[^(（)）。，、；：]*?)([)）。，、；：,;:.]*)$")
# A figure as it is printed: thousands groups or none, a decimal part, a percent sign.
_WELL_FORMED = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")
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
    from PIL import Image

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
    pixels = np.array(image)
    # Paper is made white: a scanner's grain on it misleads Tesseract's own binarisation
    # (a decimal point read as a colon, a character as its look-alike).
    pixels[pixels >= _paper_level(pixels, limits)] = 255
    image = Image.fromarray(pixels, "L")
    rules = _rule_mask(pixels, limits)
    cells_by_table = _find_tables(rules, scale * 72.0, limits)
    # Cells are read from the page with its rules erased: a border left in a crop reads as 1, l or |.
    cell_image = _without_rules(image, rules, scale * 72.0, limits) if cells_by_table else image
    ink = np.asarray(cell_image) < limits.ocr_ink_threshold
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
                crops.append((t, c, _padded(cell_image.crop(box))))
        cell_words = _tesseract_many(
            binary, [crop for _, _, crop in crops], work_dir, "6", limits.ocr_language, limits
        )
        texts: dict[tuple[int, int], str] = {}
        confidences: list[float] = []
        for (t, c, _), words in zip(crops, cell_words, strict=True):
            texts[(t, c)] = _SELF_EVALUATION.sub(
                "自评", "\n".join(_join_words(line) for line in _lines(words))
            )
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
        _reread_figure_words(binary, blanked, page_words, work_dir, limits)
    confidences += [w["conf"] for w in page_words]
    items: list[tuple[float, Any]] = []
    for t, cells in enumerate(cells_by_table):
        rows = _grid(cells, {c: texts.get((t, c), "") for c in range(len(cells))})
        top_pt = min(c[1] for c in cells) / scale
        items.append((top_pt, ("table", Table(rows=rows, page=index + 1, pages=[index + 1]))))
    for line in _lines(page_words):
        text = _SELF_EVALUATION.sub("自评", _join_words(line).strip())
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
    """Read again, with the Latin model as one line, the cells chi_sim read as figures, as
    figures with stray letters, or as a character or two.

    Why: chi_sim drops and invents digits in amounts (1777.75 → 9775), adds letters to them
    (90% → 909%p6) and now and then reads a short figure as one Chinese character (132.9 → 了);
    the Latin model reads printed figures reliably but turns Chinese into noise.  So it
    replaces a cell both models read as a figure; any other cell it replaces only when it reads
    a figure of at least two digits with high confidence (a real 是 or 无 is never that).  A
    figure with stray letters the Latin model is not sure of is left unread: a misread amount
    is worse than a missing one.
    """
    if not limits.ocr_figure_language:
        return
    numeric = [((t, c), crop) for t, c, crop in crops if _figure_candidate(texts.get((t, c), ""))]
    if not numeric:
        return
    reread = _tesseract_many(
        binary, [crop for _, crop in numeric], work_dir, "7", limits.ocr_figure_language, limits
    )
    for (key, _), words in zip(numeric, reread, strict=True):
        text = "".join(w["text"] for w in words)
        first = texts.get(key, "")
        figure = _FIGURE.match(text) is not None
        sure = (
            figure
            and sum(ch.isdigit() for ch in text) >= 2
            and min(w["conf"] for w in words) >= limits.ocr_figure_min_confidence
        )
        if (figure and _FIGURE.match(first)) or sure:
            texts[key] = text
        elif _garbled_figure(first):
            texts[key] = ""


def _reread_figure_words(
    binary: str, image: Any, words: list[dict[str, Any]], work_dir: Path, limits: ReaderLimits
) -> None:
    """Read again, with the Latin model, the figures of the running text chi_sim misread.

    Why: in running text chi_sim reads a percent sign as 9% (100% → 1009%, 95% → 959%) and
    now and then a figure with stray letters; a rate or an amount of the narrative is as much
    a fact as a cell's.  Its word boxes are tight (a leading digit can fall outside them), so
    the Latin model is trusted only where the two tell the same story: a figure chi_sim read
    garbled or malformed (7.290,235.03) is replaced by a sure, well-formed Latin figure, and a
    figure ending in 9% only by the same figure without that 9.  Any other figure stays as
    chi_sim read it (it reads most of them right).
    """
    if not limits.ocr_figure_language:
        return
    figures = []
    for word in words:
        match = _WORD_FIGURE.match(word["text"])
        core = match.group(2) if match else ""
        if core and (_garbled_figure(core) or not _WELL_FORMED.match(core) or core.endswith("9%")):
            figures.append((word, match))
    if not figures:
        return
    crops = []
    for word, _ in figures:
        pad = max(_CELL_INSET_PX, word["height"] // 2)
        box = (
            word["left"] - pad,
            word["top"] - 4,
            word["left"] + word["width"] + pad,
            word["top"] + word["height"] + 4,
        )
        crops.append(_padded(image.crop(box)))
    # As one word (psm 8): read as a line, a lone figure comes back with letters for digits.
    reread = _tesseract_many(binary, crops, work_dir, "8", limits.ocr_figure_language, limits)
    for (word, match), latin in zip(figures, reread, strict=True):
        # Specks and the box's edges read as | _ ~ around the word: not part of it.
        text = "".join(w["text"] for w in latin).strip(".,;:。，；：|_~'\"` ")
        core = match.group(2)
        sure = bool(latin) and min(w["conf"] for w in latin) >= limits.ocr_figure_min_confidence
        if not _FIGURE.match(text) or not any(ch.isdigit() for ch in text):
            continue
        misread = _garbled_figure(core) or not _WELL_FORMED.match(core)
        if (misread and sure and _WELL_FORMED.match(text)) or (
            core.endswith("9%") and text == core[:-2] + "%"
        ):
            word["text"] = match.group(1) + text + match.group(3)


def _figure_candidate(text: str) -> bool:
    """A cell chi_sim read as a figure, as a figure with stray letters, or as at most two
    characters none of them a digit."""
    if _FIGURE.match(text) or _garbled_figure(text):
        return True
    bare = "".join(text.split())
    return 0 < len(bare) <= 2 and not any(ch.isdigit() for ch in bare)


def _garbled_figure(text: str) -> bool:
    """Not a figure, but digits for at least half of it and no Chinese: a figure misread."""
    bare = "".join(text.split())
    digits = sum(ch.isdigit() for ch in bare)
    return (
        bool(bare)
        and not _FIGURE.match(bare)
        and digits * 2 >= len(bare)
        and not any("\u4e00" <= ch <= "\u9fff" for ch in bare)
    )


def _deskewed(image: Any, limits: ReaderLimits) -> Any:
    """The page rotated upright: scans are rarely straight, and a ruling line tilted by half a
    degree no longer reads as one line."""
    from PIL import Image

    angle = _skew_degrees(image, limits)
    if angle == 0.0:
        return image
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)


def _skew_degrees(image: Any, limits: ReaderLimits) -> float:
    """The angle (degrees, counter-clockwise as PIL rotates) that sets the page's rows level.

    Why a projection profile: rows of text and rules are sharpest (the per-row ink count
    varies most) at the right angle.  The ink is the rules' (``_rule_mask``): thin grey rules
    a fixed black threshold loses are the best evidence of the angle a page has.  Each angle
    is tried by shearing the ink pixels' coordinates (a rotation of a fraction of a degree,
    to a pixel) and counting them per row — no image is rotated — first coarsely on the
    page reduced by half, then finely around the best coarse angle.
    """
    import numpy as np

    if limits.ocr_max_skew_degrees <= 0:
        return 0.0
    small = image.reduce(2) if min(image.size) >= 800 else image
    pixels = np.asarray(small)
    rows, columns = np.nonzero(_rule_mask(pixels, limits))
    if len(rows) < 2:
        return 0.0
    rows = rows.astype(np.float64)
    columns = columns.astype(np.float64) - pixels.shape[1] / 2

    def sharpness(angle: float) -> float:
        shifted = np.rint(rows - columns * np.tan(np.radians(angle))).astype(np.int64)
        shifted -= shifted.min()
        profile = np.bincount(shifted).astype(np.float64)
        return float((profile * profile).sum())

    step = limits.ocr_skew_step_degrees
    span = int(limits.ocr_max_skew_degrees / step)
    best = max((step * k for k in range(-span, span + 1)), key=lambda a: (sharpness(a), -abs(a)))
    fine = step / 5
    best = max((best + fine * k for k in range(-5, 6)), key=lambda a: (sharpness(a), -abs(a)))
    return round(best, 3) if abs(best) >= fine / 2 else 0.0


def _padded(crop: Any) -> Any:
    """A white margin around a cell crop: Tesseract reads text touching the image edge badly."""
    from PIL import Image

    canvas = Image.new("L", (crop.width + 2 * _CELL_MARGIN_PX, crop.height + 2 * _CELL_MARGIN_PX), 255)
    canvas.paste(crop, (_CELL_MARGIN_PX, _CELL_MARGIN_PX))
    return canvas


def _paper_level(pixels: Any, limits: ReaderLimits) -> float:
    """The grey level from which a pixel is paper: ``ocr_rule_contrast`` lighter than nothing
    but the paper itself (most pixels of a page are paper), never below the ink threshold."""
    import numpy as np

    return max(float(limits.ocr_ink_threshold), float(np.percentile(pixels, 90)) - limits.ocr_rule_contrast)


def _rule_mask(pixels: Any, limits: ReaderLimits) -> Any:
    """Pixels dark enough to belong to a ruling line: darker than the paper by ``ocr_rule_contrast``.

    Why not the text threshold: tables are ruled in thin grey lines that a scanner blurs to
    mid-grey (150-200), and a fixed threshold for black ink breaks them into specks.  The
    paper's own level sets the bar, so a grey scan of a yellowed page is judged against its
    own background.
    """
    return pixels < _paper_level(pixels, limits)


def _runs(mask: Any, min_length: int, max_gap: int = 0) -> list[tuple[int, int, int]]:
    """(line index, start, end) of every run of True at least ``min_length`` long along axis 1.

    Runs of one line less than ``max_gap`` apart are one run (a scanned rule has specks
    missing), and each line is read together with the next (a rule left tilted by a fraction
    of a pixel per hundred steps from one pixel row to the next).
    """
    import numpy as np

    if max_gap:
        mask = mask.copy()
        mask[:-1] |= mask[1:]
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    change = np.diff(padded, axis=1)
    starts = np.argwhere(change == 1)
    ends = np.argwhere(change == -1)
    if not len(starts):
        return []
    rows, begin, end = starts[:, 0], starts[:, 1], ends[:, 1]
    if max_gap:
        # A run continues the one before it on the same line when the gap between them is small.
        joined = np.zeros(len(rows), dtype=bool)
        joined[1:] = (rows[1:] == rows[:-1]) & (begin[1:] - end[:-1] < max_gap)
        first = np.flatnonzero(~joined)
        last = np.append(first[1:], len(rows)) - 1
        rows, begin, end = rows[first], begin[first], end[last]
    keep = end - begin >= min_length
    return [(int(r), int(b), int(e)) for r, b, e in zip(rows[keep], begin[keep], end[keep], strict=True)]


def _without_rules(image: Any, rules: Any, dpi: float, limits: ReaderLimits) -> Any:
    """The image with every ruling line painted over in white (and a pixel around it, where a
    scanner's blur leaves a grey fringe)."""
    import numpy as np
    from PIL import Image

    length = int(limits.ocr_min_rule_inches * dpi)
    lines = _in_long_runs(rules, length) | _in_long_runs(rules.T, length).T
    grown = lines.copy()
    grown[1:] |= lines[:-1]
    grown[:-1] |= lines[1:]
    grown[:, 1:] |= lines[:, :-1]
    grown[:, :-1] |= lines[:, 1:]
    pixels = np.array(image)
    pixels[grown] = 255
    return Image.fromarray(pixels, "L")


def _in_long_runs(mask: Any, length: int) -> Any:
    """Pixels of ``mask`` in a run of at least ``length`` True values down a column (axis 0)."""
    import numpy as np

    if length > mask.shape[0]:
        return np.zeros_like(mask)
    zero = np.zeros((1, mask.shape[1]), dtype=np.int32)
    counts = np.concatenate([zero, mask.cumsum(axis=0, dtype=np.int32)])
    # full[i]: rows i .. i+length-1 are all ink; a pixel is in a long run when a full window covers it.
    full = (counts[length:] - counts[:-length]) == length
    starts = np.concatenate([zero, full.cumsum(axis=0, dtype=np.int32)])
    rows = np.arange(mask.shape[0])
    first = np.clip(rows - length + 1, 0, full.shape[0])
    last = np.clip(rows + 1, 0, full.shape[0])
    return (starts[last] - starts[first]) > 0


def _bands(runs: list[tuple[int, int, int]]) -> list[tuple[float, int, int]]:
    """One edge per rule: runs on adjacent lines that overlap are the pixel rows of one rule
    several pixels thick, given as (its middle line, start, end).

    Why: handed over row by row, the rows of a thick rule and of any rule a few pixels from it
    chain into one cluster when pdfplumber snaps edges together, and the cluster's mean can
    land beyond the ends of the crossing rules (a table's border lost its intersections to
    a box printed above the table in the same column).
    """
    bands: list[list[int]] = []  # [first line, last line, start, end]
    open_bands: list[list[int]] = []
    for line, start, end in runs:  # in line order
        open_bands = [b for b in open_bands if b[1] >= line - 1]
        for band in open_bands:
            if start <= band[3] and end >= band[2]:
                band[1], band[2], band[3] = line, min(band[2], start), max(band[3], end)
                break
        else:
            band = [line, line, start, end]
            bands.append(band)
            open_bands.append(band)
    return [((first + last) / 2, start, end) for first, last, start, end in bands]


def _page_edge_rules(
    crossing: list[tuple[float, int, int]], parallel: list[tuple[float, int, int]], extent: int, margin: int
) -> list[tuple[float, int, int]]:
    """A border where rules run into the edge of the image: a table printed wider than its page
    (or tilted over the edge of the scan) loses its last rule there, and with it a column.

    ``crossing`` are the rules across that edge's direction; two or more reaching within
    ``margin`` of the start (0) or the end (``extent``) close the table there, over the span
    they cover — unless a rule of its own already runs that close to the edge.
    """
    out: list[tuple[float, int, int]] = []
    for at, reaching in (
        (0.0, [r for r in crossing if r[1] <= margin]),
        (extent - 1.0, [r for r in crossing if r[2] >= extent - margin]),
    ):
        if len(reaching) >= 2 and not any(abs(r[0] - at) <= margin for r in parallel):
            out.append((at, int(min(r[0] for r in reaching)), int(max(r[0] for r in reaching)) + 1))
    return out


def _find_tables(
    rules: Any, dpi: float, limits: ReaderLimits
) -> list[list[tuple[float, float, float, float]]]:
    """Cells (x0, top, x1, bottom in pixels) of each ruled table on the image, biggest grid first.

    A rule is long one way and thin the other.  Ink thick both ways (a filled banner, a shaded
    block) is left out first, or the edges of a dark block would stand as a rule at every pixel
    and snap the table's real rules together with them; where two rules cross the ink is thick
    only one way at a time, so crossings stay whole.  Gaps are bridged only over a scanner's
    specks: bridged wider, the strokes of a line of text join into a rule through the middle of
    a row.
    """
    from pdfplumber import table as grid

    min_length = int(limits.ocr_min_rule_inches * dpi)
    thick = max(3, round(limits.ocr_max_rule_inches * dpi))
    max_gap = max(1, round(limits.ocr_rule_gap_inches * dpi))
    # A block is ink twice a rule's thickness both ways: a rule with a character's stroke
    # touching it (text set tight against the border) is not yet one.
    tall = _in_long_runs(rules, 2 * thick)
    lines = rules & ~_in_long_runs(tall.T, 2 * thick).T
    # A rule's end fades into the blur where it meets the rule it stops at: each is drawn out by
    # half a rule's thickness, so that it still reaches the other within the snapping tolerance.
    reach = thick // 2
    horizontal = _bands(_runs(lines, min_length, max_gap))
    vertical = _bands(_runs(lines.T, min_length, max_gap))
    horizontal, vertical = (
        [(y, max(0, a - reach), b + reach) for y, a, b in horizontal]
        + _page_edge_rules(vertical, horizontal, rules.shape[0], thick),
        [(x, max(0, a - reach), b + reach) for x, a, b in vertical]
        + _page_edge_rules(horizontal, vertical, rules.shape[1], thick),
    )
    edges: list[dict[str, Any]] = []
    for y, x0, x1 in horizontal:
        edges.append(
            {"orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0}
        )
    for x, y0, y1 in vertical:
        edges.append(
            {"orientation": "v", "x0": x, "x1": x, "top": y0, "bottom": y1, "width": 0, "height": y1 - y0}
        )
    if not edges:
        return []
    tolerance = max(2, round(dpi / 100))
    # Two pieces of one rule (each a rule's length: no text stroke is) join over a gap as wide
    # as a rule is thick — a blot of the scan, a character touching the rule.
    merged = grid.merge_edges(edges, tolerance, tolerance, thick, thick)
    intersections = grid.edges_to_intersections(merged, tolerance, tolerance)
    cells = grid.intersections_to_cells(intersections)
    tables = grid.cells_to_tables(cells)
    # The strokes of a large bold heading meet as a grid of a character's size: no table is
    # narrower than a word.
    min_width = limits.ocr_min_table_inches * dpi
    return [
        list(t) for t in tables if len(t) >= 2 and max(c[2] for c in t) - min(c[0] for c in t) >= min_width
    ]


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
