"""Smaller portal oddities: links that are not what they look like, damaged state, torn manifests."""

from __future__ import annotations

import json
from urllib.parse import quote

from extractors.portals.crawler import crawl_source
from extractors.portals.manifest import read_manifest
from extractors.portals.registry import SourceConfig
from extractors.settings import Settings

from .conftest import FixturePortal

LISTING = "<html><head><title>财政预决算</title></head><body><ul>{items}</ul></body></html>"


def _source(portal: FixturePortal) -> SourceConfig:
    return SourceConfig(
        id="edge",
        start_urls=(portal.url("/list/index.html"),),
        include=("绩效自评",),
        exclude=("通知",),
        requests_per_second=500.0,
        allow_private_addresses=True,
        timeout_s=0.5,
        retries=0,
    )


def test_page_link_answering_with_a_document_is_a_document(portal: FixturePortal, settings: Settings) -> None:
    portal.add(
        "/list/index.html", LISTING.format(items="<li><a href='/show?id=5'>某局2023年绩效自评报告</a></li>")
    )
    portal.add(
        "/show?id=5",
        b"%PDF-1.4 inline download",
        content_type="text/html",
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote('某局绩效自评报告.pdf')}"},
    )
    result = crawl_source(_source(portal), settings, run_id="r")
    (document,) = result.documents
    assert (document.format, document.file_name, document.title) == (
        "pdf",
        "某局绩效自评报告.pdf",
        "某局2023年绩效自评报告",
    )


def test_download_link_answering_with_an_unrelated_page_is_an_error(
    portal: FixturePortal, settings: Settings
) -> None:
    portal.add(
        "/list/index.html", LISTING.format(items="<li><a href='/dl/download.jsp?id=7'>绩效自评表</a></li>")
    )
    portal.add("/dl/download.jsp?id=7", "<html><title>文件已过期</title><p>请联系管理员</p></html>")
    result = crawl_source(_source(portal), settings, run_id="r")
    assert result.documents == [] and result.stats.errors == 1
    assert "expected a document, got an HTML page (文件已过期)" in (result.stats.error_message or "")


def test_unsupported_bytes_are_skipped_with_a_reason(portal: FixturePortal, settings: Settings) -> None:
    portal.add("/list/index.html", LISTING.format(items="<li><a href='/a.pdf'>绩效自评报告</a></li>"))
    portal.add("/a.pdf", b"Rar!\x1a\x07\x00 packed", content_type="application/pdf")
    result = crawl_source(_source(portal), settings, run_id="r")
    assert result.documents == []
    (row,) = [r for r in read_manifest(settings.manifest_dir / "edge.jsonl") if r["url"].endswith("/a.pdf")]
    assert row["outcome"] == "skipped_unsupported_format" and "Rar!" in row["error"]


def test_damaged_state_and_torn_manifest_do_not_stop_a_run(portal: FixturePortal, settings: Settings) -> None:
    portal.add("/list/index.html", LISTING.format(items="<li><a href='/a.pdf'>绩效自评报告</a></li>"))
    portal.add("/a.pdf", b"%PDF-1.4 a", content_type="application/pdf")
    first = crawl_source(_source(portal), settings, run_id="r1")
    (settings.crawl_state_dir / "edge" / "state.json").write_text("{ torn", encoding="utf-8")
    with open(settings.manifest_dir / "edge.jsonl", "a", encoding="utf-8") as manifest:
        manifest.write('{"run_id": "crash')
    second = crawl_source(_source(portal), settings, run_id="r2")
    assert [d.sha256 for d in second.documents] == [d.sha256 for d in first.documents]
    # Without state the URL is fetched again; the raw store still knows the bytes, so nothing is new.
    assert second.stats.new == 0 and second.stats.reposts == 1
    assert not second.documents[0].is_new
    rows = read_manifest(settings.manifest_dir / "edge.jsonl")
    assert {r["run_id"] for r in rows} == {"r1", "r2"}
    assert json.loads((settings.crawl_state_dir / "edge" / "state.json").read_text(encoding="utf-8"))["urls"]


def test_listing_title_attribute_completes_truncated_titles(
    portal: FixturePortal, settings: Settings
) -> None:
    item = "<li><a href='/d/1.html' title='某局2023年度部门整体支出绩效自评报告'>某局2023年度部门整…</a></li>"
    portal.add("/list/index.html", LISTING.format(items=item))
    portal.add(
        "/d/1.html", "<html><head><title>正文</title></head><body><a href='/d/f.docx'>附件1</a></body></html>"
    )
    portal.add("/d/f.docx", b"%PDF-1.4 really a pdf", content_type="application/msword")
    result = crawl_source(_source(portal), settings, run_id="r")
    (document,) = result.documents
    assert document.title == "某局2023年度部门整体支出绩效自评报告"
    assert document.format == "pdf"  # the bytes win over the .docx name and the msword type


def test_trs_pages_known_only_from_the_page_script_are_walked(
    portal: FixturePortal, settings: Settings
) -> None:
    script = '<script>createPageHTML(3, {n}, "index", "html");</script>'
    for n, name in enumerate(("index.html", "index_1.html", "index_2.html")):
        item = (
            f"<li><a href='./t2024010{n + 1}_{n}.html'>第{n}号绩效自评报告</a>"
            f"<span>2024-01-0{n + 1}</span></li>"
        )
        portal.add(f"/list/{name}", LISTING.format(items=item) + script.format(n=n))
        portal.add(
            f"/list/t2024010{n + 1}_{n}.html",
            f"<html><head><title>第{n}号绩效自评报告</title></head>"
            f"<body><a href='./P{n}.pdf'>附件</a></body></html>",
        )
        portal.add(f"/list/P{n}.pdf", f"%PDF-1.4 report {n}".encode(), content_type="application/pdf")
    result = crawl_source(_source(portal), settings, run_id="r")
    assert sorted(d.file_name for d in result.documents) == ["P0.pdf", "P1.pdf", "P2.pdf"]
    assert sorted(d.published_at for d in result.documents) == ["2024-01-01", "2024-01-02", "2024-01-03"]
