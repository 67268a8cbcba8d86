"""Hanweb (jpage dataproxy) and VSB-shaped fixture portals crawled with adapter: auto."""

from __future__ import annotations

from urllib.parse import quote

from extractors.portals.crawler import crawl_source
from extractors.portals.registry import SourceConfig
from extractors.settings import Settings

from .conftest import FixturePortal

PROXY = "/module/web/jpage/dataproxy.jsp"


def _record(n: int) -> str:
    return (
        f"<record><![CDATA[<li><a href='/art/2024/1/{n}/art_123_{n}.html' "
        f"title='某单位{n}2023年度绩效自评报告'>"
        f"某单位{n}2023年度绩效自评…</a><span>2024-01-{n:02d}</span></li>]]></record>"
    )


def _proxy_response(numbers: range, total: int) -> str:
    records = "".join(_record(n) for n in numbers)
    return f"<?xml version='1.0' encoding='UTF-8'?><datastore><totalrecord>{total}</totalrecord>" + (
        f"<recordset>{records}</recordset></datastore>"
    )


def test_hanweb_column_with_dataproxy_listing(portal: FixturePortal, settings: Settings) -> None:
    column = (
        "<html><head><title>绩效自评_某市财政局</title></head><body><div id='456'>"
        "<script type='text/xml'><datastore><nextgroup><![CDATA[<a href=\"" + PROXY + "?page=1&appid=1"
        '&webid=7&path=/&columnid=123&unitid=456&webname=x&permissiontype=0"></a>]]></nextgroup>'
        f"<recordset>{_record(1)}{_record(2)}</recordset></datastore></script></div>"
        "<script>$('#456').jpage({dataStore: dataStore, perPage: 2, groupSize: 1, totalRecord: 5,"
        f" proxyUrl:'{PROXY}'}});</script></body></html>"
    )
    portal.add("/col/col123/index.html", column)
    portal.add(
        f"{PROXY}?startrecord=3&endrecord=4&perpage=2",
        _proxy_response(range(3, 5), 5),
        content_type="text/xml",
    )
    portal.add(
        f"{PROXY}?startrecord=5&endrecord=6&perpage=2",
        _proxy_response(range(5, 6), 5),
        content_type="text/xml",
    )
    for n in range(1, 6):
        portal.add(
            f"/art/2024/1/{n}/art_123_{n}.html",
            f"<html><head><title>某单位{n}2023年度绩效自评报告</title></head><body>"
            f"<a href='/module/download/downfile.jsp?classid=0&filename=f{n}'>附件</a></body></html>",
        )
        portal.add(
            f"/module/download/downfile.jsp?classid=0&filename=f{n}",
            f"%PDF-1.4 report {n}".encode(),
            content_type="application/octet-stream",
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(f'自评{n}.pdf')}"},
        )
    source = SourceConfig(
        id="hanweb",
        start_urls=(portal.url("/col/col123/index.html"),),
        include=("绩效自评",),
        requests_per_second=500.0,
        allow_private_addresses=True,
        timeout_s=1,
        retries=0,
    )
    result = crawl_source(source, settings, run_id="r")
    assert sorted(d.file_name for d in result.documents) == [f"自评{n}.pdf" for n in range(1, 6)]
    posts = [r for r in portal.log if r.method == "POST"]
    assert [r.target for r in posts] == [
        f"{PROXY}?startrecord=3&endrecord=4&perpage=2",
        f"{PROXY}?startrecord=5&endrecord=6&perpage=2",
    ]
    assert posts[0].form["columnid"] == "123" and posts[0].form["unitid"] == "456"
    by_name = {d.file_name: d for d in result.documents}
    assert by_name["自评4.pdf"].published_at == "2024-01-04"
    assert by_name["自评4.pdf"].title == "某单位42023年度绩效自评报告"
    assert result.stats.errors == 0 and result.stats.new == 5


def test_vsb_list_pages_and_download_jsp(portal: FixturePortal, settings: Settings) -> None:
    def listing(items: list[int], next_href: str | None) -> str:
        lis = "".join(
            f"<li><a href='/info/1033/{n}.htm'>某学院2023年度项目支出绩效自评表{n}</a>"
            f"<span>2024-02-0{n}</span></li>"
            for n in items
        )
        nav = f"<a href='{next_href}' class='Next'>下页</a>" if next_href else ""
        return f"<html><head><title>财务公开</title></head><body><ul>{lis}</ul>{nav}</body></html>"

    portal.add("/list/czgk.htm", listing([1, 2], "czgk/2.htm"))
    portal.add("/list/czgk/2.htm", listing([3], "1.htm"))
    portal.add("/list/czgk/1.htm", listing([4], None))
    for n in range(1, 5):
        download = f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=9&wbfileid={n}"
        portal.add(
            f"/info/1033/{n}.htm",
            f"<html><head><title>某学院2023年度项目支出绩效自评表{n}</title></head><body>"
            f"<a href='{download}'>附件【自评表{n}.xlsx】</a></body></html>",
        )
        portal.add(
            download,
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64 + "Workbook".encode("utf-16-le") + bytes([n]),
            content_type="application/octet-stream",
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(f'自评表{n}.xls')}"},
        )
    source = SourceConfig(
        id="vsb",
        start_urls=(portal.url("/list/czgk.htm"),),
        include=("绩效自评",),
        requests_per_second=500.0,
        allow_private_addresses=True,
        timeout_s=1,
        retries=0,
    )
    result = crawl_source(source, settings, run_id="r")
    assert sorted((d.file_name, d.format) for d in result.documents) == [
        (f"自评表{n}.xls", "xls") for n in range(1, 5)
    ]
