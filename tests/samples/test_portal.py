"""The sample portal: TRS-like layout, honest HTTP (validators, 304, 404), ground truth that matches."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
import requests
import yaml
from bs4 import BeautifulSoup

from extractors.portals.registry import load_registry
from extractors.samples import build_sample_portal, load_ground_truth, write_registry
from extractors.samples.__main__ import main as samples_cli
from extractors.samples.portal import REAL_REPORTS, REGISTRY_PATH
from extractors.samples.site_format import canonical_target as canonical

# 8 generated reports, the bundle, the real reports and two traps, four to a listing page.
LISTINGS = [
    "/xxgk/czyjs/index.html",
    "/xxgk/czyjs/index_1.html",
    "/xxgk/czyjs/index_2.html",
    "/xxgk/czyjs/index_3.html",
]
DETAIL = re.compile(r"^/xxgk/czyjs/(\d{6})/t(\d{8})_\d+\.html$")


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _detail_links(base: str, html: bytes, page_url: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    links = {}
    for a in soup.select("ul.list a"):
        links[a.get_text()] = urljoin(page_url, a["href"]).removeprefix(base)
    return links


def test_build_is_byte_for_byte_reproducible(built_portal: Path, tmp_path: Path) -> None:
    again = build_sample_portal(tmp_path / "again")
    assert _tree(again) == _tree(built_portal)
    other = build_sample_portal(tmp_path / "other", seed=7)
    assert (other / "ground_truth.jsonl").read_bytes() != (built_portal / "ground_truth.jsonl").read_bytes()


def test_build_refuses_bad_arguments(built_portal: Path, tmp_path: Path) -> None:
    with pytest.raises(FileExistsError):
        build_sample_portal(built_portal)
    with pytest.raises(ValueError, match="n_reports"):
        build_sample_portal(tmp_path / "none", n_reports=0)


def test_ground_truth_covers_formats_and_kinds(built_portal: Path) -> None:
    everything = load_ground_truth(built_portal)
    real = [row for row in everything if row.get("real_report")]
    assert [row["real_report"] for row in real] == [name for name, _ in REAL_REPORTS]
    bundle = [
        row for row in everything if row["sha256"] in {r["sha256"] for r in everything if r["report_index"]}
    ]
    assert [row["report_index"] for row in bundle] == [0, 1], "one bundle file holding two reports"
    rows = [row for row in everything if row not in real and row not in bundle]
    assert len(rows) == 8
    pairs = {(row["format"], row["record"]["report"]["report_kind"]) for row in rows}
    for fmt in ("pdf", "docx", "xlsx"):
        assert {(fmt, "project"), (fmt, "department_overall")} <= pairs
    inline = [row for row in rows if row["format"] == "html"]
    assert len(inline) == 1 and DETAIL.match(inline[0]["path"])
    for row in rows:
        assert row["record"]["document"]["sha256"] == row["sha256"]
        assert row["record"]["document"]["file_name"] == row["file_name"]
        assert row["title"] and row["published_at"]
        if row["format"] == "pdf":
            assert row["record"]["document"]["page_count"] >= 1


def test_listings_paginate_like_trs(portal) -> None:  # type: ignore[no-untyped-def]
    for index, path in enumerate(LISTINGS):
        response = requests.get(portal.url(path), timeout=5)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/html")
        assert f'createPageHTML({len(LISTINGS)}, {index}, "index", "html")' in response.text
        soup = BeautifulSoup(response.content, "html.parser")
        next_links = [a["href"] for a in soup.find_all("a") if a.get_text() == "下一页"]
        if index < len(LISTINGS) - 1:
            assert f"index_{index + 1}.html" in next_links
        else:
            assert not next_links


def test_every_listed_item_and_attachment_is_served(portal, built_portal: Path) -> None:  # type: ignore[no-untyped-def]
    truth = {row["path"]: row for row in load_ground_truth(built_portal)}
    real_pages = {row["path"] for row in truth.values() if row.get("real_report") and row["format"] == "html"}
    titles: dict[str, str] = {}
    for path in LISTINGS:
        titles.update(
            _detail_links(
                portal.base_url, requests.get(portal.url(path), timeout=5).content, portal.url(path)
            )
        )
    assert len(titles) == 8 + 1 + len(REAL_REPORTS) + 2  # generated, the bundle, the real ones, two traps
    assert "关于开展2023年度项目支出绩效自评工作的通知" in titles, "the notice trap must be listed"
    assert sum(1 for t in titles if not re.search("绩效自评|自评报告|自评表", t)) == 1, (
        "one unrelated news item"
    )
    downloaded = set()
    for title, path in titles.items():
        match = DETAIL.match(path)
        assert match and match.group(2).startswith(match.group(1)), path
        page = requests.get(portal.url(path), timeout=5)
        assert page.status_code == 200
        if path in real_pages:  # a real article page, served as published: its own title and date
            assert hashlib.sha256(page.content).hexdigest() == truth[path]["sha256"]
            downloaded.add(path)
            continue
        soup = BeautifulSoup(page.content, "html.parser")
        assert soup.find("h1").get_text() == title
        assert f"发布时间：{match.group(2)[:4]}-{match.group(2)[4:6]}-{match.group(2)[6:]}" in soup.get_text()
        for a in soup.select("div.TRS_Editor a[href]"):
            target = a["href"]
            assert target.startswith("/module/download/downfile.jsp?classid=0&filename=")
            response = requests.get(portal.url(target), timeout=5)
            assert response.status_code == 200
            assert response.headers["Content-Type"] == "application/octet-stream"
            disposition = response.headers["Content-Disposition"]
            assert disposition.startswith("attachment; filename*=UTF-8''")
            name = unquote(disposition.split("''", 1)[1])
            assert name == truth[target]["file_name"] == a.get_text()
            assert hashlib.sha256(response.content).hexdigest() == truth[target]["sha256"]
            assert "." not in target.rsplit("=", 1)[1], "the download id must not reveal the file type"
            downloaded.add(target)
        if path in truth:
            assert hashlib.sha256(page.content).hexdigest() == truth[path]["sha256"]
            downloaded.add(path)
    assert downloaded == set(truth)
    attachments = {row["path"] for row in truth.values() if row["path"].startswith("/module/download/")}
    assert portal.count(path_prefix="/module/download/", status=200) == len(attachments) == 7 + 1 + 3


def test_conditional_gets_revalidate(portal, built_portal: Path) -> None:  # type: ignore[no-untyped-def]
    target = next(row["path"] for row in load_ground_truth(built_portal) if row["format"] == "pdf")
    for path in (LISTINGS[0], target):
        first = requests.get(portal.url(path), timeout=5)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        by_etag = requests.get(portal.url(path), headers={"If-None-Match": etag}, timeout=5)
        assert by_etag.status_code == 304 and by_etag.content == b""
        assert by_etag.headers["ETag"] == etag
        by_date = requests.get(portal.url(path), headers={"If-Modified-Since": modified}, timeout=5)
        assert by_date.status_code == 304
        stale = requests.get(portal.url(path), headers={"If-None-Match": '"other"'}, timeout=5)
        assert stale.status_code == 200 and stale.content == first.content
        older = requests.get(
            portal.url(path), headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}, timeout=5
        )
        assert older.status_code == 200
    statuses = [status for _, p, status, _ in portal.requests if p == target]
    assert statuses == [200, 304, 304, 200, 200]
    assert [size for _, p, status, size in portal.requests if p == target and status == 304] == [0, 0]


def test_unknown_paths_are_404(portal) -> None:  # type: ignore[no-untyped-def]
    for path in ("/xxgk/czyjs/index_4.html", "/module/download/downfile.jsp?classid=0&filename=ffff",
                 "/xxgk/czyjs/202401/t20240101_1.html", "/../site.json"):  # fmt: skip
        response = requests.get(portal.url(path), timeout=5)
        assert response.status_code == 404, path
    head = requests.head(portal.url(LISTINGS[0]), timeout=5)
    assert head.status_code == 200 and head.content == b"" and int(head.headers["Content-Length"]) > 0
    robots = requests.get(portal.url("/robots.txt"), timeout=5)
    assert robots.status_code == 200 and "Allow: /" in robots.text


def test_download_query_order_does_not_matter(portal, built_portal: Path) -> None:  # type: ignore[no-untyped-def]
    row = next(row for row in load_ground_truth(built_portal) if row["format"] == "docx")
    opaque = row["path"].rsplit("=", 1)[1]
    swapped = f"/module/download/downfile.jsp?filename={opaque}&classid=0"
    assert hashlib.sha256(requests.get(portal.url(swapped), timeout=5).content).hexdigest() == row["sha256"]


def test_bundled_registry_is_valid() -> None:
    (source,) = load_registry(REGISTRY_PATH)
    assert source.id == "sample-portal"
    assert source.start_urls == ("http://127.0.0.1:8765/xxgk/czyjs/index.html",)
    assert source.allowed_hosts == ("127.0.0.1",)
    assert set(source.include) == {"绩效自评", "自评报告", "自评表"} and source.exclude == ("通知",)
    assert source.allow_private_addresses


def test_write_registry_points_at_another_base(tmp_path: Path) -> None:
    path = write_registry(tmp_path / "sources.yaml", "http://127.0.0.1:40123")
    (source,) = load_registry(path)
    assert source.start_urls == ("http://127.0.0.1:40123/xxgk/czyjs/index.html",)
    assert source.allowed_hosts == ("127.0.0.1",)
    assert yaml.safe_load(REGISTRY_PATH.read_text(encoding="utf-8"))["sources"][0]["start_urls"][0].endswith(
        ":8765/xxgk/czyjs/index.html"
    )
    with pytest.raises(ValueError, match="absolute"):
        write_registry(tmp_path / "bad.yaml", "127.0.0.1:40123")


def test_cli_builds_into_the_given_directory(tmp_path: Path) -> None:
    assert samples_cli(["build", "--dir", str(tmp_path / "site"), "--n-reports", "2"]) == 0
    rows = [json.loads(line) for line in (tmp_path / "site" / "ground_truth.jsonl").read_text().splitlines()]
    generated = [row for row in rows if not row.get("real_report") and not row["title"].endswith("个项目）")]
    assert [row["format"] for row in generated] == ["pdf", "docx"]


def test_every_report_of_the_portal_extracts_to_its_truth(built_portal: Path) -> None:
    """Generated, bundled and real reports alike: the served bytes give each report's record."""
    from extractors.extraction import extract_document
    from extractors.samples.site_format import SITE_FOLDER
    from tests.reports.record_comparison import assert_extracts_to_its_truth

    manifest = json.loads((built_portal / "site.json").read_text("utf-8"))
    by_file: dict[str, list[dict]] = {}
    for row in load_ground_truth(built_portal):
        by_file.setdefault(row["path"], []).append(row)
    for path, rows in by_file.items():
        served = built_portal / SITE_FOLDER / manifest[canonical(path)]["file"]
        records = extract_document(served)
        assert len(records) == len(rows), path
        for row in rows:
            assert_extracts_to_its_truth(records[row["report_index"]], row["record"])
