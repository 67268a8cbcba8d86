"""``achieved`` as dbt's int_indicators_judged judges it, and the score contradictions flagged."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from expectations.achievement import achievement_basis, judge_achieved, score_contradiction
from expectations.settings import QualitySettings

TOLERANCE = QualitySettings().achievement_tolerance


@pytest.mark.parametrize(
    ("op", "target", "actual", "target_unit", "actual_unit", "basis", "achieved"),
    [
        (">=", 200.0, 401.0, "起", None, "compared", True),
        (">=", 200.0, 199.995, "起", "起", "compared", True),  # within tolerance
        (">=", 200.0, 199.0, "起", "起", "compared", False),
        (">", 90.0, 90.0, "%", "％", "compared", False),  # strict, no tolerance; ％ folds to %
        ("<=", 30.0, 30.005, "天", "天", "compared", True),
        ("<=", 30.0, 31.0, " 天 ", "天", "compared", False),  # spaces fold away
        ("<", 30.0, 29.0, None, None, "compared", True),
        ("=", 100.0, 100.0, "%", "%", "compared", True),
        ("=", 100.0, 99.5, "%", "%", "compared", False),
        (">=", 90.0, 95.0, "%", "分", "unit_mismatch", None),
        (">=", 90.0, None, "%", "%", "missing_value", None),
        ("qualitative", None, None, None, None, "qualitative", None),
        (None, 90.0, 95.0, "%", "%", "no_target_op", None),
        ("≥", 90.0, 95.0, "%", "%", "unknown_target_op", None),
    ],
)
def test_achieved_follows_the_warehouse_rule(
    op: str | None,
    target: float | None,
    actual: float | None,
    target_unit: str | None,
    actual_unit: str | None,
    basis: str,
    achieved: bool | None,
) -> None:
    assert achievement_basis(op, target, actual, target_unit, actual_unit) == basis
    assert judge_achieved(op, target, actual, target_unit, actual_unit, TOLERANCE) is achieved


@pytest.mark.parametrize(
    ("achieved", "weight", "score", "contradiction"),
    [
        (False, 10.0, 10.0, "full marks for a missed target"),
        (True, 10.0, 0.0, "zero for a met target"),
        (False, 10.0, 8.0, None),  # a partial score follows the source's own formula
        (True, 10.0, 10.0, None),
        (False, 10.0, 0.0, None),
        (None, 10.0, 10.0, None),  # cannot be judged
        (True, 0.0, 0.0, None),  # no weight, nothing to score
        (True, 10.0, -1.0, None),  # the score rule reports a negative score
        (False, None, 10.0, None),
    ],
)
def test_only_the_unambiguous_contradictions_are_flagged(
    achieved: bool | None, weight: float | None, score: float, contradiction: str | None
) -> None:
    assert score_contradiction(achieved, weight, score, 0.01) == contradiction


def test_tolerance_is_the_one_dbt_judges_with() -> None:
    project = Path(__file__).resolve().parents[2] / "dbt" / "dbt_project.yml"
    dbt_vars = yaml.safe_load(project.read_text(encoding="utf-8"))["vars"]
    assert dbt_vars["value_tolerance"] == TOLERANCE
