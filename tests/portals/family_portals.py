"""Fixture portals, one per CMS family, each with pagination, details, attachments and traps.

Each builder lays out a portal on a ``FixturePortal`` the way that family publishes
(URL shapes, listing mechanism, attachment links) and returns a ``FamilyPortal``: the
source to crawl and what a correct crawl must find, refuse and never request.  The shared
tests in ``test_cms_families.py`` crawl each twice and check both runs from the server's
own request log; family-specific expectations live in each ``check``.  ``listings`` name
what a rerun must still ask for — the family's listing pages and listing requests; the
detail pages and documents below an unchanged listing are taken from the crawl state.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from extractors.portals.crawler import CrawlResult
from extractors.portals.registry import SourceConfig

from .conftest import FixturePortal

LAST_MODIFIED = "Fri, 01 Mar 2024 08:00:00 GMT"
OCTET = "application/octet-stream"
OFFHOST_PDF = "http://www.example.org/files/某局2023年度绩效自评报告.pdf"
# A slow endpoint sleeps longer than the source's timeout; an oversized file exceeds max_file_mb.
TIMEOUT_S = 0.3
SLOW_DELAY_S = 0.7
MAX_FILE_MB = 0.25
OVERSIZED = b"%PDF-1.4\n" + b"0" * int(MAX_FILE_MB * 1024 * 1024 * 1.5)
NOT_FOUND_PAGE = (
    "<html><head><title>404 页面不存在</title></head>"
    "<body><h1>404</h1><p>您访问的页面不存在或已被删除</p></body></html>"
)
INLINE_REPORT_TABLE = (
    "<table border='1'><tr><td colspan='4'>项目支出绩效自评表（2023年度）</td></tr>"
    "<tr><td>项目名称</td><td colspan='3'>农村饮水安全</td></tr>"
    "<tr><td>项目资金（万元）</td><td>年初预算数</td><td>全年预算数</td><td>全年执行数</td></tr>"
    "<tr><td>年度资金总额</td><td>120</td><td>118</td><td>110</td></tr>"
    "<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>年度指标值</td></tr></table>"
)


@dataclass
class FamilyPortal:
    """What a correct crawl of one family's fixture finds (targets are server paths with query)."""

    family: str
    source: SourceConfig
    documents: dict[str, str]  # request target -> format
    errors: dict[str, str]  # request target -> words the manifest error must contain
    never_requested: tuple[str, ...]
    # Request targets (or their prefixes, up to "?") a rerun asks for again: the listings.
    listings: tuple[str, ...] = ()
    reposts: int = 0
    check: Callable[[CrawlResult, FixturePortal], None] | None = field(default=None, repr=False)


def family_source(
    portal: FixturePortal, source_id: str, start_path: str, **overrides: object
) -> SourceConfig:
    source = SourceConfig(
        id=source_id,
        start_urls=(portal.url(start_path),),
        include=("绩效自评", "自评报告", "自评表"),
        exclude=("通知", "办法"),
        max_pages=80,
        max_depth=3,
        requests_per_second=500.0,
        allow_private_addresses=True,
        max_file_mb=MAX_FILE_MB,
        timeout_s=TIMEOUT_S,
        retries=1,
        backoff_s=0.01,
    )
    return replace(source, **overrides)


# -- document bytes ---------------------------------------------------------------------------


def pdf(tag: str) -> bytes:
    return f"%PDF-1.4\n% {tag}\n%%EOF\n".encode()


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def docx(tag: str) -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": f"<w:document>{tag}</w:document>"})


def xlsx(tag: str) -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": f"<workbook>{tag}</workbook>"})


def xls(tag: str) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64 + "Workbook".encode("utf-16-le") + tag.encode()


def named(file_name: str) -> dict[str, str]:
    """RFC 5987 ``filename*=``: the only place these download endpoints name their files."""
    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(file_name)}"}


def _html(title: str, body: str, *, charset: str = "utf-8", head: str = "") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"{head}<title>{title}_某县人民政府</title></head><body>"
        f'<div class="top"><a href="http://www.gov.cn/">中国政府网</a><a href="/">首页</a></div>'
        f"{body}</body></html>"
    )


# -- Hanweb JCMS ------------------------------------------------------------------------------

HANWEB_PROXY = "/module/web/jpage/dataproxy.jsp"
HANWEB_DOWNLOAD = "/module/download/downfile.jsp?classid=0&filename="
HANWEB_TITLES = {
    1: "县农业农村局2023年度项目支出绩效自评表",
    2: "县教育局2023年度部门整体支出绩效自评报告",
    3: "关于开展2023年度财政支出绩效自评工作的通知",
    4: "县农业农村局2023年度项目支出绩效自评表（更正后重新发布）",
    5: "县卫健委2023年度绩效自评报告",
    6: "县水利局2023年度项目支出绩效自评表",
}


