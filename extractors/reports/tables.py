"""Tables first: budget facts, indicators and key fields from the standard self-evaluation tables.

Why a row stream instead of per-table templates: the same table arrives split
over pages or parts, with columns shifted by merged cells, sometimes with the
header's values inside the header row.  Rows are read in order across all
tables; a header row (money columns or indicator columns) switches the mode
until the next header, and each data row is read against the current header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from extractors.documents.model import Document, Paragraph, Table
from extractors.normalize.names import clean_indicator_name, clean_level, clean_row_label, split_name_target
from extractors.normalize.numbers import find_quantities, is_placeholder, parse_cell_number
from extractors.normalize.targets import parse_actual, parse_target
from extractors.normalize.text import cell_text, compact, fold_width
from extractors.reports.vocab import (
    EXPENDITURE_LINES,
    INDICATOR_COLUMNS,
    KEY_FIELDS,
    PLACEHOLDER_LABEL,
    REVENUE_LINES,
    SECTION_TOTAL_LINES,
    STAGES,
    TOTAL_ROW,
    header_role,
    level1_for,
    match_line,
)

_INLINE_VALUE = re.compile(r"^(?P<label>[^\d]+?)[:：]\s*(?P<value>-?\d[\d,]*(?:\.\d+)?)\s*(?:万元|元)?$")
_AMOUNT_TOL = 0.011
_NUMBERED = re.compile(r"^\s*(?:\d+\s*[、.．)）]|[（(]\s*\d+\s*[）)])")


@dataclass
class TableFindings:
    """What the tables state; the record builder merges it with prose findings."""

    facts: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    self_score: float | None = None
    # Each (project name or None, total score) in order: a department report may attach project tables.
    scores: list[tuple[str | None, float]] = field(default_factory=list)
    has_project_table: bool = False
    has_department_table: bool = False


@dataclass
class _MoneyHeader:
    roles: list[tuple[int, str]]
    divisor: float
    table_title: str
    in_project_items: bool = False
    # A header row that also carries values ("年初预算数 865.82 全年执行数 899.13") has lost its column grid.
    values_in_header: bool = False
    # Columns the header names without a stage (行次, 统筹整合资金数, 备注): figures there are no stage's.
    other_columns: frozenset[int] = frozenset()
    # The grid the header was read in: a row of another grid (a table continued on the next page with
    # other column boundaries) cannot be matched to it by position, only in order.
    grid: int = 0
    width: int = 0
    aligned: bool = True


@dataclass
class _ItemListHeader:
    """A 支出明细 list: one column names the item, one column holds its figure at one stage."""

    label_column: int
    value_column: int
    stage: str
    divisor: float
    table_title: str
    # The list's own header names no unit: its divisor is the document's default.
    unit_assumed: bool = False


@dataclass
class _IndicatorHeader:
    columns: dict[str, int]
    table_width: int = 0
    level1: str | None = None
    level2: str | None = None


def row_evidence(texts: list[str]) -> str | None:
    """A table row as printed, its cells in order ("产出指标 | 数量指标 | 培训人次 | ≥100人次 | 120人次"):
    the evidence of an indicator read from it.  A merged cell repeated across columns prints once."""
    cells: list[str] = []
    for text in texts:
        text = compact(text)
        if text and (not cells or cells[-1] != text):
            cells.append(text)
    return " | ".join(cells) or None


def _row_texts(row: list[str | None]) -> list[str]:
    return [cell_text(c) for c in row]


def _table_title(blocks: list[Any], index: int) -> str:
    for block in reversed(blocks[max(0, index - 3) : index]):
        if isinstance(block, Paragraph):
            text = compact(block.text)
            if "表" in text and len(text) <= 60:
                return text
    return "表"


def _divisor_from(texts: list[str]) -> float | None:
    """10000 when a header says 元 (not 万元), 1 when it says 万元, None when silent."""
    joined = "".join(texts)
    if re.search(r"[（(]\s*万元\s*[）)]|单位[:：]\s*万元|万元", joined):
        return 1.0
    if re.search(r"[（(]\s*元\s*[）)]|单位[:：]\s*元", joined):
        return 10000.0
    return None


def read_tables(document: Document, fiscal_year: int | None) -> TableFindings:
    """Interpret every table of the document in reading order."""
    findings = TableFindings()
    money: _MoneyHeader | None = None
    indicators: _IndicatorHeader | None = None
    breakdown: list[dict[str, Any]] = []
    totals: dict[str, float] = {}
    default_divisor = 1.0
    current_project: str | None = None
    items: _ItemListHeader | None = None
    for index, block in enumerate(document.blocks):
        if isinstance(block, Paragraph):
            text = compact(block.text)
            divisor = _divisor_from([text]) if "单位" in text and len(text) < 40 else None
            if divisor:
                default_divisor = divisor
            if "项目支出绩效自评表" in text.replace(" ", ""):
                findings.has_project_table = True
            if re.search(r"整体支出绩效自评表|整体绩效自评表|基础数据表", text.replace(" ", "")):
                findings.has_department_table = True
                current_project = None
            continue
        if not isinstance(block, Table):
            continue
        title = block.title or _table_title(document.blocks, index)
        page = block.page
        if indicators is not None and block.width != indicators.table_width:
            # A table of another shape is not the continuation of the indicator table.
            indicators = None
        for row in block.rows:
            texts = _row_texts(row)
            if not any(texts):
                continue
            counts = (len(findings.facts), len(findings.indicators))
            project = _project_in_row(texts)
            if project is not None:
                current_project = project or None
            _read_keys(texts, findings)
            keys = [re.sub(r"\s", "", fold_width(t)) for t in texts]
            if any(re.search(r"项目支出绩效自评表", k) for k in keys):
                findings.has_project_table = True
            ind_header = _indicator_header(keys, row)
            if ind_header is not None:
                ind_header.table_width = block.width
                _close_breakdown(breakdown, totals, findings)
                money, indicators, items = None, ind_header, None
                continue
            _read_stage_pairs(texts, fiscal_year, default_divisor, title, findings, page)
            item_header = _item_list_header(texts, fiscal_year, default_divisor, title)
            if item_header is not None:
                _close_breakdown(breakdown, totals, findings)
                money, indicators, items = None, None, item_header
                continue
            if items is not None:
                if not _read_item_row(texts, items, findings, page):
                    items = None
                continue
            money_header = _money_header(texts, fiscal_year, default_divisor, title)
            if money_header is not None:
                money_header.grid = id(block)
                _close_breakdown(breakdown, totals, findings)
                money, indicators, totals, items = money_header, None, {}, None
                continue
            if any(re.match(r"^(?:年度)?总体目标|^年度目标|^绩效指标$", k) for k in keys[:2] if k):
                _close_breakdown(breakdown, totals, findings)
                money = None
            first_label = next((k for k in keys if k), "")
            is_total = TOTAL_ROW.match(clean_row_label(first_label)) or any(
                TOTAL_ROW.match(k) for k in keys[:3] if k
            )
            if is_total and (indicators is not None or (money is None and findings.indicators)):
                score = _total_score(texts, indicators)
                if score is not None:
                    findings.scores.append((current_project, score))
                    if findings.self_score is None:
                        findings.self_score = score
                indicators = None
            elif indicators is not None:
                _read_indicator_row(texts, indicators, findings, page)
            elif money is not None:
                money.aligned = money.grid == id(block) or block.width == money.width
                _read_money_row(texts, money, findings, breakdown, totals, page)
            _stamp_project(findings, counts, current_project)
    counts = (len(findings.facts), len(findings.indicators))
    _close_breakdown(breakdown, totals, findings)
    _stamp_project(findings, counts, current_project)
    _keep_stated_zero_totals(findings)
    _items_in_yuan(findings)
    return findings


def _items_in_yuan(findings: TableFindings) -> None:
    """Items of a list whose header names no unit, each read in 万元 as the document's money is,
    when one of them alone is more than the whole project: the list is in 元 (a 支出明细 prints
    voucher amounts, 50,000.00 in a 700 万元 project).  Taken as 元 when every item then fits in
    the whole, dropped when even that does not fit.
    """
    assumed = [f for f in findings.facts if f.pop("_unit_assumed", False)]
    whole = max(
        (f["amount_wan_yuan"] for f in findings.facts if f["line"] == "total" and f["amount_wan_yuan"]),
        default=None,
    )
    if not assumed or whole is None or max(f["amount_wan_yuan"] for f in assumed) <= whole:
        return
    if sum(f["amount_wan_yuan"] for f in assumed) / 10000 <= whole * 1.001:
        for fact in assumed:
            fact["amount_wan_yuan"] = round(fact["amount_wan_yuan"] / 10000, 6)
    else:
        findings.facts[:] = [f for f in findings.facts if not any(f is a for a in assumed)]


def _keep_stated_zero_totals(findings: TableFindings) -> None:
    """A total row printed as 0 is a stated figure when its block states other figures (labelling.md:
    "a 0 stated as a real figure is a fact"), and a template filler when the whole block is empty."""
    live_blocks = {
        f["evidence"].split(" › ")[0]
        for f in findings.facts
        if f["amount_wan_yuan"] != 0 and "_zero_total" not in f
    }
    kept = []
    for fact in findings.facts:
        block = fact.pop("_zero_total", None)
        if block is None or block in live_blocks:
            kept.append(fact)
    findings.facts[:] = kept


def _read_stage_pairs(
    texts: list[str],
    fiscal_year: int | None,
    default_divisor: float,
    title: str,
    findings: TableFindings,
    page: int | None,
) -> bool:
    """A row of side-by-side label/value groups ("计划安排资金(万元) | 1208.75 | 实际到位资金(万元) |
    1208.75 | 实际支出(万元) | 991.51 | 结余(万元) | 217.24"): each stage label re-paired with the figure
    after it, as the whole (older 项目基本概况 grids).  True when the row gave a fact."""
    labelled = [
        (i, role)
        for i, text in enumerate(texts[:-1])
        if text and (role := header_role(text, fiscal_year)) in STAGES and parse_cell_number(text) is None
    ]
    if len(labelled) < 2 or any(b - a < 2 for (a, _), (b, _) in pairwise(labelled)):
        return False
    emitted = False
    for i, role in labelled:
        printed = texts[i + 1]
        value = parse_cell_number(printed)
        if value is None or "%" in printed:
            continue
        divisor = _divisor_from([texts[i]]) or default_divisor
        findings.facts.append(
            {
                "line": "total",
                "stage": role,
                "item": None,
                "amount_wan_yuan": round(value / divisor, 6),
                "evidence": f"{title} › {compact(texts[i])} = {printed}",
                "origin": "table",
                "page": page,
            }
        )
        emitted = True
    return emitted


_ITEM_LABEL = re.compile(
    r"^(?:支出内容|支出项目|支出明细|明细项目|项目内容|资金用途|用途|具体项目|子项目名称|项目名称)$"
)


def _item_list_header(
    texts: list[str], fiscal_year: int | None, default_divisor: float, title: str
) -> _ItemListHeader | None:
    """ "支出内容 | 实际支出数 | 会计凭证号 | 备注": a list of items, each with its figure at one stage."""
    label_column = next(
        (i for i, t in enumerate(texts) if t and _ITEM_LABEL.match(compact(t).replace(" ", ""))), None
    )
    if label_column is None:
        return None
    roles = [(i, role) for i, t in enumerate(texts) if t and (role := header_role(t, fiscal_year)) in STAGES]
    if len(roles) != 1 or roles[0][0] <= label_column:
        return None
    column, stage = roles[0]
    stated = _divisor_from(texts)
    return _ItemListHeader(label_column, column, stage, stated or default_divisor, title, stated is None)


def _read_item_row(
    texts: list[str], header: _ItemListHeader, findings: TableFindings, page: int | None
) -> bool:
    """One 支出明细 row → a project_item fact; False when the list has ended (a heading or a new block)."""
    label = texts[header.label_column] if header.label_column < len(texts) else ""
    value_text = texts[header.value_column] if header.value_column < len(texts) else ""
    if label and re.match(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．])", label):
        return False
    value = parse_cell_number(value_text)
    name = clean_row_label(label)
    if not name or value is None or TOTAL_ROW.match(name) or PLACEHOLDER_LABEL.search(name):
        return True
    findings.facts.append(
        {
            "line": "project_item",
            "stage": header.stage,
            "item": cell_text(label),
            "amount_wan_yuan": round(value / header.divisor, 6),
            "evidence": f"{header.table_title} › {cell_text(label)} = {value_text}",
            "origin": "table",
            "page": page,
            **({"_unit_assumed": True} if header.unit_assumed and header.divisor == 1.0 else {}),
        }
    )
    return True


def _project_in_row(texts: list[str]) -> str | None:
    """The project a row opens ("项目名称 | X" → X); "" when a department table opens; None otherwise."""
    for i, text in enumerate(texts):
        key = re.sub(r"\s", "", text)
        if re.search(r"^项目名称$", key):
            return next((t for t in texts[i + 1 :] if t and not _is_key(t)), "")
        if re.search(
            r"^部门(?:（单位）|\(单位\))?名称$|^预算(?:部门)?(?:（单位）)?名称$|^预算单位名称$", key
        ):
            return ""
    return None


def _stamp_project(findings: TableFindings, counts: tuple[int, int], project: str | None) -> None:
    """Mark what a row added with the project table it came from (internal "_project" field)."""
    for fact in findings.facts[counts[0] :]:
        fact.setdefault("_project", project)
    for indicator in findings.indicators[counts[1] :]:
        indicator.setdefault("_project", project)


def _read_keys(texts: list[str], findings: TableFindings) -> None:
    for i, text in enumerate(texts):
        key = _SPACE.sub("", text)
        for pattern, name in _KEY_PATTERNS:
            if pattern.search(key):
                value = next((t for t in texts[i + 1 :] if t and not _is_key(t)), None)
                if value and name not in findings.keys:
                    findings.keys[name] = value
                break


# The vocabularies' patterns compiled once: tables are read row by row, cell by cell, and the
# re module's cache lookup for a pattern string was a tenth of reading them.
_KEY_PATTERNS = tuple((re.compile(pattern), name) for pattern, name in KEY_FIELDS)
_INDICATOR_PATTERNS = tuple((re.compile(pattern), name) for pattern, name in INDICATOR_COLUMNS)
_SPACE = re.compile(r"\s")


def _is_key(text: str) -> bool:
    key = _SPACE.sub("", text)
    return any(pattern.search(key) for pattern, _ in _KEY_PATTERNS)


def _indicator_header(keys: list[str], cells: list[str | None]) -> _IndicatorHeader | None:
    columns: dict[str, int] = {}
    for i, key in enumerate(keys):
        for pattern, name in _INDICATOR_PATTERNS:
            if key and pattern.search(key) and name not in columns:
                columns[name] = i
                break
    if "name" in columns and ({"target", "weight", "score", "actual"} & columns.keys()) and len(columns) >= 3:
        _points_after_each_level(keys, columns)
        _headerless_score(keys, cells, columns)
        return _IndicatorHeader(columns=columns)
    return None


def _points_after_each_level(keys: list[str], columns: dict[str, int]) -> None:
    """ "一级指标 | 得分 | 二级指标 | 得分 | 三级指标 | 得分 | … | 得分": each level followed by its points;
    the points after the 三级指标 are its weight, the last 得分 column is its score."""
    score_columns = [i for i, key in enumerate(keys) if key and re.match(r"^(?:得分|分值|自评得分)$", key)]
    if "weight" in columns or len(score_columns) < 2:
        return
    after_name = columns["name"] + 1
    if after_name in score_columns and score_columns[-1] > after_name:
        columns["weight"] = after_name
        columns["score"] = score_columns[-1]


def _headerless_score(keys: list[str], cells: list[str | None], columns: dict[str, int]) -> None:
    """A 得分 column printed without a header: the first blank (not merged-over) header cell
    right after the 分值 column is the score.

    Why only there: the 分值/得分 pair is the one place templates drop a header; a blank cell
    elsewhere is more likely padding, and a cell covered by a merge (None) belongs to its neighbour.
    """
    if "score" in columns or "weight" not in columns:
        return
    candidate = columns["weight"] + 1
    blank = candidate < len(keys) and cells[candidate] is not None and not keys[candidate]
    if blank and candidate not in columns.values():
        columns["score"] = candidate


def _money_header(
    texts: list[str], fiscal_year: int | None, default_divisor: float, title: str
) -> _MoneyHeader | None:
    roles = [(i, role) for i, t in enumerate(texts) if t and (role := header_role(t, fiscal_year))]
    stages = [r for _, r in roles if r in STAGES]
    if len(set(stages)) < 2 and not (len(set(stages)) == 1 and {"weight", "score"} & {r for _, r in roles}):
        return None
    divisor = _divisor_from(texts) or default_divisor
    values_in_header = any(parse_cell_number(t) is not None for t in texts)
    role_columns = {i for i, _ in roles}
    other = frozenset(i for i, t in enumerate(texts) if t and i not in role_columns and i > 0)
    return _MoneyHeader(
        roles=roles,
        divisor=divisor,
        table_title=title,
        values_in_header=values_in_header,
        other_columns=other,
    )


def _number_cells(texts: list[str], start: int) -> list[tuple[int, str, float]]:
    out = []
    for i in range(start, len(texts)):
        value = parse_cell_number(texts[i])
        if value is not None:
            out.append((i, texts[i], value))
    return out


def _assign_roles(
    header: _MoneyHeader, numbers: list[tuple[int, str, float]]
) -> list[tuple[str, str, float]]:
    """(role, printed, value): by column when every number sits under a header, else in order."""
    role_at = dict(header.roles)
    if header.aligned and all(i in role_at for i, _, _ in numbers):
        return [(role_at[i], printed, value) for i, printed, value in numbers]
    if (
        header.aligned
        and not header.values_in_header
        and all(i in role_at or i in header.other_columns for i, _, _ in numbers)
    ):
        return [(role_at[i], printed, value) for i, printed, value in numbers if i in role_at]
    ordered = [role for _, role in header.roles]
    if "weight" in ordered and "rate" not in ordered:
        ordered.append("rate")
    if "weight" in ordered and "score" not in ordered:
        ordered.append("score")
    # In order, but a percentage only ever fills the rate and a plain number never does.
    out = []
    plain_roles = [role for role in ordered if role != "rate"]
    for _, printed, value in numbers:
        if "%" in printed:
            if "rate" in ordered:
                out.append(("rate", printed, value))
            continue
        if plain_roles:
            out.append((plain_roles.pop(0), printed, value))
    return out


def _read_money_row(
    texts: list[str],
    header: _MoneyHeader,
    findings: TableFindings,
    breakdown: list[dict[str, Any]],
    totals: dict[str, float],
    page: int | None,
) -> None:
    label_index = next((i for i, t in enumerate(texts) if t and parse_cell_number(t) is None), None)
    if label_index is None:
        return
    raw_label = texts[label_index]
    label = clean_row_label(raw_label)
    if PLACEHOLDER_LABEL.search(label):
        return
    # Cells that carry their own value ("其中：一般公共预算：2612.36") or label/value pairs off the grid.
    pairs = _inline_pairs(texts)
    numbers = _number_cells(texts, label_index + 1)
    line = match_line(label) if not _INLINE_VALUE.match(fold_width(raw_label)) else None
    role_columns = {i for i, _ in header.roles}
    under_headers = (
        header.aligned
        and not header.values_in_header
        and all(i in role_columns or i in header.other_columns for i, _, _ in numbers)
        and any(i in role_columns for i, _, _ in numbers)
    )
    # One row label before the figures; a note after them (得分计算方法, 原因) does not make a second label.
    first_number = numbers[0][0] if numbers else len(texts)
    single_label = (
        len([t for t in texts[:first_number] if not is_placeholder(t) and parse_cell_number(t) is None]) == 1
    )
    if line is not None:
        header.in_project_items = line == "project_expenditure"
    elif (
        header.in_project_items and single_label and _NUMBERED.match(raw_label) and numbers and under_headers
    ):
        _emit_row("project_item", label, raw_label, header, numbers, findings, totals, page)
        return
    by_order = not header.aligned and len(numbers) <= len(header.roles) + 2
    if line is not None and single_label and numbers and (under_headers or line == "total" or by_order):
        _emit_row(line, label, raw_label, header, numbers, findings, totals, page)
        return
    for pair_label, raw, value in pairs:
        pair_line = match_line(pair_label)
        if pair_line and (pair_line in REVENUE_LINES or pair_line in EXPENDITURE_LINES):
            breakdown.append(
                {
                    "line": pair_line,
                    "label": raw,
                    "value": value / header.divisor,
                    "title": header.table_title,
                    "page": page,
                }
            )


def _inline_pairs(texts: list[str]) -> list[tuple[str, str, float]]:
    """(label, raw label, value) from "label：value" cells or a label cell followed by a number cell."""
    out: list[tuple[str, str, float]] = []
    pending: str | None = None
    for text in texts:
        if not text:
            continue
        folded = fold_width(text).replace(" ", "")
        match = _INLINE_VALUE.match(folded)
        if match:
            out.append(
                (
                    clean_row_label(match.group("label")),
                    match.group("label"),
                    parse_cell_number(match.group("value")) or 0.0,
                )
            )
            pending = None
            continue
        value = parse_cell_number(text)
        if value is not None and pending is not None:
            out.append((clean_row_label(pending), pending, value))
            pending = None
        elif value is None:
            pending = text if match_line(clean_row_label(text)) else None
    return [p for p in out if match_line(p[0])]


def _emit_row(
    line: str,
    label: str,
    raw_label: str,
    header: _MoneyHeader,
    numbers: list[tuple[int, str, float]],
    findings: TableFindings,
    totals: dict[str, float],
    page: int | None,
) -> None:
    assigned = _assign_roles(header, numbers)
    stage_values = [(role, printed, value) for role, printed, value in assigned if role in STAGES]
    all_zero = all(value == 0 for _, _, value in stage_values)
    zero_total = all_zero and line == "total"
    if all_zero and line not in SECTION_TOTAL_LINES and not zero_total:
        stage_values = []
    item = None
    if line == "project_item":
        item = label
    for role, printed, value in stage_values:
        amount = round(value / header.divisor, 6)
        if line == "total":
            totals[role] = amount
        findings.facts.append(
            {
                "line": line,
                "stage": role,
                "item": item,
                "amount_wan_yuan": amount,
                "evidence": f"{header.table_title} › {raw_label} › {_stage_header(header, role)} = {printed}",
                "origin": "table",
                "page": page,
                **({"_zero_total": header.table_title} if zero_total else {}),
            }
        )
    if line == "total":
        by_role = {role: (printed, value) for role, printed, value in assigned}
        # The budget block's own scored row (分值 / 执行率 / 得分 all printed): the 预算执行率 indicator of
        # a department's 自评表; a project table's money block is no indicator row (record.py decides).
        if {"rate", "weight", "score"} <= by_role.keys():
            rate_text = by_role.get("rate", (None, None))[0]
            actual_value, actual_unit = parse_actual(rate_text) if rate_text else (None, None)
            if rate_text and "%" not in rate_text and actual_value is not None:
                actual_unit = "%" if actual_value > 1.5 else None
            findings.indicators.append(
                {
                    "level1": None,
                    "level2": None,
                    "name": "预算执行率",
                    "_budget_rate": True,
                    "target_text": None,
                    "actual_text": rate_text,
                    "target_op": None,
                    "target_value": None,
                    "target_unit": None,
                    "actual_value": actual_value,
                    "actual_unit": actual_unit,
                    "weight": by_role.get("weight", (None, None))[1],
                    "score": by_role.get("score", (None, None))[1],
                    "deviation_reason": None,
                    "origin": "table",
                    "evidence": f"{header.table_title} › {raw_label} › "
                    + " | ".join(
                        f"{_stage_header(header, role)} = {printed}" for role, printed, _ in assigned
                    ),
                    "page": page,
                }
            )


def _stage_header(header: _MoneyHeader, role: str) -> str:
    return {
        "prior_year_final": "上年决算数",
        "initial_budget": "年初预算数",
        "adjusted_budget": "全年预算数",
        "executed": "全年执行数",
    }.get(role, role)


def _close_breakdown(
    breakdown: list[dict[str, Any]], totals: dict[str, float], findings: TableFindings
) -> None:
    """Breakdown cells take the stage of the total column their group adds up to; others are dropped."""
    if not breakdown:
        return
    stage = None
    for group in (EXPENDITURE_LINES, REVENUE_LINES):
        values = [b["value"] for b in breakdown if b["line"] in group]
        if not values:
            continue
        total = sum(values)
        for candidate in ("adjusted_budget", "executed", "initial_budget"):
            if candidate in totals and abs(totals[candidate] - total) <= _AMOUNT_TOL:
                stage = candidate
                break
        if stage:
            break
    if stage:
        for b in breakdown:
            if b["value"] == 0:
                continue
            findings.facts.append(
                {
                    "line": b["line"],
                    "stage": stage,
                    "item": None,
                    "amount_wan_yuan": round(b["value"], 6),
                    "evidence": f"{b['title']} › {compact(b['label'])} › (breakdown of {stage}) "
                    f"= {b['value']:g}",
                    "origin": "table",
                    "page": b["page"],
                }
            )
    breakdown.clear()


def _total_score(texts: list[str], header: _IndicatorHeader | None) -> float | None:
    """The total row's score: under the 得分 column, else the last of at least two numbers (分值 then
    得分; a row of one number is the weights' sum, 100, with the score left blank)."""
    if header is not None and "score" in header.columns and header.columns["score"] < len(texts):
        value = _first_number(texts[header.columns["score"]])
        if value is not None:
            return value
    numbers = [v for t in texts if (v := _first_number(t)) is not None]
    return numbers[-1] if len(numbers) >= 2 or (header is None and numbers) else None


def _cell(texts: list[str], columns: dict[str, int], name: str) -> str | None:
    index = columns.get(name)
    if index is None or index >= len(texts):
        return None
    text = texts[index]
    return text if text and not is_placeholder(text) else None


def _first_number(text: str | None) -> float | None:
    if not text:
        return None
    value = parse_cell_number(text)
    if value is not None:
        return value
    quantities = find_quantities(text)
    return quantities[0].value if quantities and len(quantities) == 1 else None


def _read_indicator_row(
    texts: list[str], header: _IndicatorHeader, findings: TableFindings, page: int | None
) -> None:
    columns = header.columns
    level1_cell = _cell(texts, columns, "level1")
    level1 = clean_level(level1_cell)
    level2 = clean_level(_cell(texts, columns, "level2"))
    if level1_cell and not level1:
        # A 一级 cell reduced to its points ("（50分）"): the group is named by its 二级指标.
        level1 = level1_for(level2) or header.level1
    if level1:
        if level1 != header.level1:
            header.level2 = None
        header.level1 = level1
    if level2:
        header.level2 = level2
    name = clean_indicator_name(_cell(texts, columns, "name"))
    if not name or PLACEHOLDER_LABEL.search(name) or TOTAL_ROW.match(name):
        return
    name, name_op, name_unit = split_name_target(name)
    target_text = _cell(texts, columns, "target")
    op_text = _cell(texts, columns, "op") or name_op
    unit_text = _cell(texts, columns, "unit") or name_unit
    actual_text = _cell(texts, columns, "actual")
    stated = [actual_text, _cell(texts, columns, "weight"), _cell(texts, columns, "score")]
    if not any(stated) and not re.search(
        r"\d|[\u4e00-\u9fff]{2}", re.sub(r"[万亿]?(?:公里|亩|人|%|个|元)", "", target_text or "")
    ):
        # A target template left blank ("指标1：新建堤防长度 | 公里"): nothing is stated of this indicator.
        return
    if op_text and target_text:
        target = parse_target(target_text, operator_cell=op_text, unit_cell=unit_text)
        target_text = f"{op_text}{target_text}{unit_text or ''}"
    else:
        target = parse_target(target_text, unit_cell=unit_text)
    actual_value, actual_unit = parse_actual(actual_text, unit_cell=unit_text)
    if actual_text and unit_text and actual_unit is None and actual_value is not None:
        actual_unit = compact(unit_text)
    findings.indicators.append(
        {
            "level1": header.level1,
            "level2": header.level2,
            "name": name,
            "target_text": target_text,
            "actual_text": actual_text,
            "target_op": target.op,
            "target_value": target.value,
            "target_unit": target.unit,
            "actual_value": actual_value,
            "actual_unit": actual_unit,
            "weight": _first_number(_cell(texts, columns, "weight")),
            "score": _first_number(_cell(texts, columns, "score")),
            "deviation_reason": _cell(texts, columns, "reason"),
            "origin": "table",
            "evidence": row_evidence(texts),
            "page": page,
        }
    )
