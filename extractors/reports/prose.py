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


# The standard indicator classes (财预〔2020〕10号 and provincial variants): a line labelled with one
# ("1.数量指标：…", "②时效指标:…") lists that class's indicators with their values.
_CLASS = (
    r"(?:产出|效益|满意度|成本|数量|质量|时效|经济效益|社会效益|生态效益|可持续影响|服务对象满意度|"
    r"经济成本|社会成本|生态环境成本|运行成本|履职效能|管理效率|社会效应)指标"
)
# 成本指标 sits under 产出指标 in tables and most outlines: a 二级 class unless a heading makes it 一级.
_LEVEL1_CLASSES = re.compile(r"^(?:产出|效益|满意度)指标$")
_CLASS_LINE = re.compile(
    rf"^(?:\d+\s*[.、．]|[（(]\s*[\d一二三四五六七八九十]+\s*[）)]|[①②③④⑤⑥⑦⑧⑨⑩])?\s*(?P<cls>{_CLASS})"
    rf"(?:[（(](?P<sub>{_CLASS})[）)])?\s*[:：](?P<rest>.+)$"
)
_CLASS_HEADING = re.compile(rf"^(?P<cls>{_CLASS})[;；:：。]?$")
_QUANTITY = re.compile(
    r"(?P<op>≥|≤|>=|<=|不低于|不少于|不超过|不高于|大于|小于|超过|达到|达)?\s*"
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>%|万元|元|万亩|亩|公里|千米|米|平方米|立方米|个|人次|人|户|家|所|座|项|次|件|台|套|辆|天|年|月|分)"
)
_ACTUAL_WORDS = re.compile(r"(?:大于|高于|达到|超过|完成)(?:年度|年初)?(?:指标值|目标值|目标)")
_SUBJECT = re.compile(
    r"^(?:(?:19|20)\d{2}年(?:度)?[,，]?)?(?:我校|我局|我单位|本单位|我院|我中心|我镇|我乡|我区|我县)?"
)
_AT_LEAST = ("≥", ">=", "不低于", "不少于")
_SHORT_RESULT = 30
_RATE_AFTER_AMOUNT = re.compile(r"^(?:预算)?(?:资金)?执行率$|^实际支出率$")
_PAYOUT_RATE = re.compile(r"^(?:资金)?(?:支付|拨付|发放)率$")
_AMOUNT_TEXT = re.compile(r"\d\s*(?:万元|元)")
_SPENT_CUE = re.compile(r"支出|拨付|执行|支付|使用|发放")


def _class_items(rest: str) -> list[tuple[str, dict[str, Any]]]:
    """(name, value fields) of each indicator in a class line's text: "敬老院提升改造项目3个、救助站改造
    项目1个" → two; "学校满意度大于年度指标值≥95%" → a target with its actual in words."""
    items = []
    for part in re.split(r"[、；;，,]", rest.rstrip("。.")):
        part = _SUBJECT.sub("", part.strip())
        matches = list(_QUANTITY.finditer(part))
        if not part or not matches:
            continue
        match = matches[-1]
        name = part[: match.start()]
        words = _ACTUAL_WORDS.search(name)
        actual_words = None
        if words:
            actual_words = words.group(0)
            name = name[: words.start()]
        name = re.sub(r"(?:为|是|达到|达|共|累计|完成)$", "", name).strip()
        if len(name) < 2 or not re.search(r"[\u4e00-\u9fff]", name):
            continue
        value = float(match.group("num"))
        unit = match.group("unit")
        op = match.group("op") or ""
        printed = part[match.start() : match.end()]
        if op in (*_AT_LEAST, "大于") or actual_words:
            fields = {
                "target_text": printed,
                "target_value": value,
                "target_unit": unit,
                "target_op": ">=" if op in _AT_LEAST else (">" if op == "大于" else None),
                "actual_text": actual_words,
                "actual_value": None,
                "actual_unit": None,
            }
        else:
            fields = {"actual_text": printed.lstrip("达到超过"), "actual_value": value, "actual_unit": unit}
        items.append((name, fields))
    return items


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