def build_hanweb(portal: FixturePortal) -> FamilyPortal:
    """``col/colN/index.html`` with an XML datastore; more records from ``dataproxy.jsp`` (POST)."""

    def record(n: int) -> str:
        return (
            f"<record><![CDATA[<li><a href='/art/2024/3/{n}/art_4521_{n}.html' title='{HANWEB_TITLES[n]}'>"
            f"{HANWEB_TITLES[n][:12]}…</a><span class='bt_time'>2024-03-{n:02d}</span></li>]]></record>"
        )

    def proxy_page(numbers: range) -> str:
        records = "".join(record(n) for n in numbers)
        return (
            "<?xml version='1.0' encoding='UTF-8'?><datastore><totalrecord>6</totalrecord>"
            f"<recordset>{records}</recordset></datastore>"
        )

    column = _html(
        "绩效评价",
        "<div id='4521'><script type='text/xml'><datastore><nextgroup><![CDATA[<a href=\""
        f"{HANWEB_PROXY}?page=1&appid=1&webid=12&path=/&columnid=4521&unitid=9876&webname=某县"
        '&permissiontype=0"></a>]]></nextgroup>'
        f"<recordset>{record(1)}{record(2)}</recordset></datastore></script></div>"
        f"<a href='{OFFHOST_PDF}'>省级绩效自评报告汇编</a>"
        "<script>$('#4521').jpage({dataStore: dataStore, perPage: 2, groupSize: 1, totalRecord: 6,"
        f" proxyUrl:'{HANWEB_PROXY}'}});</script>",
    )
    portal.add("/col/col4521/index.html", column)
    # The first proxy request meets a 503 (a busy portal) and must be retried.
    portal.add(
        f"{HANWEB_PROXY}?startrecord=3&endrecord=4&perpage=2",
        proxy_page(range(3, 5)),
        content_type="text/xml",
        fail_first=1,
    )
    portal.add(
        f"{HANWEB_PROXY}?startrecord=5&endrecord=6&perpage=2",
        proxy_page(range(5, 7)),
        content_type="text/xml",
    )

    def detail(n: int, attachment: str, words: str = "附件") -> None:
        body = (
            f"<h1>{HANWEB_TITLES[n]}</h1><p>发布日期：2024-03-{n:02d}</p><a href='{attachment}'>{words}</a>"
        )
        portal.add(
            f"/art/2024/3/{n}/art_4521_{n}.html", _html(HANWEB_TITLES[n], body), last_modified=LAST_MODIFIED
        )

    detail(1, HANWEB_DOWNLOAD + "h1")
    portal.add(
        HANWEB_DOWNLOAD + "h1", pdf("hanweb 1"), content_type=OCTET, headers=named("农业农村局自评表.pdf")
    )
    detail(2, HANWEB_DOWNLOAD + "h2")
    # Lying content type: a DOCX announced as a web page.
    portal.add(
        HANWEB_DOWNLOAD + "h2",
        docx("hanweb 2"),
        content_type="text/html",
        headers=named("教育局自评报告.docx"),
    )
    detail(3, HANWEB_DOWNLOAD + "h3")
    portal.add(HANWEB_DOWNLOAD + "h3", docx("notice template"), content_type=OCTET)
    detail(4, HANWEB_DOWNLOAD + "h4")
    portal.add(
        HANWEB_DOWNLOAD + "h4", pdf("hanweb 1"), content_type=OCTET, headers=named("农业农村局自评表.pdf")
    )
    # The article was withdrawn: its page answers 200 with a "not found" body.
    portal.add("/art/2024/3/5/art_4521_5.html", NOT_FOUND_PAGE)
    detail(6, HANWEB_DOWNLOAD + "h6")
    portal.add(
        HANWEB_DOWNLOAD + "h6", xlsx("hanweb 6"), content_type=OCTET, headers=named("水利局自评表.xlsx")
    )

    def check(result: CrawlResult, server: FixturePortal) -> None:
        posts = [r for r in server.log if r.method == "POST"]
        assert [(r.target, r.status) for r in posts] == [
            (f"{HANWEB_PROXY}?startrecord=3&endrecord=4&perpage=2", 503),
            (f"{HANWEB_PROXY}?startrecord=3&endrecord=4&perpage=2", 200),
            (f"{HANWEB_PROXY}?startrecord=5&endrecord=6&perpage=2", 200),
        ]
        assert posts[0].form["columnid"] == "4521" and posts[0].form["unitid"] == "9876"
        by_target = {d.url.removeprefix(server.base): d for d in result.documents}
        first = by_target[HANWEB_DOWNLOAD + "h1"]
        assert (first.file_name, first.title, first.published_at) == (
            "农业农村局自评表.pdf",
            HANWEB_TITLES[1],
            "2024-03-01",
        )
        assert (
            by_target[HANWEB_DOWNLOAD + "h6"].title == HANWEB_TITLES[6]
        )  # the full title, not the truncated one

    return FamilyPortal(
        family="hanweb",
        source=family_source(portal, "fixture-hanweb", "/col/col4521/index.html"),
        documents={
            HANWEB_DOWNLOAD + "h1": "pdf",
            HANWEB_DOWNLOAD + "h2": "docx",
            HANWEB_DOWNLOAD + "h4": "pdf",
            HANWEB_DOWNLOAD + "h6": "xlsx",
        },
        errors={"/art/2024/3/5/art_4521_5.html": "not-found page served with HTTP 200"},
        never_requested=("/art/2024/3/3/art_4521_3.html", HANWEB_DOWNLOAD + "h3", "/"),
        listings=("/col/col4521/index.html", f"{HANWEB_PROXY}?"),
        reposts=1,
        check=check,
    )


