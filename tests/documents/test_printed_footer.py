"""A web page printed to PDF or Word ends in the site's footer: furniture, not the report's text."""

from __future__ import annotations

from extractors.documents.furniture import set_printed_footer_aside
from extractors.documents.model import Document, Paragraph, Table


def test_the_footer_of_a_printed_page_becomes_furniture() -> None:
    document = Document(
        format="pdf",
        blocks=[
            Paragraph("2.效益指标完成情况分析。"),
            Paragraph("(1)项目实施的社会效"),
            Table(rows=[["【打印本页】", "【关闭窗口】"]]),
            Paragraph("网站地图 | 联系我们 | 使用帮助"),
            Paragraph("主办单位：某某区人民政府"),
            Paragraph("建议使用 1366×768 分辨率浏览本网站"),
        ],
    )
    set_printed_footer_aside(document)
    assert [b.text for b in document.blocks if isinstance(b, Paragraph)][-1] == "(1)项目实施的社会效"
    assert document.furniture[0] == "【打印本页】 | 【关闭窗口】"
    assert "主办单位：某某区人民政府" in document.furniture


def test_a_report_that_mentions_contact_words_keeps_its_text() -> None:
    closing = "如对本报告有疑问，请联系我们：某某局财务科，电话见部门网站主页的联系方式栏目，工作日办理。"
    document = Document(format="pdf", blocks=[Paragraph("三、结论"), Paragraph(closing)])
    set_printed_footer_aside(document)
    assert len(document.blocks) == 2 and document.furniture == []
