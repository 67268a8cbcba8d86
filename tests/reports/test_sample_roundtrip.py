"""Reports generated in the standard templates read back exactly as their ground truth, in every format."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from extractors.extraction import extract_file
from extractors.samples import FORMATS, random_report_spec, render_report, spec_to_record

pytestmark = pytest.mark.slow


def _rounded(value: Any) -> Any:
    return round(float(value), 2) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _facts(record: dict[str, Any]) -> Counter:
    return Counter(
        (f["line"], f["item"], f["stage"], _rounded(f["amount_wan_yuan"])) for f in record["budget_facts"]
    )


def _indicators(record: dict[str, Any]) -> Counter:
    fields = ("name", "level1", "level2", "target_op", "target_value", "actual_value", "weight", "score")
    return Counter(tuple(_rounded(i[f]) for f in fields) for i in record["indicators"])


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("fmt", FORMATS)
def test_generated_report_extracts_to_its_ground_truth(tmp_path: Path, fmt: str, seed: int) -> None:
    spec = random_report_spec(random.Random(seed))
    truth = spec_to_record(spec)
    path = tmp_path / f"report.{fmt}"
    path.write_bytes(render_report(spec, fmt))
    record = extract_file(path)
    assert record["error"] is None
    assert {k: _rounded(v) for k, v in record["report"].items()} == {
        k: _rounded(v) for k, v in truth["report"].items()
    }
    assert _facts(record) == _facts(truth)
    assert _indicators(record) == _indicators(truth)
