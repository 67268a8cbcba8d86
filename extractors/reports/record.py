"""Document model → extraction record (contract v1 plus origin/page/evidence fields).

Why here: it decides precedence between what tables and prose say (tables
first; prose adds figures the tables lack; equal repeats are one fact) and
fills the report-level fields.
"""

from __future__ import annotations

import re
from typing import Any

from extractors.documents.model import Document
from extractors.normalize.text import cell_text
from extractors.reports.meta import (
    choose_unit_name,
    find_fiscal_year,
    find_grade,
    find_prose_score,
    find_region,
    find_unit_in_title,
    title_lines,
)
from extractors.reports.prose import prose_budget_facts, prose_indicators
from extractors.reports.tables import TableFindings, read_tables

_AMOUNT_TOL = 0.0051


def _table_years(document: Document) -> list[int]:
    years = []
    for table in document.tables:
        for row in table.rows[:3]:
            for cell in row:
                years += [int(y) for y in re.findall(r"（((?:19|20)\d{2})年度）", cell_text(cell))]
    return years


def _report_kind(
    document: Document, has_project_table: bool, has_department_table: bool, keys: dict[str, str]
) -> str:
    title = "".join(title_lines(document)[:12])
    if re.search(r"整体支出|部门整体|单位整体|整体绩效", title):
        return "department_overall"
    if re.search(r"项目支出绩效自评|项目绩效自评", title) or has_project_table or "project_name" in keys:
        return "project" if not has_department_table else "department_overall"
    return "department_overall"


def dedupe_facts(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Equal repeats (same line, stage, item and amount) are one fact; the first (table) one stays."""
    out: list[dict[str, Any]] = []
    for fact in facts:
        if any(
            f["line"] == fact["line"]
            and f["stage"] == fact["stage"]
            and (f["item"] or "") == (fact["item"] or "")
            and abs(f["amount_wan_yuan"] - fact["amount_wan_yuan"]) <= _AMOUNT_TOL
            for f in out
        ):
            continue
        out.append(fact)
    return out


def _scope_to_report(
    kind: str, tables: TableFindings
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], float | None]:
    """A department report with attached project tables: each project's total becomes a
    project_item fact; its other rows, indicators and score belong to the project, not the unit."""
    facts: list[dict[str, Any]] = []
    for fact in tables.facts:
        project = fact.pop("_project", None)
        if kind == "department_overall" and project:
            if fact["line"] != "total":
                continue
            fact = {**fact, "line": "project_item", "item": project}
        facts.append(fact)
    indicators = []
    for indicator in tables.indicators:
        project = indicator.pop("_project", None)
        if kind == "department_overall" and project:
            continue
        indicators.append(indicator)
    if kind == "department_overall":
        score = next((s for project, s in tables.scores if not project), None)
    else:
        score = tables.scores[0][1] if tables.scores else None
    return facts, indicators, score


def build_report(document: Document) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """(report fields, budget facts, indicators) of one document."""
    fiscal_year = find_fiscal_year(document, _table_years(document))
    tables = read_tables(document, fiscal_year)
    kind = _report_kind(document, tables.has_project_table, tables.has_department_table, tables.keys)
    title_unit = find_unit_in_title(document)
    project_name = department_name = None
    if kind == "project":
        project_name = tables.keys.get("project_name")
        department_name = tables.keys.get("department_name")
        unit_name = choose_unit_name(
            None, tables.keys.get("implementing_unit") or tables.keys.get("unit_name")
        )
        unit_name = unit_name or title_unit
    else:
        unit_name = choose_unit_name(title_unit, tables.keys.get("unit_name"))
    region = find_region(unit_name, department_name, document)
    table_texts = [cell_text(c) for t in document.tables for r in t.rows for c in r if c]
    table_facts, table_indicators, table_score = _scope_to_report(kind, tables)
    self_score = table_score if table_score is not None else find_prose_score(document)
    facts = dedupe_facts(table_facts + prose_budget_facts(document, fiscal_year))
    indicators = list(table_indicators)
    if not any(i["origin"] == "table" and i["name"] != "预算执行率" for i in indicators):
        indicators += prose_indicators(document)
    report = {
        "report_kind": kind,
        "fiscal_year": fiscal_year,
        "unit_name": unit_name,
        "department_name": department_name,
        "project_name": project_name,
        "province": region.province,
        "city": region.city,
        "county": region.county,
        "self_score": self_score,
        "grade": find_grade(document, table_texts),
    }
    return report, facts, indicators
