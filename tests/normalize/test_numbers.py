"""Numbers as reports print them: separators, full-width digits, Chinese numerals, decimal commas, units."""

from __future__ import annotations

import pytest

from extractors.normalize.numbers import (
    find_quantities,
    is_placeholder,
    parse_cell_number,
    parse_chinese_numeral,
    parse_number_token,
    to_wan_yuan,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2,753.66", 2753.66),
        ("1,316.69", 1316.69),
        ("12,345,678", 12345678.0),
        ("210,18", 210.18),
        ("2613.36", 2613.36),
        ("-5.5", -5.5),
    ],
)
def test_number_tokens(text: str, expected: float) -> None:
    assert parse_number_token(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("99.17%", 99.17),
        ("１２．５", 12.5),
        ("２，７５３．６６", 2753.66),
        (" 100 ", 100.0),
        ("0", 0.0),
        ("十五", 15.0),
        ("——", None),
        ("—", None),
        ("无", None),
        ("", None),
        (None, None),
        ("1307.04万元", None),
        ("稍有增长", None),
    ],
)
def test_cell_numbers(cell: str | None, expected: float | None) -> None:
    assert parse_cell_number(cell) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一百二十", 120.0),
        ("十", 10.0),
        ("三万五千", 35000.0),
        ("两千零五", 2005.0),
        ("abc", None),
        ("", None),
    ],
)
def test_chinese_numerals(text: str, expected: float | None) -> None:
    assert parse_chinese_numeral(text) == expected


def test_quantities_carry_their_unit() -> None:
    found = find_quantities("200起以上，完成率95%，支出1307.04万元，补助5000元")
    assert [(q.value, q.unit) for q in found] == [(200, "起"), (95, "%"), (1307.04, "万元"), (5000, "元")]


def test_quantities_in_full_width_text() -> None:
    assert [(q.value, q.unit) for q in find_quantities("达到９５％")] == [(95, "%")]


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [(97900, "元", 9.79), (2753.66, "万元", 2753.66), (1.2, "亿元", 12000), (5, None, 5), (5, "%", None)],
)
def test_amounts_in_wan_yuan(value: float, unit: str | None, expected: float | None) -> None:
    result = to_wan_yuan(value, unit)
    assert result == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize("cell", ["", "—", "——", "……", " / ", "无", None])
def test_placeholders(cell: str | None) -> None:
    assert is_placeholder(cell)


def test_a_zero_is_not_a_placeholder() -> None:
    assert not is_placeholder("0")