# -- VSB (博达) -------------------------------------------------------------------------------

VSB_DOWNLOAD = "/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1234&wbfileid="
VSB_GBK_TITLE = "县财政局2023年度项目支出绩效自评表（喆）"
VSB_TITLES = {
    1: "县审计局2023年度项目支出绩效自评表",
    2: "县民政局2023年度部门整体支出绩效自评报告",
    3: "关于做好2023年度绩效自评工作的通知",
    4: "县交通局2023年度绩效自评报告（含附表）",
    5: VSB_GBK_TITLE,
    6: "县林业局2023年度绩效自评报告",
    7: "县文旅局2023年度绩效自评报告",
}


def build_vsb(portal: FixturePortal) -> FamilyPortal:
    """``czyjs.htm`` then ``czyjs/N.htm`` counting down; ``info/1033/N.htm``; ``download.jsp`` files."""

    def listing(numbers: list[int], next_href: str, *, charset: str = "utf-8") -> str:
        items = "".join(
            f"<li><a href='/info/1033/{n}.htm' title='{VSB_TITLES[n]}'>{VSB_TITLES[n]}</a>"
            f"<span>2024-02-{n:02d}</span></li>"
            for n in numbers
        )
        pager = f"<span class='p_pages'><a href='{next_href}' class='Next'>下页</a></span>"
        return _html("财政预决算", f"<ul class='list'>{items}</ul>{pager}", charset=charset)

    portal.add("/xxgk/czyjs.htm", listing([1, 2], "czyjs/3.htm"))
    portal.add("/xxgk/czyjs/3.htm", listing([3, 4], "2.htm"))
    portal.add(
        "/xxgk/czyjs/2.htm",
        listing([5], "1.htm", charset="gb2312").encode("gbk"),
        content_type="text/html",
    )
    # Pagination loop: the last page's 下页 leads back to the first.
    portal.add("/xxgk/czyjs/1.htm", listing([6, 7], "../czyjs.htm"))

    def detail(n: int, links: str, *, charset: str = "utf-8") -> None:
        body = (
            f"<h1>{VSB_TITLES[n]}</h1><div>发布时间：2024-02-{n:02d}</div><div id='vsb_content'>{links}</div>"
        )
        html = _html(VSB_TITLES[n], body, charset=charset)
        data = html.encode("gbk") if charset != "utf-8" else html.encode()
        portal.add(f"/info/1033/{n}.htm", data, content_type="text/html", last_modified=LAST_MODIFIED)

    def attachment(n: int, words: str) -> str:
        return f"<a href='{VSB_DOWNLOAD}{n}'>{words}</a>"

    detail(1, attachment(1, "附件【审计局自评表.xls】"))
    portal.add(f"{VSB_DOWNLOAD}1", xls("vsb 1"), content_type=OCTET, headers=named("审计局自评表.xls"))
    detail(2, attachment(2, "附件【民政局自评报告.pdf】"))
    portal.add(
        f"{VSB_DOWNLOAD}2", pdf("vsb 2"), content_type="text/html", headers=named("民政局自评报告.pdf")
    )
    detail(3, attachment(3, "附件【模板.doc】"))
    portal.add(f"{VSB_DOWNLOAD}3", xls("notice"), content_type=OCTET)
    detail(4, attachment(4, "附件【交通局自评报告.pdf】"))
    portal.add(
        f"{VSB_DOWNLOAD}4", OVERSIZED, content_type="application/pdf", headers=named("交通局自评报告.pdf")
    )
    detail(5, attachment(5, "附件【财政局自评表.docx】"), charset="gbk")
    portal.add(f"{VSB_DOWNLOAD}5", docx("vsb 5"), content_type=OCTET, headers=named("财政局自评表.docx"))
    detail(6, attachment(6, "附件【林业局自评报告.pdf】"))
    portal.add(
        f"{VSB_DOWNLOAD}6",
        pdf("vsb 6"),
        content_type=OCTET,
        headers=named("林业局自评报告.pdf"),
        delay_s=SLOW_DELAY_S,
    )
    detail(7, f"<a href='{OFFHOST_PDF}'>附件【文旅局自评报告.pdf】</a>")

    def check(result: CrawlResult, server: FixturePortal) -> None:
        by_target = {d.url.removeprefix(server.base): d for d in result.documents}
        gbk = by_target[f"{VSB_DOWNLOAD}5"]
        assert (gbk.title, gbk.file_name, gbk.published_at) == (
            VSB_GBK_TITLE,
            "财政局自评表.docx",
            "2024-02-05",
        )
        for page in ("/xxgk/czyjs.htm", "/xxgk/czyjs/3.htm", "/xxgk/czyjs/2.htm", "/xxgk/czyjs/1.htm"):
            assert len(server.requests_for(page)) == 1, page
        assert len(server.requests_for(f"{VSB_DOWNLOAD}6")) == 2  # one try and one bounded retry

    return FamilyPortal(
        family="vsb",
        source=family_source(portal, "fixture-vsb", "/xxgk/czyjs.htm"),
        documents={f"{VSB_DOWNLOAD}1": "xls", f"{VSB_DOWNLOAD}2": "pdf", f"{VSB_DOWNLOAD}5": "docx"},
        errors={f"{VSB_DOWNLOAD}4": "too large", f"{VSB_DOWNLOAD}6": "Timeout"},
        listings=("/xxgk/czyjs.htm", "/xxgk/czyjs/3.htm", "/xxgk/czyjs/2.htm", "/xxgk/czyjs/1.htm"),
        never_requested=("/info/1033/3.htm", f"{VSB_DOWNLOAD}3", "/"),
        check=check,
    )


