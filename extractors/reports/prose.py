"""Prose second: the indicators a narrative report states (its budget figures: prose_budget).

Why headings and named rates: narratives walk the indicator tree in their headings
("（一）产出指标完成情况" > "1.数量指标" > "（1）公用经费控制率") and state each value in the
text below, or name a rate in passing ("资金到位率为100%").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from extractors.documents.model import Document, Paragraph
from extractors.documents.paragraphs import HEADING
from extractors.normalize.text import compact, fold_width

# ---------------------------------------------------------------- indicators

_PERCENT = r"\d+(?:\.\d+)?%"
_HEADING_MAX = 40
_LEVEL1 = re.compile(r"^(?P<name>.*指标)(?:完成情况|情况)(?:分析)?$")
_LEVEL2 = re.compile(r"^(?P<name>.*指标)(?:分析|完成情况分析)?$")
_GENERIC_LEVEL = re.compile(r"^(?:项目)?(?:绩效|各项|具体)?指标$")
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
    rf"^(?:\d+\s*[.、．]|[（(]\s*[\d一二三四五六七八九十]+\s*[）)]|[①②③④⑤⑥⑦⑧⑨⑩])?\s*(?P<pre>产出|效益)?(?P<cls>{_CLASS})"
    rf"(?:[（(](?P<sub>{_CLASS})[）)])?\s*[:：](?P<rest>.+)$"
)
_CLASS_HEADING = re.compile(rf"^(?P<cls>{_CLASS})[;；:：。]?$")
_QUANTITY = re.compile(
    r"(?P<op>≥|≤|>=|<=|不低于|不少于|不超过|不高于|大于|小于|超过|达到|达)?\s*"
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>%|万元|元|万亩|亩|公里|千米|米|平方米|立方米|个|人次|人|户|家|所|座|项|次|件|台|套|辆|天|年|月|分|场|条|处|册|份|起|块|篇|期|批)"
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


_TARGET_VALUE_NAME = re.compile(r"(?:绩效)?(?:年初|年度|全年)?(?:目标|指标)值(?:为|是)?$")
_ACHIEVED_STATEMENT = re.compile(r"^(?:全年|年度)?(?:已|实际|已经)")
_OPERATORS = {"≥": ">=", ">=": ">=", "不低于": ">=", "不少于": ">=", "≤": "<=", "<=": "<=", "不超过": "<=",
              "不高于": "<=", "大于": ">", "超过": ">", "小于": "<"}  # fmt: skip
# A result stated in words only ("残疾人康复服务水平有所提高"): an actual with no figure.
_WORDED_RESULT = re.compile(
    r"^(?P<name>[\u4e00-\u9fff、“”（）()]{2,30}?)(?P<result>(?:有所|明显|显著|进一步|不断)"
    r"(?:提高|提升|改善|增强|增加|降低|下降|优化))$"
)
_PROGRESS_NAME = re.compile(r"^(?:完成进度|完成率|完成比例|进度)(?:为|达到?)?$")
_NAME_FRAGMENT_MAX = 4
# A results line grouped by goal rather than class ("1.资金目标:(1)某项目资金拨付率100%。…及时率71.86%"):
# its rates are indicators under the goal as printed; goal statements (总体目标 …) state targets, not
# results, and are left to the tables.
_GOAL_LINE = re.compile(r"^\d+\s*[.、．]\s*(?P<goal>[\u4e00-\u9fff]{2,4}目标)\s*[:：](?P<rest>.+)$")
_STATED_GOAL = re.compile(r"^(?:总体|绩效|年度|整体|长期|中期|区域|预期|项目)目标$")
_RATE_NAME = re.compile(r"(?:率|度)$")
_ENUMERATOR = re.compile(r"^(?:[（(]\s*\d+\s*[）)]|[①②③④⑤⑥⑦⑧⑨⑩])")


_NUMBERING_STYLES = (
    ("arabic", re.compile(r"^\d+\s*[.、．]")),
    ("paren-arabic", re.compile(r"^[（(]\s*\d+\s*[）)]")),
    ("paren-chinese", re.compile(r"^[（(]\s*[一二三四五六七八九十]+\s*[）)]")),
    ("chinese", re.compile(r"^[一二三四五六七八九十]+\s*[、.．]")),
    ("circled", re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩]")),
)
_LEVEL1_CLASS_START = re.compile(r"^(?:产出|效益|满意度)指标")


def _numbering_style(text: str) -> str | None:
    return next((style for style, pattern in _NUMBERING_STYLES if pattern.match(text)), None)


def _level1_class_numbering(paragraphs: list[Paragraph]) -> set[str]:
    """Numbering styles the document gives its 一级 classes ("2.产出指标…"): a 成本指标 numbered the
    same way ("1.成本指标:…") is their sibling, the 2021 framework's 一级 成本指标."""
    styles = set()
    for paragraph in paragraphs:
        text = fold_width(compact(paragraph.text)).replace(" ", "")
        style = _numbering_style(text)
        if style and _LEVEL1_CLASS_START.match(_NUMBERING_STYLES_BY_NAME[style].sub("", text, count=1)):
            styles.add(style)
    return styles


