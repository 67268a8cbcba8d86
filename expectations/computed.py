"""Computed columns that turn cross-row and cross-table rules into row-level checks.

GX's column-map expectations judge one row at a time; rules such as "the printed 执行率
agrees with executed ÷ adjusted" or "a fact is not stated twice" need other rows.  Each
function here returns a copy of its table with extra columns holding the judged quantity
(NaN / None where the rule does not apply, which GX skips).  Nothing here changes a source
value: a slip in the source is flagged, never corrected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from expectations import vocabulary
from expectations.achievement import judge_achieved, score_contradiction
from expectations.breakdowns import breakdown_checks
from expectations.settings import QualitySettings

_FACT_KEY = ["report_id", "line", "stage", "item_key"]


def _blank_to_none(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def expected_grade(self_score: float | None, settings: QualitySettings) -> str | None:
    """The grade a score earns under DOMAIN.md's bands (优 ≥ 90, 良 80–90, 中 60–80, 差 < 60)."""
    if self_score is None:
        return None
    if self_score >= settings.grade_floor_excellent:
        return "优"
    if self_score >= settings.grade_floor_good:
        return "良"
    if self_score >= settings.grade_floor_pass:
        return "中"
    return "差"


def reports_with_checks(
    reports: pd.DataFrame, indicators: pd.DataFrame, settings: QualitySettings
) -> pd.DataFrame:
    """Adds unit_name_text (blank → null), expected_grade, grade_matches_self_score, and the
    report-wide sums of its scored-table indicators (see ``_indicator_sums``)."""
    frame = reports.copy()
    frame["unit_name_text"] = frame["unit_name"].map(_blank_to_none).astype(object)
    frame["expected_grade"] = [expected_grade(_float_or_none(s), settings) for s in frame["self_score"]]
    # A grade outside 优/良/中/差 is the vocabulary rule's finding, not a second one here.
    frame["grade_matches_self_score"] = [
        None if grade not in vocabulary.GRADES or expected is None else grade == expected
        for grade, expected in zip(frame["grade"].map(_blank_to_none), frame["expected_grade"], strict=True)
    ]
    frame["grade_matches_self_score"] = frame["grade_matches_self_score"].astype(object)
    sums = _indicator_sums(indicators)
    frame = frame.merge(sums, left_on="report_id", right_index=True, how="left")
    frame.index = reports.index
    # A project table's scored money row is a report field, not an indicator: it adds its points.
    for column, row_column in (
        ("weight_sum", "budget_execution_weight"),
        ("score_sum", "budget_execution_score"),
    ):
        extra = pd.to_numeric(frame.get(row_column, pd.Series(np.nan, index=frame.index)), errors="coerce")
        frame[column] = frame[column] + extra.fillna(0).where(frame[column].notna(), np.nan)
    score = pd.to_numeric(frame["self_score"], errors="coerce")
    frame["weights_sum_to_total"] = _within(
        frame["weight_sum"], settings.indicator_weight_total, frame["weighted_indicators"], settings
    )
    frame["scores_sum_to_self_score"] = _within(
        frame["score_sum"],
        score.where((score >= 0) & (score <= settings.max_self_score)),
        frame["scored_indicators"],
        settings,
    )
    return frame


def _indicator_sums(indicators: pd.DataFrame) -> pd.DataFrame:
    """report_id → weight_sum / weighted_indicators and score_sum / scored_indicators over the
    report's scored-table indicators (prose indicators carry no 分值 of the table).  A report
    with a negative weight (score) gets no weight (score) sum: that rule reports it, and a sum
    around it would only echo it."""
    scored = indicators[indicators["origin"] != "prose"]
    values = pd.DataFrame(
        {
            "report_id": scored["report_id"],
            "weight": pd.to_numeric(scored["weight"], errors="coerce"),
            "score": pd.to_numeric(scored["score"], errors="coerce"),
        }
    )
    grouped = values.groupby("report_id")
    sums = pd.DataFrame(
        {
            "weight_sum": grouped["weight"].sum(min_count=1),
            "weighted_indicators": grouped["weight"].count(),
            "score_sum": grouped["score"].sum(min_count=1),
            "scored_indicators": grouped["score"].count(),
        }
    )
    sums.loc[grouped["weight"].min() < 0, "weight_sum"] = np.nan
    sums.loc[grouped["score"].min() < 0, "score_sum"] = np.nan
    return sums


def _within(
    parts_sum: pd.Series, total: pd.Series | float, parts: pd.Series, settings: QualitySettings
) -> pd.Series:
    """True / False: a sum of printed parts equals its total within rounding (one
    ``rounding_tolerance_per_part`` per part); None where either side is missing."""
    gap = (parts_sum - total).abs()
    tolerance = settings.rounding_tolerance_per_part * parts.fillna(0)
    return pd.Series(
        [None if pd.isna(g) else bool(g <= t) for g, t in zip(gap, tolerance, strict=True)],
        index=parts_sum.index,
        dtype=object,
    )


def used_statements(facts: pd.DataFrame) -> pd.DataFrame:
    """The statement of each (report_id, line, stage, item) the warehouse uses (dbt
    int_budget_facts_pivoted_to_lines): a table's figure before prose, then the first printed.
    Columns: report_id, line, stage, item_key ('' for none), amount_wan_yuan, fact_no, origin."""
    frame = facts.assign(
        item_key=facts["item"].map(_blank_to_none).fillna(""),
        prose_rank=(facts["origin"] != "table").astype(int),
    )
    return frame.sort_values(["prose_rank", "fact_no"], kind="stable").drop_duplicates(
        _FACT_KEY, keep="first"
    )[[*_FACT_KEY, "amount_wan_yuan", "fact_no", "origin"]]


