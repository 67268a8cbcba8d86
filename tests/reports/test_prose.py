"""Prose second: budget figures and named indicators of narrative reports."""

from __future__ import annotations

from extractors.documents.model import Document, Paragraph, Table
from extractors.reports.prose import prose_indicators
from extractors.reports.prose_budget import prose_budget_facts
from extractors.reports.record import build_report


def _facts(
    *paragraphs: str, year: int = 2023, kind: str = "department_overall"
) -> set[tuple[str, str, float]]:
    texts = [(p, None) for p in paragraphs]
    return {(f["line"], f["stage"], f["amount_wan_yuan"]) for f in prose_budget_facts(texts, year, kind)}


def test_one_sentence_many_stages_and_a_breakdown() -> None:
    assert _facts(
        "2023年预算安排2,753.66万元，财政下达预算指标2,597.66万元，决算支出2,395.00万元，"
        "其中：基本支出214.53万元、项目支出2180.47万元；资金来源为一般公共预算财政拨款资金。"
    ) == {
        ("total", "initial_budget", 2753.66),
        ("total", "adjusted_budget", 2597.66),
        ("total", "executed", 2395.0),
        ("basic_expenditure", "executed", 214.53),
        ("project_expenditure", "executed", 2180.47),
    }


def test_line_carried_to_the_next_amount_and_decimal_comma() -> None:
    assert _facts("2023年部门公用经费预算240.63万元，实际支出210,18万元，则公用经费控制率为87.35%。") == {
        ("public_operating", "initial_budget", 240.63),
        ("public_operating", "executed", 210.18),
    }


def test_changes_carry_over_assets_fines_and_activity_costs_are_not_facts() -> None:
    assert (
        _facts(
            "较年初预算数调减了156.00万元。",
            "年中执行调增0万元，结余结转0万元。",
            "我办2021年末资产总计7.23万元。",
            "查扣违规车辆42台，罚款10万余元。",
            "投入12万元开展第三方安全检测评估。",
            "无单位价值50万元以上通用设备。",
        )
        == set()
    )


def test_breakdown_sentence_inherits_the_stage_of_the_previous_one() -> None:
    assert _facts(
        "3.2023年度单位一般公共预算财政拨款支出2612.36万元。其中：项目支出1120.78万元，基本支出1491.59万元。"
    ) == {
        ("general_public_budget", "executed", 2612.36),
        ("project_expenditure", "executed", 1120.78),
        ("basic_expenditure", "executed", 1491.59),
    }


def test_amounts_in_yuan_and_thousands_separators() -> None:
    assert _facts("2023年单位政府采购年初预算1,970,000元，实际支出1,792,000元。") == {
        ("government_procurement", "initial_budget", 197.0),
        ("government_procurement", "executed", 179.2),
    }


def test_an_unnamed_amount_without_a_stage_is_left_alone() -> None:
    assert _facts("1.协管员经费专项965.12万元。") == set()


def _indicators(*paragraphs: str) -> dict[str, dict]:
    document = Document(format="pdf", blocks=[Paragraph(p) for p in paragraphs])
    return {i["name"]: i for i in prose_indicators(document)}


def test_indicator_headings_with_levels_and_values() -> None:
    found = _indicators(
        "（一）运行成本指标完成情况",
        "1. 公用经费控制指标分析",
        "（1）公用经费控制率",
        "2023年部门公用经费预算13.72万元，实际支出11.70万元，则公用经费控制率为85.28%，达到了年初目标。",
        "（2）中长期规划相符性",
        "2023年单位未编制中长期规划。",
        "（二）满意度指标完成情况",
        "1.服务对象满意度指标分析",
        "通过调查，2023年服务对象对本部门服务较认可，满意度达到了年初目标95%。",
        "四、主要成效",
        "办结率超过95%，拆除率达100%。",
    )
    assert set(found) == {"公用经费控制率", "服务对象满意度", "办结率", "拆除率"}
    rate = found["公用经费控制率"]
    assert (rate["level1"], rate["level2"], rate["actual_value"], rate["target_value"]) == (
        "运行成本指标",
        "公用经费控制指标",
        85.28,
        None,
    )
    satisfaction = found["服务对象满意度"]
    assert (satisfaction["level2"], satisfaction["target_value"], satisfaction["actual_value"]) == (
        "服务对象满意度指标",
        95,
        95,
    )
    assert found["办结率"]["level1"] is None and found["办结率"]["actual_value"] == 95
    assert all(i["origin"] == "prose" for i in found.values())


