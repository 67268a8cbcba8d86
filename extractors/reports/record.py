"""Document model → extraction record (contract v1 plus origin/page/evidence fields).

Why here: it decides precedence between what tables and prose say (tables
first; prose adds figures the tables lack; equal repeats are one fact) and
fills the report-level fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from extractors.documents.model import Document, Paragraph
from extractors.normalize.numbers import parse_cell_number
from extractors.normalize.text import cell_text
from extractors.reports.bundles import split_reports
from extractors.reports.context import PageContext, page_context
from extractors.reports.meta import (
    find_fiscal_year,
    find_grade,
    find_project_name,
    find_prose_score,
    find_region,
    find_report_kind,
    find_title,
    find_unit,
    key_lines,
    merge_keys,
    table_texts,
)
from extractors.reports.prose import prose_indicators
from extractors.reports.prose_budget import prose_budget_facts
from extractors.reports.tables import TableFindings, read_tables

_AMOUNT_TOL = 0.0051
_SENTENCE_CELL_MIN = 20


def _table_years(document: Document) -> list[int]:
    """Years a table states for itself: "（2023年度）" under its title, else the latest of its money
    columns ("2017年决算数 | 2018年预算数 | 2018年决算数" is a 2018 report)."""
    years: list[int] = []
    column_years: list[int] = []
    for table in document.tables:
        for i, row in enumerate(table.rows):
            for cell in row:
                text = cell_text(cell).replace(" ", "")
                if i < 3:
                    years += [int(y) for y in re.findall(r"[（(]((?:19|20)\d{2})年度[）)]", text)]
                match = re.fullmatch(
                    r"((?:19|20)\d{2})年(?:度)?(?:预算|决算|执行)数?(?:[（(]万元[）)])?", text
                )
                if match:
                    column_years.append(int(match.group(1)))
    if not years and column_years:
        years.append(max(column_years))
    return years


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
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], float | None, dict[str, Any] | None]:
    """A department report with attached project tables: each project's total becomes a
    project_item fact; its other rows, indicators and score belong to the project, not the unit.

    The fourth value is a project table's scored money row (执行率 / 分值 / 得分), which is no
    indicator of a project (labelling.md) but still holds part of its total score."""
    facts: list[dict[str, Any]] = []
    for fact in tables.facts:
        project = fact.pop("_project", None)
        if kind == "department_overall" and project:
            if fact["line"] != "total":
                continue
            fact = {**fact, "line": "project_item", "item": project}
        facts.append(fact)
    indicators = []
    budget_row: dict[str, Any] | None = None
    for indicator in tables.indicators:
        project = indicator.pop("_project", None)
        if indicator.pop("_budget_rate", False) and kind == "project":
            budget_row = budget_row or indicator
            continue
        if kind == "department_overall" and project:
            continue
        indicators.append(indicator)
    if kind == "department_overall":
        score = next((s for project, s in tables.scores if not project), None)
    else:
        score = tables.scores[0][1] if tables.scores else None
    return facts, indicators, score, budget_row


def _running_texts(document: Document) -> list[tuple[str, int | None]]:
    """Paragraphs, and table cells that hold sentences (a 年度总体目标 cell stating its money)."""
    texts: list[tuple[str, int | None]] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            texts.append((block.text, block.page))
            continue
        for row in block.rows:
            for cell in row:
                text = cell_text(cell)
                if (
                    len(text) >= _SENTENCE_CELL_MIN
                    and re.search(r"[，,。；]", text)
                    and re.search(r"\d\s*(?:万元|元)", text)
                ):
                    texts.append((text, block.page))
    return texts


def _not_contradicting(prose: list[dict[str, Any]], table: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tables first: a prose total for a stage the table already states differently is left out.

    Why only the total: a narrative restating the table's whole amount in other words (元 for
    万元, a requested sum for the granted one) would give the report two totals for one stage;
    parts and sub-lines that disagree are each printed facts and are kept with their evidence.
    """
    stated = {f["stage"] for f in table if f["line"] == "total"}
    return [f for f in prose if not (f["line"] == "total" and f["stage"] in stated)]


