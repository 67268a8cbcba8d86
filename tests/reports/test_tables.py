"""Tables first: the standard templates and their variants, read from the neutral document model."""

from __future__ import annotations

from extractors.documents.model import Document, Paragraph, Table
from extractors.reports.record import build_report
from extractors.reports.tables import read_tables

DASH = "—"


def _project_document(
    *,
    money_header: str = "项目资金（万元）",
    rate: str = "93.25%",
    indicator_rows: list[list[str]] | None = None,
    indicator_header: list[str] | None = None,
) -> Document:
    header = indicator_header or [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    rows = indicator_rows or [
        ["产出指标(50分)", "数量指标", "★指标1：新建农田面积", "≧5200亩", "6488", "15", "15", ""],
        [None, None, "改造户厕数量", "不低于690户", "775", "10", "10", ""],
        [None, "质量指标", "案件办结率", "95%以上", "97.9%", "8", "8", ""],
        [None, "时效指标", "资金拨付时限", "15天以内", "10天", "9", "9", ""],
        [None, "成本指标", "项目成本控制", "≦2010.27万元", "1874.49万元", "8", "8", ""],
        ["效益指标", "社会效益指标", "公共服务水平", "逐步提高", "有所提高", "19", "19", ""],
        [None, None, "……", "", "", "", "", ""],
        [None, "可持续影响指标", "长效管理机制", "健全完善", "已建立", "11", "11", ""],
        ["满意度指标", "服务对象满意度指标", "受益对象满意度", "═100%", "100%", "10", "10", ""],
    ]
    table = Table(
        rows=[
            ["项目名称", "耕地地力保护补贴", None, None, None, None, None, None],
            [
                "主管部门",
                "吉安市吉州区农业农村局",
                None,
                None,
                "实施单位",
                "吉安市吉州区农业农村中心",
                None,
                None,
            ],
            [money_header, "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
            [None, "年度资金总额", "1807.13", "2010.27", "1874.49", "10", rate, "9.33"],
            [None, "其中：当年财政拨款", "1777.75", "1980.89", "1849.16", DASH, DASH, DASH],
            [None, "上年结转资金", "", "", "", DASH, DASH, DASH],
            [None, "其他资金", "29.38", "29.38", "25.33", DASH, DASH, DASH],
            ["年度总体目标", "预期目标", None, None, "实际完成情况", None, None, None],
            [None, "保障运转", None, None, "运转良好", None, None, None],
            header,
            *rows,
            ["总分", None, None, None, None, "100", "99.33", ""],
        ]
    )
    return Document(
        format="docx",
        blocks=[Paragraph("项目支出绩效自评表"), Paragraph("（2023年度）"), table, Paragraph("自评等级：优")],
    )


def test_standard_project_table() -> None:
    report, facts, indicators = build_report(_project_document())
    assert report["report_kind"] == "project"
    assert report["fiscal_year"] == 2023
    assert report["project_name"] == "耕地地力保护补贴"
    assert report["department_name"] == "吉安市吉州区农业农村局"
    assert report["unit_name"] == "吉安市吉州区农业农村中心"
    assert (report["province"], report["city"], report["county"]) == ("江西省", "吉安市", "吉州区")
    assert report["self_score"] == 99.33
    assert report["grade"] == "优"
    got = {(f["line"], f["stage"]): f["amount_wan_yuan"] for f in facts}
    assert got == {
        ("total", "initial_budget"): 1807.13,
        ("total", "adjusted_budget"): 2010.27,
        ("total", "executed"): 1874.49,
        ("fiscal_funds", "initial_budget"): 1777.75,
        ("fiscal_funds", "adjusted_budget"): 1980.89,
        ("fiscal_funds", "executed"): 1849.16,
        ("other_funds", "initial_budget"): 29.38,
        ("other_funds", "adjusted_budget"): 29.38,
        ("other_funds", "executed"): 25.33,
    }
    assert all(f["origin"] == "table" for f in facts)
    by_name = {i["name"]: i for i in indicators}
    assert list(by_name) == [
        "新建农田面积",
        "改造户厕数量",
        "案件办结率",
        "资金拨付时限",
        "项目成本控制",
        "公共服务水平",
        "长效管理机制",
        "受益对象满意度",
    ]
    first = by_name["新建农田面积"]
    assert (
        first["level1"],
        first["level2"],
        first["target_op"],
        first["target_value"],
        first["target_unit"],
    ) == ("产出指标", "数量指标", ">=", 5200, "亩")
    assert by_name["改造户厕数量"]["level2"] == "数量指标", "merged level cells fill down"
    assert by_name["项目成本控制"]["target_op"] == "<="
    assert by_name["资金拨付时限"]["target_op"] == "<="
    assert by_name["公共服务水平"]["target_op"] == "qualitative"
    assert by_name["受益对象满意度"]["target_op"] == "="
    assert by_name["长效管理机制"]["level1"] == "效益指标"
    # The money block's 10 points are no indicator row of a project table (labelling.md): 90 remain.
    assert sum(i["weight"] for i in indicators) == 90


def test_the_money_blocks_scored_row_is_read_and_kept_for_department_tables_only() -> None:
    findings = read_tables(_project_document(), 2023)
    budget = next(i for i in findings.indicators if i["name"] == "预算执行率")
    assert (budget["level1"], budget["weight"], budget["score"], budget["actual_value"]) == (
        None,
        10,
        9.33,
        93.25,
    )
    department = _project_document()
    department.blocks[0] = Paragraph("部门整体支出绩效自评表")
    table = department.blocks[2]
    assert isinstance(table, Table)
    table.rows = table.rows[2:]  # no 项目名称 / 主管部门 rows: the unit's own table
    report, _, indicators = build_report(department)
    assert report["report_kind"] == "department_overall"
    assert indicators[0]["name"] == "预算执行率"


def test_yuan_header_converts_to_wan_yuan() -> None:
    _, facts, _ = build_report(_project_document(money_header="项目资金（元）"))
    totals = {f["stage"]: f["amount_wan_yuan"] for f in facts if f["line"] == "total"}
    assert totals["executed"] == 0.187449


def test_execution_rate_as_bare_number() -> None:
    indicators = read_tables(_project_document(rate="93.25"), 2023).indicators
    budget = indicators[0]
    assert (budget["actual_value"], budget["actual_unit"]) == (93.25, "%")


def test_other_column_order_with_operator_and_unit_columns_and_no_reason_column() -> None:
    header = [
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "度量单位",
        "分值",
        "实际完成值",
        "得分",
    ]
    rows = [
        ["产出指标", "数量指标", "培训人次", "≥", "690", "人次", "20", "773", "20"],
        [None, "质量指标", "验收合格率", "≦", "5", "%", "80", "3", "80"],
    ]
    _, _, indicators = build_report(_project_document(indicator_header=header, indicator_rows=rows))
    trained, quality = indicators[0], indicators[1]
    assert (trained["target_op"], trained["target_value"], trained["target_unit"]) == (">=", 690, "人次")
    assert (trained["actual_value"], trained["weight"], trained["score"]) == (773, 20, 20)
    assert (quality["target_op"], quality["target_value"], quality["actual_value"]) == ("<=", 5, 3)
    assert quality["deviation_reason"] is None


def test_score_note_only_level_cell_keeps_the_level_above() -> None:
    rows = [
        ["产出指标", "数量指标", "甲", "10个", "10个", "50", "50", ""],
        ["(50分)", None, "乙", "5个", "5个", "50", "50", ""],
    ]
    _, _, indicators = build_report(_project_document(indicator_rows=rows))
    assert [i["level1"] for i in indicators] == ["产出指标", "产出指标"]


def _basic_data_document() -> Document:
    rows = [
        ["项目", "2022年决算数", "2023年预算数", "2023年决算数"],
        ["编制数", "44", "45", "45"],
        ["三公经费", "7.4", "0", "0"],
        ["1、公务用车购置和维护经费", "5.9", "0", "0"],
        ["其中：公车购置", "", "", ""],
        ["公车运行维护", "5.9", "", ""],
        ["2、出国经费", "", "", ""],
        ["项目支出：", "1297.27", "1342.35", "1124.66"],
        ["1、协管员经费", "1083.53", "933.30", "965.12"],
        ["……", "", "", ""],
        ["3、市级专项资金（一个专项一行）", "", "0", "0"],
        ["公用经费", "171.89", "164.24", "162.42"],
        ["水费、电费、差旅费", "0", "7.00", "1.65"],
        ["会议费、培训费", "0", "0", "0"],
        ["政府采购金额", "——", "275.00", "100.00"],
    ]
    return Document(
        format="pdf", blocks=[Paragraph("2023年度某某局部门整体支出绩效评价基础数据表"), Table(rows=rows)]
    )


def test_basic_data_table() -> None:
    findings = read_tables(_basic_data_document(), 2023)
    got = {(f["line"], f["item"], f["stage"]): f["amount_wan_yuan"] for f in findings.facts}
    assert got[("three_public", None, "prior_year_final")] == 7.4
    assert got[("three_public", None, "executed")] == 0, "a zero next to a real figure is a fact"
    assert got[("vehicle_operation", None, "prior_year_final")] == 5.9
    assert got[("project_item", "协管员经费", "executed")] == 965.12
    assert got[("utilities_travel", None, "prior_year_final")] == 0
    assert ("meetings_training", None, "executed") not in got, "an all-zero template row is not a fact"
    assert ("government_procurement", None, "prior_year_final") not in got
    assert got[("government_procurement", None, "initial_budget")] == 275.0
    assert not any(key[0] in ("vehicle_purchase", "overseas_travel") for key in got)
    assert not any("编制" in f["evidence"] for f in findings.facts), "head counts are not money"
    assert len(got) == len(findings.facts)


def test_department_breakdown_cells_take_the_stage_they_add_up_to() -> None:
    rows = [
        ["预算部门（单位）名称", "某某区城市管理局", "", "", "", "", "", ""],
        ["年度预算申请（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", "2649.39", "2628.42", "2627.30", "10", "99.17%", "9.5"],
        ["", "按收入性质分：2623.42", "按支出性质分：2628.42", "", "", "", "", ""],
        ["", "其中：一般公共预算：2612.36", "其中：基本支出：1502.64", "", "", "", "", ""],
        ["", "政府性基金拨款：", "项目支出：1125.78", "", "", "", "", ""],
        ["", "其他资金：11.06", "", "", "", "", "", ""],
    ]
    findings = read_tables(Document(format="pdf", blocks=[Table(rows=rows)]), 2023)
    breakdown = {
        (f["line"], f["stage"]): f["amount_wan_yuan"] for f in findings.facts if f["line"] != "total"
    }
    assert breakdown == {
        ("general_public_budget", "adjusted_budget"): 2612.36,
        ("basic_expenditure", "adjusted_budget"): 1502.64,
        ("project_expenditure", "adjusted_budget"): 1125.78,
        ("other_funds", "adjusted_budget"): 11.06,
    }


def test_department_report_with_an_attached_project_table() -> None:
    project = _project_document()
    department_table = Table(
        rows=[
            ["部门（单位）名称", "吉安市吉州区农业农村局", None, None, None, None, None, None],
            [
                "年度部门整体支出预算执行情况（万元）",
                "",
                "年初预算数",
                "全年预算数",
                "全年执行数",
                "分值",
                "执行率",
                "得分",
            ],
            [None, "年度资金总额", "5305.86", "5297.48", "5297.48", "10", "100.00%", "10"],
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            ],
            ["产出指标", "数量指标", "培训人次", "≥690人次", "773", "90", "88", ""],
            ["总分", None, None, None, None, "100", "98", ""],
        ]
    )
    document = Document(
        format="docx",
        blocks=[
            Paragraph("吉安市吉州区农业农村局2023年度部门整体支出绩效自评报告"),
            Paragraph("部门整体支出绩效自评表"),
            department_table,
            *project.blocks,
        ],
    )
    report, facts, indicators = build_report(document)
    assert report["report_kind"] == "department_overall"
    assert report["self_score"] == 98, "the unit's total, not the attached project's"
    assert report["project_name"] is None
    by_line = {(f["line"], f["item"], f["stage"]): f["amount_wan_yuan"] for f in facts}
    assert by_line[("total", None, "executed")] == 5297.48
    assert by_line[("project_item", "耕地地力保护补贴", "executed")] == 1874.49
    assert not any(f["line"] == "fiscal_funds" for f in facts), "the project's rows are not the unit's lines"
    assert [i["name"] for i in indicators] == ["预算执行率", "培训人次"]


def test_money_header_with_formula_notes() -> None:
    table = Table(
        rows=[
            ["项目名称", "道路维修", None, None, None, None, None],
            [
                "项目资金（万元）",
                "年初预算数",
                "全年预算数（A）",
                "全年执行数（B）",
                "分值",
                "执行率（B/A）",
                "得分",
            ],
            ["年度资金总额", "100", "120", "108", "10", "90%", "9"],
        ]
    )
    findings = read_tables(Document(format="html", blocks=[table]), 2023)
    assert {f["stage"]: f["amount_wan_yuan"] for f in findings.facts} == {
        "initial_budget": 100,
        "adjusted_budget": 120,
        "executed": 108,
    }
    (budget,) = findings.indicators
    assert (budget["weight"], budget["actual_value"], budget["score"]) == (10, 90, 9)


def test_header_that_carries_values_is_read_in_order() -> None:
    table = Table(
        rows=[
            ["年度预算申请", "年初预算数(万元)", "865.82", "全年执行数(万元)", "899.13", "分值", "10"],
            ["", "年度资金总额:", "865.82", "899.13", "10", "100.00%", "10.00"],
        ]
    )
    findings = read_tables(Document(format="pdf", blocks=[table]), 2023)
    assert {f["stage"]: f["amount_wan_yuan"] for f in findings.facts} == {
        "initial_budget": 865.82,
        "executed": 899.13,
    }
    (budget,) = findings.indicators
    assert (budget["weight"], budget["actual_value"], budget["score"]) == (10, 100, 10)


def test_a_total_row_in_a_money_block_is_the_total_line_not_the_score() -> None:
    rows = [
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "培训人次", "≥690人次", "773", "100", "95"],
        ["总分", "", "", "", "", "100", "95"],
        ["资金来源", "年初预算数", "全年预算数", "全年执行数", "", "", ""],
        ["财政资金", "80", "90", "85", "", "", ""],
        ["合计", "100", "110", "104", "", "", ""],
    ]
    findings = read_tables(Document(format="xlsx", blocks=[Table(rows=rows)]), 2023)
    assert findings.self_score == 95
    totals = {f["stage"]: f["amount_wan_yuan"] for f in findings.facts if f["line"] == "total"}
    assert totals == {"initial_budget": 100, "adjusted_budget": 110, "executed": 104}


