"""Cleaning of names printed in reports: units, indicator levels, indicator names, budget row labels.

Why: the same indicator is printed as "★指标1：执法案件查处数", "1.执法案件查处数" or
"执法案件查处数"; levels carry score notes ("产出指标(50分)") and in-cell line breaks.
The record must hold the bare name so that reports can be compared.
"""

from __future__ import annotations

import re

from extractors.normalize.text import cell_text, compact, fold_width

_SCORE_NOTE = re.compile(r"[（(][^（）()]*分[^（）()]*[）)]$")
_NUMBERING = re.compile(
    r"^(?:[★☆*※●◆■▲]+\s*)?(?:指标\s*\d+\s*[:：.、]?|\d+\s*[.、．)）]\s*(?!\d)|[（(]\s*[\d一二三四五六七八九十]+\s*[）)]"
    r"|[一二三四五六七八九十]+\s*[、.．])\s*"
)
_MARKERS = re.compile(r"^[★☆*※●◆■▲]+\s*|\s*[★☆*※]+$")
_UNIT_NOISE = re.compile(r"[（(]?\s*(?:盖章|公章|签章|印章)\s*[）)]?")


def clean_level(text: str | None) -> str | None:
    """ "产出指标(40分)" → "产出指标", "经济效\\n益指标" → "经济效益指标"; None for blank."""
    if not text:
        return None
    value = cell_text(text).replace(" ", "")
    value = _MARKERS.sub("", value)
    value = _SCORE_NOTE.sub("", value)
    value = _NUMBERING.sub("", value, count=1)
    return value or None


def clean_indicator_name(text: str | None) -> str | None:
    """The 三级指标 without numbering ("指标1：", "1、", "（2）") and markers (★)."""
    if not text:
        return None
    value = cell_text(text)
    for _ in range(2):
        value = _MARKERS.sub("", value)
        value = _NUMBERING.sub("", value, count=1)
    return value.strip() or None


def clean_row_label(text: str | None) -> str:
    """A budget/base-data row label without numbering, 其中, colons and trailing values."""
    value = fold_width(cell_text(text or "")).replace(" ", "")
    value = re.sub(r"^按(?:收入|支出)(?:性质|来源|功能|经济分类)?分类?[:：]?", "", value)
    value = re.sub(r"^(?:其中[:：]?)", "", value)
    value = _NUMBERING.sub("", value, count=1)
    value = re.sub(r"^(?:其中[:：]?)", "", value)
    value = re.sub(r"[（(](?:万元|元|万)[）)]$", "", value.strip(":："))
    return value.strip(":：")


def clean_unit_name(text: str | None) -> str | None:
    """The reporting unit as printed, without 盖章 notes, 附件N prefixes and dates."""
    if not text:
        return None
    value = compact(text).replace(" ", "")
    value = _UNIT_NOISE.sub("", value)
    value = re.sub(r"^附件\s*\d*[:：]?", "", value)
    value = re.sub(r"^关于", "", value)
    value = re.sub(r"(?:填报|日期)?[:：]?\d{4}年\d{1,2}月\d{1,2}日.*$", "", value)
    value = re.sub(r"[（(]\s*[）)]$", "", value)
    return value.strip(" :：") or None


# A target template left in the name: "公猪舍(≥**平方米)", "培训人次（不少于XX人次）".
_NAME_TARGET = re.compile(
    r"[（(]\s*(?P<op>[≥≤≧≦=═><＞＜]=?|不低于|不少于|不小于|不超过|不高于|不多于|大于|小于|高于|低于)\s*"
    r"(?:[*＊]+|[xXＸ]+|…+|\.{2,}|_+)?\s*(?P<unit>[^（）()\d*＊]{0,8}?)\s*[）)]$"
)


def split_name_target(name: str) -> tuple[str, str | None, str | None]:
    """(bare name, operator text, unit) when the name carries its target's template, else (name, None, None).

    Why: some templates print the comparison and unit inside the 三级指标 ("公猪舍(≥**平方米)")
    and only the bare number in the 指标值 cell; the number alone would lose both.
    """
    match = _NAME_TARGET.search(name)
    if not match or match.start() == 0:
        return name, None, None
    return name[: match.start()].strip(), match.group("op"), match.group("unit") or None
