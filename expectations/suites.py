"""The quality suites as code: which rule checks what, how severe a failure is.

A rule names one GX expectation over one column (a staged column or a computed one, see
computed.py) and how its failures read in ``quality_results``.  Severity ``error``
quarantines the failing record (a report-level rule: the whole report); ``warn`` flags it
and keeps it in the marts.  Rules are data, so adding one is one entry, and tests can
enumerate them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from expectations import computed, twins, vocabulary
from expectations.breakdowns import ALL_KINDS, BREAKDOWNS, Breakdown
from expectations.settings import QualitySettings

Severity = Literal["error", "warn"]


@dataclass(frozen=True)
class Rule:
    """One expectation of one suite."""

    name: str
    severity: Severity
    column: str
    gx_expectation: str  # class name in great_expectations.expectations
    description: str
    kwargs: Mapping[str, object] = field(default_factory=dict)
    # Computed column GX checks instead of ``column`` (computed.py); ``column`` is still reported.
    checked_column: str | None = None
    # Text of the observed value from the whole failing row; default: the column's value.
    observe: Callable[[pd.Series], str] | None = None

    @property
    def gx_column(self) -> str:
        return self.checked_column or self.column


@dataclass(frozen=True)
class Suite:
    """The rules over one staged table, and how its rows map to quality_results records."""

    name: str
    table: str
    record_column: str | None  # fact_no / indicator_no; None = report-level
    rules: tuple[Rule, ...]
    prepare: Callable[[Mapping[str, pd.DataFrame]], pd.DataFrame]


def _in_set(values: tuple[str, ...]) -> dict[str, object]:
    return {"value_set": list(values)}


def _present(name: str, column: str, severity: Severity, what: str) -> Rule:
    return Rule(name, severity, column, "ExpectColumnValuesToNotBeNull", f"{what} is missing")


def _fmt(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "null"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def build_suites(settings: QualitySettings) -> tuple[Suite, ...]:
    """The suites of the current version, thresholds from ``settings``."""
    reports = Suite(
        name="reports",
        table="reports",
        record_column=None,
        prepare=lambda tables: computed.reports_with_checks(
            tables["reports"], tables["indicators"], settings
        ),
        rules=(
            Rule(
                "fiscal_year_in_range",
                "error",
                "fiscal_year",
                "ExpectColumnValuesToBeBetween",
                f"fiscal_year outside {settings.min_fiscal_year}..{settings.max_fiscal_year}",
                {"min_value": settings.min_fiscal_year, "max_value": settings.max_fiscal_year},
            ),
            _present("fiscal_year_present", "fiscal_year", "warn", "fiscal_year"),
            # A report that names no unit (or no kind) still publishes its facts, flagged: a
            # missing field is no reason to hold back what the report does print.
            Rule(
                "unit_name_present",
                "warn",
                "unit_name",
                "ExpectColumnValuesToNotBeNull",
                "unit_name is missing or blank",
                checked_column="unit_name_text",
            ),
            _present("report_kind_present", "report_kind", "warn", "report_kind"),
            Rule(
                "report_kind_in_vocabulary",
                "error",
                "report_kind",
                "ExpectColumnValuesToBeInSet",
                "report_kind is not department_overall or project",
                _in_set(vocabulary.REPORT_KINDS),
            ),
            Rule(
                "self_score_in_range",
                "error",
                "self_score",
                "ExpectColumnValuesToBeBetween",
                f"self_score outside 0..{settings.max_self_score:g}",
                {"min_value": 0, "max_value": settings.max_self_score},
            ),
            Rule(
                "grade_in_vocabulary",
                "warn",
                "grade",
                "ExpectColumnValuesToBeInSet",
                "grade is not one of 优/良/中/差",
                _in_set(vocabulary.GRADES),
            ),
            Rule(
                "grade_matches_self_score",
                "warn",
                "grade",
                "ExpectColumnValuesToBeInSet",
                "printed grade disagrees with the grade self_score earns",
                {"value_set": [True]},
                checked_column="grade_matches_self_score",
                observe=lambda row: (
                    f"grade {_fmt(row['grade'])}, self_score {_fmt(row['self_score'])} "
                    f"(earns {_fmt(row['expected_grade'])})"
                ),
            ),
            Rule(
                "indicator_weights_sum_to_total",
                "warn",
                "weight",
                "ExpectColumnValuesToBeInSet",
                f"the 分值 of the scored table's indicators do not add up to "
                f"{settings.indicator_weight_total:g}",
                {"value_set": [True]},
                checked_column="weights_sum_to_total",
                observe=lambda row: (
                    f"weights sum to {row['weight_sum']:.2f} over {int(row['weighted_indicators'])} "
                    f"indicators, total {settings.indicator_weight_total:g}"
                ),
            ),
            Rule(
                "indicator_scores_sum_to_self_score",
                "warn",
                "self_score",
                "ExpectColumnValuesToBeInSet",
                "the 得分 of the scored table's indicators do not add up to the report's total score",
                {"value_set": [True]},
                checked_column="scores_sum_to_self_score",
                observe=lambda row: (
                    f"scores sum to {row['score_sum']:.2f} over {int(row['scored_indicators'])} "
                    f"indicators, self_score {_fmt(row['self_score'])}"
                ),
            ),
        ),
    )
    budget_facts = Suite(
        name="budget_facts",
        table="budget_facts",
        record_column="fact_no",
        prepare=lambda tables: computed.budget_facts_with_checks(
            tables["budget_facts"], tables["indicators"], tables["reports"], settings
        ),
        rules=(
            _present("amount_present", "amount_wan_yuan", "error", "amount_wan_yuan"),
            Rule(
                "amount_non_negative",
                "error",
                "amount_wan_yuan",
                "ExpectColumnValuesToBeBetween",
                "amount_wan_yuan is negative",
                {"min_value": 0},
            ),
            _present("line_present", "line", "error", "line"),
            Rule(
                "line_in_vocabulary",
                "error",
                "line",
                "ExpectColumnValuesToBeInSet",
                "line is not in the extraction-record vocabulary",
                _in_set(vocabulary.BUDGET_LINES),
            ),
            _present("stage_present", "stage", "error", "stage"),
            Rule(
                "stage_in_vocabulary",
                "error",
                "stage",
                "ExpectColumnValuesToBeInSet",
                "stage is not in the extraction-record vocabulary",
                _in_set(vocabulary.BUDGET_STAGES),
            ),
            Rule(
                "origin_in_vocabulary",
                "error",
                "origin",
                "ExpectColumnValuesToBeInSet",
                "origin is not table or prose",
                _in_set(vocabulary.ORIGINS),
            ),
            Rule(
                "restatement_agrees",
                "warn",
                "amount_wan_yuan",
                "ExpectColumnValuesToBeInSet",
                "the record states this (line, stage, item) again with another amount; "
                "the warehouse uses the table's (else the first) figure",
                {"value_set": [False]},
                checked_column="contradicts_used_statement",
                observe=lambda row: (
                    f"{row['line']}/{row['stage']}/{_fmt(row['item'])} = {_fmt(row['amount_wan_yuan'])}, "
                    f"used {_fmt(row['used_amount'])} (fact {_fmt(row['used_fact_no'])})"
                ),
            ),
            Rule(
                "printed_execution_rate_matches",
                "warn",
                "execution_rate",
                "ExpectColumnValuesToBeBetween",
                f"printed 执行率 differs from executed ÷ adjusted_budget × 100 by more than "
                f"{settings.execution_rate_tolerance_pp:g} pp",
                {"max_value": settings.execution_rate_tolerance_pp},
                checked_column="execution_rate_gap",
                observe=lambda row: (
                    f"printed {_fmt(row['printed_execution_rate'])}%, "
                    f"computed {row['computed_execution_rate']:.2f}%"
                ),
            ),
            Rule(
                "executed_within_twice_adjusted",
                "warn",
                "amount_wan_yuan",
                "ExpectColumnValuesToBeBetween",
                f"executed exceeds {settings.max_executed_to_adjusted:g} × adjusted_budget of the same line",
                {"max_value": settings.max_executed_to_adjusted},
                checked_column="executed_over_adjusted",
                observe=lambda row: (
                    f"executed {_fmt(row['amount_wan_yuan'])}, adjusted {_fmt(row['adjusted_same_line'])}"
                ),
            ),
            *(_breakdown_rule(breakdown, settings) for breakdown in BREAKDOWNS),
        ),
    )
    indicators = Suite(
        name="indicators",
        table="indicators",
        record_column="indicator_no",
        prepare=lambda tables: computed.indicators_with_checks(tables["indicators"], settings),
        rules=(
            Rule(
                "weight_non_negative",
                "error",
                "weight",
                "ExpectColumnValuesToBeBetween",
                "weight is negative",
                {"min_value": 0},
            ),
            Rule(
                "score_non_negative",
                "error",
                "score",
                "ExpectColumnValuesToBeBetween",
                "score is negative",
                {"min_value": 0},
            ),
            Rule(
                "score_within_weight",
                "warn",
                "score",
                "ExpectColumnValuesToBeBetween",
                "score exceeds weight",
                {"max_value": settings.score_over_weight_tolerance},
                checked_column="score_over_weight",
                observe=lambda row: f"score {_fmt(row['score'])}, weight {_fmt(row['weight'])}",
            ),
            Rule(
                "score_agrees_with_achievement",
                "warn",
                "score",
                "ExpectColumnValuesToBeInSet",
                "the printed score contradicts whether actual met target "
                "(full marks for a missed target, or zero for a met one)",
                {"value_set": [True]},
                checked_column="score_agrees_with_achievement",
                observe=lambda row: (
                    f"{row['score_contradiction']}: target {_fmt(row['target_op'])} "
                    f"{_fmt(row['target_value'])}{_unit(row['target_unit'])}, actual "
                    f"{_fmt(row['actual_value'])}{_unit(row['actual_unit'])}, "
                    f"score {_fmt(row['score'])} of {_fmt(row['weight'])}"
                ),
            ),
            Rule(
                "level1_known",
                "warn",
                "level1",
                "ExpectColumnValuesToBeInSet",
                "level1 is not a known 一级指标",
                _in_set(settings.known_level1),
            ),
            Rule(
                "target_op_in_vocabulary",
                "error",
                "target_op",
                "ExpectColumnValuesToBeInSet",
                "target_op is not in the extraction-record vocabulary",
                _in_set(vocabulary.TARGET_OPS),
            ),
            Rule(
                "origin_in_vocabulary",
                "error",
                "origin",
                "ExpectColumnValuesToBeInSet",
                "origin is not table or prose",
                _in_set(vocabulary.ORIGINS),
            ),
        ),
    )
    cross_document = Suite(
        name="cross_document",
        table="reports",
        record_column=None,
        prepare=lambda tables: twins.twin_checks(
            tables["reports"],
            tables["budget_facts"],
            tables["earlier_reports"],
            tables["earlier_budget_facts"],
            settings,
        ),
        rules=(
            Rule(
                "published_twice_with_same_figures",
                "warn",
                "report_id",
                "ExpectColumnValuesToBeInSet",
                "another document of the same unit, fiscal year, report kind and project "
                "states different figures; both are kept and flagged",
                {"value_set": [True]},
                checked_column="figures_agree_with_twins",
                observe=lambda row: str(row["twins_observed"]),
            ),
        ),
    )
    return (reports, budget_facts, indicators, cross_document)


def _breakdown_rule(breakdown: Breakdown, settings: QualitySettings) -> Rule:
    """A budget breakdown (breakdowns.py) as a warning on its total's fact."""
    parts = " + ".join(breakdown.part_lines)
    rounding = f"({settings.rounding_tolerance_per_part:g} 万元 per part)"
    if not breakdown.closed_for:
        description = f"{parts} exceed {breakdown.total_line} by more than rounding {rounding}"
    else:
        scope = (
            ""
            if breakdown.closed_for == ALL_KINDS
            else f" in {'/'.join(sorted(breakdown.closed_for))} reports"
        )
        description = (
            f"{parts} do not add up to {breakdown.total_line}{scope} within rounding {rounding}, "
            "or (stated in prose or only in part) exceed it"
        )
    return Rule(
        breakdown.rule,
        "warn",
        "amount_wan_yuan",
        "ExpectColumnValuesToBeInSet",
        description,
        {"value_set": [True]},
        checked_column=breakdown.agrees_column,
        observe=lambda row: str(row[breakdown.observed_column]),
    )


def _unit(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
