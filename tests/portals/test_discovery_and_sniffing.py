"""Page reading, byte sniffing and CMS-family adapters, unit by unit."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from extractors.portals.adapters import (
    AnhuiDisclosureAdapter,
    HanwebAdapter,
    JpaasAdapter,
    ProxyRequest,
    TrsAdapter,
    adapters_for,
)
from extractors.portals.crawler import _column_contains
from extractors.portals.discovery import (
    KeywordRule,
    Link,
    date_from_url,
    is_attachment_url,
    is_pagination_link,
    parse_page,
)
from extractors.portals.sniff import (
    decode_html,
    filename_from_content_disposition,
    is_undecodable,
    sniff_format,
)

BASE = "http://portal.example.gov.cn/xxgk/czyjs/"


def _zip_file(tmp_path: Path, member: str) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    path = tmp_path / "file.bin"
    path.write_bytes(buffer.getvalue())
    return path


def test_sniffing_trusts_bytes_not_headers(tmp_path: Path) -> None:
    assert sniff_format(b"%PDF-1.7\n", content_type="text/html") == "pdf"
    docx = _zip_file(tmp_path, "word/document.xml")
    assert sniff_format(docx.read_bytes()[:64], docx, "application/octet-stream") == "docx"
    xlsx = _zip_file(tmp_path, "xl/workbook.xml")
    assert sniff_format(xlsx.read_bytes()[:64], xlsx) == "xlsx"
    ole = tmp_path / "ole.bin"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "WordDocument".encode("utf-16-le"))
    assert sniff_format(ole.read_bytes()[:8], ole) == "doc"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "Workbook".encode("utf-16-le"))
    assert sniff_format(ole.read_bytes()[:8], ole) == "xls"
    assert (
        sniff_format(b"\xef\xbb\xbf<!DOCTYPE html><html>", content_type="application/octet-stream") == "html"
    )
    assert sniff_format(b"Rar!\x1a\x07\x00", content_type="application/pdf") is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("attachment; filename*=UTF-8''%E7%BB%A9%E6%95%88%E8%87%AA%E8%AF%84%E8%A1%A8.pdf", "绩效自评表.pdf"),
        ("attachment; filename=\"x.pdf\"; filename*=utf-8''%E8%87%AA%E8%AF%84.xlsx", "自评.xlsx"),
        ('attachment; filename="%E8%87%AA%E8%AF%84.docx"', "自评.docx"),
        ('attachment; filename="' + "自评报告.pdf".encode("gbk").decode("latin-1") + '"', "自评报告.pdf"),
        ('attachment; filename="' + "自评报告.pdf".encode().decode("latin-1") + '"', "自评报告.pdf"),
        ("attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd", "passwd"),
        # control characters never reach the manifest, staging or a log line
        ('attachment; filename="a\r\n2026-01-01 INFO forged.pdf"', "a 2026-01-01 INFO forged.pdf"),
        ("attachment; filename*=UTF-8''%E8%87%AA%00%1B%5B31m%E8%AF%84.pdf", "自 [31m评.pdf"),
        ("attachment; filename*=UTF-8''%0A%0D", None),
        ('attachment; filename=".."', None),
        ("inline", None),
        (None, None),
    ],
)
def test_content_disposition_names(header: str | None, expected: str | None) -> None:
    assert filename_from_content_disposition(header) == expected


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_a_byte_order_mark_wins_over_a_wrong_label(codec: str) -> None:
    page = '<meta charset="gb2312"><a href="a.pdf">绩效自评报告</a>'
    # Python's utf-16 / utf-32 codecs write the mark themselves; utf-16-be needs it spelled out.
    body = page.encode(codec) if codec in ("utf-16", "utf-32") else ("\ufeff" + page).encode(codec)
    text = decode_html(body, "text/html; charset=gb2312")
    assert "绩效自评报告" in text and not is_undecodable(text)


def test_a_page_no_charset_decodes_is_said_to_be_undecodable() -> None:
    assert is_undecodable(decode_html(bytes(range(128, 256)) * 20, "text/html; charset=utf-8"))
    assert not is_undecodable("正常的页面文字")


def test_gb2312_labelled_pages_decode_as_gb18030() -> None:
    text = "<meta charset='gb2312'><title>喆镕堃项目支出绩效自评表</title>"
    body = text.encode("gb18030")
    assert "喆镕堃" in decode_html(body, "text/html")
    assert "喆镕堃" in decode_html(body, "text/html; charset=GB2312")
    unlabelled = "<title>部门整体支出绩效自评</title>".encode("gbk")
    assert "部门整体支出绩效自评" in decode_html(unlabelled, "text/html")


def test_notice_about_self_evaluation_is_not_a_report() -> None:
    rule = KeywordRule(["绩效自评", "自评报告"], ["通知", "办法"])
    assert rule.is_report("某局2023年度部门整体支出绩效自评报告")
    assert not rule.is_report("关于开展2023年度绩效自评工作的通知")
    assert rule.is_report("绩效 自评 报告")  # line breaks and spaces inside titles
    assert not rule.is_report("2023年度部门预算")


def test_attachment_urls_by_extension_and_download_endpoint() -> None:
    for url in (
        BASE + "202401/P020240115.pdf",
        BASE + "a.XLSX",
        "http://h/module/download/downfile.jsp?classid=0&filename=123",
        "http://h/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1&wbfileid=2",
        "http://h/download.jsp?id=1",
    ):
        assert is_attachment_url(url), url
    for url in (BASE + "index_1.html", BASE + "202401/t20240115_1.html", "http://h/col/col1/index.html"):
        assert not is_attachment_url(url), url


def test_pagination_links_by_words_and_numbers() -> None:
    page = BASE + "index.html"
    assert is_pagination_link(Link(BASE + "index_1.html", "下一页"), page)
    assert is_pagination_link(Link(BASE + "index_2.html", "3"), page)
    assert is_pagination_link(Link("http://h/list/czyjs/2.htm", "下页"), "http://h/list/czyjs.htm")
    assert not is_pagination_link(Link("http://h/other/index_2.html", "2"), page)
    assert not is_pagination_link(Link(BASE + "202401/t20240115_1.html", "某局绩效自评"), page)


def test_page_reading_titles_dates_tables_and_soft_404() -> None:
    html = (
        "<html><head><meta name='ArticleTitle' content='某中心2023年度项目支出绩效自评表'>"
        "<meta name='PubDate' content='2024-01-18 09:30'><title>某中心_某区</title></head><body>"
        "<h2>通知公告</h2><ul><li><a href='./202401/t20240118_4.html'>某中心绩效自评</a>"
        "<span>2024/1/18</span></li>"
        "</ul><table><tr><td>一级指标</td><td>二级指标</td></tr></table></body></html>"
    )
    page = parse_page(BASE + "index.html", html.encode())
    assert page.title == "某中心2023年度项目支出绩效自评表"
    assert page.published_at == "2024-01-18"
    assert page.has_report_table and not page.looks_not_found
    assert page.links == [Link(BASE + "202401/t20240118_4.html", "某中心绩效自评", "2024-01-18")]
    missing = parse_page(BASE + "x.html", "<title>404 页面不存在</title><p>您访问的页面不存在</p>".encode())
    assert missing.looks_not_found
    layout_only = parse_page(BASE + "y.html", "<table><tr><td>项目名称</td></tr></table>".encode())
    assert not layout_only.has_report_table


def test_a_narrative_article_is_a_report_and_a_notice_is_not() -> None:
    narrative = (
        "<h1>某局2023年度绩效自评报告</h1><p>一、绩效目标分解下达情况</p><p>下达资金56万元。</p>"
        "<p>二、绩效目标完成情况分析</p><p>资金已全部到位。</p>"
    )
    assert parse_page(BASE + "a.html", narrative.encode()).has_report_narrative
    notice = "<h1>关于开展绩效自评工作的通知</h1><p>各单位：请对照绩效目标开展自评，报送完成情况。</p>"
    assert not parse_page(BASE + "b.html", notice.encode()).has_report_narrative


@pytest.mark.parametrize(
    ("url", "date"),
    [
        (BASE + "202401/t20240115_1.html", "2024-01-15"),
        ("http://h/art/2023/12/5/art_1234_567.html", "2023-12-05"),
        ("http://h/c100/20230607/i900.html", "2023-06-07"),
        ("http://h/info/1033/2345.htm", None),
    ],
)
def test_dates_from_cms_urls(url: str, date: str | None) -> None:
    assert date_from_url(url) == date


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('createPageHTML(3, 0, "index", "html");', ["index.html", "index_1.html", "index_2.html"]),
        ("createPageHTML('page_div',2, 1,'fg_index','shtml',20);", ["fg_index.shtml", "fg_index_1.shtml"]),
        (
            'var countPage = 2//共多少页\nvar currentPage = 0\nvar prePage = "index"\n'
            'createPageHTML(countPage, currentPage, prePage, "html");',
            ["index.html", "index_1.html"],
        ),
        ('createPageHTML(1, 0, "index", "html");', ["index.html"]),
    ],
)
def test_trs_script_pagination(script: str, expected: list[str]) -> None:
    urls = TrsAdapter().listing_urls(BASE + "index.html", f"<script>{script}</script>")
    assert urls == [BASE + name for name in expected]


def test_adapter_selection_from_signatures() -> None:
    names = lambda url, text: [a.name for a in adapters_for("auto", url, text)]  # noqa: E731
    assert names(BASE + "index.html", "createPageHTML(2,0,'index','html')") == ["generic", "trs"]
    assert names("http://h/col/col123/index.html", "") == ["generic", "hanweb"]
    assert names("http://h/info/1033/2345.htm", "") == ["generic", "vsb"]
    assert names("http://h/public/6596/12345.html", "") == ["generic", "anhui"]
    assert names("http://h/OpennessContent/show/3033664.html", "") == ["generic", "anhui"]
    assert names("http://h/zw/index.html", "<script queryData=\"{'tplSetId':'x'}\"></script>") == [
        "generic",
        "jpaas",
    ]
    assert names("http://h/list.html", "<a>plain</a>") == ["generic"]
    assert [a.name for a in adapters_for("trs", "http://h/list.html", "")] == ["generic", "trs"]
    assert [a.name for a in adapters_for("generic", BASE + "t20240101_1.html", "")] == ["generic"]


def test_hanweb_datastore_records_are_links() -> None:
    text = (
        '<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?'
        'page=1&appid=1&webid=7&path=/&columnid=123&unitid=456&permissiontype=0"></a>]]></nextgroup>'
        "<recordset><record><![CDATA[<li><a href='/art/2024/1/15/art_123_1.html' title='某局绩效自评报告'>"
        "某局绩效自评报告</a><span>2024-01-15</span></li>]]></record></recordset></datastore></script>"
        "<script>$('#456').jpage({perPage: 2, groupSize: 1, "
        "proxyUrl:'/module/web/jpage/dataproxy.jsp'})</script>"
    )
    adapter = HanwebAdapter()
    links = adapter.listing_links("http://h/col/col123/index.html", text)
    assert links == [Link("http://h/art/2024/1/15/art_123_1.html", "某局绩效自评报告", "2024-01-15")]
    (request,) = adapter.proxy_requests("http://h/col/col123/index.html", text)
    assert request.url == "http://h/module/web/jpage/dataproxy.jsp?startrecord=2&endrecord=3&perpage=2"
    form = dict(request.form)
    assert form["columnid"] == "123" and form["unitid"] == "456" and form["col"] == "1" and "page" not in form


def test_publication_date_is_preferred_to_the_signing_date() -> None:
    table = (
        "<table><tr><th>成文日期：</th><td>2024-02-20</td></tr>"
        "<tr><th>发布日期：</th><td>2024-03-01</td></tr></table>"
    )
    assert parse_page("http://h/public/1/2.html", table.encode()).published_at == "2024-03-01"
    only_signed = "<p>成文日期：2024年2月20日</p>"
    assert parse_page("http://h/public/1/3.html", only_signed.encode()).published_at == "2024-02-20"


def test_anhui_label_pages_from_the_script_object() -> None:
    page_url = "http://h/public/column/6596221?type=4&action=list&nav=3&catId=7065111"
    text = (
        '<meta name="SiteId" content="6786551"><script>var organId = "6596221";'
        'Ls.ajax({url: "/site/label/8888", data: {labelName: "publicInfoList", siteId: siteId, pageSize: 15,'
        ' pageIndex: pageIndex, organId: organId, type: 4, catId: catId, isDate: true, cId: "",'
        ' file: "/c3/hs/publicInfoList_newest"}});'
        "Ls.pagination('#p', fn, {currPage: 1, pageCount: 2});</script>"
    )
    urls = AnhuiDisclosureAdapter().listing_urls(page_url, text)
    assert urls == [
        "http://h/site/label/8888?labelName=publicInfoList&siteId=6786551&pageSize=15&organId=6596221"
        f"&type=4&catId=7065111&isDate=true&cId=&file=%2Fc3%2Fhs%2FpublicInfoList_newest&pageIndex={n}"
        for n in (1, 2)
    ]
    undefined_variable = text.replace("siteId: siteId", "siteId: mysteryId").replace('name="SiteId"', "")
    assert AnhuiDisclosureAdapter().listing_urls(page_url, undefined_variable) == []
    assert AnhuiDisclosureAdapter().listing_urls(page_url, text.replace("pageCount: 2", "")) == []


def test_anhui_label_pages_from_a_url_in_the_page() -> None:
    text = (
        "<script>var u = '/site/label/8888?IsAjax=1&dataType=html&_=0.3327&labelName=publicInfoList"
        "&siteId=1&pageSize=15&pageIndex=1&catId=9&file=%2Fx%2FpublicInfoList';"
        "pager({pageCount:3})</script>"
    )
    urls = AnhuiDisclosureAdapter().listing_urls("http://h/public/column/5?type=4&catId=9", text)
    assert [u.rsplit("pageIndex=", 1)[1] for u in urls] == ["1", "2", "3"]
    assert all("_=" not in u and "IsAjax=1" in u for u in urls)  # the cache-buster is not kept


def test_anhui_openness_pages_from_the_page_total() -> None:
    page_url = "http://h/OpennessContent/showList/15/85522/page_1.html"
    urls = AnhuiDisclosureAdapter().listing_urls(page_url, "<div>共 3 页</div>")
    assert urls == [f"http://h/OpennessContent/showList/15/85522/page_{n}.html" for n in (1, 2, 3)]
    assert AnhuiDisclosureAdapter().listing_urls("http://h/public/1/2.html", "共 3 页") == []


def test_jpaas_unit_requests_and_responses() -> None:
    adapter = JpaasAdapter()
    shell = (
        '<script src="/js/unitbuild.js" queryData="{&#39;webId&#39;:&#39;w1&#39;,&#39;tplSetId&#39;:'
        '&#39;t1&#39;,&#39;tagId&#39;:&#39;信息列表&#39;,&#39;pageId&#39;:&#39;p1&#39;}"></script>'
    )
    (request,) = adapter.proxy_requests("http://h/col/col1/index.html", shell)
    assert (request.method, request.start, request.window) == ("GET", 1, 15)
    assert request.url.startswith("http://h/api-gateway/jpaas-publish-server/front/page/build/unit?")
    assert "tagId=%E4%BF%A1%E6%81%AF%E5%88%97%E8%A1%A8" in request.url
    assert "paramJson=%7B%22pageNo%22%3A1%2C%22pageSize%22%3A15%7D" in request.url
    fragment = "<li><a href='/art/2024/1/2/art_1_2.html'>某局绩效自评报告</a></li><div count='16'></div>"
    listing = adapter.read_proxy_response(request, json.dumps({"data": {"html": fragment}}))
    assert [link.url for link in listing.links] == ["http://h/art/2024/1/2/art_1_2.html"]
    assert listing.next_request is not None and "%22pageNo%22%3A2" in listing.next_request.url
    last = ProxyRequest(listing.next_request.url, (), 2, 15, "jpaas", "GET")
    assert adapter.read_proxy_response(last, json.dumps({"data": {"html": fragment}})).next_request is None
    assert adapter.read_proxy_response(request, "<html>busy</html>").links == []
    missing_keys = shell.replace("tplSetId", "other")
    assert adapter.proxy_requests("http://h/col/col1/index.html", missing_keys) == []


@pytest.mark.parametrize(
    ("start", "url", "inside"),
    [
        ("http://h/xxgk/czyjs/index.html", "http://h/xxgk/czyjs/202401/t1.html", True),
        ("http://h/xxgk/czyjs/index.html", "http://h/xxgk/other/index.html", False),
        (
            "http://h/public/column/5?type=4&catId=9",
            "http://h/public/column/5?type=4&catId=9&pageIndex=2",
            True,
        ),
        ("http://h/public/column/5?type=4&catId=9", "http://h/public/column/5?type=4&catId=8", False),
        ("http://h/public/column/5?type=4&catId=9", "http://h/public/5/123.html", False),
    ],
)
def test_start_column_scope(start: str, url: str, inside: bool) -> None:
    assert _column_contains(start, url) is inside
