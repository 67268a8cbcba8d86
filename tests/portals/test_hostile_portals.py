"""Portals that attack or mislead the crawler: each case holds without a hang, a leak or a lie.

Every server here is on 127.0.0.1 (tests/portals/conftest.py); the figures in the asserts are the
guarantees the README's security section states.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from extractors.portals.crawler import crawl_source
from extractors.portals.fetcher import Fetcher, FetchFailed
from extractors.portals.manifest import read_manifest
from extractors.portals.netguard import HostGuard
from extractors.portals.registry import RegistryError, SourceConfig, parse_source
from extractors.settings import Settings

from .conftest import FixturePortal

LISTING = "<html><head><title>某局2023年度绩效自评报告</title></head><body>{links}</body></html>"
PDF = b"%PDF-1.4\n% report\n%%EOF\n"


def _source(portal: FixturePortal, **overrides: object) -> SourceConfig:
    options: dict[str, object] = {
        "id": "hostile",
        "start_urls": (portal.url("/list.html"),),
        "include": ("绩效自评",),
        "requests_per_second": 500.0,
        "allow_private_addresses": True,
        "respect_robots": False,
        "timeout_s": 0.5,
        "retries": 0,
        "backoff_s": 0.01,
    }
    options.update(overrides)
    return SourceConfig(**options)  # type: ignore[arg-type]


def _fetcher(source: SourceConfig, tmp_path: Path) -> Fetcher:
    return Fetcher(source, HostGuard(source.allowed_hosts, allow_private_addresses=True), tmp_path / "spool")


def test_a_body_dripping_under_an_honest_length_is_cut_at_the_transfer_deadline(
    portal: FixturePortal, tmp_path: Path
) -> None:
    """1 byte every 0.1 s of a 200-byte body (20 s in all): each read is well inside the 0.5 s read
    timeout, so only the transfer deadline (timeout_s × 10 = 5 s) can stop it."""
    portal.add("/slow.pdf", PDF + b"0" * 180, content_type="application/pdf", drip_s=0.1)
    source = _source(portal)
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="deadline") as failed:
        _fetcher(source, tmp_path).fetch(portal.url("/slow.pdf"))
    elapsed = time.monotonic() - started
    assert 4.5 <= elapsed < 8, elapsed
    assert failed.value.transient


def test_a_listing_of_many_attachments_stops_at_the_documents_cap(
    portal: FixturePortal, settings: Settings
) -> None:
    links = "".join(f'<a href="/f{n}.pdf">某局2023年度绩效自评报告{n}</a>' for n in range(40))
    portal.add("/list.html", LISTING.format(links=links))
    for n in range(40):
        portal.add(f"/f{n}.pdf", PDF + str(n).encode(), content_type="application/pdf")
    result = crawl_source(_source(portal, max_documents=5), settings, run_id="r")
    downloaded = [r for r in portal.log if r.target.endswith(".pdf")]
    assert len(downloaded) == len(result.documents) == 5
    assert result.stats.errors == 1 and "max_documents reached" in (result.stats.error_message or "")
    rows = read_manifest(settings.manifest_dir / "hostile.jsonl")
    assert sum(1 for r in rows if r["outcome"] == "skipped_cap") == 34


def test_a_run_stops_downloading_at_the_bytes_cap(portal: FixturePortal, settings: Settings) -> None:
    links = "".join(f'<a href="/f{n}.pdf">某局2023年度绩效自评报告{n}</a>' for n in range(6))
    portal.add("/list.html", LISTING.format(links=links))
    for n in range(6):
        portal.add(f"/f{n}.pdf", PDF + bytes([n]) * 400_000, content_type="application/pdf")
    result = crawl_source(_source(portal, max_run_mb=1.0), settings, run_id="r")
    assert len(result.documents) == 3  # 3 × 0.4 MB reach the 1 MB cap; the rest wait
    assert "max_run_mb reached" in (result.stats.error_message or "")


def test_a_huge_page_is_not_parsed(portal: FixturePortal, settings: Settings) -> None:
    padding = "<p>" + "填充" * 30_000 + "</p>"
    portal.add("/list.html", LISTING.format(links=padding + '<a href="/r.pdf">某局2023年度绩效自评报告</a>'))
    portal.add("/r.pdf", PDF, content_type="application/pdf")
    result = crawl_source(_source(portal, max_page_mb=0.1), settings, run_id="r")
    assert result.documents == [] and not portal.requests_for("/r.pdf")
    assert "larger than max_page_mb" in (result.stats.error_message or "")


def test_retry_after_beyond_the_sources_limit_is_not_waited_out(
    portal: FixturePortal, settings: Settings
) -> None:
    portal.add("/list.html", "busy", status=503, headers={"Retry-After": "3600"})
    started = time.monotonic()
    result = crawl_source(_source(portal, retries=3, max_retry_after_s=5), settings, run_id="r")
    assert time.monotonic() - started < 3
    assert len(portal.requests_for("/list.html")) == 1
    assert "retry after 3600 s" in (result.stats.error_message or "")


def test_a_utf16_page_labelled_gb2312_still_leads_to_its_attachment(
    portal: FixturePortal, settings: Settings
) -> None:
    page = LISTING.format(links='<a href="/r.pdf">某局2023年度绩效自评报告</a>')
    portal.add("/list.html", page.encode("utf-16"), content_type="text/html; charset=gb2312")
    portal.add("/r.pdf", PDF, content_type="application/pdf")
    result = crawl_source(_source(portal), settings, run_id="r")
    assert [d.url for d in result.documents] == [portal.url("/r.pdf")]


def test_an_undecodable_page_is_an_error_not_an_empty_page(portal: FixturePortal, settings: Settings) -> None:
    portal.add("/list.html", bytes(range(128, 256)) * 40, content_type="text/html; charset=utf-8")
    result = crawl_source(_source(portal), settings, run_id="r")
    assert result.stats.errors == 1 and "undecodable page" in (result.stats.error_message or "")


def test_credentials_in_a_start_url_are_refused_without_being_echoed() -> None:
    entry = {
        "id": "auth",
        "start_urls": ["http://Editor:S3cret-Pass@127.0.0.1:8080/list.html"],
        "include": ["自评"],
    }
    with pytest.raises(RegistryError) as refused:
        parse_source(entry)
    assert "S3cret-Pass" not in str(refused.value) and "Editor" not in str(refused.value)
    assert "GOVPERF_PORTAL_AUTH_AUTH" in str(refused.value)


def test_credentials_come_from_the_environment_with_their_case_and_only_to_the_portal(
    portal: FixturePortal, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVPERF_PORTAL_AUTH_HOSTILE", "Editor:S3cret-Pass")
    links = '<a href="http://Someone:Leaked@127.0.0.1:{port}/r.pdf">某局2023年度绩效自评报告</a>'
    portal.add("/list.html", LISTING.format(links=links.format(port=portal.base.rsplit(":", 1)[1])))
    portal.add("/r.pdf", PDF, content_type="application/pdf")
    result = crawl_source(_source(portal), settings, run_id="r")
    sent = portal.requests_for("/list.html")[0].headers.get("Authorization", "")
    import base64

    assert base64.b64decode(sent.split()[1]).decode() == "Editor:S3cret-Pass"
    stored = json.dumps([d.to_dict() for d in result.documents]) + (
        settings.manifest_dir / "hostile.jsonl"
    ).read_text(encoding="utf-8")
    assert "Leaked" not in stored and "S3cret" not in stored and "Someone" not in stored
