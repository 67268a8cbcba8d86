"""Round trip: a rendered sample, read by ``extract_file``, gives back its ground truth.

Why: the generator knows every number it printed, so any difference is the
extractor's (or the renderer's) fault, in every format and both report kinds.
Compared: the report fields, budget facts as a multiset of (line, stage, item,
amount), and the indicators by name with target_op / target_value / weight / score.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from extractors.extraction import extract_file
from extractors.samples import (
    FORMATS,
    REPORT_KINDS,
    file_name_for,
    random_report_spec,
    render_report,
    spec_to_record,
)

SEEDS = (101, 202, 303)
CASES = [(fmt, kind, seed) for fmt in FORMATS for kind in REPORT_KINDS for seed in SEEDS]
REPORT_FIELDS = ("report_kind", "fiscal_year", "unit_name", "department_name", "project_name",
                 "province", "city", "county", "grade")  # fmt: skip
TOLERANCE = 0.01


def _fact_keys(record: dict[str, Any]) -> Counter:
    return Counter(
        (f["line"], f["stage"], f["item"], round(float(f["amount_wan_yuan"]), 2))
        for f in record["budget_facts"]
    )


def _indicators(record: dict[str, Any]) -> dict[str, tuple]:
    return {
        " ".join(ind["name"].split()): (ind["target_op"], ind["target_value"], ind["weight"], ind["score"])
        for ind in record["indicators"]
    }


def _close(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) <= TOLERANCE
    return a == b


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "kind", "seed"), CASES)
def test_extract_file_returns_the_ground_truth(fmt: str, kind: str, seed: int, tmp_path: Path) -> None:
    spec = random_report_spec(random.Random(seed), kind)
    path = tmp_path / file_name_for(spec, fmt)
    path.write_bytes(render_report(spec, fmt))
    truth = spec_to_record(spec)

    got = extract_file(path, file_name=path.name)

    assert got.get("error") is None, got.get("error")
    for name in REPORT_FIELDS:
        assert got["report"][name] == truth["report"][name], name
    assert _close(got["report"]["self_score"], truth["report"]["self_score"])

    missing = _fact_keys(truth) - _fact_keys(got)
    extra = _fact_keys(got) - _fact_keys(truth)
    assert not missing and not extra, f"missing {sorted(missing)}; extra {sorted(extra)}"

    expected, actual = _indicators(truth), _indicators(got)
    assert sorted(actual) == sorted(expected)
    for name, values in expected.items():
        assert all(_close(a, b) for a, b in zip(actual[name], values, strict=True)), (
            name,
            actual[name],
            values,
        )
