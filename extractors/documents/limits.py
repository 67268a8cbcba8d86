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
    max_html_bytes: int = 30 * 1024 * 1024
    soffice_timeout_s: float = 90.0
    pdf_max_pages: int = 400
    header_footer_margin_pt: float = 60.0


DEFAULT_LIMITS = ReaderLimits()
