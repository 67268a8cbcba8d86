"""Format readers on small documents built here: order of paragraphs and tables, merged cells, stitching."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.documents.detect import detect_format
from extractors.documents.html import decode_html
from extractors.documents.model import Paragraph, Table
from extractors.documents.reader import read_document
from extractors.normalize.text import cell_text

from .builders import build_pdf


def _texts(table: Table) -> list[list[str]]:
    return [[cell_text(c) for c in row] for row in table.rows]


def test_docx_paragraphs_and_tables_in_body_order_with_merges(tmp_path: Path) -> None:
    import docx

    word = docx.Document()
    word.add_paragraph("2023年度某某局部门整体支出绩效自评报告")
    table = word.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "一级指标"
    table.cell(0, 1).text = "三级指标"
    table.cell(0, 2).text = "分值"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "产出指标"
    table.cell(1, 1).text = "甲"
    table.cell(2, 1).text = "乙"
    merged = table.cell(1, 2).merge(table.cell(2, 2))
    merged.text = "10"
    nested = table.cell(2, 1).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "内"
    nested.cell(0, 1).text = "表"
    word.add_paragraph("表后的段落。")
    path = tmp_path / "report.docx"
    word.save(str(path))

    document = read_document(path)
    kinds = [type(b).__name__ for b in document.blocks]
    assert kinds == ["Paragraph", "Table", "Table", "Paragraph"]
    rows = document.blocks[1].rows
    assert rows[1][0] == "产出指标" and rows[2][0] is None  # vertical merge: covered cell is None
    assert rows[2][2] is None
    assert _texts(document.blocks[2]) == [["内", "表"]]
    assert document.blocks[3].text == "表后的段落。"


def test_xlsx_merged_cells_narrative_rows_and_percent_format(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "自评表"
    sheet["A1"] = "项目支出绩效自评表"
    sheet.merge_cells("A1:C1")
    sheet.append(["项目名称", "道路维修", None])
    sheet.merge_cells("B2:C2")
    sheet.append(["执行率", 0.9325, 12.5])
    sheet["B3"].number_format = "0.00%"
    path = tmp_path / "book.xlsx"
    book.save(path)

    document = read_document(path)
    assert isinstance(document.blocks[1], Paragraph) and document.blocks[1].text == "项目支出绩效自评表"
    table = document.tables[0]
    assert table.rows[0] == ["项目名称", "道路维修", None]
    assert table.rows[1] == ["执行率", "93.25%", "12.5"]


def test_pdf_table_stitched_over_pages_and_page_numbers_dropped(tmp_path: Path) -> None:
    header = ["三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    rows = [header] + [[f"指标{i}", "≥95%", "96%", "2", "2"] for i in range(60)]
    path = build_pdf(tmp_path / "long.pdf", ["一、基本情况", "这是正文第一段。"], rows, repeat_header=True)

    document = read_document(path)
    assert document.page_count >= 2
    tables = document.tables
    assert len(tables) == 1, "the continuation on the next page is one table"
    texts = _texts(tables[0])
    assert texts[0] == header
    assert len(texts) == 61, "the repeated header row of the continuation is dropped"
    assert texts[-1][0] == "指标59"
    paragraph_texts = [p.text for p in document.paragraphs]
    assert "这是正文第一段。" in paragraph_texts
    assert not any(t.strip("- ").isdigit() for t in paragraph_texts), "page numbers are furniture"


def test_pdf_number_wrapped_in_a_narrow_cell_is_joined(tmp_path: Path) -> None:
    rows = [["基本支出", "1307.04万元"]]
    path = build_pdf(tmp_path / "narrow.pdf", ["表"], rows, col_widths=[120, 32])
    cell = _texts(read_document(path).tables[0])[0][1]
    assert cell == "1307.04万元"


def test_pdf_lines_of_one_paragraph_are_joined(tmp_path: Path) -> None:
    long = "2023年预算安排2,753.66万元，财政下达预算指标2,597.66万元，" * 4 + "完。"
    path = build_pdf(tmp_path / "prose.pdf", [long, "二、下一段"])
    paragraphs = [p.text for p in read_document(path).paragraphs]
    assert paragraphs[0].replace(" ", "") == long
    assert paragraphs[1] == "二、下一段"


def test_html_article_without_portal_chrome_gbk_and_rowspan(tmp_path: Path) -> None:
    page = """<html><head><meta charset="gb2312"><title>自评表</title></head><body>
    <div class="nav"><a href="/">首页</a> <a href="/a">机构</a> <a href="/b">政务公开</a>
      <a href="/c">互动</a></div>
    <div class="main"><div class="crumb"><a href="/">首页</a> &gt; <a href="/x">财政预决算</a></div>
      <div class="article"><h1>2023年度某某局部门整体支出绩效自评报告</h1>
        <p>一、部门基本情况。本部门主要职责是统筹管理全区教育事业，推进义务教育优质均衡发展。</p>
        <table><tr><td rowspan="2">产出指标</td><td>甲</td><td colspan="2">10</td></tr>
               <tr><td>乙</td><td>5</td><td>4</td></tr></table>
        <p>二、其他。各项工作有序推进，公共服务质量和效率明显提升，群众满意度持续提高。</p></div></div>
    <div class="footer">版权所有：某某区人民政府 <a href="/map">网站地图</a></div></body></html>"""
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("gb18030"))

    document = read_document(path)
    texts = [b.text for b in document.paragraphs]
    assert texts[0] == "2023年度某某局部门整体支出绩效自评报告"
    assert not any("版权所有" in t or "首页" in t for t in texts)
    assert document.tables[0].rows == [["产出指标", "甲", "10", None], [None, "乙", "5", "4"]]


def test_decode_html_declared_gbk_as_gb18030() -> None:
    data = '<meta charset="GBK"><p>镕</p>'.encode("gb18030")
    assert "镕" in decode_html(data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.4\n...", "pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), "doc"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le"), "xls"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        (b"   \n", "empty"),
        (b"\x00\x01\x02\x03binary", "unknown"),
    ],
)
def test_format_from_magic_bytes_not_extension(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "download.pdf"
    path.write_bytes(data)
    assert detect_format(path) == expected


def test_html_title_beside_the_content_box_is_kept(tmp_path: Path) -> None:
    body = "".join(f"<p>第{i}段正文，各项工作有序推进，公共服务质量和效率明显提升。</p>" for i in range(8))
    page = (
        "<html><head><title>某某局2023年度部门整体支出绩效自评报告_某某区人民政府</title></head><body>"
        "<div class='article'><h1>某某局2023年度部门整体支出绩效自评报告</h1>"
        "<div class='info'>发布时间：2024-05-01</div>"
        f"<div class='TRS_Editor'>{body}</div></div></body></html>"
    )
    path = tmp_path / "article.html"
    path.write_text(page, encoding="utf-8")
    document = read_document(path)
    assert document.blocks[0].text == "某某局2023年度部门整体支出绩效自评报告"
    assert document.title == "某某局2023年度部门整体支出绩效自评报告_某某区人民政府"


def test_html_layout_table_is_walked_and_the_data_table_inside_is_kept(tmp_path: Path) -> None:
    page = (
        "<html><body><table><tr><td><p>2023年度某某局部门整体支出绩效自评报告</p>"
        "<p>一、部门基本情况。本部门主要职责是统筹管理全区教育事业，推进义务教育优质均衡发展。</p>"
        "<table><tr><td>三级指标</td><td>分值</td></tr><tr><td>甲</td><td>10</td></tr></table>"
        "</td></tr></table></body></html>"
    )
    path = tmp_path / "layout.html"
    path.write_text(page, encoding="utf-8")
    document = read_document(path)
    assert document.paragraphs[0].text == "2023年度某某局部门整体支出绩效自评报告"
    assert document.tables[0].rows == [["三级指标", "分值"], ["甲", "10"]]