def test_sichuan_funding_rows_and_column_names() -> None:
    rows = [
        ["项目名称", "农村公路养护", "", "", "", "", ""],
        ["项目资金（万元）", "", "年初预算数", "调整后预算数", "预算执行数", "执行率", "得分"],
        ["", "年度资金总额", "300", "320", "288", "90%", "9"],
        ["", "其中：财政资金", "250", "270", "250", "—", "—"],
        ["", "财政专户管理资金", "20", "20", "18", "—", "—"],
        ["", "单位资金", "30", "30", "20", "—", "—"],
        ["", "预算执行率=预算执行数/调整后预算数", "", "", "", "", ""],
    ]
    findings = read_tables(Document(format="pdf", blocks=[Table(rows=rows)]), 2023)
    got = {(f["line"], f["stage"]): f["amount_wan_yuan"] for f in findings.facts}
    assert got[("fiscal_funds", "adjusted_budget")] == 270
    assert got[("special_account", "executed")] == 18
    assert got[("unit_funds", "initial_budget")] == 30
    assert got[("total", "executed")] == 288
    assert len(got) == 12


def test_indicator_block_does_not_run_into_a_table_of_another_shape() -> None:
    indicator_table = Table(
        rows=[
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            ["产出指标", "数量指标", "培训人次", "≥690人次", "773", "100", "95"],
        ]
    )
    signatures = Table(rows=[["单位负责人", "张三"], ["填表人", "李四"]])
    findings = read_tables(Document(format="docx", blocks=[indicator_table, signatures]), 2023)
    assert [i["name"] for i in findings.indicators] == ["培训人次"]


