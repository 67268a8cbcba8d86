"""Indicator targets: "200起以上" → (>=, 200, 起), "≦5%" → (<=, 5, %), "全年" → qualitative.

Why: 年度指标值 cells mix an operator word, a number and a unit in free order;
the warehouse compares targets with actuals, so the operator must be explicit
and never invented (a bare "100%" has no operator: None, value still set).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.normalize.numbers import find_quantities
from extractors.normalize.text import compact, fold_width

# Look-alike symbols printed by various systems, folded to ASCII operators first.
_SYMBOLS = (
    ("≧", ">="),
    ("≥", ">="),
    ("＞＝", ">="),
    ("≦", "<="),
    ("≤", "<="),
    ("＜＝", "<="),
    ("═", "="),
    ("＝", "="),
    ("＞", ">"),
    ("＜", "<"),
)
# Order matters: negated words before the plain ones they contain.
_OPERATOR_WORDS: tuple[tuple[str, str], ...] = (
    (r">=", ">="),
    (r"<=", "<="),
    (r"不低于|不少于|不小于|至少|以上|及以上|或以上", ">="),
    (r"不超过|不高于|不多于|不大于|以内|以下|及以下|控制在", "<="),
    (r"大于|高于|多于|超过", ">"),
    (r"小于|低于|少于", "<"),
    (r">", ">"),
    (r"<", "<"),
    (r"^=|等于|达到|=", "="),
)
QUALITATIVE_WORDS = (
    "提高",
    "提升",
    "降低",
    "减少",
    "全年",
    "每天",
    "每月",
    "持续",
    "逐步",
    "有效",
    "明显",
    "良好",
    "稳定",
    "改善",
    "完善",
    "保障",
    "及时",
    "规范",
    "按时",
    "按期",
    "合格",
    "达标",
    "优",
    "良",
    "是",
    "否",
    "好",
    "高",
    "低",
)


@dataclass(frozen=True)
class Target:
    """What a target (or actual) cell says: operator, number and unit, each None when not printed."""

    op: str | None
    value: float | None
    unit: str | None


def fold_operators(text: str) -> str:
    """Look-alike comparison symbols (≧ ≦ ═ ＞ …) → ASCII operators."""
    for symbol, ascii_op in _SYMBOLS:
        text = text.replace(symbol, ascii_op)
    return text


def parse_operator(text: str) -> str | None:
    """The comparison the text states (>=, <=, >, <, =), or None."""
    folded = fold_operators(fold_width(compact(text)))
    for pattern, op in _OPERATOR_WORDS:
        if re.search(pattern, folded):
            return op
    return None


def parse_target(
    text: str | None, *, operator_cell: str | None = None, unit_cell: str | None = None
) -> Target:
    """Read a 年度指标值 cell (optionally with separate 指标性质 and 度量单位 cells)."""
    if text is None or not compact(text):
        return Target(None, None, None)
    folded = fold_operators(fold_width(compact(text)))
    quantities = find_quantities(folded)
    op = parse_operator(operator_cell) if operator_cell else None
    if op is None:
        op = parse_operator(folded)
    if not quantities:
        if op is None:
            op = "qualitative"
        return Target(op, None, compact(unit_cell) if unit_cell else None)
    first = quantities[0]
    unit = first.unit or (compact(unit_cell) if unit_cell and compact(unit_cell) else None)
    return Target(op, first.value, unit)


def parse_actual(text: str | None, *, unit_cell: str | None = None) -> tuple[float | None, str | None]:
    """The number and unit of a 实际完成值 cell ("85%" → 85, %); (None, None) when it states no number."""
    if text is None or not compact(text):
        return None, None
    quantities = find_quantities(fold_operators(fold_width(compact(text))))
    if not quantities:
        return None, None
    unit = quantities[0].unit or (compact(unit_cell) if unit_cell and compact(unit_cell) else None)
    return quantities[0].value, unit
