"""Targets and operators: words, symbols and look-alikes; qualitative targets; no invented operators."""

from __future__ import annotations

import pytest

from extractors.normalize.targets import fold_operators, parse_actual, parse_operator, parse_target


@pytest.mark.parametrize(
    ("text", "op", "value", "unit"),
    [
        ("200起以上", ">=", 200, "起"),
        ("到达90%以上", ">=", 90, "%"),
        ("不低于2500平方米", ">=", 2500, "平方米"),
        ("≥95%", ">=", 95, "%"),
        ("≧95%", ">=", 95, "%"),
        ("≤2010.27万元", "<=", 2010.27, "万元"),
        ("≦5%", "<=", 5, "%"),
        ("15天以内", "<=", 15, "天"),
        ("不超过预算金额", "<=", None, None),
        ("═100%", "=", 100, "%"),
        ("=100%", "=", 100, "%"),
        ("大于10个", ">", 10, "个"),
        ("低于3%", "<", 3, "%"),
        ("100%", None, 100, "%"),
        ("190件", None, 190, "件"),
        ("增长10%", None, 10, "%"),
        ("1307.04万元", None, 1307.04, "万元"),
        ("全年", "qualitative", None, None),
        ("提高", "qualitative", None, None),
        ("持续维护", "qualitative", None, None),
        ("", None, None, None),
        (None, None, None, None),
    ],
)
def test_targets(text: str | None, op: str | None, value: float | None, unit: str | None) -> None:
    target = parse_target(text)
    assert (target.op, target.value, target.unit) == (op, value, unit)


def test_separate_operator_and_unit_cells() -> None:
    target = parse_target("95", operator_cell="≥", unit_cell="%")
    assert (target.op, target.value, target.unit) == (">=", 95, "%")


def test_look_alike_symbols_fold() -> None:
    assert fold_operators("≧1 ≦2 ═3") == ">=1 <=2 =3"


def test_negated_words_win_over_plain_ones() -> None:
    assert parse_operator("不低于90%") == ">="
    assert parse_operator("不超过100万元") == "<="


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("85%", 85, "%"),
        ("3426人次", 3426, "人次"),
        ("401", 401, None),
        ("稍有增长", None, None),
        (None, None, None),
    ],
)
def test_actuals(text: str | None, value: float | None, unit: str | None) -> None:
    assert parse_actual(text) == (value, unit)
