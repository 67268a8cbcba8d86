"""Reports generated in the standard templates read back exactly as their ground truth, in every format."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from extractors.extraction import extract_file
from extractors.samples import FORMATS, random_report_spec, render_report, spec_to_record

from .record_comparison import fact_counts, indicator_counts, rounded

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("fmt", FORMATS)
def test_generated_report_extracts_to_its_ground_truth(tmp_path: Path, fmt: str, seed: int) -> None:
    spec = random_report_spec(random.Random(seed))
    truth = spec_to_record(spec)
    path = tmp_path / f"report.{fmt}"
    path.write_bytes(render_report(spec, fmt))
    record = extract_file(path)
    assert record["error"] is None
    assert {k: rounded(v) for k, v in record["report"].items()} == {
        k: rounded(v) for k, v in truth["report"].items()
    }
    assert fact_counts(record) == fact_counts(truth)
    assert indicator_counts(record) == indicator_counts(truth)
