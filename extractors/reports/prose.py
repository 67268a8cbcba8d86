"""Prose second: budget figures and named indicators stated in the narrative report.

Why clause by clause: a sentence like "2023年预算安排2,753.66万元，财政下达预算指标
2,597.66万元，决算支出2,395.00万元，其中：基本支出214.53万元" names the stage
once per amount and the line only when it changes.  Each amount is read with
the words between it and the previous amount; what is missing is inherited
from the previous amount of the same sentence, never guessed beyond it.
Changes (调减), carry-over (结转), assets, fines and activity costs (投入…) are
not budget facts and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from extractors.documents.model import Document, Paragraph
from extractors.documents.paragraphs import HEADING
from extractors.normalize.numbers import NUMBER_PATTERN, parse_number_token, to_wan_yuan
from extractors.normalize.text import compact, fold_width

_AMOUNT = re.compile(rf"(?P<num>{NUMBER_PATTERN})\s*(?P<unit>亿元|万元|元)(?!以上|以下|以内|左右)")
_SENTENCE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")

# Line phrases in running text (longest first); None marks amounts with no contract line.
_PROSE_LINES: tuple[tuple[str, str | None], ...] = (
    (r"对个人和家庭(?:的)?补助(?:支出)?|资本性支出|债务利息|其他支出", None),
    (r"工资福利支出|人员经费", "personnel"),
    (r"商品和服务支出|公用经费", "public_operating"),
    (r"公务用车购置(?:和|及)(?:运行)?维护(?:费|经费)?", "official_vehicles"),
    (r"公车购置|公务用车购置费", "vehicle_purchase"),
    (r"公车运行(?:维护)?(?:费)?|公务用车运行(?:维护)?(?:费)?", "vehicle_operation"),
    (r"因公出国(?:（境）|\(境\))?(?:费|经费)?|出国(?:（境）)?经费", "overseas_travel"),
    (r"公务接待(?:费)?", "official_reception"),
    (r"三公经费", "three_public"),
    (r"办公经费", "office"),
    (r"会议费", "meetings_training"),
    (r"政府采购", "government_procurement"),
    (r"基本支出", "basic_expenditure"),
    (r"项目支出", "project_expenditure"),
    (r"一般公共预算", "general_public_budget"),
    (r"政府性基金", "government_fund"),
    (r"国有资本经营预算", "state_capital"),
    (r"财政专户管理|纳入专户管理的非税收入", "special_account"),
)
_LINE_REGEXES = tuple((re.compile(p), line) for p, line in _PROSE_LINES)

# Stage words, checked after line phrases are removed from the clause; first match wins.
_STAGES: tuple[tuple[str, str], ...] = (
    (r"上年(?:度)?决算|上年(?:度)?支出|上年(?:度)?实际", "prior_year_final"),
    (r"年初|预算安排|批复预算(?!调整)", "initial_budget"),
    (r"调整后|调整预算|全年预算|下达预算|预算指标|预算调整后", "adjusted_budget"),
    (r"决算|实际支出|执行数|支出总计|支出合计|实际使用|累计支出|实际完成", "executed"),
    (r"预算(?!执行)", "initial_budget"),
    (r"收入", "adjusted_budget"),
    (r"支出|使用", "executed"),
)
_STAGE_REGEXES = tuple((re.compile(p), stage) for p, stage in _STAGES)
# Phrases that make an amount the unit's whole budget when no line is named.
_WHOLE_BUDGET = re.compile(
    r"预算安排|下达预算指标|决算支出|支出总计|支出合计|预算收入|调整后预算数?|"
    r"预算执行数|资金总额|预算总额|调整预算收入|部门预算|年初预算数|全年预算数|全年执行数|决算数"
)
# A clause about one project or fund is not the unit's whole budget even with a whole-budget phrase.
_PART_OF_BUDGET = re.compile(r"项目|专项|资金(?!总额)|经费")
_NOT_A_FACT = re.compile(
    r"调减|调增|调整了|增加|减少|下降|增长|结余|结转|资产|固定资产|罚款|罚没|处罚|投入|"
    r"价值|节约|节省|超支|同比|较上年|比上年|差额|债务|应收|应付|利息|补贴|奖励|缴纳|"
    r"占比|约|近|余|多|租金|合同|中标|采购金额|招标"
)
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
# A clause anchored in the evaluated period ("2023年度…", "当年收入…") states a figure of that period.
_PERIOD = re.compile(r"(?:19|20)\d{2}\s*年|^当年|^本年|^全年")


@dataclass
class _Mention:
    line: str | None
    stage: str | None
    excluded: bool


def _line_of(span: str) -> tuple[str | None, bool, str]:
    """(line, named, span without line phrases); named=True also for phrases with no contract line."""
    for regex, line in _LINE_REGEXES:
        if regex.search(span):
            return line, True, regex.sub("", span)
    return None, False, span


def _stage_of(span: str) -> str | None:
    for regex, stage in _STAGE_REGEXES:
        if regex.search(span):
            return stage
    return None


def prose_budget_facts(document: Document, fiscal_year: int | None) -> list[dict[str, Any]]:
    """Budget facts stated in the narrative paragraphs."""
    facts: list[dict[str, Any]] = []
    previous_sentence_stage: str | None = None
    section: str = ""
    for block in document.paragraphs:
        text = fold_width(compact(block.text)).replace(" ", "")
        if len(text) <= _HEADING_MAX and HEADING.match(text) and not _AMOUNT.search(text):
            section = text
            continue
        project_item = _listed_project_spending(text, section)
        if project_item is not None:
            facts.append({**project_item, "page": block.page})
            continue
        for sentence in _SENTENCE.findall(text):
            previous_sentence_stage = _read_sentence(
                sentence, block, facts, previous_sentence_stage, fiscal_year
            )
    return facts


# "1.协管员经费专项965.12万元。" listed under a "（二）项目支出情况" heading: one project's spending.
_LISTED_PROJECT = re.compile(
    rf"^\d+\s*[.、．]\s*(?P<name>[\u4e00-\u9fff（）()]{{2,30}}?(?:经费|费用|费|资金|项目))(?:专项)?(?:资金)?"
    rf"(?:支出|为)?(?P<amount>{NUMBER_PATTERN})\s*(?P<unit>万元|元)"
)


def _listed_project_spending(text: str, section: str) -> dict[str, Any] | None:
    if "项目支出" not in section or "情况" not in section:
        return None
    match = _LISTED_PROJECT.match(text)
    if not match or _NOT_A_FACT.search(match.group("name")):
        return None
    amount = to_wan_yuan(parse_number_token(match.group("amount")), match.group("unit"))
    if amount is None:
        return None
    return {
        "line": "project_item",
        "stage": "executed",
        "item": match.group("name"),
        "amount_wan_yuan": amount,
        "evidence": match.group(0),
        "origin": "prose",
    }


def _read_sentence(
    sentence: str,
    block: Paragraph,
    facts: list[dict[str, Any]],
    carried_stage: str | None,
    fiscal_year: int | None,
) -> str | None:
    previous: _Mention | None = None
    last_kept: _Mention | None = None
    cursor = 0
    last_stage = None
    starts_with_breakdown = sentence.startswith("其中")
    for match in _AMOUNT.finditer(sentence):
        span = sentence[cursor : match.start()]
        clause_start = max(
            span.rfind("，"), span.rfind(","), span.rfind("、"), span.rfind("（"), span.rfind("(")
        )
        clause = span[clause_start + 1 :] if clause_start >= 0 else span
        cursor = match.end()
        before = sentence[max(0, match.start() - 2) : match.start()]
        excluded = bool(_NOT_A_FACT.search(clause)) or bool(re.search(r"约|近|超过|逾", before))
        line, named, rest = _line_of(clause)
        stage = _stage_of(rest)
        year = _YEAR.search(clause)
        period = _PERIOD.search(clause)
        if stage is None and named and "支出" in clause and period and not excluded:
            stage = "executed"
        if year and fiscal_year and int(year.group(0)[:4]) < fiscal_year:
            stage = "prior_year_final" if stage in ("executed", None) else None
        if stage is None:
            if previous is not None and not previous.excluded:
                stage = previous.stage
            elif previous is None and starts_with_breakdown:
                stage = carried_stage
            elif clause.startswith("其中") and last_kept is not None:
                # "…支出12.5万元，较上年减少2万元，其中：公务接待费3万元": the breakdown of the kept figure.
                stage = last_kept.stage
        if not named:
            if previous is not None:
                line = previous.line
            elif stage is not None and _WHOLE_BUDGET.search(clause) and not _PART_OF_BUDGET.search(clause):
                line = "total"
        mention = _Mention(line=line, stage=stage, excluded=excluded)
        if (
            line
            and stage
            and not excluded
            and (previous is not None or period or _explicit_stage(rest) or starts_with_breakdown)
        ):
            amount = to_wan_yuan(parse_number_token(match.group("num")), match.group("unit"))
            if amount is not None:
                evidence = (clause + match.group(0)).strip("，,、：:（(")
                facts.append(
                    {
                        "line": line,
                        "stage": stage,
                        "item": None,
                        "amount_wan_yuan": amount,
                        "evidence": evidence,
                        "origin": "prose",
                        "page": block.page,
                    }
                )
        if stage:
            last_stage = stage
        if not excluded and stage:
            last_kept = mention
        previous = mention
    return last_stage if last_stage else (carried_stage if starts_with_breakdown else None)


def _explicit_stage(rest: str) -> bool:
    """A stage word other than the generic 支出/收入 (alone they do not make a budget statement)."""
    stage = None
    for regex, candidate in _STAGE_REGEXES[:5]:
        if regex.search(rest):
            stage = candidate
            break
    return stage is not None


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