# -- Anhui 政务公开 (public/column, label endpoint) -----------------------------------------------

ANHUI_ORGAN = "6596221"
ANHUI_SITE = "6786551"
ANHUI_CAT = "7065111"
ANHUI_COLUMN = f"/public/column/{ANHUI_ORGAN}?type=4&action=list&nav=3&catId={ANHUI_CAT}"
ANHUI_LABEL = "/site/label/8888"
ANHUI_PAGE_SIZE = 3
ANHUI_TITLES = {
    1001: "县财政局2023年度部门整体支出绩效自评报告",
    1002: "县发改委2023年度项目支出绩效自评表",
    1003: "关于开展2023年度部门整体支出绩效自评工作的通知",
    1004: "县住建局2023年度老旧小区改造项目支出绩效自评表",
    1005: "县应急局2023年度绩效自评报告",
    1006: "县财政局2023年度部门整体支出绩效自评报告（重新发布）",
    1007: "县医保局2023年度项目支出绩效自评表",
    1008: "县人社局2023年度绩效自评报告",
}
ANHUI_ATTACHMENTS = {
    1001: "/group6/M00/03/9B/wKg8BmXa1001.pdf",
    1002: "/group6/M00/03/9C/wKg8BmXa1002.docx",
    1003: "/group6/M00/03/9D/wKg8BmXa1003.doc",
    1005: "/group2/M00/00/01/wKg8BmXa1005.pdf",
    1006: "/group6/M00/04/01/wKg8BmXa1006.pdf",
    1007: "/group1/M00/05/11/wKg8BmXa1007.xls",
    1008: "https://www.ah.gov.cn/group1/M00/05/12/wKg8BmXa1008.pdf",
}


def _anhui_items(ids: list[int]) -> str:
    return "".join(
        f"<li class='clearfix'><a class='title' href='/public/{ANHUI_ORGAN}/{n}.html' "
        f"title='{ANHUI_TITLES[n]}' target='_blank'>{ANHUI_TITLES[n]}</a>"
        f"<span class='date'>2024-03-{n - 1000:02d}</span></li>"
        for n in ids
    )


