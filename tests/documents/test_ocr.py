"""Scanned pages (no text layer) are read by Tesseract; values from them are flagged as OCR'd."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from extractors.documents import ocr
from extractors.extraction import extract_file
from extractors.samples import random_report_spec, render_report, spec_to_record

needs_tesseract = pytest.mark.skipif(
    ocr.tesseract_binary() is None, reason="tesseract is not installed (apt-packages.txt: tesseract-ocr)"
)


def _scan(pdf_bytes: bytes, path: Path, dpi: int = 300, skew_degrees: float = 0.0) -> Path:
    """Each page rendered to a greyscale image (tilted as a hand-fed scan is), the images wrapped
    in a PDF with no text layer."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf_bytes)
    images = [
        page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L").rotate(skew_degrees, fillcolor=255)
        for page in document
    ]
    images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return path


def _blank_scan(path: Path) -> Path:
    from PIL import Image

    Image.new("L", (850, 1100), 200).save(path, "PDF", resolution=100)
    return path


@needs_tesseract
@pytest.mark.slow
def test_a_tilted_scanned_report_reads_back_its_figures(tmp_path: Path) -> None:
    spec = random_report_spec(random.Random(2), kind="project")
    truth = spec_to_record(spec)
    record = extract_file(_scan(render_report(spec, "pdf"), tmp_path / "scan.pdf", skew_degrees=0.8))
    assert record["error"] is None
    assert "ocr" in {w["kind"] for w in record["warnings"]}
    assert record["report"]["project_name"] == truth["report"]["project_name"]
    assert record["report"]["self_score"] == truth["report"]["self_score"]
    facts = {(f["line"], f["stage"], f["amount_wan_yuan"]) for f in record["budget_facts"]}
    assert facts == {(f["line"], f["stage"], f["amount_wan_yuan"]) for f in truth["budget_facts"]}
    assert all(f["ocr"] for f in record["budget_facts"] + record["indicators"])
    weights = sorted(i["weight"] for i in record["indicators"] if i["weight"] is not None)
    assert len(weights) >= len(truth["indicators"]) - 1
    assert sum(weights) >= 85


@needs_tesseract
def test_only_values_on_the_scanned_page_are_flagged(tmp_path: Path) -> None:
    import pypdfium2

    spec = random_report_spec(random.Random(3), kind="project")
    merged = pypdfium2.PdfDocument(render_report(spec, "pdf"))
    merged.import_pages(pypdfium2.PdfDocument(_blank_scan(tmp_path / "blank.pdf")))
    mixed = tmp_path / "mixed.pdf"
    merged.save(mixed)
    record = extract_file(mixed)
    assert record["error"] is None
    assert record["budget_facts"] and not any(f["ocr"] for f in record["budget_facts"])
    assert "ocr" in {w["kind"] for w in record["warnings"]}


@needs_tesseract
def test_a_scan_with_nothing_legible_is_ocr_no_text(tmp_path: Path) -> None:
    record = extract_file(_blank_scan(tmp_path / "blank.pdf"))
    assert record["error"]["kind"] == "ocr_no_text"


def test_without_tesseract_a_scanned_pdf_is_ocr_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "tesseract_binary", lambda: None)
    record = extract_file(_blank_scan(tmp_path / "blank.pdf"))
    assert record["error"]["kind"] == "ocr_unavailable"
    assert "tesseract" in record["error"]["message"]


