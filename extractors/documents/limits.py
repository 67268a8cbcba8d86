"""Tunables of the format readers (sizes, ratios, timeouts) in one settings dataclass."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReaderLimits:
    """Why these exist: hostile or broken files must fail fast with a clear error kind."""

    max_zip_members: int = 5000
    max_zip_member_bytes: int = 200 * 1024 * 1024
    max_zip_total_bytes: int = 400 * 1024 * 1024
    max_zip_ratio: float = 200.0
    zip_ratio_floor_bytes: int = 1024 * 1024
    # Bytes read from the start of each Office XML part when looking for a DTD (entity bombs).
    xml_head_bytes: int = 64 * 1024
    max_html_bytes: int = 30 * 1024 * 1024
    soffice_timeout_s: float = 90.0
    pdf_max_pages: int = 400
    header_footer_margin_pt: float = 60.0
    # OCR of pages without a text layer (extractors.documents.ocr).
    ocr_language: str = "chi_sim"
    # Cells read as figures are read again with this model (chi_sim misreads digits); "" to skip.
    ocr_figure_language: str = "eng"
    # ... and a cell chi_sim read as a character or two is taken as the figure the Latin model
    # reads only when every word of it has at least this confidence.
    ocr_figure_min_confidence: float = 85.0
    ocr_dpi: int = 300
    ocr_timeout_s: float = 90.0
    ocr_max_pages: int = 40
    # A page is OCR'd when an image covers this share of it and its text layer has fewer
    # characters than this (page numbers or a watermark stamped over a scan).
    ocr_min_image_share: float = 0.3
    ocr_max_overlay_chars: int = 40
    # OCR stops starting new pages after this many seconds, so the document's own time limit
    # (Settings.document_timeout_s) still leaves room to interpret what was read.
    ocr_budget_s: float = 75.0
    ocr_max_pixels: float = 12e6
    ocr_max_skew_degrees: float = 3.0
    ocr_skew_step_degrees: float = 0.1
    ocr_ink_threshold: int = 160
    # A dark run at least this long (inches) is a ruling line, not a stroke of a character.
    ocr_min_rule_inches: float = 0.2
    # Ruling lines are pixels this much darker than the paper (thin grey rules scan mid-grey),
    # at most this thick (inches; thicker ink is a filled block or a stroke, not a rule).
    ocr_rule_contrast: int = 48
    ocr_max_rule_inches: float = 0.04
    # A rule broken by gaps this short (inches) is one line: a scanner's specks, no wider.
    ocr_rule_gap_inches: float = 0.01
    # A grid narrower than this (inches) is the strokes of a large character, not a table.
    ocr_min_table_inches: float = 0.75


DEFAULT_LIMITS = ReaderLimits()
