"""The transfer families' promises: drawn among the others, deterministic, printed as the real forms
are, and labelled by the rules the real transfer reports are labelled by (labelling.md)."""

from __future__ import annotations

import random

import pytest

from extractors.samples import FAMILIES, FAMILY_FORMATS, random_family_spec, render_report, spec_to_record
from extractors.samples.spec import fmt_hundredths
from tests.samples.grids import all_rows, find_row, norm, pdf_text

TABLES = [random_family_spec(random.Random(seed), "transfer_region_table") for seed in range(40)]
NARRATIVES = [random_family_spec(random.Random(seed), "transfer_narrative") for seed in range(40)]
SCORECARDS = [random_family_spec(random.Random(seed), "scorecard") for seed in range(30)]


def test_every_family_is_drawn_and_the_standard_ones_as_before() -> None:
    drawn = [random_family_spec(random.Random(seed)) for seed in range(80)]
    assert {spec.family for spec in drawn} == set(FAMILIES)
    # The standard families draw exactly what random_report_spec draws.
    from extractors.samples import random_report_spec

    assert spec_to_record(random_family_spec(random.Random(5), "mof_project_table")) == spec_to_record(
        random_report_spec(random.Random(5), "project")
    )


@pytest.mark.parametrize("family", ["transfer_region_table", "transfer_narrative", "scorecard"])
def test_same_seed_gives_same_truth_and_same_bytes(family: str) -> None:
    first, second = random_family_spec(random.Random(9), family), random_family_spec(random.Random(9), family)
    assert spec_to_record(first) == spec_to_record(second)
    for fmt in FAMILY_FORMATS[family]:
        assert render_report(first, fmt) == render_report(second, fmt), fmt


def test_narratives_are_not_published_as_workbooks() -> None:
    assert "xlsx" not in FAMILY_FORMATS["transfer_narrative"]
    assert set(FAMILY_FORMATS["transfer_region_table"]) == {"pdf", "docx", "xlsx", "html"}


@pytest.mark.parametrize("spec", TABLES, ids=lambda s: s.title)
def test_transfer_table_truth_follows_the_labelling(spec) -> None:  # type: ignore[no-untyped-def]
    record = spec_to_record(spec)
    report, facts = record["report"], record["budget_facts"]
    # 资金使用单位 is the unit, 地方主管部门 the department, the transfer's name the project.
    assert (report["unit_name"], report["department_name"], report["project_name"]) == (
        spec.unit_name, spec.department_name, spec.project_name,
    )  # fmt: skip
    # No 分值/得分 printed: no score, grade, weights or scored money row.
    assert report["self_score"] is None and report["grade"] is None
    assert report["budget_execution_rate"] is None
    assert all(ind["weight"] is None and ind["score"] is None for ind in record["indicators"])
    # 全年预算数（A） → adjusted_budget, 全年执行数（B） → executed; no 年初 column, no initial_budget.
    assert {f["stage"] for f in facts} <= {"adjusted_budget", "executed"}
    assert {f["line"] for f in facts} <= {"total", "fiscal_funds", "other_funds"}
    rows = {row.label: row for row in spec.budget_rows}
    central = next(row for row in spec.budget_rows if row.label.startswith("其中：中央"))
    assert {(f["stage"], f["amount_wan_yuan"]) for f in facts if f["line"] == "fiscal_funds"} == {
        ("adjusted_budget", central.amounts[0] / 100), ("executed", central.amounts[1] / 100),
    }  # fmt: skip
    # 地方资金 is a level share with no contract line: never a fact.
    local = next(label for label in rows if label.startswith("地方"))
    assert not any(f" › {local} › " in f["evidence"] for f in facts)
    total = spec.total_row.amounts
    assert all(sum(row.amounts[i] for row in spec.budget_rows[1:]) == total[i] for i in range(2))


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx", "html"])
@pytest.mark.parametrize("seed", [2, 5])
def test_transfer_table_prints_the_forms_cells(fmt: str, seed: int) -> None:
    spec = TABLES[seed]
    data = render_report(spec, fmt)
    rows = all_rows(fmt, data)
    assert find_row(rows, norm(spec.form.name_key))[:2] == [norm(spec.form.name_key), spec.project_name]
    assert find_row(rows, "中央主管部门")[:2] == ["中央主管部门", spec.central_department]
    assert find_row(rows, "地方主管部门")[:4] == [
        "地方主管部门",
        spec.department_name,
        "资金使用单位",
        spec.unit_name,
    ]
    adjusted, executed = spec.total_row.amounts
    assert find_row(rows, "年度资金总额：")[:3] == [
        "年度资金总额：",
        fmt_hundredths(adjusted),
        fmt_hundredths(executed),
    ]
    header = find_row(rows, "一级指标")
    assert header[:5] == [
        "一级指标",
        "二级指标",
        "三级指标",
        spec.form.target_header,
        spec.form.actual_header,
    ]
    cells = {cell for row in rows for cell in row}
    assert not cells & {"分值", "得分", "年初预算数", "总分"}
    for ind in spec.indicators:
        assert find_row(rows, norm(ind.name))[:3] == [
            norm(ind.name),
            norm(ind.target_text),
            norm(ind.actual_text),
        ]
    text = pdf_text(data) if fmt == "pdf" else ""
    assert fmt != "pdf" or f"（{spec.fiscal_year}年度）" in norm(text)