@needs_tesseract
def test_pages_beyond_the_ocr_budget_are_left_unread_with_a_warning(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw

    from extractors.documents.limits import ReaderLimits
    from extractors.documents.pdf import read_pdf

    pages = []
    for number in (1, 2, 3):
        page = Image.new("L", (850, 1100), 255)
        ImageDraw.Draw(page).text((100, 100), f"PAGE {number} 2023", fill=0, font_size=40)
        pages.append(page)
    path = tmp_path / "three.pdf"
    pages[0].save(path, "PDF", resolution=100, save_all=True, append_images=pages[1:])
    document = read_pdf(path, ReaderLimits(ocr_max_pages=2, ocr_budget_s=0.0))
    assert document.ocr_pages == [1]
    skipped = [w for w in document.warnings if w["kind"] == "ocr_skipped"]
    assert skipped and "[2, 3]" in skipped[0]["message"]
    assert "PAGE" in " ".join(p.text for p in document.paragraphs)


@needs_tesseract
def test_a_scan_with_a_page_number_stamped_as_text_is_still_read_by_ocr(tmp_path: Path) -> None:
    """Portals overlay page numbers as text on scanned pages: a few characters are not a text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    image = Image.new("L", (850, 1100), 255)
    ImageDraw.Draw(image).text((100, 100), "SCANNED 2023 REPORT", fill=0, font_size=40)
    image_path = tmp_path / "page.png"
    image.save(image_path)
    path = tmp_path / "stamped.pdf"
    sheet = canvas.Canvas(str(path), pagesize=A4)
    sheet.drawImage(str(image_path), 0, 0, width=A4[0], height=A4[1])
    sheet.drawString(A4[0] / 2, 20, "- 1 -")
    sheet.showPage()
    sheet.save()
    from extractors.documents.pdf import read_pdf

    document = read_pdf(path)
    assert document.ocr_pages == [1]
    assert "SCANNED" in " ".join(p.text for p in document.paragraphs)


# --- the table grid of a scan: rules found on the image, cells read inside them ---------------


def test_runs_bridge_specks_missing_from_a_scanned_rule() -> None:
    import numpy as np

    row = np.zeros((3, 40), dtype=bool)
    row[1, 2:15] = True
    row[1, 17:30] = True  # a two-pixel gap: one rule
    row[1, 35:38] = True  # too short to be a rule
    # Each line is read together with the next (a rule a pixel off level): rows 0 and 1 see it.
    assert ocr._runs(row, min_length=20, max_gap=3) == [(0, 2, 30), (1, 2, 30)]
    assert ocr._runs(row, min_length=10, max_gap=0) == [(1, 2, 15), (1, 17, 30)]


def test_in_long_runs_marks_only_ink_that_is_thick_down_the_column() -> None:
    import numpy as np

    mask = np.zeros((8, 3), dtype=bool)
    mask[1:3, 0] = True  # a rule two pixels thick
    mask[1:7, 1] = True  # a filled block
    assert ocr._in_long_runs(mask, 4)[:, 0].tolist() == [False] * 8
    assert ocr._in_long_runs(mask, 4)[:, 1].tolist() == [False] + [True] * 6 + [False]
    assert not ocr._in_long_runs(mask, 9).any()


def _ruled_page(rule_grey: int, banner: bool = False, angle: float = 0.0) -> tuple[object, int]:
    """A 300 dpi page with a 3 × 4 grid of thin grey rules (and a dark banner above it), tilted."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (2000, 1400), 250)
    draw = ImageDraw.Draw(image)
    if banner:
        draw.rectangle((150, 80, 900, 200), fill=40)  # a portal's header bar: thick, not a rule
    xs, ys = [200, 600, 1000, 1400, 1800], [400, 550, 700, 850]
    for x in xs:
        draw.line((x, ys[0], x, ys[-1]), fill=rule_grey, width=3)
    for y in ys:
        draw.line((xs[0], y, xs[-1], y), fill=rule_grey, width=3)
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=250), 12


@pytest.mark.parametrize("rule_grey", [60, 185])
def test_a_grid_of_thin_grey_rules_beside_a_dark_banner_is_found_cell_for_cell(rule_grey: int) -> None:
    import numpy as np

    from extractors.documents.limits import DEFAULT_LIMITS

    image, cells = _ruled_page(rule_grey, banner=True)
    tables = ocr._find_tables(ocr._rule_mask(np.asarray(image), DEFAULT_LIMITS), 300, DEFAULT_LIMITS)
    grid = max(tables, key=len)
    assert len(grid) == cells
    assert sorted({round(c[0] / 10) for c in grid}) == [20, 60, 100, 140]


def test_a_tilted_scan_is_set_level_by_its_rules() -> None:
    from extractors.documents.limits import DEFAULT_LIMITS

    image, _ = _ruled_page(185, angle=0.35)
    assert abs(ocr._skew_degrees(image, DEFAULT_LIMITS) + 0.35) <= 0.05
    level, _ = _ruled_page(185)
    assert ocr._skew_degrees(level, DEFAULT_LIMITS) == 0.0


def test_rules_are_erased_from_the_image_cells_are_read_from() -> None:
    import numpy as np
    from PIL import ImageDraw

    from extractors.documents.limits import DEFAULT_LIMITS

    image, _ = _ruled_page(60)
    ImageDraw.Draw(image).rectangle((300, 450, 340, 480), fill=0)  # ink inside a cell stays
    rules = ocr._rule_mask(np.asarray(image), DEFAULT_LIMITS)
    cleaned = np.asarray(ocr._without_rules(image, rules, 300, DEFAULT_LIMITS))
    assert cleaned[400, 200:1800].min() == 255 and cleaned[400:850, 600].min() == 255
    assert cleaned[460, 320] == 0


