"""One bad report never stops a night: the warehouse publishes with the rest of its reports.

Each case stages a night of two clean reports and one report with one defect — a report-level
field missing (year, unit, kind, region, score), one fact or indicator field missing or wrong,
or a report-wide defect — and runs the pipeline's own steps (validate, build, publish).  The
warehouse must publish with both clean reports; the defective one is published and flagged
when what it lacks is one field, loses only the bad record when the defect is a record's, and
is held out whole only for a report-wide defect — and whatever is held out stays queryable in
quality.held_out_*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from staged_runs import _document, _facts, _indicator, _report, write_staged_run

from extractors import pipeline
from extractors.settings import Settings

pytestmark = pytest.mark.slow

NIGHT = "2026-12-03T02-00-00"
GOOD_1, GOOD_2, DEFECTIVE = (f"{n:x}" * 16 for n in (0x1, 0x2, 0x3))
AT = datetime(2026, 12, 3, 2, 30)


@dataclass(frozen=True)
class Defect:
    """What is wrong with the defective report, and what the warehouse must then show."""

    report: dict[str, Any] = field(default_factory=dict)  # report fields overridden
    fact: dict[str, Any] = field(default_factory=dict)  # fields of its fact 0 overridden
    indicator: dict[str, Any] = field(default_factory=dict)  # fields of its indicator 0 overridden
    published: bool = True  # the report reaches dim_report
    flag: str | None = None  # expected in dim_report.quality_flags
    facts_published: int = 3  # its budget facts pivoted into fct_budget_execution rows
    held_out_facts: int = 0
    indicators_published: int = 2
    held_out_indicators: int = 0


DEFECTS = {
    # report-level fields missing: published, flagged where a rule watches the field
    "no_year": Defect(report={"fiscal_year": None}, flag="reports.fiscal_year_present"),
    "no_unit": Defect(report={"unit_name": None}, flag="reports.unit_name_present"),
    "blank_unit": Defect(report={"unit_name": "  "}, flag="reports.unit_name_present"),
    "no_kind": Defect(report={"report_kind": None}, flag="reports.report_kind_present"),
    "no_region": Defect(report={"province": None, "city": None, "county": None}),
    "no_score": Defect(report={"self_score": None, "grade": None}),
    # fact-level fields: only that fact is held out
    "fact_without_amount": Defect(fact={"amount_wan_yuan": None}, facts_published=2, held_out_facts=1),
    "fact_without_line": Defect(fact={"line": None}, facts_published=2, held_out_facts=1),
    "fact_without_stage": Defect(fact={"stage": None}, facts_published=2, held_out_facts=1),
    "negative_amount": Defect(fact={"amount_wan_yuan": -3.0}, facts_published=2, held_out_facts=1),
    # indicator-level fields
    "indicator_without_name": Defect(indicator={"name": None}),
    "negative_weight": Defect(indicator={"weight": -5.0}, indicators_published=1, held_out_indicators=1),
    # report-wide defect: the report is held out whole, its figures kept in quality
    "year_out_of_range": Defect(
        report={"fiscal_year": 1800},
        published=False,
        facts_published=0,
        held_out_facts=4,
        indicators_published=0,
        held_out_indicators=2,
    ),
}


def _night(defect: Defect) -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {"documents": [], "reports": [], "budget_facts": [], "indicators": []}
    units = {GOOD_1: "某某市财政局", GOOD_2: "某某县教育局", DEFECTIVE: "某某区民政局"}
    for report_id, unit in units.items():
        bad = report_id == DEFECTIVE
        tables["documents"].append(_document(report_id, NIGHT, AT))
        report = _report(report_id, NIGHT, unit_name=unit, report_kind="department_overall")
        tables["reports"].append({**report, **defect.report} if bad else report)
        facts = _facts(
            report_id,
            NIGHT,
            [
                ("project_expenditure", "adjusted_budget", None, 80.0),
                ("total", "adjusted_budget", None, 100.0),
                ("total", "executed", None, 95.0),
                ("basic_expenditure", "executed", None, 15.0),
            ],
        )
        if bad:
            facts[0] = {**facts[0], **defect.fact}
        tables["budget_facts"] += facts
        indicators = [
            _indicator(report_id, NIGHT, 0, level1="产出指标", name="培训人次", target_op=">=",
                       target_value=100.0, target_unit="人次", actual_value=120.0, actual_unit="人次",
                       weight=10.0, score=10.0),
            _indicator(report_id, NIGHT, 1, level1="满意度指标", name="满意度", target_op=">=",
                       target_value=90.0, target_unit="%", actual_value=95.0, actual_unit="%",
                       weight=10.0, score=10.0),
        ]  # fmt: skip
        if bad:
            indicators[0] = {**indicators[0], **defect.indicator}
        tables["indicators"] += indicators
    return tables


def _one(connection: duckdb.DuckDBPyConnection, sql: str, *params: object) -> Any:
    return connection.execute(sql, list(params)).fetchone()[0]


@pytest.mark.parametrize("name", list(DEFECTS))
def test_the_night_publishes_with_one_bad_report(name: str, tmp_path: Path) -> None:
    defect = DEFECTS[name]
    settings = Settings(
        sources_file=tmp_path / "sources.yaml",
        data_dir=tmp_path / "data",
        warehouse_path=tmp_path / "w.duckdb",
    )
    write_staged_run(settings.staging_dir, NIGHT, _night(defect))
    pipeline.validate(settings, NIGHT)
    pipeline.build(settings)
    pipeline.publish(settings, NIGHT)

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as published:
        reports = {row[0] for row in published.execute("select report_id from marts.dim_report").fetchall()}
        assert {GOOD_1, GOOD_2} <= reports, "the clean reports of the night are published"
        for good in (GOOD_1, GOOD_2):
            assert (
                _one(published, "select count(*) from marts.fct_budget_execution where report_id = ?", good)
                == 3
            )
        assert (DEFECTIVE in reports) == defect.published
        if defect.published:
            flags = _one(
                published, "select quality_flags from marts.dim_report where report_id = ?", DEFECTIVE
            )
            if defect.flag:
                assert defect.flag in (flags or ""), flags
        else:
            assert (
                _one(
                    published, "select count(*) from quality.held_out_reports where report_id = ?", DEFECTIVE
                )
                == 1
            )
        assert (
            _one(published, "select count(*) from marts.fct_budget_execution where report_id = ?", DEFECTIVE)
            == defect.facts_published
        )
        assert (
            _one(
                published, "select count(*) from quality.held_out_budget_facts where report_id = ?", DEFECTIVE
            )
            == defect.held_out_facts
        )
        assert (
            _one(
                published,
                "select count(*) from marts.fct_indicator_achievement where report_id = ?",
                DEFECTIVE,
            )
            == defect.indicators_published
        )
        assert (
            _one(published, "select count(*) from quality.held_out_indicators where report_id = ?", DEFECTIVE)
            == defect.held_out_indicators
        )
