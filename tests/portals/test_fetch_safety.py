"""Where the crawler may not go, and how it fails when a portal misbehaves."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from extractors.portals.crawler import crawl_source
from extractors.portals.fetcher import USER_AGENT, Fetcher, FetchFailed, HostRateLimiter
from extractors.portals.manifest import read_manifest
from extractors.portals.netguard import HostGuard, RefusedURL, is_public_address
from extractors.portals.registry import SourceConfig
from extractors.settings import Settings

from .conftest import FixturePortal

REPORT_PAGE = "<html><head><title>某局2023年度绩效自评报告</title></head><body>{links}</body></html>"


def _source(portal: FixturePortal, path: str = "/list.html", **overrides: object) -> SourceConfig:
    options: dict[str, object] = {
        "id": "safety",
        "start_urls": (portal.url(path),),
        "include": ("绩效自评",),
        "requests_per_second": 500.0,
        "allow_private_addresses": True,
        "timeout_s": 0.5,
        "retries": 1,
        "backoff_s": 0.01,
    }
    options.update(overrides)
    return SourceConfig(**options)  # type: ignore[arg-type]


def test_private_addresses_are_refused_by_default(portal: FixturePortal, settings: Settings) -> None:
    portal.add("/list.html", REPORT_PAGE.format(links=""))
    result = crawl_source(_source(portal, allow_private_addresses=False), settings, run_id="r")
    assert portal.log == []  # not even robots.txt was asked for
    assert result.documents == [] and result.stats.errors == 1
    assert "non-public address 127.0.0.1" in (result.stats.error_message or "")
    rows = read_manifest(settings.manifest_dir / "safety.jsonl")
    assert [r["outcome"] for r in rows] == ["skipped_private_address"]


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fe80::1", False),
        ("::ffff:10.0.0.1", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("202.96.134.133", True),
        ("2400:3200::1", True),
    ],
)
def test_address_classification(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_guard_resolves_names_and_refuses_any_private_answer() -> None:
    answers = {"portal.gov.cn": ["202.96.134.133"], "sneaky.gov.cn": ["202.96.134.133", "10.0.0.7"]}
    guard = HostGuard(["portal.gov.cn", "sneaky.gov.cn"], allow_private_addresses=False, resolver=answers.get)
    guard.check("https://portal.gov.cn/a.html")
    with pytest.raises(RefusedURL) as refused:
        guard.check("https://sneaky.gov.cn/a.html")
    assert refused.value.kind == "skipped_private_address"
    with pytest.raises(RefusedURL) as offhost:
        guard.check("https://evil.example.com/a.html")
    assert offhost.value.kind == "skipped_offhost"


def test_dns_rebinding_is_caught_at_connect_time(portal: FixturePortal, tmp_path: Path) -> None:
    """The resolver says public, the socket lands on 127.0.0.1: refused before any byte is sent."""
    portal.add("/page.html", "secret")
    source = _source(
        portal, allowed_hosts=("localhost",), allow_private_addresses=False, respect_robots=False
    )
    guard = HostGuard(
        source.allowed_hosts, allow_private_addresses=False, resolver=lambda host: ["202.96.134.133"]
    )
    fetcher = Fetcher(source, guard, tmp_path)
    with pytest.raises(FetchFailed) as failure:
        fetcher.fetch(f"http://localhost:{portal.port}/page.html")
    assert failure.value.kind == "skipped_private_address"
    assert "reached non-public address" in str(failure.value)
    assert portal.log == []


def test_redirects_pass_the_guard_at_every_hop(portal: FixturePortal, tmp_path: Path) -> None:
    portal.add("/hop", "", status=302, headers={"Location": f"http://localhost:{portal.port}/internal"})
    portal.add("/internal", "secret")
    source = _source(portal, respect_robots=False)
    guard = HostGuard(source.allowed_hosts, allow_private_addresses=True)
    with pytest.raises(FetchFailed) as failure:
        Fetcher(source, guard, tmp_path).fetch(portal.url("/hop"))
    assert failure.value.kind == "skipped_offhost"
    assert [r.target for r in portal.log] == ["/hop"]


def test_redirect_to_another_host_is_not_followed(portal: FixturePortal, settings: Settings) -> None:
    portal.add("/list.html", REPORT_PAGE.format(links='<a href="/moved.pdf">绩效自评报告</a>'))
    portal.add("/moved.pdf", "", status=301, headers={"Location": f"http://localhost:{portal.port}/real.pdf"})
    portal.add("/real.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    result = crawl_source(_source(portal), settings, run_id="r")
    assert result.documents == []
    assert not portal.requests_for("/real.pdf")
    rows = {r["url"]: r for r in read_manifest(settings.manifest_dir / "safety.jsonl")}
    assert rows[portal.url("/moved.pdf")]["outcome"] == "skipped_offhost"


def test_redirect_within_the_host_is_followed(portal: FixturePortal, settings: Settings) -> None:
    portal.add("/list.html", REPORT_PAGE.format(links='<a href="/moved.pdf">绩效自评报告</a>'))
    portal.add("/moved.pdf", "", status=302, headers={"Location": "/real.pdf"})
    portal.add("/real.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    result = crawl_source(_source(portal), settings, run_id="r")
    assert [d.file_name for d in result.documents] == ["real.pdf"]
    assert result.documents[0].url == portal.url("/moved.pdf")


def test_unreachable_start_url_is_an_error_not_an_exception(settings: Settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    source = SourceConfig(
        id="dead",
        start_urls=(f"http://127.0.0.1:{dead_port}/index.html",),
        include=("绩效自评",),
        allow_private_addresses=True,
        respect_robots=False,
        timeout_s=0.5,
        retries=1,
        backoff_s=0.01,
    )
    result = crawl_source(source, settings, run_id="r")
    assert result.stats.errors == 1 and result.documents == []
    assert result.stats.error_message and result.stats.error_message.startswith("start URL http://127.0.0.1")
    assert result.stats.started_at <= result.stats.finished_at


def test_robots_txt_is_honoured_unless_disabled(portal: FixturePortal, settings: Settings) -> None:
    portal.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    portal.add("/list.html", REPORT_PAGE.format(links='<a href="/private/a.pdf">绩效自评报告</a>'))
    portal.add("/private/a.pdf", b"%PDF-1.4 private", content_type="application/pdf")
    honouring = crawl_source(_source(portal), settings, run_id="r1")
    assert portal.requests_for("/list.html", status=200)  # allowed paths are still crawled
    assert honouring.documents == [] and not portal.requests_for("/private/a.pdf")
    rows = read_manifest(settings.manifest_dir / "safety.jsonl")
    assert any(r["outcome"] == "skipped_robots" for r in rows)
    ignoring = crawl_source(_source(portal, respect_robots=False), settings, run_id="r2")
    assert len(ignoring.documents) == 1


def test_user_agent_and_referer_are_sent(portal: FixturePortal, settings: Settings) -> None:
    portal.add("/list.html", REPORT_PAGE.format(links='<a href="/a.pdf">绩效自评报告</a>'))
    portal.add("/a.pdf", b"%PDF-1.4 a", content_type="application/pdf")
    crawl_source(_source(portal), settings, run_id="r")
    request = portal.requests_for("/a.pdf")[0]
    assert request.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("govperf/") and "(+https://github.com/govperf/govperf)" in USER_AGENT
    assert request.headers["Referer"] == portal.url("/list.html")


def test_oversized_body_without_content_length_is_aborted_while_streaming(
    portal: FixturePortal, settings: Settings
) -> None:
    portal.add("/list.html", REPORT_PAGE.format(links='<a href="/huge.pdf">绩效自评报告</a>'))
    portal.add(
        "/huge.pdf", b"%PDF-1.4\n" + b"x" * 3_000_000, content_type="application/pdf", omit_length=True
    )
    result = crawl_source(_source(portal, max_file_mb=1), settings, run_id="r")
    assert result.documents == [] and result.stats.errors == 1
    assert "too large: more than 1048576 bytes" in (result.stats.error_message or "")
    assert not [p for p in settings.raw_dir.rglob("*") if p.is_file()]


def test_persistent_5xx_gives_up_after_bounded_retries(portal: FixturePortal, settings: Settings) -> None:
    portal.add("/list.html", REPORT_PAGE.format(links='<a href="/busy.pdf">绩效自评报告</a>'))
    portal.add("/busy.pdf", b"%PDF", fail_first=100)
    result = crawl_source(_source(portal, retries=2), settings, run_id="r")
    assert len(portal.requests_for("/busy.pdf")) == 3
    assert result.stats.errors == 1 and "HTTP 503" in (result.stats.error_message or "")


def test_robots_crawl_delay_slows_requests_to_that_host(portal: FixturePortal, settings: Settings) -> None:
    portal.add("/robots.txt", "User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")
    portal.add("/list.html", REPORT_PAGE.format(links='<a href="/a.pdf">绩效自评报告</a>'))
    portal.add("/a.pdf", b"%PDF-1.4 a", content_type="application/pdf")
    started = time.monotonic()
    crawl_source(_source(portal), settings, run_id="r")
    assert [r.target for r in portal.log] == ["/robots.txt", "/list.html", "/a.pdf"]
    assert time.monotonic() - started >= 1.9  # two gaps of 1 s, not the configured 500 requests/s


def test_rate_limit_spaces_requests_per_host_not_globally() -> None:
    now = [100.0]
    sleeps: list[tuple[str, float]] = []
    current_host = [""]

    def sleep(seconds: float) -> None:
        sleeps.append((current_host[0], round(seconds, 6)))
        now[0] += seconds

    limiter = HostRateLimiter(requests_per_second=20.0, clock=lambda: now[0], sleep=sleep)
    current_host[0] = "a.gov.cn"
    for _ in range(5):
        limiter.wait("a.gov.cn")
    current_host[0] = "b.gov.cn"
    limiter.wait("b.gov.cn")
    assert sleeps == [("a.gov.cn", 0.05)] * 4  # b.gov.cn did not wait for a.gov.cn's slots