def build_anhui_public(portal: FixturePortal) -> FamilyPortal:
    """A disclosure column: first page rendered, the rest from ``/site/label/8888`` fragments."""
    ids = sorted(ANHUI_TITLES)
    pages = [ids[i : i + ANHUI_PAGE_SIZE] for i in range(0, len(ids), ANHUI_PAGE_SIZE)]
    nav = "".join(
        f"<li><a href='/public/column/{ANHUI_ORGAN}?type=4&action=list&nav=3&catId={cat}'>{name}</a></li>"
        for cat, name in (("7065121", "人事信息"), ("7065131", "政策文件"), (ANHUI_CAT, "财政预决算"))
    )
    script = (
        "<script>var organId = '" + ANHUI_ORGAN + "';"
        'Ls.pagination("#page_public_info", function (pageIndex) {'
        '  Ls.ajax({url: "/site/label/8888", data: {labelName: "publicInfoList", siteId: siteId,'
        f' pageSize: {ANHUI_PAGE_SIZE}, pageIndex: pageIndex, action: "list", isDate: true,'
        ' dateFormat: "yyyy-MM-dd", length: 50, organId: organId, type: 4, catId: catId, cId: "",'
        ' result: "暂无相关信息", file: "/c3/hs/publicInfoList_newest"}, dataType: "html"})'
        '  .done(function (html) { $("#xxgk_list").html(html); });'
        f"}}, {{currPage: 1, pageCount: {len(pages)}, pageSize: {ANHUI_PAGE_SIZE}}});</script>"
    )
    column = _html(
        "财政预决算",
        f"<div class='xxgk_nav'><ul>{nav}</ul></div>"
        f"<div id='xxgk_list'><ul class='clearfix xxgk_nav_list'>{_anhui_items(pages[0])}</ul></div>"
        f"<div id='page_public_info' class='pagination'></div>{script}",
        head=f'<meta name="SiteId" content="{ANHUI_SITE}">',
    )
    portal.add(ANHUI_COLUMN, column)
    for cat in ("7065121", "7065131"):
        portal.add(
            f"/public/column/{ANHUI_ORGAN}?type=4&action=list&nav=3&catId={cat}",
            _html("其他栏目", "<ul></ul>"),
        )

    def label(params: dict[str, str]) -> str | None:
        expected = {
            "labelName": "publicInfoList",
            "siteId": ANHUI_SITE,
            "organId": ANHUI_ORGAN,
            "catId": ANHUI_CAT,
            "pageSize": str(ANHUI_PAGE_SIZE),
            "file": "/c3/hs/publicInfoList_newest",
        }
        if any(params.get(key) != value for key, value in expected.items()):
            return None
        index = int(params.get("pageIndex") or 1)
        if not 1 <= index <= len(pages):
            return "<div class='no-data'>暂无相关信息</div>"
        return f"<ul class='clearfix xxgk_nav_list'>{_anhui_items(pages[index - 1])}</ul>"

    # The label endpoint is busy once (503) before answering.
    portal.add(ANHUI_LABEL, dynamic=label, fail_first=1)

    def detail(n: int, content: str) -> None:
        table = (
            "<table class='table_suoyin'><tr><th>索引号：</th><td>11341522/2024-00" + str(n) + "</td>"
            "<th>信息分类：</th><td>财政预决算</td></tr>"
            "<tr><th>发布机构：</th><td>某县财政局</td><th>成文日期：</th><td>2024-02-20</td></tr>"
            f"<tr><th>名称：</th><td colspan='3'>{ANHUI_TITLES[n]}</td></tr>"
            f"<tr><th>文号：</th><td></td><th>发布日期：</th><td>2024-03-{n - 1000:02d}</td></tr></table>"
        )
        body = (
            f"{table}<h1 class='newstitle'>{ANHUI_TITLES[n]}</h1><div class='j-fontContent'>{content}</div>"
        )
        portal.add(
            f"/public/{ANHUI_ORGAN}/{n}.html", _html(ANHUI_TITLES[n], body), last_modified=LAST_MODIFIED
        )

    for n, href in ANHUI_ATTACHMENTS.items():
        file_name = href.rsplit("/", 1)[1]
        detail(n, f"<p>附件：<a href='{href}' target='_blank'>{file_name}</a></p>")
    detail(1004, f"<p>现将自评结果公开如下：</p>{INLINE_REPORT_TABLE}")
    portal.add(ANHUI_ATTACHMENTS[1001], pdf("anhui 1001"), content_type="application/pdf")
    portal.add(ANHUI_ATTACHMENTS[1002], docx("anhui 1002"), content_type=OCTET)
    portal.add(ANHUI_ATTACHMENTS[1003], docx("notice"), content_type=OCTET)
    portal.add(ANHUI_ATTACHMENTS[1005], NOT_FOUND_PAGE)  # a dead file link answering 200 with a 404 page
    portal.add(ANHUI_ATTACHMENTS[1006], pdf("anhui 1001"), content_type="application/pdf")
    portal.add(ANHUI_ATTACHMENTS[1007], xls("anhui 1007"), content_type=OCTET)

    def check(result: CrawlResult, server: FixturePortal) -> None:
        by_target = {d.url.removeprefix(server.base): d for d in result.documents}
        first = by_target[ANHUI_ATTACHMENTS[1001]]
        # 发布日期, not the 成文日期 printed before it in the metadata table.
        assert (first.title, first.published_at) == (ANHUI_TITLES[1001], "2024-03-01")
        inline = by_target[f"/public/{ANHUI_ORGAN}/1004.html"]
        assert (inline.format, inline.title, inline.published_at) == (
            "html",
            ANHUI_TITLES[1004],
            "2024-03-04",
        )
        label_requests = [r for r in server.log if r.target.startswith(ANHUI_LABEL)]
        assert [r.status for r in label_requests] == [503, 200, 200, 200]
        assert sorted({r.target.split("pageIndex=")[1].split("&")[0] for r in label_requests}) == [
            "1",
            "2",
            "3",
        ]

    return FamilyPortal(
        family="anhui-public",
        source=family_source(portal, "fixture-anhui", ANHUI_COLUMN),
        documents={
            ANHUI_ATTACHMENTS[1001]: "pdf",
            ANHUI_ATTACHMENTS[1002]: "docx",
            f"/public/{ANHUI_ORGAN}/1004.html": "html",
            ANHUI_ATTACHMENTS[1006]: "pdf",
            ANHUI_ATTACHMENTS[1007]: "xls",
        },
        errors={ANHUI_ATTACHMENTS[1005]: "not-found page served with HTTP 200"},
        listings=(ANHUI_COLUMN, f"{ANHUI_LABEL}?"),
        never_requested=(
            f"/public/{ANHUI_ORGAN}/1003.html",
            ANHUI_ATTACHMENTS[1003],
            f"/public/column/{ANHUI_ORGAN}?type=4&action=list&nav=3&catId=7065121",
            f"/public/column/{ANHUI_ORGAN}?type=4&action=list&nav=3&catId=7065131",
        ),
        reposts=1,
        check=check,
    )