_NUMBERING_STYLES_BY_NAME = dict(_NUMBERING_STYLES)


def _class_parts(rest: str) -> list[str]:
    """The statements of a class line, one per indicator: split at 、，；。 except where a short piece
    with no figure is part of the next one's name ("下达省、市、区财政补助…")."""
    pieces = re.split(r"([、；;，,。])", rest.rstrip("。."))
    parts: list[str] = []
    carried = ""
    for index in range(0, len(pieces), 2):
        piece = carried + pieces[index]
        delimiter = pieces[index + 1] if index + 1 < len(pieces) else ""
        fragment = pieces[index]
        if delimiter == "、" and len(fragment) <= _NAME_FRAGMENT_MAX and not _QUANTITY.search(fragment):
            carried = piece + delimiter
            continue
        carried = ""
        parts.append(piece)
    if carried:
        parts.append(carried)
    return parts


def _class_items(rest: str) -> list[tuple[str, dict[str, Any]]]:
    """(name, value fields) of each indicator in a class line's text: "敬老院提升改造项目3个、救助站改造
    项目1个" → two; "学校满意度大于年度指标值≥95%" → a target with its actual in words."""
    items: list[tuple[str, dict[str, Any]]] = []
    awaiting_actual: dict[str, Any] | None = None  # the last item stated by its 目标值 only
    for part in _class_parts(rest):
        part = _SUBJECT.sub("", part.strip())
        matches = list(_QUANTITY.finditer(part))
        if part and not matches:
            worded = _WORDED_RESULT.match(part)
            if worded:
                fields = {"actual_text": worded.group("result"), "actual_value": None, "actual_unit": None}
                items.append((worded.group("name"), fields))
            awaiting_actual = None
            continue
        if not part:
            continue
        match = matches[-1]
        name = _ENUMERATOR.sub("", part[: match.start()])
        value = float(match.group("num"))
        unit = match.group("unit")
        op = match.group("op") or ""
        printed = part[match.start() : match.end()]
        if awaiting_actual is not None:
            # "…目标值2373.51万元。已下达补助2373.51万元，完成进度100%": the next statement of the
            # same unit is its actual, and a progress rate after it describes the same item.
            if _ACHIEVED_STATEMENT.match(name) and unit == awaiting_actual["target_unit"]:
                awaiting_actual.update(actual_text=printed, actual_value=value, actual_unit=unit)
                continue
            if _PROGRESS_NAME.match(name):
                continue
            awaiting_actual = None
        target_named = _TARGET_VALUE_NAME.search(name)
        if target_named:
            name = name[: target_named.start()]
        words = _ACTUAL_WORDS.search(name)
        actual_words = None
        if words:
            actual_words = words.group(0)
            name = name[: words.start()]
        name = re.sub(r"(?:为|是|达到|达|共|累计|完成)$", "", name).strip()
        if len(name) < 2 or not re.search(r"[\u4e00-\u9fff]", name):
            continue
        if target_named:
            fields = {
                "target_text": printed, "target_value": value, "target_unit": unit,
                "target_op": _OPERATORS.get(op),
                "actual_text": None, "actual_value": None, "actual_unit": None,
            }  # fmt: skip
            items.append((name, fields))
            awaiting_actual = fields
            continue
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


