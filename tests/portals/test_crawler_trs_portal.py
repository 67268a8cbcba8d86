"""The crawler against a TRS-shaped fixture portal full of the traps real portals set."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest

from extractors.portals.crawler import CrawlResult, FetchedDocument, crawl_source
from extractors.portals.manifest import read_manifest
from extractors.portals.registry import SourceConfig
from extractors.settings import Settings

from .conftest import FixturePortal

COLUMN = "/xxgk/czyjs"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\n% project self-evaluation\n%%EOF\n"
OTHER_PDF = b"%PDF-1.7\n% another report\n%%EOF\n"
GBK_PDF = b"%PDF-1.5\n% gbk page attachment\n%%EOF\n"
RETRY_PDF = b"%PDF-1.6\n% served after a 503\n%%EOF\n"
GBK_TITLE = "某单位2023年度项目支出绩效自评表（喆）"


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


DOCX_BYTES = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
XLSX_BYTES = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})


def _page(title: str, body: str, *, charset: str = "utf-8", script: str = "") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}_某某区财政局</title></head>'
        f'<body><div class="nav"><a href="http://www.gov.cn/">中国政府网</a>'
        f'<a href="/">首页</a></div><h1>{title}</h1>{body}<script>{script}</script></body></html>'
    )


def _detail(title: str, date: str, body: str) -> str:
    return _page(
        title,
        "<div class='position'>当前位置：首页 &gt; 政务公开 &gt; 财政预决算</div>"
        f"<div class='info'>发布时间：{date}　来源：某某区财政局</div><div class='content'>{body}</div>",
    )


def _listing(
    items: list[tuple[str, str, str]], *, next_page: str | None, extra: str = "", page_no: int
) -> str:
    lis = "".join(f'<li><a href="{href}" title="{t}">{t}</a><span>{d}</span></li>' for href, t, d in items)
    nav = f'<a href="{next_page}">下一页</a>' if next_page else ""
    numbers = '<a href="index.html">1</a><a href="index_1.html">2</a><a href="index_2.html">3</a>'
    script = (
        f"var countPage = 3;var currentPage = {page_no};"
        'createPageHTML(countPage, currentPage, "index", "html");'
    )
    return _page(
        "财政预决算",
        f"<ul class='list'>{lis}</ul>{extra}<div class='page'>{numbers}{nav}</div>",
        script=script,
    )


INLINE_TABLE = (
    "<table border='1'><tr><td colspan='4'>项目支出绩效自评表（2023年度）</td></tr>"
    "<tr><td>项目名称</td><td colspan='3'>社区服务</td></tr>"
    "<tr><td>项目资金（万元）</td><td>年初预算数</td><td>全年预算数</td><td>全年执行数</td></tr>"
    "<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>年度指标值</td></tr></table>"
)

REPORTS = {
    # detail path: (listing title, listing date)
    "/202401/t20240115_1.html": ("某某局2023年度项目支出绩效自评表", "2024-01-15"),
    "/202401/t20240116_2.html": ("某某局2023年度部门整体支出绩效自评报告", "2024-01-16"),
    "/202401/t20240117_3.html": ("关于开展2023年度绩效自评工作的通知", "2024-01-17"),
    "/202401/t20240118_4.html": ("某某中心2023年度项目支出绩效自评表", "2024-01-18"),
    "/202401/t20240119_5.html": ("某某局2023年度项目支出绩效自评表（重新发布）", "2024-01-19"),
    "/202401/t20240120_6.html": ("某某所2023年度绩效自评报告", "2024-01-20"),
    "/202401/t20240121_7.html": ("某某站2023年度绩效自评表", "2024-01-21"),
    "/202401/t20240122_8.html": ("某某馆2023年度绩效自评报告（大文件）", "2024-01-22"),
    "/202401/t20240123_9.html": (GBK_TITLE, "2024-01-23"),
    "/202401/t20240124_10.html": ("2024年部门预算公开", "2024-01-24"),
    "/202401/t20240125_11.html": ("某某院2023年度绩效自评报告（慢）", "2024-01-25"),
    "/202401/t20240126_12.html": ("某某站2023年度转移支付绩效自评报告", "2024-01-26"),
}
# A narrative report printed as the article itself: outline headings and amounts, no table.
INLINE_NARRATIVE = (
    "<p>一、绩效目标分解下达情况</p><p>下达资金120万元，用于村道维修。</p>"
    "<p>二、绩效目标完成情况分析</p><p>（一）资金投入情况分析。资金120万元已全部到位，执行情况良好。</p>"
    "<p>（二）绩效指标完成情况分析。产出指标：维修村道3公里。</p>"
)
DOWNLOAD = "/module/download/downfile.jsp?classid=0&filename="


def build_trs_portal(portal: FixturePortal) -> None:
    """TRS-style column: three listing pages, detail pages, downfile.jsp attachments and traps."""
    items = [(f".{path}", title, date) for path, (title, date) in REPORTS.items()]
    offhost = '<a href="http://example.org/绩效自评报告.pdf">外站绩效自评报告</a>'
    portal.add(
        f"{COLUMN}/index.html", _listing(items[:4], next_page="index_1.html", extra=offhost, page_no=0)
    )
    portal.add(f"{COLUMN}/index_1.html", _listing(items[4:8], next_page="index_2.html", page_no=1))
    # Pagination loop: the last page's 下一页 points back to the first.
    portal.add(f"{COLUMN}/index_2.html", _listing(items[8:], next_page="index.html", page_no=2))

    def cd(name: str) -> dict[str, str]:
        return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}

    octet = "application/octet-stream"
    detail = {path: _detail(title, date, "<p>正文</p>") for path, (title, date) in REPORTS.items()}
    detail["/202401/t20240115_1.html"] = _detail(
        REPORTS["/202401/t20240115_1.html"][0],
        "2024-01-15",
        f'<p>附件：<a href="{DOWNLOAD}101">附件1</a></p>',
    )
    portal.add(DOWNLOAD + "101", PDF_BYTES, content_type=octet, headers=cd("社区服务项目支出绩效自评表.pdf"))
    detail["/202401/t20240116_2.html"] = _detail(
        REPORTS["/202401/t20240116_2.html"][0],
        "2024-01-16",
        '<a href="./P020240116123.docx">部门整体支出绩效自评报告.docx</a>'
        f'<a href="{DOWNLOAD}102">基础数据表</a>',
    )
    # Lying content type: a DOCX served as text/html.
    portal.add(f"{COLUMN}/202401/P020240116123.docx", DOCX_BYTES, content_type="text/html")
    portal.add(DOWNLOAD + "102", XLSX_BYTES, content_type=octet, headers=cd("基础数据表.xlsx"))
    detail["/202401/t20240117_3.html"] = _detail(
        REPORTS["/202401/t20240117_3.html"][0],
        "2024-01-17",
        '<a href="./P020240117.doc">附件：绩效自评表模板.doc</a>',
    )
    portal.add(f"{COLUMN}/202401/P020240117.doc", b"\xd0\xcf\x11\xe0notice template")
    detail["/202401/t20240118_4.html"] = _detail(
        REPORTS["/202401/t20240118_4.html"][0], "2024-01-18", INLINE_TABLE
    )
    detail["/202401/t20240126_12.html"] = _detail(
        REPORTS["/202401/t20240126_12.html"][0], "2024-01-26", INLINE_NARRATIVE
    )
    detail["/202401/t20240119_5.html"] = _detail(
        REPORTS["/202401/t20240119_5.html"][0], "2024-01-19", f'<a href="{DOWNLOAD}201">附件</a>'
    )
    portal.add(DOWNLOAD + "201", PDF_BYTES, content_type=octet, headers=cd("社区服务项目支出绩效自评表.pdf"))
    detail["/202401/t20240120_6.html"] = _detail(
        REPORTS["/202401/t20240120_6.html"][0], "2024-01-20", f'<a href="{DOWNLOAD}999">附件</a>'
    )
    portal.add(DOWNLOAD + "999", _page("404 页面不存在", "<p>您访问的页面不存在</p>"))
    detail["/202401/t20240121_7.html"] = _detail(
        REPORTS["/202401/t20240121_7.html"][0], "2024-01-21", f'<a href="{DOWNLOAD}103">附件</a>'
    )
    portal.add(DOWNLOAD + "103", RETRY_PDF, content_type=octet, fail_first=1, headers=cd("站自评表.pdf"))
    detail["/202401/t20240122_8.html"] = _detail(
        REPORTS["/202401/t20240122_8.html"][0], "2024-01-22", '<a href="./big.pdf">附件</a>'
    )
    portal.add(
        f"{COLUMN}/202401/big.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024), content_type="application/pdf"
    )
    detail["/202401/t20240125_11.html"] = _detail(
        REPORTS["/202401/t20240125_11.html"][0], "2024-01-25", '<a href="./slow.pdf">附件</a>'
    )
    portal.add(f"{COLUMN}/202401/slow.pdf", OTHER_PDF, content_type="application/pdf", delay_s=0.8)
    gbk = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f"<title>{GBK_TITLE}</title></head><body><h1>{GBK_TITLE}</h1><p>发布日期：2024年1月23日</p>"
        '<a href="./P020240123.pdf">自评表</a></body></html>'
    )
    portal.add("/xxgk/czyjs/202401/t20240123_9.html", gbk.encode("gbk"), content_type="text/html")
    detail.pop("/202401/t20240123_9.html")
    portal.add(f"{COLUMN}/202401/P020240123.pdf", GBK_PDF, content_type="application/pdf")
    for path, html in detail.items():
        route = portal.add(f"{COLUMN}{path}", html)
        if path.endswith("_4.html"):
            route.etag = '"inline-v1"'
        elif path.endswith("_12.html"):
            route.etag = '"narrative-v1"'


def trs_source(portal: FixturePortal, **overrides: object) -> SourceConfig:
    source = SourceConfig(
        id="fixture-trs",
        start_urls=(portal.url(f"{COLUMN}/index.html"),),
        include=("绩效自评", "自评报告", "自评表"),
        exclude=("通知", "办法"),
        max_pages=60,
        max_depth=3,
        requests_per_second=200.0,
        respect_robots=True,
        allow_private_addresses=True,
        max_file_mb=1,
        timeout_s=0.25,
        retries=2,
        backoff_s=0.01,
    )
    return replace(source, **overrides)


@pytest.fixture(scope="module")
def trs_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[CrawlResult, FixturePortal, Settings]]:
    """One crawl shared by the read-only assertions below (the portal is static)."""
    root = tmp_path_factory.mktemp("trs")
    settings = Settings(
        sources_file=root / "s.yaml", data_dir=root / "data", warehouse_path=root / "w.duckdb"
    )
    with FixturePortal() as portal:
        build_trs_portal(portal)
        yield crawl_source(trs_source(portal), settings, run_id="run-1"), portal, settings


def _by_url(result: CrawlResult) -> dict[str, FetchedDocument]:
    return {d.url: d for d in result.documents}


def test_finds_every_report_and_skips_the_notice(
    trs_run: tuple[CrawlResult, FixturePortal, Settings],
) -> None:
    result, portal, _ = trs_run
    docs = _by_url(result)
    expected = {
        portal.url(DOWNLOAD + "101"): "pdf",
        portal.url(f"{COLUMN}/202401/P020240116123.docx"): "docx",
        portal.url(DOWNLOAD + "102"): "xlsx",
        portal.url(f"{COLUMN}/202401/t20240118_4.html"): "html",
        portal.url(DOWNLOAD + "201"): "pdf",
        portal.url(DOWNLOAD + "103"): "pdf",
        portal.url(f"{COLUMN}/202401/P020240123.pdf"): "pdf",
        portal.url(f"{COLUMN}/202401/t20240126_12.html"): "html",
    }
    assert {url: d.format for url, d in docs.items()} == expected
    # The notice trap: neither the notice page nor its template attachment was requested.
    assert not portal.requests_for(f"{COLUMN}/202401/t20240117_3.html")
    assert not portal.requests_for(f"{COLUMN}/202401/P020240117.doc")


def test_document_metadata_comes_from_headers_pages_and_listings(
    trs_run: tuple[CrawlResult, FixturePortal, Settings],
) -> None:
    result, portal, settings = trs_run
    docs = _by_url(result)
    first = docs[portal.url(DOWNLOAD + "101")]
    assert first.file_name == "社区服务项目支出绩效自评表.pdf"  # only in Content-Disposition filename*=
    assert first.title == "某某局2023年度项目支出绩效自评表"
    assert first.published_at == "2024-01-15"
    assert first.referer == portal.url(f"{COLUMN}/202401/t20240115_1.html")
    assert Path(first.raw_path) == settings.raw_dir / first.sha256[:2] / first.sha256
    assert Path(first.raw_path).read_bytes() == PDF_BYTES
    gbk = docs[portal.url(f"{COLUMN}/202401/P020240123.pdf")]
    assert gbk.title == GBK_TITLE
    assert gbk.published_at == "2024-01-23"
    inline = docs[portal.url(f"{COLUMN}/202401/t20240118_4.html")]
    assert inline.title == "某某中心2023年度项目支出绩效自评表"
    assert Path(inline.raw_path).read_bytes().startswith(b"<!DOCTYPE html>")
    assert inline.file_name == "t20240118_4.html"
    assert FetchedDocument.from_dict(json.loads(json.dumps(first.to_dict()))) == first


def test_each_document_keeps_the_article_page_that_published_it(
    trs_run: tuple[CrawlResult, FixturePortal, Settings],
) -> None:
    """An attachment named "附件1" says nothing of its unit or year; the page linking it does."""
    result, portal, settings = trs_run
    docs = _by_url(result)
    attachment = docs[portal.url(DOWNLOAD + "101")].page_context
    assert attachment is not None
    assert attachment["title"] == "某某局2023年度项目支出绩效自评表"
    assert attachment["publisher"] == "某某区财政局"
    assert attachment["published"] == "2024-01-15"
    assert attachment["breadcrumb"] == ["首页", "政务公开", "财政预决算"]
    assert attachment["url"] == portal.url(f"{COLUMN}/202401/t20240115_1.html")
    inline = docs[portal.url(f"{COLUMN}/202401/t20240118_4.html")].page_context
    assert inline is not None and inline["title"] == "某某中心2023年度项目支出绩效自评表"
    manifest = read_manifest(settings.manifest_dir / "fixture-trs.jsonl")
    rows = [row for row in manifest if row["url"] == portal.url(DOWNLOAD + "101")]
    assert rows and rows[0]["page_context"]["publisher"] == "某某区财政局"


def test_repost_is_stored_once_with_both_urls_recorded(
    trs_run: tuple[CrawlResult, FixturePortal, Settings],
) -> None:
    result, portal, settings = trs_run
    docs = _by_url(result)
    original, repost = docs[portal.url(DOWNLOAD + "101")], docs[portal.url(DOWNLOAD + "201")]
    assert original.sha256 == repost.sha256
    assert original.is_new and repost.is_new  # both URLs carry bytes first seen this run
    stored = [p for p in settings.raw_dir.glob("*/*") if p.is_file() and p.parent.name != ".spool"]
    assert len(stored) == len({d.sha256 for d in result.documents})
    outcomes = {
        row["url"]: row["outcome"] for row in read_manifest(settings.manifest_dir / "fixture-trs.jsonl")
    }
    assert outcomes[original.url] == "new"
    assert outcomes[repost.url] == "repost"
    assert result.stats.reposts == 1
    assert result.stats.new == len(result.documents) - 1


def test_traps_become_counted_errors_not_exceptions(
    trs_run: tuple[CrawlResult, FixturePortal, Settings],
) -> None:
    result, portal, settings = trs_run
    rows = read_manifest(settings.manifest_dir / "fixture-trs.jsonl")
    by_url = {row["url"]: row for row in rows}
    soft_404 = by_url[portal.url(DOWNLOAD + "999")]
    assert soft_404["outcome"] == "error" and "not-found" in soft_404["error"]
    big = by_url[portal.url(f"{COLUMN}/202401/big.pdf")]
    assert big["outcome"] == "error" and "too large" in big["error"]
    slow = by_url[portal.url(f"{COLUMN}/202401/slow.pdf")]
    assert slow["outcome"] == "error" and "Timeout" in slow["error"]
    assert len(portal.requests_for(f"{COLUMN}/202401/slow.pdf")) == 3  # 1 try + 2 bounded retries
    assert [r.status for r in portal.requests_for(DOWNLOAD + "103")] == [503, 200]
    assert result.stats.errors == 3
    assert "3 fetch error(s)" in (result.stats.error_message or "")
    assert not list(settings.raw_dir.glob(".spool/*.part")), "aborted downloads leave no spool files"
    for row in rows:
        for column in (
            "run_id",
            "source_id",
            "url",
            "referer",
            "title",
            "published_at",
            "http_status",
            "etag",
        ):
            assert column in row
        for column in ("last_modified", "sha256", "size", "fetched_at", "outcome", "error"):
            assert column in row


def test_pagination_is_walked_without_looping_and_outside_hosts_are_ignored(
    trs_run: tuple[CrawlResult, FixturePortal, Settings],
) -> None:
    result, portal, _ = trs_run
    for listing in ("index.html", "index_1.html", "index_2.html"):
        assert len(portal.requests_for(f"{COLUMN}/{listing}")) == 1
    assert all(d.url.startswith(portal.base) for d in result.documents)
    assert not portal.requests_for("/")  # the 首页 link is outside the start column
    # pages = every HTML response, including the download link that answered with a 404 page.
    html_requests = [r for r in portal.log if r.target.endswith(".html") or r.target.endswith("=999")]
    assert result.stats.pages == len(html_requests)


def test_endless_next_page_chain_stops_when_pages_show_nothing_new(
    portal: FixturePortal, settings: Settings
) -> None:
    build_trs_portal(portal)
    items = [(f".{path}", title, date) for path, (title, date) in REPORTS.items()]
    portal.add(f"{COLUMN}/index_2.html", _listing(items[8:], next_page="index_3.html", page_no=2))
    for n in range(3, 40):
        # Each page differs (its own next link) but lists the same items: a server-side loop.
        portal.add(
            f"{COLUMN}/index_{n}.html", _listing(items[8:], next_page=f"index_{n + 1}.html", page_no=n)
        )
    result = crawl_source(trs_source(portal), settings, run_id="run-1")
    assert portal.requests_for(f"{COLUMN}/index_3.html")
    assert not portal.requests_for(f"{COLUMN}/index_4.html")
    assert result.stats.errors == 3


@pytest.mark.parametrize("recheck_days", [0.0, 7.0])
def test_rerun_downloads_no_document_twice(
    portal: FixturePortal, settings: Settings, recheck_days: float
) -> None:
    """recheck_days 0: every known URL is asked again (304s); 7: the unchanged listings vouch for them."""
    build_trs_portal(portal)
    source = trs_source(portal, recheck_days=recheck_days)
    first = crawl_source(source, settings, run_id="run-1")
    first_requests = len(portal.log)
    second = crawl_source(source, settings, run_id="run-2")
    rerun_targets = {r.target for r in portal.log[first_requests:]}
    document_targets = {d.url.removeprefix(portal.base) for d in first.documents}
    for target in document_targets:
        full_bodies = portal.requests_for(target, status=200)
        assert len(full_bodies) == 1, f"{target} downloaded {len(full_bodies)} times"
    assert second.stats.new == 0 and second.stats.reposts == 0
    assert second.stats.unchanged == len(second.documents)
    assert {d.url: d.sha256 for d in second.documents} == {d.url: d.sha256 for d in first.documents}
    assert not any(d.is_new for d in second.documents)
    inline = f"{COLUMN}/202401/t20240118_4.html"
    run2 = [r for r in read_manifest(settings.manifest_dir / "fixture-trs.jsonl") if r["run_id"] == "run-2"]
    outcomes = {r["outcome"] for r in run2 if r["kind"] == "document" and r["sha256"]}
    if recheck_days:
        assert [r.status for r in portal.requests_for(inline)] == [200]
        assert "not_rechecked" in outcomes and outcomes <= {"skipped_known", "not_rechecked"}
        # Asked again: the listings, and what failed last time (the soft 404, the big and the slow file).
        listings = {f"{COLUMN}/{name}" for name in ("index.html", "index_1.html", "index_2.html")}
        failed = {DOWNLOAD + "999", f"{COLUMN}/202401/big.pdf", f"{COLUMN}/202401/slow.pdf"}
        assert rerun_targets == listings | failed | {"/robots.txt"}
        assert second.stats.not_rechecked > len(second.documents)  # their detail pages too
    else:
        assert [r.status for r in portal.requests_for(inline)] == [200, 304]
        assert outcomes <= {"skipped_known", "not_modified"}
        assert second.stats.not_rechecked == 0


def test_missing_raw_file_is_downloaded_again(portal: FixturePortal, settings: Settings) -> None:
    """A crash that lost a stored file must not leave the state trusting it."""
    build_trs_portal(portal)
    source = trs_source(portal)
    first = crawl_source(source, settings, run_id="run-1")
    victim = _by_url(first)[portal.url(DOWNLOAD + "102")]
    Path(victim.raw_path).unlink()
    (settings.raw_dir / ".spool").mkdir(exist_ok=True)
    (settings.raw_dir / ".spool" / "fetch-crashed.part").write_bytes(b"half a file")
    second = crawl_source(source, settings, run_id="run-2")
    assert Path(victim.raw_path).read_bytes() == XLSX_BYTES
    assert second.stats.new == 1
    assert _by_url(second)[victim.url].is_new


def test_max_pages_caps_the_crawl(portal: FixturePortal, settings: Settings) -> None:
    build_trs_portal(portal)
    result = crawl_source(trs_source(portal, max_pages=2), settings, run_id="run-1")
    assert result.stats.pages == 2
    assert len([r for r in portal.log if r.target.endswith(".html")]) == 2


def test_logs_one_line_per_page_and_a_summary(
    portal: FixturePortal, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    build_trs_portal(portal)
    with caplog.at_level(logging.INFO, logger="extractors.portals"):
        result = crawl_source(trs_source(portal), settings, run_id="run-1")
    messages = [r.getMessage() for r in caplog.records if r.name == "extractors.portals"]
    assert any("crawl done" in m and f"new={result.stats.new}" in m for m in messages)
    assert sum(" page " in m for m in messages) >= 3