@pytest.mark.parametrize("spec", NARRATIVES, ids=lambda s: s.title)
def test_narrative_truth_is_what_its_sentences_state(spec) -> None:  # type: ignore[no-untyped-def]
    record = spec_to_record(spec)
    facts = {(f["line"], f["stage"], f["amount_wan_yuan"]) for f in record["budget_facts"]}
    adjusted, executed = spec.total_row.amounts
    assert ("total", "adjusted_budget", adjusted / 100) in facts
    assert ("total", "executed", executed / 100) in facts
    assert all(f["origin"] == "prose" for f in record["budget_facts"])
    stated = {(f.line, f.stage, f.amount / 100) for s in spec.narrative for f in s.facts}
    assert facts == stated
    # The money block is not printed: its 其他资金 / 地方资金 rows state nothing.
    assert {line for line, _, _ in facts} <= {"total", "fiscal_funds"}
    indicators = record["indicators"]
    assert all(ind["origin"] == "prose" and ind["weight"] is None for ind in indicators)
    # 资金到位率 is a named rate; the 预算执行率 after the money spent is none (labelling.md).
    names = [ind["name"] for ind in indicators]
    assert "资金到位率" in names and "预算执行率" not in names
    assert record["report"]["self_score"] is None and record["report"]["department_name"] is None
    text = "".join(s.text for s in spec.narrative)
    for ind in indicators:
        assert ind["name"] in text
        assert ind["target_op"] in (">=", "<=", None)


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_narrative_prints_its_outline(fmt: str) -> None:
    spec = NARRATIVES[1]
    data = render_report(spec, fmt)
    text = (
        norm(pdf_text(data))
        if fmt == "pdf"
        else norm(data.decode("utf-8", "ignore"))
        if fmt == "html"
        else ""
    )
    if fmt == "docx":
        import io

        from docx import Document

        text = norm("".join(p.text for p in Document(io.BytesIO(data)).paragraphs))
    for heading in ("一、绩效目标分解下达情况", "（一）资金投入情况分析", "1.项目资金到位情况分析"):
        assert heading in text, heading
    assert norm(spec.title) in text


@pytest.mark.parametrize("spec", SCORECARDS, ids=lambda s: s.title)
def test_scorecard_rows_carry_weight_and_score_only(spec) -> None:  # type: ignore[no-untyped-def]
    """labelling.md: an older scorecard's scored rows are indicators with weight and score, target
    and actual null; 总分 is the self score; no money block, so no facts and no scored money row."""
    record = spec_to_record(spec)
    indicators = record["indicators"]
    assert sum(ind["weight"] for ind in indicators) == pytest.approx(100)
    assert all(0 <= ind["score"] <= ind["weight"] for ind in indicators)
    assert all(ind[f] is None for ind in indicators for f in ("target_text", "target_value", "actual_value"))
    assert {ind["level1"] for ind in indicators} == {"项目决策", "项目过程", "项目产出", "项目效益"}
    report = record["report"]
    assert report["self_score"] == pytest.approx(sum(ind["score"] for ind in indicators))
    assert report["grade"] == spec.grade and report["budget_execution_rate"] is None
    assert record["budget_facts"] == []


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx", "html"])
def test_scorecard_prints_points_after_levels_and_no_targets(fmt: str) -> None:
    spec = next(s for s in SCORECARDS if s.form.level_points)
    rows = all_rows(fmt, render_report(spec, fmt))
    assert find_row(rows, "项目决策（20分）")
    assert find_row(rows, "总分")[:3] == ["总分", "100", fmt_hundredths(spec.total_score, trim=True)]
    header = find_row(rows, "一级指标")
    assert header[:5] == ["一级指标", "二级指标", "三级指标", spec.form.weight_header, spec.form.score_header]


def test_unknown_family_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown family"):
        random_family_spec(random.Random(1), "budget_notice")
