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
