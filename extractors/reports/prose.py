"""Prose second: the indicators a narrative report states (its budget figures: prose_budget).

Why headings and named rates: narratives walk the indicator tree in their headings
("（一）产出指标完成情况" > "1.数量指标" > "（1）公用经费控制率") and state each value in the
text below, or name a rate in passing ("资金到位率为100%").
"""

from __future__ import annotations

import re
from typing import Any

from extractors.documents.model import Document, Paragraph
from extractors.documents.paragraphs import HEADING
from extractors.normalize.text import compact, fold_width

# ---------------------------------------------------------------- indicators

_PERCENT = r"\d+(?:\.\d+)?%"
_HEADING_MAX = 40
_LEVEL1 = re.compile(r"^(?P<name>.*指标)(?:完成情况|情况)(?:分析)?$")
_LEVEL2 = re.compile(r"^(?P<name>.*指标)(?:分析|完成情况分析)?$")
_TOP_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[）)]|\d+\s*、)"
)
_VALUE_AFTER = re.compile(
    rf"(?P<prefix>(?:达到了?|为|达|超过|在|按|是)?(?:年初目标|目标值?|预期)?(?:为)?)(?P<pct>{_PERCENT})(?P<suffix>以内|以上|以下)?"
)
_NAMED_RATE = re.compile(
    rf"(?:^|(?<=[，,。；;、：:\d]))(?P<name>[\u4e00-\u9fff]{{1,8}}?(?:率|满意度))(?:指标)?(?:完成值)?"
    rf"(?P<verb>达到了?|为|达|超过|在|按|是)?(?:年初目标)?(?P<pct>{_PERCENT})(?P<suffix>以内|以上)?"
)
_NAME_NOISE = re.compile(
    r"^(?:本年度|全年度|本次|本年|全年|当年|年度|我办|我单位|本单位|单位|其中|则|且|的)+"
)


def _heading_name(text: str) -> str | None:
    """The name of a short numbered heading ("（1）公用经费控制率" → "公用经费控制率"), else None."""
    if len(text) > _HEADING_MAX or not HEADING.match(text):
        return None
    name = HEADING.sub("", text, count=1).strip(" 。.:：")
    if not name or re.search(r"\d{4}年|，", name):
        return None
    return name


def _value_fields(body: str) -> dict[str, Any] | None:
    match = _VALUE_AFTER.search(body)
    if not match:
        return None
    pct = match.group("pct")
    actual_text = pct + (match.group("suffix") or "")
    target_value = None
    target_text = None
    if "目标" in match.group("prefix"):
        actual_text = match.group("prefix") + pct
        target_text = pct
        target_value = float(pct[:-1])
    return {
        "actual_text": actual_text,
        "actual_value": float(pct[:-1]),
        "actual_unit": "%",
        "target_text": target_text,
        "target_value": target_value,
        "target_unit": "%" if target_value is not None else None,
    }


def _indicator(
    name: str, level1: str | None, level2: str | None, fields: dict[str, Any], evidence: str, page: int | None
) -> dict[str, Any]:
    return {
        "level1": level1,
        "level2": level2,
        "name": name,
        "target_op": None,
        "weight": None,
        "score": None,
        "deviation_reason": None,
        "origin": "prose",
        "evidence": evidence,
        "page": page,
        "target_text": None,
        "target_value": None,
        "target_unit": None,
        **fields,
    }


def prose_indicators(document: Document) -> list[dict[str, Any]]:
    """Named indicators of narrative reports: indicator headings with their value, and named rates."""
    out: list[dict[str, Any]] = []
    level1: str | None = None
    level2: str | None = None
    sections: list[tuple[str | None, str | None, str | None, list[Paragraph]]] = []
    current_name: str | None = None
    body: list[Paragraph] = []
    for block in document.paragraphs:
        text = fold_width(compact(block.text)).replace(" ", "")
        name = _heading_name(text)
        if name is None:
            body.append(block)
            continue
        sections.append((level1, level2, current_name, body))
        body = []
        current_name = None
        level1_match = _LEVEL1.match(name)
        level2_match = _LEVEL2.match(name)
        if level1_match and "完成情况" in name:
            level1, level2 = level1_match.group("name"), None
        elif level2_match and level1 is not None:
            level2 = level2_match.group("name")
        elif "指标" not in name and _TOP_NUMBERING.match(text) and not re.search(r"(?:率|度|性)$", name):
            level1, level2 = None, None
        else:
            current_name = name
    sections.append((level1, level2, current_name, body))

    seen: set[str] = set()
    for sec_level1, sec_level2, heading, paragraphs in sections:
        joined = "".join(fold_width(compact(p.text)).replace(" ", "") for p in paragraphs)
        page = paragraphs[0].page if paragraphs else None
        if heading is not None and sec_level1 is not None:
            fields = _value_fields(joined)
            if fields and heading not in seen:
                seen.add(heading)
                out.append(_indicator(heading, sec_level1, sec_level2, fields, joined[:200], page))
            continue
        consumed = False
        if heading is None and sec_level2 and sec_level1 and re.search(r"(?:率|度)指标$", sec_level2):
            base = sec_level2[: -len("指标")]
            key = base[-3:]
            match = re.search(rf"{re.escape(key)}.{{0,12}}?{_PERCENT}", joined)
            if match:
                fields = _value_fields(joined[match.start() :])
                if fields and base not in seen:
                    seen.add(base)
                    out.append(_indicator(base, sec_level1, sec_level2, fields, joined[:200], page))
                    consumed = True
        if consumed:
            continue
        for paragraph in paragraphs:
            text = fold_width(compact(paragraph.text)).replace(" ", "")
            for match in _NAMED_RATE.finditer(text):
                name = _NAME_NOISE.sub("", match.group("name"))
                if len(name) < 2 or name in seen or name in ("率", "比率", "效率"):
                    continue
                seen.add(name)
                pct = match.group("pct")
                fields = {
                    "actual_text": pct + (match.group("suffix") or ""),
                    "actual_value": float(pct[:-1]),
                    "actual_unit": "%",
                }
                sentence_start = max(text.rfind("。", 0, match.start()) + 1, 0)
                sentence_end = text.find("。", match.end())
                evidence = text[sentence_start : sentence_end + 1 if sentence_end >= 0 else None]
                out.append(_indicator(name, sec_level1, sec_level2, fields, evidence, paragraph.page))
    return out
