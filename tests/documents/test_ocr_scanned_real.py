"""Real published reports scanned: rendered from the shared corpus PDFs at test time as a
flat-bed scanner would (tilted, blurred, grainy, no text layer) and read back through OCR.

Why real ones: the generated reports are drawn in black rules and one font; the reports
portals publish are ruled in thin grey lines, with banners, bold headings and cramped cells,
and that is where the OCR path lost its tables.  Each is held to a floor of its label (true
values found, values the label does not have), and every value it gives is flagged ``ocr``.
Skipped when ../shared or tesseract is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.documents import ocr
from extractors.extraction import extract_document
from tests.corpus import real_corpus
from tests.corpus.scanned import scan_pdf

# name: (budget facts found at least, budget facts the label lacks at most, indicators matched at least)
FLOORS = {
    "r02": (5, 0, 0),  # a transfer-payment table on a portal page: grey rules under a dark banner
    "r17": (15, 0, 7),  # a project table over two landscape pages, indicators with targets and scores
}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not real_corpus.available(), reason="../shared (the real corpus and its scorer) is absent"
    ),
    pytest.mark.skipif(ocr.tesseract_binary() is None, reason="tesseract is not installed"),
]


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_a_scanned_real_report_reads_to_its_floor(name: str, tmp_path: Path) -> None:
    document = next(
        d for d in real_corpus.documents() if d.name == name and d.folder == real_corpus.SHARED_REAL
    )
    scanned = scan_pdf(document.path("pdf"), tmp_path / f"{name}.pdf")
    records = extract_document(scanned)
    assert all(r["error"] is None for r in records)
    assert any(w["kind"] == "ocr" for w in records[0]["warnings"])
    score = real_corpus.score(document, records)
    found, extra, indicators = FLOORS[name]
    assert score.budget_tp >= found
    assert score.budget_pred - score.budget_tp <= extra
    assert score.indicators_matched >= indicators
    values = [v for r in records for v in r["budget_facts"] + r["indicators"]]
    assert values and all(v["ocr"] for v in values)