def _reread(monkeypatch: pytest.MonkeyPatch, chi_sim: str, latin: list[tuple[str, float]]) -> str:
    from extractors.documents.limits import DEFAULT_LIMITS

    words = [{"text": text, "conf": conf} for text, conf in latin]
    monkeypatch.setattr(ocr, "_tesseract_many", lambda binary, images, *rest: [words for _ in images])
    texts = {(0, 0): chi_sim}
    ocr._reread_numbers("tesseract", [(0, 0, object())], texts, Path("."), DEFAULT_LIMITS)
    return texts[(0, 0)]


def test_a_figure_is_read_again_by_the_latin_model(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _reread(monkeypatch, "9775", [("1777.75", 60.0)]) == "1777.75"
    # A short figure chi_sim took for a character: replaced only when the Latin model is sure.
    assert _reread(monkeypatch, "了", [("132.9", 96.0)]) == "132.9"
    assert _reread(monkeypatch, "了", [("132.9", 70.0)]) == "了"
    # One digit is no evidence against a real one-character answer.
    assert _reread(monkeypatch, "是", [("7", 99.0)]) == "是"
    # Words are never replaced by noise, nor figures by words.
    assert _reread(monkeypatch, "达成预期指标", [("132.9", 99.0)]) == "达成预期指标"
    assert _reread(monkeypatch, "100%", [("RAR", 90.0)]) == "100%"


def test_the_strokes_of_a_large_bold_heading_are_no_table() -> None:
    import numpy as np
    from PIL import Image, ImageDraw

    from extractors.documents.limits import DEFAULT_LIMITS

    image = Image.new("L", (1200, 400), 250)
    draw = ImageDraw.Draw(image)
    # A character's box of strokes (0.3 inch at 300 dpi), as 资 or 田 in a 24-point bold title.
    draw.rectangle((100, 100, 190, 190), outline=20, width=8)
    draw.line((100, 145, 190, 145), fill=20, width=8)
    draw.line((145, 100, 145, 190), fill=20, width=8)
    rules = ocr._rule_mask(np.asarray(image), DEFAULT_LIMITS)
    assert ocr._find_tables(rules, 300, DEFAULT_LIMITS) == []


def test_the_strokes_of_a_line_of_text_are_no_rule_through_its_row() -> None:
    """Characters' horizontal strokes line up across a row a few pixels apart: bridged as one
    rule they would split the row through the middle of its text."""
    import numpy as np
    from PIL import ImageDraw

    from extractors.documents.limits import DEFAULT_LIMITS

    image, cells = _ruled_page(60)
    draw = ImageDraw.Draw(image)
    for left in range(215, 1385, 44):  # a row of 10.5-point characters at 300 dpi
        draw.line((left, 475, left + 38, 475), fill=30, width=4)
    tables = ocr._find_tables(ocr._rule_mask(np.asarray(image), DEFAULT_LIMITS), 300, DEFAULT_LIMITS)
    assert [len(t) for t in tables] == [cells]


def test_a_figure_with_stray_letters_is_the_latin_models_or_left_unread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _reread(monkeypatch, "909%p6", [("90%", 96.0)]) == "90%"
    assert _reread(monkeypatch, "909%p6", [("909%", 60.0)]) == ""
    assert _reread(monkeypatch, "909%p6", [("RAR", 90.0)]) == ""
    # Words with a number in them are no figure: left as read.
    assert _reread(monkeypatch, "2021年", [("2021", 99.0)]) == "2021年"
    assert _reread(monkeypatch, "B/A", [("8/4", 99.0)]) == "B/A"


def test_the_pixel_rows_of_a_thick_rule_are_one_edge_apart_from_a_rule_beside_it() -> None:
    runs = [(10, 0, 500), (11, 0, 501), (12, 2, 500), (13, 600, 700), (14, 600, 700), (30, 0, 500)]
    assert ocr._bands(runs) == [(11.0, 0, 501), (13.5, 600, 700), (30.0, 0, 500)]


def test_self_evaluation_misread_in_a_heading_is_read_as_it_is_printed() -> None:
    fix = ocr._SELF_EVALUATION.sub
    assert fix("自评", "2023年度项目支出绩效目评报告") == "2023年度项目支出绩效自评报告"
    assert fix("自评", "抗疫特别国债项目绩效目标目评表") == "抗疫特别国债项目绩效目标自评表"
    # 项目评价 is a real phrase: left alone.
    assert fix("自评", "项目评价表") == "项目评价表"


def test_a_table_running_off_the_edge_of_the_scan_keeps_its_last_column() -> None:
    import numpy as np
    from PIL import Image, ImageDraw

    from extractors.documents.limits import DEFAULT_LIMITS

    image = Image.new("L", (1500, 900), 250)
    draw = ImageDraw.Draw(image)
    for y in (200, 350, 500, 650):
        draw.line((200, y, 1499, y), fill=60, width=3)  # rows run into the right edge
    for x in (200, 700, 1100):
        draw.line((x, 200, x, 650), fill=60, width=3)  # no rule closes the last column
    tables = ocr._find_tables(ocr._rule_mask(np.asarray(image), DEFAULT_LIMITS), 300, DEFAULT_LIMITS)
    assert [len(t) for t in tables] == [9]
    assert max(c[2] for c in tables[0]) >= 1495


def test_text_set_tight_against_a_rule_leaves_the_rule_whole() -> None:
    import numpy as np
    from PIL import ImageDraw

    from extractors.documents.limits import DEFAULT_LIMITS

    image, cells = _ruled_page(185)
    draw = ImageDraw.Draw(image)
    for x in (604, 609):  # a character's vertical strokes set against the rule at x=600
        draw.line((x, 560, x, 600), fill=30, width=5)
    tables = ocr._find_tables(ocr._rule_mask(np.asarray(image), DEFAULT_LIMITS), 300, DEFAULT_LIMITS)
    assert [len(t) for t in tables] == [cells]


def _reread_words(monkeypatch: pytest.MonkeyPatch, chi_sim: str, latin: str, conf: float = 96.0) -> str:
    from PIL import Image

    from extractors.documents.limits import DEFAULT_LIMITS

    monkeypatch.setattr(
        ocr,
        "_tesseract_many",
        lambda binary, images, *rest: [[{"text": latin, "conf": conf}] for _ in images],
    )
    words = [{"text": chi_sim, "left": 40, "top": 40, "width": 120, "height": 40, "conf": 80.0}]
    ocr._reread_figure_words("tesseract", Image.new("L", (400, 200), 255), words, Path("."), DEFAULT_LIMITS)
    return words[0]["text"]


def test_a_percent_sign_read_as_9_percent_in_running_text_is_read_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _reread_words(monkeypatch, "1009%。", "100%.|") == "100%。"
    assert _reread_words(monkeypatch, "959%", "95%", conf=40.0) == "95%"
    # The Latin model must tell the same story: a figure that really ends in 9% stays.
    assert _reread_words(monkeypatch, "1059%", "1059%") == "1059%"
    assert _reread_words(monkeypatch, "1009%", "109%") == "1009%"


def test_running_text_figures_chi_sim_reads_cleanly_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    # Word boxes are tight: the Latin model can lose a leading digit, and is not asked.
    assert _reread_words(monkeypatch, "16.20", "6.20") == "16.20"
    # A garbled figure is replaced only by a sure reading.
    assert _reread_words(monkeypatch, "7,29O,235.03", "7,290,235.03") == "7,290,235.03"
    assert _reread_words(monkeypatch, "7,29O,235.03", "7,290,235.03", conf=50.0) == "7,29O,235.03"
    # A malformed figure (a thousands comma read as a point) likewise.
    assert _reread_words(monkeypatch, "7.290,235.03", "7,290,235.03") == "7,290,235.03"
    assert _reread_words(monkeypatch, "7.290,235.03", "7.290,235.03") == "7.290,235.03"


def test_a_table_with_its_own_border_at_the_edge_gets_no_second_one() -> None:
    import numpy as np
    from PIL import Image, ImageDraw

    from extractors.documents.limits import DEFAULT_LIMITS

    image = Image.new("L", (1500, 900), 250)
    draw = ImageDraw.Draw(image)
    for y in (200, 350, 500, 650):
        draw.line((200, y, 1499, y), fill=60, width=3)
    for x in (200, 700, 1100, 1494):  # the last border six pixels from the edge
        draw.line((x, 200, x, 650), fill=60, width=3)
    tables = ocr._find_tables(ocr._rule_mask(np.asarray(image), DEFAULT_LIMITS), 300, DEFAULT_LIMITS)
    assert [len(t) for t in tables] == [9]