def budget_facts_with_checks(
    facts: pd.DataFrame, indicators: pd.DataFrame, reports: pd.DataFrame, settings: QualitySettings
) -> pd.DataFrame:
    """Adds used_amount / used_fact_no and contradicts_used_statement (a (line, stage, item)
    stated again with another amount), adjusted_same_line, executed_over_adjusted, on the
    total line's executed fact: computed_execution_rate, printed_execution_rate,
    execution_rate_gap (percentage points), and on each breakdown's total fact its
    ``<rule>__agrees`` / ``<rule>__observed`` (breakdowns.py)."""
    frame = facts.copy()
    frame["item_key"] = frame["item"].map(_blank_to_none).fillna("")
    statements = used_statements(facts)
    used = statements[[*_FACT_KEY, "amount_wan_yuan", "fact_no"]].rename(
        columns={"amount_wan_yuan": "used_amount", "fact_no": "used_fact_no"}
    )
    frame = frame.merge(used, on=_FACT_KEY, how="left")
    frame.index = facts.index
    frame["contradicts_used_statement"] = [
        None
        if fact_no == used_no or _float_or_none(amount) is None or _float_or_none(used_amount) is None
        else abs(float(amount) - float(used_amount)) > settings.amount_tolerance
        for fact_no, used_no, amount, used_amount in zip(
            frame["fact_no"],
            frame["used_fact_no"],
            frame["amount_wan_yuan"],
            frame["used_amount"],
            strict=True,
        )
    ]
    frame["contradicts_used_statement"] = frame["contradicts_used_statement"].astype(object)

    adjusted = used[used["stage"] == "adjusted_budget"][["report_id", "line", "item_key", "used_amount"]]
    frame = frame.merge(
        adjusted.rename(columns={"used_amount": "adjusted_same_line"}),
        on=["report_id", "line", "item_key"],
        how="left",
    )
    frame.index = facts.index

    executed = frame["stage"] == "executed"
    frame["executed_over_adjusted"] = [
        _ratio(amount, base) if is_executed else np.nan
        for amount, base, is_executed in zip(
            frame["amount_wan_yuan"], frame["adjusted_same_line"], executed, strict=True
        )
    ]

    printed = _printed_execution_rates(indicators, settings)
    total_executed = executed & (frame["line"] == "total") & (frame["item_key"] == "")
    frame["computed_execution_rate"] = np.where(
        total_executed, frame["executed_over_adjusted"].astype(float) * 100, np.nan
    )
    frame.loc[~np.isfinite(frame["computed_execution_rate"]), "computed_execution_rate"] = np.nan
    frame["printed_execution_rate"] = np.where(
        total_executed, frame["report_id"].map(printed).astype(float), np.nan
    )
    frame["execution_rate_gap"] = (frame["printed_execution_rate"] - frame["computed_execution_rate"]).abs()

    kinds = dict(zip(reports["report_id"], reports["report_kind"], strict=True))
    whole_lines = statements[statements["item_key"] == ""]
    sums = breakdown_checks(whole_lines, kinds, settings)
    frame = frame.merge(sums, on=["report_id", "stage", "line", "fact_no"], how="left")
    frame.index = facts.index
    for column in sums.columns.difference(["report_id", "stage", "line", "fact_no"]):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def indicators_with_checks(indicators: pd.DataFrame, settings: QualitySettings) -> pd.DataFrame:
    """Adds score_over_weight (score − weight, points; NaN under a negative weight, which the
    weight rule already reports), achieved (as dbt judges it) and score_contradiction (the
    printed score says the opposite of achieved: full marks for a miss, zero for a hit)."""
    frame = indicators.copy()
    weight = pd.to_numeric(frame["weight"], errors="coerce")
    score = pd.to_numeric(frame["score"], errors="coerce")
    frame["score_over_weight"] = (score - weight).where(weight >= 0)
    frame["achieved"] = pd.Series(
        [
            judge_achieved(*values, settings.achievement_tolerance)
            for values in zip(
                frame["target_op"],
                frame["target_value"],
                frame["actual_value"],
                frame["target_unit"],
                frame["actual_unit"],
                strict=True,
            )
        ],
        index=frame.index,
        dtype=object,
    )
    contradictions = [
        score_contradiction(achieved, w, s, settings.score_over_weight_tolerance)
        for achieved, w, s in zip(frame["achieved"], weight, score, strict=True)
    ]
    frame["score_contradiction"] = pd.Series(contradictions, index=frame.index, dtype=object)
    judgeable = frame["achieved"].notna() & (weight > 0) & (score >= 0)
    frame["score_agrees_with_achievement"] = pd.Series(
        [None if not can else reason is None for can, reason in zip(judgeable, contradictions, strict=True)],
        index=frame.index,
        dtype=object,
    )
    return frame


def _printed_execution_rates(indicators: pd.DataFrame, settings: QualitySettings) -> pd.Series:
    """report_id → the first 预算执行率 indicator's actual value (the printed 执行率, %)."""
    names = indicators["name"].map(_blank_to_none)
    rates = indicators[names == settings.execution_rate_indicator_name]
    rates = rates.sort_values("indicator_no", kind="stable").drop_duplicates("report_id", keep="first")
    return rates.set_index("report_id")["actual_value"]


def _float_or_none(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def _ratio(amount: object, base: object) -> float:
    """amount ÷ base; inf for a positive amount over a zero base, NaN where undefined or where
    an amount is negative (the amount rule reports that; a ratio of it would only echo it)."""
    numerator, denominator = _float_or_none(amount), _float_or_none(base)
    if numerator is None or denominator is None or numerator < 0 or denominator < 0:
        return np.nan
    if denominator == 0:
        return np.inf if numerator > 0 else np.nan
    return numerator / denominator
