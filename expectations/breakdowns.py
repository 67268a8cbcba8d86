"""Budget breakdowns: parts that must add up to their total, within rounding.

A report prints a total and its breakdown — 按支出性质分 基本支出 + 项目支出, 按收入性质分
一般公共预算 + 政府性基金 + 其他资金, 三公经费 = 公务用车 + 出国 + 公务接待 … — and sources'
own arithmetic is often off.  These checks compare the statements the warehouse uses (see
``computed.used_statements``), per report and stage, and report on the total's fact.  They
never correct a figure: a slip is a warning, recorded.

Closed vs open: a *closed* breakdown lists the whole total (its parts must equal it); an
*open* one is a 其中 list of some parts (they must not exceed it).  A closed breakdown is
held to equality only where the figures come from one printed breakdown: the total and at
least two of its parts, all from tables (a table row of zeros is a template row, not a fact,
so a part the table leaves out is 0).  Elsewhere the parts are only held not to exceed the
total: prose names parts selectively and with its own scope (seed 001 states 基本支出 of the
财政拨款 only), and a lone part usually comes from another table (the 基础数据表's 项目支出).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from expectations.settings import QualitySettings
from extractors import contract

ALL_KINDS: frozenset[str] = frozenset({"department_overall", "project"})


@dataclass(frozen=True)
class Breakdown:
    """One total and the lines that break it down."""

    rule: str  # expectation name in the budget_facts suite
    total_line: str
    part_lines: tuple[str, ...]
    # Report kinds whose template prints every part: there the parts must equal the total.
    closed_for: frozenset[str]

    @property
    def agrees_column(self) -> str:
        return f"{self.rule}__agrees"

    @property
    def observed_column(self) -> str:
        return f"{self.rule}__observed"


BREAKDOWNS: tuple[Breakdown, ...] = (
    # 按支出性质分: 基本支出 + 项目支出 = 年度资金总额.
    Breakdown("expenditure_parts_sum_to_total", "total", contract.EXPENDITURE_LINES, ALL_KINDS),
    # 按收入性质分 (department template) or 资金来源 (project template).  Project tables print
    # 上年结转资金, which has no contract line and is never a fact: there the parts stated
    # can only be held not to exceed the total.
    Breakdown(
        "income_parts_sum_to_total",
        "total",
        contract.REVENUE_LINES,
        frozenset({"department_overall"}),
    ),
    # 基础数据表: 三公经费 = 公务用车购置和维护经费 + 出国经费 + 公务接待.
    Breakdown(
        "three_public_parts_sum_to_total",
        "three_public",
        ("official_vehicles", "overseas_travel", "official_reception"),
        ALL_KINDS,
    ),
    # 公务用车购置和维护经费 = 公车购置 + 公车运行维护.
    Breakdown(
        "vehicle_parts_sum_to_total",
        "official_vehicles",
        ("vehicle_purchase", "vehicle_operation"),
        ALL_KINDS,
    ),
    # 公用经费, 其中: 办公经费 / 水费、电费、差旅费 / 会议费、培训费 — a partial list.
    Breakdown(
        "public_operating_parts_within_total",
        "public_operating",
        ("office", "utilities_travel", "meetings_training"),
        frozenset(),
    ),
    # 基本支出 = 人员经费 + 公用经费, but the two are printed in different tables (or prose)
    # that do not always cover the same scope: held only not to exceed it.
    Breakdown(
        "basic_parts_within_total", "basic_expenditure", ("personnel", "public_operating"), frozenset()
    ),
)


def breakdown_checks(
    used: pd.DataFrame, report_kinds: Mapping[str, object], settings: QualitySettings
) -> pd.DataFrame:
    """One row per (report_id, stage, line = a breakdown's total, fact_no of the used total
    statement) with ``<rule>__agrees`` (True / False / None) and ``<rule>__observed`` columns.

    ``used``: the statements the warehouse uses, without item (report_id, line, stage,
    amount_wan_yuan, fact_no, origin).  A breakdown with a negative figure is not judged: the
    amount rule reports it, and a sum around it would only echo it.
    """
    key = ["report_id", "stage"]
    columns = ["report_id", "stage", "line", "fact_no"]
    stated = used.assign(amount_wan_yuan=pd.to_numeric(used["amount_wan_yuan"], errors="coerce"))
    stated = stated[stated["amount_wan_yuan"].notna()]
    amounts = stated.pivot_table(index=key, columns="line", values="amount_wan_yuan", aggfunc="first")
    from_table = stated.assign(is_table=stated["origin"] == "table").pivot_table(
        index=key, columns="line", values="is_table", aggfunc="first"
    )
    fact_nos = stated.pivot_table(index=key, columns="line", values="fact_no", aggfunc="first")
    kinds = amounts.index.get_level_values("report_id").map(lambda rid: report_kinds.get(rid))
    results: list[pd.DataFrame] = []
    for breakdown in BREAKDOWNS:
        if breakdown.total_line not in amounts.columns:
            continue
        parts = [line for line in breakdown.part_lines if line in amounts.columns]
        if not parts:
            continue
        total = amounts[breakdown.total_line]
        stated = amounts[parts].notna()
        stated_count = stated.sum(axis=1)
        negative = (amounts[[breakdown.total_line, *parts]] < 0).any(axis=1)
        applies = total.notna() & (stated_count > 0) & ~negative
        if not applies.any():
            continue
        parts_sum = amounts[parts].sum(axis=1, min_count=1)
        table_only = from_table[[breakdown.total_line, *parts]].fillna(True).astype(bool).all(axis=1)
        closed = (
            pd.Series([kind in breakdown.closed_for for kind in kinds], index=amounts.index)
            & table_only
            & (stated_count >= settings.min_parts_for_equality)
        )
        gap = parts_sum - total
        tolerance = settings.rounding_tolerance_per_part * stated_count
        agrees = np.where(closed, gap.abs() <= tolerance, gap <= tolerance)
        frame = pd.DataFrame(
            {
                "line": breakdown.total_line,
                "fact_no": fact_nos[breakdown.total_line],
                breakdown.agrees_column: pd.Series(agrees, index=amounts.index).astype(object),
                # Text only for the failures (the rows quality_results reports).
                breakdown.observed_column: [
                    None if ok else _observed(breakdown, amounts.loc[index], parts, is_closed)
                    for index, ok, is_closed in zip(amounts.index, agrees, closed, strict=True)
                ],
            },
            index=amounts.index,
        )[applies]
        results.append(frame.reset_index())
    merged = pd.DataFrame(columns=columns)
    for frame in results:
        merged = frame if merged.empty else merged.merge(frame, on=columns, how="outer")
    for breakdown in BREAKDOWNS:  # every rule's columns, even where no report states its lines
        for column in (breakdown.agrees_column, breakdown.observed_column):
            if column not in merged.columns:
                merged[column] = pd.Series(dtype=object)
    merged["fact_no"] = merged["fact_no"].astype("int64")
    return merged


def _observed(breakdown: Breakdown, row: pd.Series, parts: list[str], closed: bool) -> str:
    stated = [(line, row[line]) for line in parts if pd.notna(row[line])]
    total = row[breakdown.total_line]
    if pd.isna(total) or not stated:
        return ""
    parts_sum = sum(float(amount) for _, amount in stated)
    relation = "=" if closed else "≥"
    terms = " + ".join(f"{line} {float(amount):g}" for line, amount in stated)
    return (
        f"{breakdown.total_line} {float(total):g} {relation} {terms} = {parts_sum:.2f} "
        f"(gap {parts_sum - float(total):+.2f})"
    )
