"""Reruns take what an unchanged listing vouches for from the crawl state — until its re-check is due.

A small column (listing → detail pages → attachments, with validators) is crawled at a
fixed clock; later runs pass a later clock.  What the portal was asked is read from the
fixture server's request log.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from extractors.portals.crawler import CrawlResult, crawl_source
from extractors.portals.manifest import read_manifest
from extractors.portals.registry import SourceConfig
from extractors.portals.state import recheck_due
from extractors.settings import Settings

from .conftest import FixturePortal

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
LISTING = "/czyjs/index.html"
SUBCOLUMN = "/czyjs/jxzp/index.html"
LAST_MODIFIED = "Fri, 01 Mar 2024 08:00:00 GMT"
CORRECTED = "Sat, 02 Mar 2024 08:00:00 GMT"


def _pdf(tag: str) -> bytes:
    return f"%PDF-1.4\n% {tag}\n%%EOF\n".encode()


def _listing(items: list[int], *, subcolumn: bool = False) -> str:
    rows = "".join(
        f"<li><a href='/czyjs/t{n}.html'>某局2023年度绩效自评报告{n}</a><span>2024-03-{n:02d}</span></li>"
        for n in items
    )
    extra = f"<a href='{SUBCOLUMN}'>部门绩效自评公开</a>" if subcolumn else ""
    return f"<html><head><title>财政预决算</title></head><body><ul>{rows}</ul>{extra}</body></html>"


def _detail(n: int, attachment: str) -> str:
    return (
        f"<html><head><title>某局2023年度绩效自评报告{n}</title></head><body>"
        f"<h1>某局2023年度绩效自评报告{n}</h1><p>发布日期：2024-03-{n:02d}</p>"
        f"<a href='{attachment}'>附件</a></body></html>"
    )


def _column(portal: FixturePortal, items: list[int]) -> None:
    portal.add(LISTING, _listing(items), last_modified=LAST_MODIFIED)
    for n in items:
        portal.add(f"/czyjs/t{n}.html", _detail(n, f"/files/{n}.pdf"), last_modified=LAST_MODIFIED)
        portal.add(f"/files/{n}.pdf", _pdf(f"report {n}"), content_type="application/pdf", etag=f'"v1-{n}"')


def _source(portal: FixturePortal, **overrides: object) -> SourceConfig:
    source = SourceConfig(
        id="recheck",
        start_urls=(portal.url(LISTING),),
        include=("绩效自评",),
        requests_per_second=500.0,
        allow_private_addresses=True,
        respect_robots=False,
        timeout_s=2,
        retries=0,
    )
    return replace(source, **overrides)


def _crawl(portal: FixturePortal, settings: Settings, run: str, at: datetime, **overrides: object):
    mark = len(portal.log)
    result = crawl_source(_source(portal, **overrides), settings, run_id=run, clock=lambda: at)
    return result, [(r.target, r.status) for r in portal.log[mark:]]


def _sha(result: CrawlResult, portal: FixturePortal, target: str) -> str:
    return next(d.sha256 for d in result.documents if d.url == portal.url(target))


def test_corrected_attachment_is_found_once_its_recheck_is_due(
    portal: FixturePortal, settings: Settings
) -> None:
    _column(portal, [1, 2, 3])
    first, _ = _crawl(portal, settings, "run-1", T0)
    assert first.stats.new == 3

    # The portal republishes a corrected attachment 2 under the same URL, the listing untouched.
    portal.add("/files/2.pdf", _pdf("report 2, corrected"), content_type="application/pdf", etag='"v2-2"')

    same_day, asked = _crawl(portal, settings, "run-2", T0 + timedelta(hours=10))
    assert asked == [(LISTING, 304)]  # the listing vouches for the rest: no other request
    assert _sha(same_day, portal, "/files/2.pdf") == _sha(first, portal, "/files/2.pdf")
    assert same_day.stats.not_rechecked == 6 and same_day.stats.unchanged == 3
    assert same_day.stats.pages == 1  # only real fetches count against max_pages
    assert len(same_day.documents) == 3  # every known report is still listed for the plan

    week_later, asked = _crawl(portal, settings, "run-3", T0 + timedelta(days=7, hours=10))
    assert ("/files/2.pdf", 200) in asked
    assert ("/files/1.pdf", 304) in asked and ("/files/3.pdf", 304) in asked
    assert _sha(week_later, portal, "/files/2.pdf") != _sha(first, portal, "/files/2.pdf")
    assert week_later.stats.new == 1 and week_later.stats.not_rechecked == 0

    # Checked again, so a rerun trusts the listing once more.
    _, asked = _crawl(portal, settings, "run-4", T0 + timedelta(days=7, hours=20))
    assert asked == [(LISTING, 304)]


def test_recheck_days_zero_asks_for_everything_on_every_run(
    portal: FixturePortal, settings: Settings
) -> None:
    _column(portal, [1, 2])
    _crawl(portal, settings, "run-1", T0, recheck_days=0)
    rerun, asked = _crawl(portal, settings, "run-2", T0 + timedelta(hours=1), recheck_days=0)
    pages = [(LISTING, 304), ("/czyjs/t1.html", 304), ("/czyjs/t2.html", 304)]
    assert sorted(asked) == sorted([*pages, ("/files/1.pdf", 304), ("/files/2.pdf", 304)])
    assert rerun.stats.not_rechecked == 0


def test_a_changed_listing_is_followed_as_before(portal: FixturePortal, settings: Settings) -> None:
    """New items are fetched; the listing changed, so its known items are asked again too.

    A known detail page that answers 304 vouches in turn for its attachment.
    """
    _column(portal, [1, 2])
    _crawl(portal, settings, "run-1", T0)
    _column(portal, [1, 2, 3])
    portal.add(LISTING, _listing([1, 2, 3]), last_modified=CORRECTED)

    rerun, asked = _crawl(portal, settings, "run-2", T0 + timedelta(hours=10))

    assert (LISTING, 200) in asked
    assert ("/czyjs/t3.html", 200) in asked and ("/files/3.pdf", 200) in asked
    assert ("/czyjs/t1.html", 304) in asked and ("/czyjs/t2.html", 304) in asked
    assert not [target for target, _ in asked if target in ("/files/1.pdf", "/files/2.pdf")]
    assert rerun.stats.new == 1 and rerun.stats.not_rechecked == 2
    rows = [r for r in read_manifest(settings.manifest_dir / "recheck.jsonl") if r["run_id"] == "run-2"]
    assert {r["url"] for r in rows if r["outcome"] == "not_rechecked"} == {
        portal.url("/files/1.pdf"),
        portal.url("/files/2.pdf"),
    }


def test_a_listing_without_validators_is_unchanged_when_its_bytes_are(
    portal: FixturePortal, settings: Settings
) -> None:
    _column(portal, [1, 2])
    portal.add(LISTING, _listing([1, 2]))  # no ETag, no Last-Modified: only the content hash can tell
    _crawl(portal, settings, "run-1", T0)
    _, asked = _crawl(portal, settings, "run-2", T0 + timedelta(hours=10))
    assert asked == [(LISTING, 200)]
    rows = [r for r in read_manifest(settings.manifest_dir / "recheck.jsonl") if r["run_id"] == "run-2"]
    assert {r["url"]: r["outcome"] for r in rows}[portal.url(LISTING)] == "unchanged"


def test_a_sub_listing_below_an_unchanged_listing_is_still_fetched(
    portal: FixturePortal, settings: Settings
) -> None:
    """Its link carries the report words, but it lists dated items: news appears there."""
    _column(portal, [1])
    portal.add(LISTING, _listing([1], subcolumn=True), last_modified=LAST_MODIFIED)
    sub_items = "".join(
        f"<li><a href='/czyjs/jxzp/t{n}.html'>某中心2023年度绩效自评表{n}</a><span>2024-04-0{n}</span></li>"
        for n in (1, 2)
    )
    portal.add(SUBCOLUMN, f"<html><body><ul>{sub_items}</ul></body></html>", last_modified=LAST_MODIFIED)
    for n in (1, 2):
        portal.add(f"/czyjs/jxzp/t{n}.html", _detail(n, f"/files/jxzp{n}.pdf"), last_modified=LAST_MODIFIED)
        portal.add(f"/files/jxzp{n}.pdf", _pdf(f"sub {n}"), content_type="application/pdf", etag=f'"s{n}"')
    _crawl(portal, settings, "run-1", T0)

    _, asked = _crawl(portal, settings, "run-2", T0 + timedelta(hours=10))

    assert sorted(asked) == [(LISTING, 304), (SUBCOLUMN, 304)]


def test_rechecks_spread_over_the_nights_and_none_waits_longer_than_the_window() -> None:
    """Nightly runs over two months: about a seventh of the known URLs each night, never a burst."""
    urls = [f"http://portal.example/czyjs/t{n}.html" for n in range(2000)]
    checked = dict.fromkeys(urls, T0)
    nightly, longest = [], timedelta(0)
    for night in range(1, 61):
        now = T0 + timedelta(days=night, minutes=night % 7)  # runs start at slightly different times
        due = [url for url in urls if recheck_due(url, checked[url].isoformat(), now, 7)]
        for url in due:
            longest = max(longest, now - checked[url])
            checked[url] = now
        nightly.append(len(due))
    assert all(len(urls) / 7 * 0.75 < count < len(urls) / 7 * 1.25 for count in nightly), nightly
    assert longest <= timedelta(days=7, minutes=7)
    assert max(now - last for last in checked.values()) <= timedelta(days=7, minutes=7)


def test_a_rerun_the_same_day_is_never_due() -> None:
    urls = [f"http://portal.example/czyjs/t{n}.html" for n in range(2000)]
    assert not any(recheck_due(url, T0.isoformat(), T0 + timedelta(hours=11), 7) for url in urls)
    assert all(recheck_due(url, T0.isoformat(), T0 + timedelta(days=7, hours=1), 7) for url in urls)


@pytest.mark.parametrize("checked_at", [None, "", "not a date", "2026-03-02T02:00:00"])
def test_unknown_check_times_are_due(checked_at: str | None) -> None:
    assert recheck_due("http://portal.example/a.pdf", checked_at, T0, 7)


def test_period_zero_and_a_clock_that_went_back_are_due() -> None:
    url = "http://portal.example/a.pdf"
    assert recheck_due(url, T0.isoformat(), T0 + timedelta(minutes=1), 0)
    assert recheck_due(url, (T0 + timedelta(days=1)).isoformat(), T0, 7)
