"""Numbers as Chinese government reports print them.

Why a module of its own: the same amount is printed as "2,753.66", "2753.66",
"２７５３．６６", "210,18" (a decimal comma typo), "一百" or in 元 instead of
万元; every interpreter must read them the same way, and must refuse what is
not a number ("——", "无", "稍有增长") rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.normalize.text import compact, fold_width

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}

# A thousands group is exactly three digits; "210,18" (two digits after the comma) is a decimal comma.
NUMBER_PATTERN = r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+,\d{1,2}(?!\d)|-?\d+(?:\.\d+)?"
_NUMBER = re.compile(NUMBER_PATTERN)
_PLAIN_NUMBER = re.compile(rf"^\s*({NUMBER_PATTERN})\.?\s*(%|％)?\s*$")
_PLACEHOLDER = re.compile(r"^[\s—\-–―_/\\无空…\.。]*$")


def parse_number_token(token: str) -> float:
    """One token matched by NUMBER_PATTERN → float ("2,753.66" → 2753.66, "210,18" → 210.18)."""
    token = token.strip()
    if re.fullmatch(r"-?\d+,\d{1,2}", token):
        return float(token.replace(",", "."))
    return float(token.replace(",", ""))


def parse_chinese_numeral(text: str) -> float | None:
    """Chinese numerals up to the 万 range ("一百二十" → 120, "十五" → 15); None if not one."""
    text = text.strip()
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
            continue
        unit = _CN_UNITS[ch]
        if unit == 10000:
            section = (section + (digit or 0)) * unit
            total += section
            section = 0
        else:
            section += (1 if digit is None else digit) * unit
        digit = None
    return float(total + section + (digit or 0))


def is_placeholder(text: str | None) -> bool:
    """Blank, "—", "——", "无", "……": a cell that states nothing."""
    return text is None or bool(_PLACEHOLDER.match(text))


def parse_cell_number(text: str | None) -> float | None:
    """A cell that holds only a number (optionally with %): its value, else None.

    "99.17%" → 99.17, "１２．５" → 12.5, "——" → None, "1307.04万元" → None (has a unit; see parse_quantity).
    """
    if text is None:
        return None
    value = fold_width(compact(text)).replace(" ", "")
    match = _PLAIN_NUMBER.match(value)
    if match:
        return parse_number_token(match.group(1))
    return parse_chinese_numeral(value)


@dataclass(frozen=True)
class Quantity:
    """A number found in a text, with the unit printed right after it (None if none)."""

    value: float
    unit: str | None
    start: int
    end: int


_UNIT_AFTER = re.compile(
    r"\s*(%|‰|万元|亿元|元|万平方米|平方米|㎡|m²|万人次|人次|万人|万册|公里|千米|km|个百分点|"
    r"[个件次人户起辆家处条台项张份场期天日月年所座批套本篇册吨宗把名只株棵亩米元批]?)"
)


def find_quantities(text: str) -> list[Quantity]:
    """Every number in a text with the unit that follows it ("200起以上" → 200 起)."""
    text = fold_width(text)
    out: list[Quantity] = []
    for match in _NUMBER.finditer(text):
        if match.start() > 0 and (text[match.start() - 1].isdigit() or text[match.start() - 1] == "."):
            continue
        unit_match = _UNIT_AFTER.match(text, match.end())
        unit = unit_match.group(1) if unit_match and unit_match.group(1) else None
        end = unit_match.end() if unit_match else match.end()
        out.append(Quantity(parse_number_token(match.group(0)), unit, match.start(), end))
    return out


def to_wan_yuan(value: float, unit: str | None) -> float | None:
    """An amount in 万元 from an amount in 元 / 万元 / 亿元; None for any other unit."""
    if unit in (None, "万元", "万"):
        return round(value, 6)
    if unit == "元":
        return round(value / 10000, 6)
    if unit == "亿元":
        return round(value * 10000, 6)
    return None
