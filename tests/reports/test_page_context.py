"""The article page around a report: a second source for unit, year and kind, below the document."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from extractors.documents.model import Document, Paragraph, Table
from extractors.reports.context import PageContext, page_context
from extractors.reports.record import build_report


def _attachment(unit: str | None = None) -> Document:
    """A project table as attachments often are: no title with a unit or year above it."""
    rows = [
        ["项目名称", "农村公路养护经费", None, None, None, None],
        ["主管部门", "某某县交通运输局", None, "实施单位", unit or "", None],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "执行率"],
        [None, "年度资金总额", "120", "130", "125", "96.15%"],
    ]
    return Document(format="xlsx", blocks=[Paragraph("项目支出绩效自评表"), Table(rows=rows)])


PAGE = PageContext(
    title="祁阳市交通运输局2023年度项目支出绩效自评报告",
    publisher="祁阳市交通运输局",
    breadcrumb=("首页", "政务公开", "财政预决算"),
    published="2024-04-12",
)


def test_the_page_fills_the_unit_and_year_an_attachment_does_not_print() -> None:
    report, facts, _ = build_report(_attachment(), PAGE)
    assert report["unit_name"] == "祁阳市交通运输局"
    assert report["fiscal_year"] == 2023
    assert report["field_origins"]["unit_name"]["origin"] == "page"
    assert "来源" in report["field_origins"]["unit_name"]["evidence"] or "祁阳市交通运输局" in str(
        report["field_origins"]["unit_name"]["evidence"]
    )
    assert report["field_origins"]["fiscal_year"]["origin"] == "page"
    assert (report["province"], report["city"], report["county"]) == ("湖南省", "永州市", "祁阳市")
    assert {(f["line"], f["stage"]) for f in facts} >= {("total", "adjusted_budget"), ("total", "executed")}


def test_what_the_document_prints_wins_over_the_page() -> None:
    report, _, _ = build_report(_attachment(unit="某某县公路事务中心"), PAGE)
    assert report["unit_name"] == "某某县公路事务中心"
    assert report["field_origins"]["unit_name"]["origin"] == "document"


def test_without_a_page_nothing_is_guessed() -> None:
    report, _, _ = build_report(_attachment())
    assert report["unit_name"] is None
    assert report["fiscal_year"] is None


def test_an_html_article_carries_its_own_page_context(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>关于公开2023年度项目支出绩效自评结果的公告_某某县人民政府</title>"
        '<meta name="SiteName" content="某某县人民政府"></head><body>'
        '<div class="crumb">您当前的位置：首页 > 政务公开 > 财政资金</div>'
        "<h1>关于公开2023年度项目支出绩效自评结果的公告</h1>"
        "<div>发布时间：2024-03-01 来源：某某县农业农村局</div>"
        "<div class='article'><p>附件下载</p><p>本项目年度预算安排50万元，实际支出48万元。</p></div>"
        "</body></html>",
        encoding="utf-8",
    )
    from extractors.documents.reader import read_document

    context = page_context(read_document(path))
    assert context.publisher == "某某县农业农村局"
    assert context.published == "2024-03-01"
    assert context.breadcrumb[:2] == ("首页", "政务公开")


def test_extract_takes_the_page_context_from_the_command_line(tmp_path: Path) -> None:
    import openpyxl

    from extractors.samples.render_xlsx import render_xlsx  # noqa: F401  (the renderer is importable)

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [
        ["项目支出绩效自评表"],
        ["项目名称", "农村公路养护经费"],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数"],
        ["", "年度资金总额", 120, 130, 125],
    ]:
        sheet.append(row)
    path = tmp_path / "2023年度项目支出绩效自评表.xlsx"
    workbook.save(path)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "extractors",
            "extract",
            str(path),
            "--json",
            "--page-title",
            "祁阳市交通运输局2023年度项目支出绩效自评报告",
            "--page-publisher",
            "祁阳市交通运输局",
            "--page-url",
            "http://127.0.0.1/art/2024/4/12/art_1.html",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    (record,) = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert record["report"]["unit_name"] == "祁阳市交通运输局"
    assert record["report"]["fiscal_year"] == 2023
    assert record["document"]["page_context"]["publisher"] == "祁阳市交通运输局"
    assert record["document"]["source_url"] == "http://127.0.0.1/art/2024/4/12/art_1.html"


def test_a_county_portal_places_a_report_its_body_places_only_in_the_city() -> None:
    document = Document(
        format="html",
        blocks=[
            Paragraph("关于下达2020年项目资金的绩效自评报告"),
            Table(rows=[["项目名称", "农村饮水工程"], ["主管部门", "宝鸡市水利局"], ["实施单位", "财政局"]]),
        ],
    )
    report, _, _ = build_report(document, PageContext(site_name="宝鸡市陈仓区人民政府"))
    assert (report["province"], report["city"], report["county"]) == ("陕西省", "宝鸡市", "陈仓区")


def test_a_county_level_department_key_and_a_score_key() -> None:
    document = Document(
        format="pdf",
        blocks=[
            Paragraph("2020年度县级专项资金绩效目标自评表"),
            Table(
                rows=[
                    ["专项资金名称", "县级储备粮", "自评总分(分)", "96.5"],
                    ["县级主管部门", "衡山县商务和粮食局", "实施单位", "粮食调控股"],
                ]
            ),
        ],
    )
    report, _, _ = build_report(document)
    assert report["department_name"] == "衡山县商务和粮食局"
    assert (report["province"], report["city"], report["county"]) == ("湖南省", "衡阳市", "衡山县")
    assert report["self_score"] == 96.5