def test_total_score_printed_with_its_unit() -> None:
    rows = [
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "培训人次", "≥690人次", "773", "100分", "95.5分"],
        ["总分", "", "", "", "", "100分", "95.5分"],
    ]
    findings = read_tables(Document(format="html", blocks=[Table(rows=rows)]), 2023)
    assert findings.self_score == 95.5
    assert (findings.indicators[0]["weight"], findings.indicators[0]["score"]) == (100, 95.5)


def _item_list_document(amounts: list[str], unit: str = "") -> Document:
    overview = Table(rows=[["计划安排资金(万元)", "700", "实际支出(万元)", "690"]])
    items = Table(
        rows=[["支出内容", f"实际支出数{unit}", "会计凭证号", "备注"]]
        + [[f"30226 劳务费{n}", amount, "2020年01月记账9", ""] for n, amount in enumerate(amounts)]
    )
    return Document(format="pdf", blocks=[Paragraph("二、项目支出明细情况"), overview, items])


def _items(document: Document) -> list[float]:
    return sorted(
        f["amount_wan_yuan"] for f in read_tables(document, 2020).facts if f["line"] == "project_item"
    )


def test_an_item_list_without_a_unit_is_in_yuan_when_an_item_alone_would_exceed_the_project() -> None:
    # A voucher list prints 元: 50,000.00 万元 in a 700 万元 project cannot be.
    assert _items(_item_list_document(["50,000.00", "83,490.00"])) == [5.0, 8.349]
    # Figures that fit the whole are read in the document's 万元.
    assert _items(_item_list_document(["70.1", "66.9"])) == [66.9, 70.1]
    # A header that names its unit is believed.
    assert _items(_item_list_document(["800", "30"], unit="(万元)")) == [30.0, 800.0]
    # Too large even in 元: nothing is kept rather than a figure the document does not state.
    assert _items(_item_list_document(["9,000,000.00", "8,000,000.00"])) == []
