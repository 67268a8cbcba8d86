"""Reports generated in the standard templates read back exactly as their ground truth, in every format."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from extractors.extraction import extract_file
from extractors.samples import FORMATS, random_report_spec, render_report, spec_to_record

from .record_comparison import assert_extracts_to_its_truth

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("fmt", FORMATS)
def test_generated_report_extracts_to_its_ground_truth(tmp_path: Path, fmt: str, seed: int) -> None:
    spec = random_report_spec(random.Random(seed))
    truth = spec_to_record(spec)
    path = tmp_path / f"report.{fmt}"
    path.write_bytes(render_report(spec, fmt))
    record = extract_file(path)
    assert_extracts_to_its_truth(record, truth)
