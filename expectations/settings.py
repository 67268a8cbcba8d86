"""Tunables of the quality suites, in one dataclass so a run can loosen or tighten them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QualitySettings:
    """Thresholds of the suites; the defaults follow DOMAIN.md and the extraction contract."""

    # A batch of at least this many reports, every one quarantined, points at a broken extractor
    # or portal rather than at bad reports: the run stops before publishing.  A smaller batch
    # (one bad report on a quiet night) publishes, its reports queryable in quality.held_out_*.
    min_reports_to_stop_when_all_quarantined: int = 5
    min_fiscal_year: int = 2000
    max_fiscal_year: int = 2100
    max_self_score: float = 100.0
    # Grade bands (DOMAIN.md): 优 >= 90, 良 80-90, 中 60-80, 差 < 60.
    grade_floor_excellent: float = 90.0
    grade_floor_good: float = 80.0
    grade_floor_pass: float = 60.0
    # Printed 执行率 (the 预算执行率 indicator) vs executed / adjusted * 100, percentage points:
    # sources print rates rounded to whole percents, so a half point is a rounding step.
    execution_rate_tolerance_pp: float = 0.5
    # Executed above this multiple of the adjusted budget is implausible (a unit slip, 元 vs 万元).
    max_executed_to_adjusted: float = 2.0
    # Two statements of one amount agree within this many 万元 (contract tolerance).
    amount_tolerance: float = 0.01
    # Score may exceed weight by this much before it is flagged (contract tolerance).
    score_over_weight_tolerance: float = 0.01
    # A sum of printed parts (budget breakdowns, indicator weights and scores) may miss its
    # printed total by this much per part summed: each figure is rounded to 0.01 when printed.
    rounding_tolerance_per_part: float = 0.01
    # A closed budget breakdown (breakdowns.py) is held to equality when at least this many of
    # its parts come from tables with the total; fewer parts are only held within the total.
    min_parts_for_equality: int = 2
    # The 分值 of a scored table's indicators add up to this (the 总分 row's 分值; that row
    # itself is not staged, so the template's 100 stands in for it).
    indicator_weight_total: float = 100.0
    # target vs actual when judging ``achieved``: dbt's var('value_tolerance'), keep equal.
    achievement_tolerance: float = 0.01
    # The indicator whose actual value is the printed budget execution rate.
    execution_rate_indicator_name: str = "预算执行率"
    known_level1: tuple[str, ...] = (
        "产出指标",
        "效益指标",
        "满意度指标",
        "成本指标",
        "预算执行",
        "预算执行率",
        "预算执行情况",
        "投入指标",
        "过程指标",
        "效果指标",
        # 部门整体支出 templates (seen in the seed reports)
        "运行成本指标",
        "管理效率指标",
        "履职效能指标",
        "可持续发展能力指标",
        "能力建设指标",
    )