@dataclass
class _Section:
    """The body under one heading, with the indicator levels and outline headings above it."""

    level1: str | None
    level2: str | None
    name: str | None  # the heading when it names an indicator under a level
    body: list[Paragraph]
    heading: str | None  # the heading above the body, whatever it is
    dimension: str | None  # the top (一、) heading above it


# An assessment written as prose: "一、资金保障方面" > "1、县级履行支出责任情况" > "…指标评价得分4分".
_DIMENSION_NUMBERING = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")
_CRITERION_SCORE = re.compile(r"指标(?:评价)?得分(?:为)?(?P<score>\d+(?:\.\d+)?)分")
_NOT_A_CRITERION = re.compile(r"总分|总体|综合|自评结论|评价结论|结论")


def _scored_criterion(section: _Section, body: str) -> dict[str, Any] | None:
    """A criterion heading whose paragraph states its score: score only, the dimension as level1."""
    if section.level1 is not None or section.heading is None or section.heading == section.dimension:
        return None
    match = _CRITERION_SCORE.search(body)
    if not match or _NOT_A_CRITERION.search(section.heading):
        return None
    return _indicator(
        section.heading, section.dimension, None, {"score": float(match.group("score"))}, body[:200], None
    )


def prose_indicators(document: Document) -> list[dict[str, Any]]:
    """Named indicators of narrative reports: indicator headings with their value, and named rates."""
    out: list[dict[str, Any]] = []
    level1: str | None = None
    level2: str | None = None
    sections: list[_Section] = []
    current_name: str | None = None
    heading_name: str | None = None  # the heading above the body, whatever its level
    dimension: str | None = None  # the last 一、-level heading (资金保障方面, 项目管理方面 …)
    body: list[Paragraph] = []
    seen: set[str] = set()
    level1_styles = _level1_class_numbering(document.paragraphs)
    for block in document.paragraphs:
        text = fold_width(compact(block.text)).replace(" ", "")
        class_line = _CLASS_LINE.match(text)
        if class_line:
            cls, sub, pre = class_line.group("cls"), class_line.group("sub"), class_line.group("pre")
            if pre and not _LEVEL1_CLASSES.match(cls):
                # "产出数量指标：…" names both levels at once.
                cls, sub = f"{pre}指标", sub or cls
            first_level = bool(_LEVEL1_CLASSES.match(cls)) or (
                cls == "成本指标" and _numbering_style(text) in level1_styles
            )
            line_level1 = cls if first_level else level1
            line_level2 = sub or (None if first_level else cls)
            for name, fields in _class_items(class_line.group("rest")):
                if name not in seen:
                    seen.add(name)
                    out.append(_indicator(name, line_level1, line_level2, fields, text[:200], block.page))
            continue
        goal_line = _GOAL_LINE.match(text)
        if goal_line and not _STATED_GOAL.match(goal_line.group("goal")):
            for name, fields in _class_items(goal_line.group("rest")):
                if _RATE_NAME.search(name) and name not in seen:
                    seen.add(name)
                    goal = goal_line.group("goal")
                    out.append(_indicator(name, goal, None, fields, text[:200], block.page))
            continue
        name = _heading_name(text)
        if name is None:
            body.append(block)
            continue
        sections.append(_Section(level1, level2, current_name, body, heading_name, dimension))
        body = []
        current_name = None
        name = name.rstrip(";；。")
        heading_name = name
        if _DIMENSION_NUMBERING.match(text):
            dimension = name
        level1_match = _LEVEL1.match(name)
        level2_match = _LEVEL2.match(name)
        if level1_match and "完成情况" in name:
            # "（四）绩效指标完成情况分析" heads every class: it names no 一级指标 of its own.
            found = level1_match.group("name")
            level1, level2 = (None if _GENERIC_LEVEL.match(found) else found), None
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
    sections.append(_Section(level1, level2, current_name, body, heading_name, dimension))

    for section in sections:
        sec_level1, sec_level2, heading = section.level1, section.level2, section.name
        paragraphs = section.body
        joined = "".join(fold_width(compact(p.text)).replace(" ", "") for p in paragraphs)
        page = paragraphs[0].page if paragraphs else None
        scored = _scored_criterion(section, joined)
        if scored is not None and scored["name"] not in seen:
            seen.add(scored["name"])
            out.append({**scored, "evidence": joined[:200], "page": page})
            continue
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
