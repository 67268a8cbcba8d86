"""Whether an indicator met its target, judged exactly as the warehouse judges it.

dbt's ``int_indicators_judged`` computes ``achieved`` for the marts; the suite needs the same
judgement to tell when a printed score contradicts it (full marks for a missed target, zero
for a met one).  The rule is repeated here rather than read back from dbt because validation
runs before dbt builds; ``test_achievement`` pins the cases of the SQL so the two stay equal.
"""

from __future__ import annotations

import math

import pandas as pd

from expectations.text import fold_unit

COMPARABLE_OPS: tuple[str, ...] = (">=", ">", "<=", "<", "=")


def achievement_basis(
    target_op: object,
    target_value: object,
    actual_value: object,
    target_unit: object,
    actual_unit: object,
) -> str:
    """Why an indicator can or cannot be judged (dbt's ``achievement_basis``)."""
    if _missing(target_op):
        return "no_target_op"
    if target_op == "qualitative":
        return "qualitative"
    if target_op not in COMPARABLE_OPS:
        return "unknown_target_op"
    if _missing(target_value) or _missing(actual_value):
        return "missing_value"
    target, actual = fold_unit(target_unit), fold_unit(actual_unit)
    if target is not None and actual is not None and target != actual:
        return "unit_mismatch"
    return "compared"


def judge_achieved(
    target_op: object,
    target_value: object,
    actual_value: object,
    target_unit: object,
    actual_unit: object,
    tolerance: float,
) -> bool | None:
    """True / False where the target and actual can be compared, else None (dbt's ``achieved``)."""
    if achievement_basis(target_op, target_value, actual_value, target_unit, actual_unit) != "compared":
        return None
    target, actual = float(target_value), float(actual_value)  # type: ignore[arg-type]
    if target_op == ">=":
        return actual >= target - tolerance
    if target_op == ">":
        return actual > target
    if target_op == "<=":
        return actual <= target + tolerance
    if target_op == "<":
        return actual < target
    return abs(actual - target) <= tolerance


def score_contradiction(achieved: bool | None, weight: object, score: object, tolerance: float) -> str | None:
    """How a printed score contradicts the judgement, or None when it does not (or cannot be told).

    Only the two unambiguous cases: full marks although the target was missed, and zero
    although it was met.  Partial scores follow each source's own formula and are not judged.
    """
    if achieved is None or _missing(weight) or _missing(score) or float(weight) <= 0:  # type: ignore[arg-type]
        return None
    weight_value, score_value = float(weight), float(score)  # type: ignore[arg-type]
    if score_value < 0:  # the score rule reports a negative score; a contradiction would echo it
        return None
    if not achieved and score_value >= weight_value - tolerance:
        return "full marks for a missed target"
    if achieved and score_value <= tolerance:
        return "zero for a met target"
    return None


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return not isinstance(value, str) and bool(pd.isna(value))
