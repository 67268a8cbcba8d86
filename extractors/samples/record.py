"""The ground truth of a sample report: the contract-v1 extraction record its spec implies.

Why here and not in the renderers: the truth must not depend on how a format
happens to lay the report out; every renderer prints the same cells, and this
module states, once, which of those cells are facts (contracts/extraction-record.md,
seed labelling conventions).
"""

from __future__ import annotations

import hashlib
from typing import Any

from extractors.samples.spec import BUDGET_WEIGHT, ReportSpec, fmt_hundredths
from extractors.samples.variants import rate_text as printed_rate
from extractors.samples.variants import target_text as printed_target_text

SCHEMA_VERSION = 1
BUDGET_COLUMNS = ("年初预算数", "全年预算数", "全年执行数")
BASIC_STAGES = ("prior_year_final", "initial_budget", "executed")
BASIC_TABLE_TITLE = "部门整体支出绩效评价基础数据表"


def _fact(line: str, stage: str, amount: int, evidence: str, origin: str) -> dict[str, Any]:
    return {
        "line": line,
        "stage": stage,
        "item": None,
        "amount_wan_yuan": amount / 100,
        "evidence": evidence,
        "origin": origin,
        "page": None,
    }


def budget_facts(spec: ReportSpec) -> list[dict[str, Any]]:
    """Facts in document order; an equal repeat of a (line, stage, item, amount) is one fact."""
    facts: list[dict[str, Any]] = []
    seen: set[tuple[str, str, int]] = set()

    def add(line: str, stage: str, amount: int, evidence: str, origin: str) -> None:
        key = (line, stage, amount)
        if key not in seen:
            seen.add(key)
            facts.append(_fact(line, stage, amount, evidence, origin))

    for sentence in spec.narrative:
        for stated in sentence.facts:
            add(stated.line, stated.stage, stated.amount, sentence.text, "prose")
    for row in spec.basic_rows:
        if row.line is None or not row.is_money or row.is_template_zero:
            continue
        for stage, column, value in zip(BASIC_STAGES, spec.basic_columns, row.values, strict=True):
            if value is not None:
                evidence = f"{BASIC_TABLE_TITLE} › {row.label} › {column} = {fmt_hundredths(value)}"
                add(row.line, stage, value, evidence, "table")
    for row in spec.budget_rows if spec.prints_money_table else []:
        if row.line is None or row.is_template_zero:
            continue
        for stage, column, value in zip(spec.budget_stages, spec.budget_columns, row.amounts, strict=True):
            add(
                row.line,
                stage,
                value,
                f"{spec.table_title} › {row.label} › {column} = {fmt_hundredths(value)}",
                "table",
            )
    return facts


def indicators(spec: ReportSpec) -> list[dict[str, Any]]:
    """Every 三级指标 row, after the 预算执行率 row of a department's table (levels null, as in the
    seed labels); a project table's money block is no indicator row (labelling.md)."""
    # Without a 分值 column the indicators' weights are not printed, so not known.
    weights_printed = spec.variant.indicator_layout != "no_weight"
    if spec.kind == "project":
        return _indicator_rows(spec, weights_printed)
    rate_text = printed_rate(spec.execution_rate, spec.variant)
    rows: list[dict[str, Any]] = [
        {
            "level1": None, "level2": None, "name": "预算执行率",
            "target_text": None, "actual_text": rate_text,
            "target_op": None, "target_value": None, "target_unit": None,
            "actual_value": spec.execution_rate / 100, "actual_unit": "%",
            "weight": BUDGET_WEIGHT / 100, "score": spec.budget_score / 100,
            "deviation_reason": None, "origin": "table", "evidence": None,
        }
    ]  # fmt: skip
    return rows + _indicator_rows(spec, weights_printed)


def _indicator_rows(spec: ReportSpec, weights_printed: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    # Forms without 分值/得分 columns (the transfer table, narratives) state no weights or scores.
    weights_printed = weights_printed and spec.scored
    origin = "prose" if spec.family == "transfer_narrative" else "table"
    stated = [ind for sentence in spec.narrative for ind in sentence.indicators]
    for ind in [*spec.indicators, *stated]:
        rows.append(
            {
                "level1": ind.level1, "level2": ind.level2, "name": ind.name,
                "target_text": printed_target_text(ind, spec.variant), "actual_text": ind.actual_text,
                "target_op": ind.target_op, "target_value": ind.target_value, "target_unit": ind.target_unit,
                "actual_value": ind.actual_value, "actual_unit": ind.actual_unit,
                "weight": ind.weight / 100 if weights_printed and not ind.sub_row else None,
                "score": None if ind.sub_row or not spec.scored else ind.score / 100,
                "deviation_reason": ind.deviation_reason, "origin": origin, "evidence": None,
            }
        )  # fmt: skip
    return rows


def budget_execution_row(spec: ReportSpec) -> dict[str, Any]:
    """A project table's scored money row (rate, 分值, 得分): a report field, not an indicator.  A
    department lists it as an indicator; a form with no 分值/得分 or no money block has none."""
    scored_row = spec.kind == "project" and spec.scored and bool(spec.budget_rows)
    return {
        "budget_execution_rate": spec.execution_rate / 100 if scored_row else None,
        "budget_execution_weight": BUDGET_WEIGHT / 100 if scored_row else None,
        "budget_execution_score": spec.budget_score / 100 if scored_row else None,
    }


def spec_to_record(spec: ReportSpec) -> dict[str, Any]:
    """The contract-v1 record for ``spec``; ``document`` fields are left for whoever renders it
    (``record_for_document`` fills them from the bytes)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "document": {
            "sha256": None,
            "file_name": None,
            "format": None,
            "page_count": None,
            "source_url": None,
        },
        "report": {
            "report_kind": spec.kind,
            "fiscal_year": spec.fiscal_year,
            "unit_name": spec.unit_name,
            "department_name": spec.department_name,
            "project_name": spec.project_name,
            "province": spec.region.province,
            "city": spec.region.city,
            "county": spec.region.county,
            "self_score": spec.total_score / 100 if spec.scored else None,
            "grade": spec.grade if spec.scored else None,
            **budget_execution_row(spec),
        },
        "budget_facts": budget_facts(spec),
        "indicators": indicators(spec),
        "error": None,
    }


def record_for_document(
    spec: ReportSpec,
    data: bytes,
    *,
    fmt: str,
    file_name: str,
    page_count: int | None = None,
    source_url: str | None = None,
) -> dict[str, Any]:
    """The ground truth of one rendered file: ``spec_to_record`` plus the document it is in."""
    record = spec_to_record(spec)
    record["document"] = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "file_name": file_name,
        "format": fmt,
        "page_count": page_count,
        "source_url": source_url,
    }
    return record
