"""Every format renders, and the reader an extractor would use gets the key cells back."""

from __future__ import annotations

import io
import random
import zipfile

import pdfplumber
import pytest
from bs4 import BeautifulSoup
from docx import Document
from openpyxl import load_workbook

from extractors.samples import FORMATS, REPORT_KINDS, random_report_spec, render_report
from extractors.samples.spec import BUDGET_WEIGHT, fmt_hundredths
from tests.samples.grids import all_rows, find_row, norm, pdf_text

CASES = [(fmt, kind, seed) for fmt in FORMATS for kind in REPORT_KINDS for seed in (3, 11)]


@pytest.mark.parametrize(("fmt", "kind", "seed"), CASES)
def test_key_cells_read_back(fmt: str, kind: str, seed: int) -> None:
    spec = random_report_spec(random.Random(seed), kind)
    rows = all_rows(fmt, render_report(spec, fmt))
    total = spec.total_row.amounts
    assert find_row(rows, "年度资金总额")[:7] == [
        "年度资金总额", *(fmt_hundredths(v) for v in total), fmt_hundredths(BUDGET_WEIGHT, trim=True),
        f"{fmt_hundredths(spec.execution_rate)}%", fmt_hundredths(spec.budget_score, trim=True),
    ]  # fmt: skip
    for ind in spec.indicators:
        expected = [norm(ind.name), norm(ind.target_text), norm(ind.actual_text),
                    fmt_hundredths(ind.weight, trim=True), fmt_hundredths(ind.score, trim=True)]  # fmt: skip
        if ind.deviation_reason:
            expected.append(norm(ind.deviation_reason))
        assert find_row(rows, norm(ind.name))[: len(expected)] == expected
    assert find_row(rows, "总分")[:3] == ["总分", "100", fmt_hundredths(spec.total_score)]
    header = find_row(rows, "一级指标")
    assert header[:8] == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                          "偏差原因分析及改进措施"]  # fmt: skip
    if kind == "department_overall":
        for row in spec.basic_rows:
            values = [
                str(v) if not row.is_money else ("——" if v is None else fmt_hundredths(v)) for v in row.values
            ]
            assert find_row(rows, norm(row.label))[:4] == [norm(row.label), *values]
    else:
        assert find_row(rows, "项目名称")[:2] == ["项目名称", spec.project_name]


@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_pdf_is_a4_with_cjk_text_and_page_numbers(kind: str) -> None:
    spec = random_report_spec(random.Random(5), kind)
    data = render_report(spec, "pdf")
    text = pdf_text(data)
    assert "(cid:" not in text
    assert spec.unit_name in text.replace("\n", "")
    assert f"自评等级：{spec.grade}" in text
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert (round(pdf.pages[0].width), round(pdf.pages[0].height)) == (595, 842)
        for number, page in enumerate(pdf.pages, start=1):
            assert f"第 {number} 页" in page.extract_text()
        assert all(page.lines or page.rects for page in pdf.pages if page.extract_tables()), (
            "tables need rules"
        )
        assert sum(len(page.extract_tables()) for page in pdf.pages) == (1 if kind == "project" else 2)
    if kind == "department_overall":
        assert "经自评" in text and "评价等级为" in text


def test_docx_merges_level_cells_and_has_borders() -> None:
    spec = random_report_spec(random.Random(2), "project")
    document = Document(io.BytesIO(render_report(spec, "docx")))
    table = document.tables[0]
    assert table.style.name == "Table Grid"
    header_row = next(i for i, row in enumerate(table.rows) if row.cells[0].text == "一级指标")
    first = spec.indicators[0]
    span = sum(1 for ind in spec.indicators if ind.level1 == first.level1)
    top = table.cell(header_row + 1, 0)
    assert top.text == first.level1
    assert table.cell(header_row + span, 0)._tc is top._tc, "一级指标 must be merged over its rows"
    assert table.cell(header_row + span + 1, 0)._tc is not top._tc
    assert document.core_properties.created.year == 2024


def test_xlsx_has_merged_cells_and_a_sheet_per_section() -> None:
    spec = random_report_spec(random.Random(2), "department_overall")
    workbook = load_workbook(io.BytesIO(render_report(spec, "xlsx")))
    assert workbook.sheetnames == ["自评报告", "基础数据表", "自评表"]
    scored = workbook["自评表"]
    merged = [str(r) for r in scored.merged_cells.ranges]
    level1_column = [r for r in merged if r.startswith("A") and r.split(":")[1].startswith("A")]
    assert len(level1_column) >= 3, merged
    assert (scored["A3"].value, scored["B3"].value) == ("部门（单位）名称", spec.unit_name)
    assert "B3:H3" in merged


def test_html_is_a_portal_article_with_the_table_inline() -> None:
    spec = random_report_spec(random.Random(4), "project")
    soup = BeautifulSoup(render_report(spec, "html"), "html.parser")
    assert soup.find("h1").get_text() == spec.title
    assert f"发布时间：{spec.published_at.isoformat()}" in soup.get_text()
    assert soup.find("div", class_="header") and soup.find("div", class_="footer")
    assert soup.find("td", rowspan=True) is not None


def test_office_files_have_fixed_zip_dates() -> None:
    spec = random_report_spec(random.Random(9), "department_overall")
    for fmt in ("docx", "xlsx"):
        with zipfile.ZipFile(io.BytesIO(render_report(spec, fmt))) as archive:
            assert {info.date_time for info in archive.infolist()} == {(2024, 1, 1, 8, 0, 0)}
            core = archive.read("docProps/core.xml").decode()
            assert core.count("2024-01-01T08:00:00Z") == 2, core
