"""One fixture portal per CMS family (family_portals.py), crawled with adapter: auto, twice.

The first run must find exactly the family's reports, turn its traps into counted errors
and never touch what is not a report; the second run must download no document again and,
its listings being unchanged, ask only for those listings and for what failed the first
time — checked from the fixture server's own request log, not from the crawler's word.
"""

from __future__ import annotations

import pytest

from extractors.portals.crawler import CrawlResult, crawl_source
from extractors.portals.manifest import read_manifest
from extractors.settings import Settings

from .conftest import FixturePortal
from .family_portals import FAMILY_BUILDERS, FamilyPortal


def _targets(result: CrawlResult, portal: FixturePortal) -> dict[str, str]:
    return {d.url.removeprefix(portal.base): d.format for d in result.documents}


def _is_listing(target: str, fixture: FamilyPortal) -> bool:
    return any(target == t or (t.endswith("?") and target.startswith(t)) for t in fixture.listings)


@pytest.mark.parametrize("family", sorted(FAMILY_BUILDERS))
def test_family_portal_is_crawled_completely_and_rerun_downloads_nothing_twice(
    family: str, portal: FixturePortal, settings: Settings
) -> None:
    fixture: FamilyPortal = FAMILY_BUILDERS[family](portal)

    first = crawl_source(fixture.source, settings, run_id="run-1")

    assert _targets(first, portal) == fixture.documents
    assert all(d.url.startswith(portal.base) for d in first.documents)
    rows = read_manifest(settings.manifest_dir / f"{fixture.source.id}.jsonl")
    errors = {r["url"].removeprefix(portal.base): r["error"] for r in rows if r["outcome"] == "error"}
    assert set(errors) == set(fixture.errors)
    for target, words in fixture.errors.items():
        assert words in errors[target]
    assert first.stats.errors == len(fixture.errors)
    assert first.stats.reposts == fixture.reposts
    assert first.stats.new == len(fixture.documents) - fixture.reposts
    for target in fixture.never_requested:
        assert not portal.requests_for(target), f"{target} should not have been requested"
    if fixture.check is not None:
        fixture.check(first, portal)
    assert not list(settings.raw_dir.glob(".spool/*.part"))
    first_requests = len(portal.log)

    second = crawl_source(fixture.source, settings, run_id="run-2")

    rerun = [r.target for r in portal.log[first_requests:]]
    listings = [t for t in rerun if _is_listing(t, fixture)]
    assert {t for t in rerun if not _is_listing(t, fixture)} <= set(fixture.errors) | {"/robots.txt"}
    assert {t.split("?")[0] for t in listings} == {t.split("?")[0] for t in fixture.listings}
    details = {d.referer.removeprefix(portal.base) for d in first.documents if d.referer}
    assert not set(rerun) & (set(fixture.documents) | details - set(listings))
    assert len(rerun) < first_requests
    assert second.stats.not_rechecked >= len(fixture.documents)

    for target in fixture.documents:
        bodies = portal.requests_for(target, status=200)
        assert len(bodies) == 1, f"{target} downloaded {len(bodies)} times"
    assert _targets(second, portal) == fixture.documents
    assert {d.url: d.sha256 for d in second.documents} == {d.url: d.sha256 for d in first.documents}
    assert (second.stats.new, second.stats.reposts) == (0, 0)
    assert second.stats.unchanged == len(fixture.documents)
    assert not any(d.is_new for d in second.documents)