def build_report(
    document: Document, context: PageContext | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """(report fields, budget facts, indicators) of one document.

    ``context`` is what the page around the document says (title, 来源 …): a second source for
    the unit, year and title, below what the document prints.
    """
    page = page_context(document)
    if context is not None:
        page = page.merged_with(context)
    printed_title = find_title(document, PageContext())
    title = printed_title or find_title(document, page)
    keys = {**key_lines(document)}
    table_years = _table_years(document)
    year_guess = find_fiscal_year(document, printed_title, table_years, keys, page)
    tables = read_tables(document, int(year_guess.value) if year_guess.value else None)
    keys = merge_keys(keys, tables.keys)
    fiscal = find_fiscal_year(document, printed_title, table_years, keys, page)
    fiscal_year = int(fiscal.value) if fiscal.value else None
    kind = find_report_kind(
        printed_title,
        document,
        tables.has_project_table,
        tables.has_department_table,
        keys,
        fallback_title=title,
    )
    unit, department_name = find_unit(title, keys, kind, document, page)
    project_name = find_project_name(title, keys, unit.value, kind)
    if kind != "project":
        department_name = None
    region = find_region(unit.value, department_name, title, document, page)
    table_facts, table_indicators, table_score, budget_row = _scope_to_report(kind, tables)
    if table_score is None:
        table_score = _score_of_key(keys.get("self_score"))
    self_score = table_score if table_score is not None else find_prose_score(document)
    prose_facts = prose_budget_facts(_running_texts(document), fiscal_year, kind)
    facts = dedupe_facts(table_facts + _not_contradicting(prose_facts, table_facts))
    indicators = list(table_indicators)
    if not any(i["origin"] == "table" and i["name"] != "预算执行率" for i in indicators):
        indicators += prose_indicators(document)
    origins = {
        name: {"origin": sourced.origin, "evidence": sourced.evidence}
        for name, sourced in (("unit_name", unit), ("fiscal_year", fiscal))
        if sourced.value is not None
    }
    report = {
        "report_kind": kind,
        "fiscal_year": fiscal_year,
        "unit_name": unit.value,
        "department_name": department_name,
        "project_name": project_name,
        "province": region.province,
        "city": region.city,
        "county": region.county,
        "self_score": self_score,
        "grade": find_grade([*(p.text for p in document.paragraphs), *table_texts(document)]),
        # A project table's scored money row, kept with the report rather than as an indicator.
        "budget_execution_rate": budget_row["actual_value"] if budget_row else None,
        "budget_execution_weight": budget_row["weight"] if budget_row else None,
        "budget_execution_score": budget_row["score"] if budget_row else None,
        "title": title,
        "field_origins": origins,
    }
    return report, facts, indicators


@dataclass
class ReportRecord:
    """One report of a document: its fields, facts and indicators, and where it lies in the document."""

    report: dict[str, Any]
    facts: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    index: int
    count: int
    pages: list[int]
    sheets: list[str]


def build_reports(document: Document, context: PageContext | None = None) -> list[ReportRecord]:
    """Every report the document holds, in document order (bundles split by reports.bundles).

    A later report of a bundle may leave its unit or year to the document's head (a cover or the
    page title it shares with the others): the whole document's context ranks below its own.
    """
    parts = split_reports(document)
    if len(parts) == 1:
        report, facts, indicators = build_report(document, context)
        part = parts[0]
        return [ReportRecord(report, facts, indicators, 0, 1, part.pages, part.sheets)]
    whole = page_context(document)
    if context is not None:
        whole = whole.merged_with(context)
    first_title = find_title(parts[0].document, whole)
    shared = whole if whole.title else replace(whole, title=first_title)
    out = []
    for part in parts:
        report, facts, indicators = build_report(part.document, shared)
        out.append(ReportRecord(report, facts, indicators, part.index, part.count, part.pages, part.sheets))
    return out


def _score_of_key(value: str | None) -> float | None:
    """The total score a form prints as a key cell ("自评总分(分) | 97.6"), if a plausible one."""
    number = parse_cell_number(value) if value else None
    return number if number is not None and 0 <= number <= 100 else None