def _execution_rate_of_an_amount(name: str, text: str, start: int) -> bool:
    """ "已完成拨付8010万元，执行率100%": the budget execution rate of the amount before it, which
    labelling.md keeps as neither a budget fact nor an indicator."""
    sentence = text[max(text.rfind("。", 0, start) + 1, 0) : start]
    if _RATE_AFTER_AMOUNT.match(name):
        return bool(_AMOUNT_TEXT.search(sentence))
    if _PAYOUT_RATE.match(name):
        return bool(_AMOUNT_TEXT.search(sentence) and _SPENT_CUE.search(sentence))
    return False


def _result_fields(body: str) -> dict[str, Any] | None:
    """What a heading's paragraph reports when it states no percentage: a count ("完成年度建设项目1个"),
    a score ("指标评价得分4分") or a short result sentence ("已通过竣工验收")."""
    score = re.search(r"(?:指标)?(?:评价)?得分(?:为)?(\d+(?:\.\d+)?)分", body)
    if score:
        return {"score": float(score.group(1))}
    first = re.split(r"[。；;]", body, maxsplit=1)[0]
    clause = re.split(r"[，,]", first, maxsplit=1)[0]
    quantity = _QUANTITY.search(clause)
    dated = re.search(r"(?:19|20)\d{2}年", clause)
    if quantity and quantity.group("unit") not in ("万元", "元") and not dated:
        return {
            "actual_text": clause,
            "actual_value": float(quantity.group("num")),
            "actual_unit": quantity.group("unit"),
        }
    if 2 <= len(first) <= _SHORT_RESULT and not re.search(r"\d", first):
        return {"actual_text": first, "actual_value": None, "actual_unit": None}
    return None


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
    seen: set[str] = set()
    for block in document.paragraphs:
        text = fold_width(compact(block.text)).replace(" ", "")
        class_line = _CLASS_LINE.match(text)
        if class_line:
            cls, sub = class_line.group("cls"), class_line.group("sub")
            line_level1 = cls if _LEVEL1_CLASSES.match(cls) else level1
            line_level2 = sub or (None if _LEVEL1_CLASSES.match(cls) else cls)
            for name, fields in _class_items(class_line.group("rest")):
                if name not in seen:
                    seen.add(name)
                    out.append(_indicator(name, line_level1, line_level2, fields, text[:200], block.page))
            continue
        name = _heading_name(text)
        if name is None:
            body.append(block)
            continue
        sections.append((level1, level2, current_name, body))
        body = []
        current_name = None
        name = name.rstrip(";；。")
        level1_match = _LEVEL1.match(name)
        level2_match = _LEVEL2.match(name)
        if level1_match and "完成情况" in name:
            level1, level2 = level1_match.group("name"), None
        elif level2_match and level1 is not None:
            level2 = level2_match.group("name")
        elif _CLASS_HEADING.match(name):
            # "(1)数量指标;" with no 一级 heading above: the class is the 二级 of what follows.
            if _LEVEL1_CLASSES.match(name):
                level1, level2 = name, None
            else:
                level2 = name
        elif "指标" not in name and _TOP_NUMBERING.match(text) and not re.search(r"(?:率|度|性)$", name):
            level1, level2 = None, None
        else:
            current_name = name
    sections.append((level1, level2, current_name, body))

    for sec_level1, sec_level2, heading, paragraphs in sections:
        joined = "".join(fold_width(compact(p.text)).replace(" ", "") for p in paragraphs)
        page = paragraphs[0].page if paragraphs else None
        if heading is not None and sec_level1 is not None:
            fields = _value_fields(joined)
            if fields is None and re.match(r"^(?:产出|效益|满意度|成本)", sec_level1):
                # Outputs and effects are reported as results; management criteria only describe.
                fields = _result_fields(joined)
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
                if _execution_rate_of_an_amount(name, text, match.start()):
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