def test_prose_score_and_grade() -> None:
    document = Document(
        format="html",
        blocks=[
            Paragraph("东湖区城市综合管理协调领导小组办公室"),
            Paragraph("部门整体支出绩效自评报告"),
            Paragraph("（2021年度）"),
            Paragraph("经综合评价，我办自评得分89.8分，评价等级为“良”。"),
        ],
    )
    report, _, _ = build_report(document)
    assert (report["fiscal_year"], report["self_score"], report["grade"]) == (2021, 89.8, "良")
    assert report["unit_name"] == "东湖区城市综合管理协调领导小组办公室"
    assert (report["province"], report["city"], report["county"]) == ("江西省", "南昌市", "东湖区")
    assert report["report_kind"] == "department_overall"


def test_period_words_are_not_part_of_a_rate_name() -> None:
    found = _indicators("本年度预算执行率为95.5%。")
    assert list(found) == ["预算执行率"]
    assert found["预算执行率"]["actual_value"] == 95.5


def test_prior_year_and_whole_budget_phrases() -> None:
    assert _facts("2022年决算支出800万元。", "2023年度部门预算批复数为500万元，支出合计450万元。") == {
        ("total", "prior_year_final", 800.0),
        ("total", "initial_budget", 500.0),
        ("total", "executed", 450.0),
    }


def test_whole_budget_stage_phrases_and_project_clauses() -> None:
    assert _facts("2023年度，本部门全年预算数5297.48万元，全年执行数5297.48万元。") == {
        ("total", "adjusted_budget", 5297.48),
        ("total", "executed", 5297.48),
    }
    assert _facts("2023年该项目全年预算数50万元，全年执行数45万元。") == set()


def test_projects_listed_under_a_project_spending_heading() -> None:
    document = Document(
        format="pdf",
        blocks=[
            Paragraph("（二）项目支出情况"),
            Paragraph("1.协管员经费专项965.12万元。主要用于保障协管队员工资。"),
            Paragraph("2.城市管理综合执法经费专项155.66万元。"),
            Paragraph("三、其他情况"),
            Paragraph("1.办公设备购置费20万元。"),
        ],
    )
    facts = prose_budget_facts([(p.text, p.page) for p in document.paragraphs], 2023, "department_overall")
    assert {(f["item"], f["stage"], f["amount_wan_yuan"]) for f in facts} == {
        ("协管员经费", "executed", 965.12),
        ("城市管理综合执法经费", "executed", 155.66),
    }


def test_breakdown_after_an_excluded_change_keeps_the_stage_of_the_kept_figure() -> None:
    assert _facts(
        "2023年度三公经费支出12.5万元，较上年减少2万元，其中：公务接待费3万元，公车运行维护费9.5万元。"
    ) == {
        ("three_public", "executed", 12.5),
        ("official_reception", "executed", 3.0),
        ("vehicle_operation", "executed", 9.5),
    }


def test_revenue_totals_and_unnamed_revenue_parts_are_left_alone() -> None:
    assert (
        _facts("2023年度收入总计1,234.56万元，其中：财政拨款收入1,200.00万元，其他收入34.56万元。") == set()
    )


def test_year_without_du_in_the_title_and_dates_ignored() -> None:
    document = Document(
        format="pdf",
        blocks=[
            Paragraph("填报日期：2024年5月10日"),
            Paragraph("某某县财政局2023年部门整体支出绩效自评报告"),
        ],
    )
    report, _, _ = build_report(document)
    assert report["fiscal_year"] == 2023
    assert report["unit_name"] == "某某县财政局"


def test_unit_with_a_bracketed_scope() -> None:
    document = Document(
        format="pdf", blocks=[Paragraph("某某市财政局（本级）2023年度部门整体支出绩效自评报告")]
    )
    report, _, _ = build_report(document)
    assert report["unit_name"] == "某某市财政局（本级）"


def test_scored_criteria_of_an_assessment_written_as_prose() -> None:
    found = _indicators(
        "一、资金保障方面",
        "1、县级履行支出责任情况",
        "本级预算安排资金为10万元。指标评价得分4分。",
        "二、总体评价",
        "自评总分为95分。",
    )
    assert list(found) == ["县级履行支出责任情况"]
    criterion = found["县级履行支出责任情况"]
    assert (criterion["level1"], criterion["score"]) == ("资金保障方面", 4.0)