# -- Anhui OpennessContent (older platform, GBK) ------------------------------------------------

OPENNESS_LIST = "/OpennessContent/showList/15/85522/"
OPENNESS_TITLES = {
    2001: "县人民医院2023年度项目支出绩效自评报告",
    2002: "县疾控中心2023年度部门整体支出绩效自评表",
    2003: "县中医院2023年度绩效自评报告",
    2004: "关于印发《县级部门绩效自评管理办法》的通知",
    2005: "县妇幼保健院2023年度项目支出绩效自评表",
}


def build_anhui_openness(portal: FixturePortal) -> FamilyPortal:
    """GBK ``showList/…/page_N.html`` listings whose pager is drawn by script from 共N页."""
    pages = [[2001, 2002], [2003, 2004], [2005]]

    def listing(index: int) -> bytes:
        items = "".join(
            f"<li><a href='/OpennessContent/show/{n}.html' title='{OPENNESS_TITLES[n]}'>"
            f"{OPENNESS_TITLES[n][:10]}…</a><span>2024-01-{n - 2000:02d}</span></li>"
            for n in pages[index - 1]
        )
        # Only the last page has a plain link: 下一页 back to page 1, a loop.
        loop = "<a href='page_1.html'>下一页</a>" if index == len(pages) else ""
        if index == 1:
            items += f"<li><a href='{OFFHOST_PDF}'>市卫健委2023年度绩效自评报告</a></li>"
        pager = (
            f"<div class='page'>共{len(pages)}页 当前第{index}页<span id='pager'></span>{loop}</div>"
            f"<script>showPager('pager', {index}, {len(pages)}, 'page_', '.html');</script>"
        )
        return _html("卫生健康", f"<ul>{items}</ul>{pager}", charset="gb2312").encode("gbk")

    for index in range(1, len(pages) + 1):
        portal.add(f"{OPENNESS_LIST}page_{index}.html", listing(index), content_type="text/html")

    def detail(n: int, content: str) -> None:
        body = f"<h1>{OPENNESS_TITLES[n]}</h1><p>发布日期：2024-01-{n - 2000:02d}</p><div>{content}</div>"
        page = _html(OPENNESS_TITLES[n], body, charset="gb2312").encode("gbk")
        portal.add(
            f"/OpennessContent/show/{n}.html", page, content_type="text/html", last_modified=LAST_MODIFIED
        )

    detail(2001, "<a href='/UploadFiles/2024/01/20240101093011.pdf'>附件1</a>")
    # Lying content type: the PDF comes as text/html.
    portal.add("/UploadFiles/2024/01/20240101093011.pdf", pdf("openness 2001"), content_type="text/html")
    detail(2002, "<a href='/openness/download.jsp?fileId=2002'>附件：自评表</a>")
    raw_gbk_name = "疾控中心自评表.docx".encode("gbk").decode("latin-1")
    portal.add(
        "/openness/download.jsp?fileId=2002",
        docx("openness 2002"),
        content_type=OCTET,
        headers={"Content-Disposition": f'attachment; filename="{raw_gbk_name}"'},
    )
    detail(2003, "<a href='/UploadFiles/2024/01/slow.pdf'>附件</a>")
    portal.add(
        "/UploadFiles/2024/01/slow.pdf", pdf("slow"), content_type="application/pdf", delay_s=SLOW_DELAY_S
    )
    detail(2004, "<a href='/UploadFiles/2024/01/banfa.docx'>办法全文</a>")
    portal.add("/UploadFiles/2024/01/banfa.docx", docx("rules"), content_type=OCTET)
    detail(2005, "<a href='/openness/download.jsp?fileId=2005'>附件</a>")
    portal.add(
        "/openness/download.jsp?fileId=2005",
        xlsx("openness 2005"),
        content_type=OCTET,
        headers=named("妇幼自评表.xlsx"),
    )

    def check(result: CrawlResult, server: FixturePortal) -> None:
        by_target = {d.url.removeprefix(server.base): d for d in result.documents}
        assert by_target["/openness/download.jsp?fileId=2002"].file_name == "疾控中心自评表.docx"
        assert by_target["/openness/download.jsp?fileId=2005"].title == OPENNESS_TITLES[2005]
        for index in (1, 2, 3):
            assert len(server.requests_for(f"{OPENNESS_LIST}page_{index}.html")) == 1

    return FamilyPortal(
        family="anhui-openness",
        source=family_source(portal, "fixture-openness", f"{OPENNESS_LIST}page_1.html"),
        documents={
            "/UploadFiles/2024/01/20240101093011.pdf": "pdf",
            "/openness/download.jsp?fileId=2002": "docx",
            "/openness/download.jsp?fileId=2005": "xlsx",
        },
        errors={"/UploadFiles/2024/01/slow.pdf": "Timeout"},
        listings=tuple(f"{OPENNESS_LIST}page_{index}.html" for index in range(1, len(pages) + 1)),
        never_requested=("/OpennessContent/show/2004.html", "/UploadFiles/2024/01/banfa.docx"),
        check=check,
    )


