"""The generator's promises: deterministic, internally consistent, and labelled per the contract."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from extractors.samples import REPORT_KINDS, random_report_spec, render_report, spec_to_record
from extractors.samples.catalog import COUNTIES
from extractors.samples.spec import BUDGET_WEIGHT, FISCAL_YEARS, grade_for

CONTRACT_LINES = {
    "total", "general_public_budget", "government_fund", "state_capital", "special_account", "fiscal_funds",
    "unit_funds", "other_funds", "basic_expenditure", "project_expenditure", "personnel", "public_operating",
    "three_public", "official_vehicles", "vehicle_purchase", "vehicle_operation", "overseas_travel",
    "official_reception", "office", "utilities_travel", "meetings_training", "government_procurement",
    "project_item",
}  # fmt: skip
CONTRACT_STAGES = {"prior_year_final", "initial_budget", "adjusted_budget", "executed"}
SPECS = [random_report_spec(random.Random(seed)) for seed in range(150)]


def test_same_seed_gives_same_truth_and_same_bytes() -> None:
    for kind in REPORT_KINDS:
        first, second = random_report_spec(random.Random(7), kind), random_report_spec(random.Random(7), kind)
        assert spec_to_record(first) == spec_to_record(second)
        for fmt in ("pdf", "docx", "xlsx", "html"):
            assert render_report(first, fmt) == render_report(second, fmt), fmt


def test_different_seeds_give_different_reports() -> None:
    titles = {spec.title for spec in SPECS}
    assert len(titles) > 100


def test_both_kinds_all_years_and_several_grades_occur() -> None:
    assert {spec.kind for spec in SPECS} == set(REPORT_KINDS)
    assert {spec.fiscal_year for spec in SPECS} == set(FISCAL_YEARS)
    assert len(Counter(spec.grade for spec in SPECS)) >= 3


@pytest.mark.parametrize("spec", SPECS[:60], ids=lambda s: s.title)
def test_scores_weights_and_rates_add_up(spec) -> None:  # type: ignore[no-untyped-def]
    """The 预算执行率 row's 10 points and every indicator's add up to 100 and to the self score; a
    department's record lists that row first, a project's leaves it out (labelling.md)."""
    record = spec_to_record(spec)
    indicators = record["indicators"]
    listed_budget_row = spec.kind != "project"
    if listed_budget_row:
        assert indicators[0]["name"] == "预算执行率" and indicators[0]["weight"] == 10
        assert indicators[0]["level1"] is None and indicators[0]["level2"] is None
        rows = indicators[1:]
    else:
        assert "预算执行率" not in {ind["name"] for ind in indicators}
        rows = indicators
    budget_weight, budget_score = BUDGET_WEIGHT / 100, spec.budget_score / 100
    assert sum(ind["weight"] for ind in rows) + budget_weight == pytest.approx(100)
    assert all(0 <= ind["score"] <= ind["weight"] for ind in indicators)
    assert record["report"]["self_score"] == pytest.approx(
        sum(ind["score"] for ind in rows) + budget_score, abs=1e-9
    )
    assert record["report"]["grade"] == grade_for(round(record["report"]["self_score"] * 100))
    assert {ind["level1"] for ind in rows} == {"产出指标", "效益指标", "满意度指标"}
    assert len({ind["name"] for ind in indicators}) == len(indicators), "names identify indicators"

    facts = {(f["line"], f["stage"]): f["amount_wan_yuan"] for f in record["budget_facts"]}
    adjusted, executed = facts[("total", "adjusted_budget")], facts[("total", "executed")]
    rate = spec.execution_rate / 100
    assert rate == pytest.approx(round(executed / adjusted * 100, 2), abs=0.005)
    if listed_budget_row:
        assert indicators[0]["actual_value"] == pytest.approx(rate)
        assert indicators[0]["actual_text"] == f"{rate:.2f}%"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.title)
def test_budget_blocks_are_consistent(spec) -> None:  # type: ignore[no-untyped-def]
    rows = {row.label: row.amounts for row in spec.budget_rows}
    total = spec.total_row.amounts
    for stage in range(3):
        if spec.kind == "project":
            parts = ("其中：当年财政拨款", "上年结转资金", "其他资金")
            assert sum(rows[p][stage] for p in parts) == total[stage]
        else:
            income = ("按收入性质分：一般公共预算", "政府性基金", "其他资金")
            expense = ("按支出性质分：基本支出", "项目支出")
            assert sum(rows[p][stage] for p in income) == total[stage]
            assert sum(rows[p][stage] for p in expense) == total[stage]
    assert 0 < total[2] <= total[1]
    if spec.kind == "department_overall":
        basic = {row.label: row.values for row in spec.basic_rows}
        for col in range(3):
            assert basic["三公经费"][col] == (
                basic["1、公务用车购置和维护经费"][col]
                + basic["2、出国经费"][col]
                + basic["3、公务接待"][col]
            )
            assert (
                basic["1、公务用车购置和维护经费"][col]
                == basic["其中：公车购置"][col] + basic["公车运行维护"][col]
            )
        assert basic["项目支出"][1:] == (rows["项目支出"][0], rows["项目支出"][2])


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.title)
def test_facts_follow_the_labelling_conventions(spec) -> None:  # type: ignore[no-untyped-def]
    record = spec_to_record(spec)
    keys = [(f["line"], f["stage"], f["item"], f["amount_wan_yuan"]) for f in record["budget_facts"]]
    assert len(keys) == len(set(keys)), "equal repeats must be one fact"
    assert {f["line"] for f in record["budget_facts"]} <= CONTRACT_LINES
    assert {f["stage"] for f in record["budget_facts"]} <= CONTRACT_STAGES
    for row in [*spec.budget_rows, *spec.basic_rows]:
        labelled = [f for f in record["budget_facts"] if row.label in f["evidence"]]
        if row.is_template_zero or row.line is None:
            assert not labelled, f"{row.label}: template zeros and unmapped rows are not facts"
    assert all(f["origin"] in ("table", "prose") for f in record["budget_facts"])
    if spec.kind == "project":
        assert not any("上年结转资金" in f["evidence"] for f in record["budget_facts"])
        assert record["report"]["project_name"] and record["report"]["department_name"]
    else:
        assert record["report"]["project_name"] is None and record["report"]["department_name"] is None
        assert any(f["origin"] == "prose" for f in record["budget_facts"])
        assert not any(
            f["amount_wan_yuan"] == 0 and f["line"] == "government_fund" for f in record["budget_facts"]
        )


@pytest.mark.parametrize("spec", SPECS[:40], ids=lambda s: s.title)
def test_unit_names_carry_a_real_division(spec) -> None:  # type: ignore[no-untyped-def]
    report = spec_to_record(spec)["report"]
    assert any((r.province, r.city) == (report["province"], report["city"]) for r in COUNTIES)
    assert report["unit_name"].startswith(report["city"] + (report["county"] or ""))
    if report["county"] is None:
        assert not any(report["unit_name"].startswith(r.city + r.county) for r in COUNTIES if r.county)


def test_indicator_targets_are_labelled_like_the_seeds() -> None:
    seen = Counter()
    for spec in SPECS:
        for ind in spec_to_record(spec)["indicators"][1:]:
            text, op = ind["target_text"], ind["target_op"]
            if "以上" in text or "≥" in text or "不低于" in text:
                assert op == ">=", text
            elif "以内" in text or "≤" in text or "不超过" in text:
                assert op == "<=", text
            elif text.startswith("="):
                assert op == "=", text
            elif any(ch.isdigit() for ch in text):
                assert op is None, text
            else:
                assert op == "qualitative" and ind["target_value"] is None, text
            seen[op] += 1
    assert set(seen) == {">=", "<=", "=", None, "qualitative"}


def test_bad_arguments_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown report kind"):
        random_report_spec(random.Random(1), "budget")
    with pytest.raises(ValueError, match="unsupported sample format"):
        render_report(SPECS[0], "doc")


GRADE_CASES = [(9000, "优"), (8999, "良"), (8000, "良"), (7999, "中"), (6000, "中"), (5999, "差")]


@pytest.mark.parametrize(("total", "grade"), GRADE_CASES)
def test_grade_thresholds(total: int, grade: str) -> None:
    assert grade_for(total) == grade