def test_a_class_line_with_a_target_value_and_its_result() -> None:
    found = _indicators(
        "1.成本指标:下达省、市、区补助资金绩效目标值300万元。已下达补助300万元,完成进度100%,无偏差。",
        "2.产出指标分成数量指标和质量指标。",
    )
    assert list(found) == ["下达省、市、区补助资金"]
    item = found["下达省、市、区补助资金"]
    assert (item["level1"], item["target_value"], item["actual_value"]) == ("成本指标", 300.0, 300.0)


def test_compound_class_lines_with_targets_actuals_and_worded_results() -> None:
    found = _indicators(
        "1、产出数量指标:第一,受助人数年初指标值为不低于100人,全年实际完成值116人。",
        "2、社会效益指标:服务水平有所提高;群众出行便利程度明显改善。",
    )
    people = found["受助人数"]
    assert (people["level1"], people["level2"]) == ("产出指标", "数量指标")
    assert (people["target_op"], people["target_value"], people["actual_value"]) == (">=", 100.0, 116.0)
    assert found["服务水平"]["actual_text"] == "有所提高"
    assert found["群众出行便利程度"]["actual_text"] == "明显改善"


def test_rates_of_a_results_line_grouped_by_goal() -> None:
    found = _indicators(
        "1.资金目标:(1)某村道路工程项目资金拨付率100%。已拨付资金50万元,及时率71.86%。",
        "2.总体目标:资金到位率100%。",
    )
    assert set(found) == {"某村道路工程项目资金拨付率", "及时率"}
    assert {i["level1"] for i in found.values()} == {"资金目标"}


def test_a_transfer_title_names_its_unit_before_the_fund_kind_and_its_fund_in_brackets() -> None:
    document = Document(
        format="pdf",
        blocks=[Paragraph("某某区残联中央转移支付2023年度绩效自评报告(残疾人事业发展补助资金)")],
    )
    report, _, _ = build_report(document)
    assert (report["unit_name"], report["project_name"]) == ("某某区残联", "残疾人事业发展补助资金")


def test_a_bracketed_fund_name_keeps_its_year_and_inner_brackets() -> None:
    document = Document(
        format="pdf",
        blocks=[
            Paragraph("某某市图书馆2022年度项目支出绩效自评报告(2022年公共图书馆文化馆(站)免费开放补助经费)")
        ],
    )
    report, _, _ = build_report(document)
    assert report["project_name"] == "2022年公共图书馆文化馆(站)免费开放补助经费"


def test_a_score_under_its_own_heading() -> None:
    document = Document(
        format="pdf",
        blocks=[
            Paragraph("某某市图书馆2022年度项目支出绩效自评报告"),
            Paragraph("一、自评结论"),
            Paragraph("（一）自评得分"),
            Paragraph("100分。"),
        ],
    )
    report, _, _ = build_report(document)
    assert report["self_score"] == 100.0


def test_project_names_of_transfer_titles() -> None:
    cases = [
        ("某某市民政局关于2021年度困难群众救助补助资金绩效自评报告", "某某市民政局", "困难群众救助补助资金"),
        (
            "某某县卫生健康局基本药物制度补助资金转移支付区域(项目)绩效目标自评表",
            "某某县卫生健康局",
            "基本药物制度补助资金",
        ),
        (
            "彭水自治县2024年度中央对地方转移支付计划生育服务项目绩效自评",
            None,
            "中央对地方转移支付计划生育服务项目",
        ),
    ]
    for title, unit, project in cases:
        blocks = [Paragraph(title)] + ([Table(rows=[["资金使用单位", unit]])] if unit else [])
        report, _, _ = build_report(Document(format="pdf", blocks=blocks))
        assert report["project_name"] == project, title


def test_a_number_misread_in_the_middle_gives_no_fragment_of_itself() -> None:
    # OCR read the first thousands comma of 7,290,235.03 as a point: no "235.03元" is left over.
    assert _facts("项目全年实际支出7.290,235.03元，年终无结余。", kind="project") == set()
    assert _facts("项目全年实际支出7,290,235.03元，年终无结余。", kind="project") == {
        ("total", "executed", 729.023503)
    }