# -- Hanweb JPaaS (JSON unit API) ---------------------------------------------------------------

JPAAS_UNIT = "/api-gateway/jpaas-publish-server/front/page/build/unit"
JPAAS_UNIT_KEYS = {"webId": "8d828e40", "tplSetId": "209741b2", "tagId": "信息列表", "pageId": "1229"}
JPAAS_REPORTS = {
    3001: ("县商务局2023年度项目支出绩效自评报告", "/attach/0/a3001.pdf"),
    3002: (
        "县统计局2023年度部门整体支出绩效自评表",
        "/module/download/downfile.jsp?classid=0&filename=b3002",
    ),
    3003: ("县档案馆2023年度绩效自评报告", "/attach/0/big3003.pdf"),
    3004: ("县商务局2023年度项目支出绩效自评报告（转载）", "/attach/0/a3004.pdf"),
    3005: ("关于开展2023年度绩效自评工作的通知", "/attach/0/notice3005.pdf"),
}
JPAAS_NEWS = 13  # ordinary news items around the reports: 18 records, two pages of 15


def build_jpaas(portal: FixturePortal) -> FamilyPortal:
    """An empty column shell naming its list unit; records from the unit API as JSON-wrapped HTML."""
    records = [
        (f"/art/2024/4/{n - 3000}/art_1229_{n}.html", title) for n, (title, _) in JPAAS_REPORTS.items()
    ]
    records += [
        (f"/art/2024/4/20/art_1229_{4000 + k}.html", f"县政府召开第{k}次常务会议") for k in range(JPAAS_NEWS)
    ]
    query_data = (
        "{" + ",".join(f"'{k}':'{v}'" for k, v in {**JPAAS_UNIT_KEYS, "pageType": "column"}.items()) + "}"
    )
    portal.add(
        "/col/col1229/index.html",
        _html(
            "绩效信息",
            f'<div class="list"><script src="/static/unitbuild.js" queryData="{query_data}"></script></div>',
        ),
    )

    def unit(params: dict[str, str]) -> str | None:
        if any(params.get(key) != value for key, value in JPAAS_UNIT_KEYS.items()):
            return None
        paging = json.loads(params.get("paramJson") or "{}")
        page_no, page_size = int(paging.get("pageNo", 1)), int(paging.get("pageSize", 15))
        chunk = records[(page_no - 1) * page_size : page_no * page_size]
        items = "".join(
            f"<li><a href='{href}' title='{t}'>{t}</a><span>2024-04-01</span></li>" for href, t in chunk
        )
        if page_no == 1:
            items += (
                "<li><a href='http://www.example.org/art/2024/4/1/art_1_1.html'>外站绩效自评报告</a></li>"
            )
        pager = f"<div class='pagination' count='{len(records)}' pagesize='{page_size}'></div>"
        fragment = f"<ul class='list'>{items}</ul>{pager}"
        return json.dumps({"success": True, "data": {"html": fragment}}, ensure_ascii=False)

    portal.add(JPAAS_UNIT, dynamic=unit, content_type="application/json;charset=UTF-8", fail_first=1)
    for n, (title, attachment) in JPAAS_REPORTS.items():
        body = f"<h1>{title}</h1><p>发布时间：2024-04-{n - 3000:02d}</p><a href='{attachment}'>附件下载</a>"
        portal.add(
            f"/art/2024/4/{n - 3000}/art_1229_{n}.html", _html(title, body), last_modified=LAST_MODIFIED
        )
    portal.add(JPAAS_REPORTS[3001][1], pdf("jpaas 3001"), content_type="application/pdf")
    portal.add(
        JPAAS_REPORTS[3002][1], docx("jpaas 3002"), content_type=OCTET, headers=named("统计局自评表.docx")
    )
    portal.add(JPAAS_REPORTS[3003][1], OVERSIZED, content_type="application/pdf")
    portal.add(JPAAS_REPORTS[3004][1], pdf("jpaas 3001"), content_type="application/pdf")
    portal.add(JPAAS_REPORTS[3005][1], pdf("notice"), content_type="application/pdf")

    def check(result: CrawlResult, server: FixturePortal) -> None:
        unit_requests = [r for r in server.log if r.target.startswith(JPAAS_UNIT)]
        assert all(r.method == "GET" for r in unit_requests)
        pages = [json.loads(r.param("paramJson") or "{}")["pageNo"] for r in unit_requests if r.status == 200]
        assert pages == [1, 2]
        assert [r.status for r in unit_requests] == [503, 200, 200]
        news = [r for r in server.log if "/art/2024/4/20/" in r.target]
        assert news == []  # items without report words are not opened
        by_target = {d.url.removeprefix(server.base): d for d in result.documents}
        assert by_target[JPAAS_REPORTS[3002][1]].file_name == "统计局自评表.docx"
        assert by_target[JPAAS_REPORTS[3001][1]].published_at == "2024-04-01"

    return FamilyPortal(
        family="jpaas",
        source=family_source(portal, "fixture-jpaas", "/col/col1229/index.html"),
        documents={
            JPAAS_REPORTS[3001][1]: "pdf",
            JPAAS_REPORTS[3002][1]: "docx",
            JPAAS_REPORTS[3004][1]: "pdf",
        },
        errors={JPAAS_REPORTS[3003][1]: "too large"},
        listings=("/col/col1229/index.html", f"{JPAAS_UNIT}?"),
        never_requested=("/art/2024/4/5/art_1229_3005.html", JPAAS_REPORTS[3005][1]),
        reposts=1,
        check=check,
    )


FAMILY_BUILDERS: dict[str, Callable[[FixturePortal], FamilyPortal]] = {
    "hanweb": build_hanweb,
    "vsb": build_vsb,
    "anhui-public": build_anhui_public,
    "anhui-openness": build_anhui_openness,
    "jpaas": build_jpaas,
}
