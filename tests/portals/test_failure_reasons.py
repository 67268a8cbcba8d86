"""A source whose start URLs all fail: permanent or worth retrying, and why in plain words.

The orchestrator retries transient failures with backoff and fails permanent ones at
once (extractors.failures); the run summary shows the plain reason.  Each case runs
the real crawler against the fixture portal on 127.0.0.1.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from extractors.failures import SourceUnreachableError, is_permanent
from extractors.portals.crawler import crawl_source
from extractors.portals.fetcher import FetchFailed
from extractors.portals.reasons import plain_reason
from extractors.portals.registry import SourceConfig
from extractors.settings import Settings

from .conftest import FixturePortal

PAGE = "<html><head><title>财政预决算</title></head><body></body></html>"


def _source(url: str, **overrides: object) -> SourceConfig:
    options: dict[str, object] = {
        "id": "one",
        "start_urls": (url,),
        "include": ("绩效自评",),
        "requests_per_second": 500.0,
        "allow_private_addresses": True,
        "timeout_s": 0.3,
        "retries": 1,
        "backoff_s": 0.01,
    }
    options.update(overrides)
    return SourceConfig(**options)  # type: ignore[arg-type]


def _start_failure(source: SourceConfig, settings: Settings) -> dict:
    result = crawl_source(source, settings, run_id="r")
    assert result.stats.start_urls_failed == 1
    (failure,) = result.stats.start_url_failures
    assert result.stats.first_error == failure["reason"]
    return failure


def test_a_private_address_is_refused_for_good_and_says_how_to_allow_it(
    portal: FixturePortal, settings: Settings
) -> None:
    portal.add("/list.html", PAGE)
    failure = _start_failure(_source(portal.url("/list.html"), allow_private_addresses=False), settings)
    assert failure["transient"] is False
    assert failure["reason"] == (
        "refused: 127.0.0.1 is a private address — "
        "set allow_private_addresses: true for a portal on your own network"
    )
    assert portal.log == []


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (404, "HTTP 404: http://127.0.0.1:"),
        (410, "does not exist — check start_urls"),
        (403, "refuses access"),
    ],
)
def test_a_4xx_start_url_is_permanent(
    portal: FixturePortal, settings: Settings, status: int, words: str
) -> None:
    portal.add("/list.html", "gone", status=status)
    failure = _start_failure(_source(portal.url("/list.html")), settings)
    assert failure["transient"] is False and failure["status"] == status
    assert words in failure["reason"]
    assert len(portal.requests_for("/list.html")) == 1  # not asked again


def test_robots_disallow_is_permanent(portal: FixturePortal, settings: Settings) -> None:
    portal.add("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    portal.add("/list.html", PAGE)
    failure = _start_failure(_source(portal.url("/list.html")), settings)
    assert failure["transient"] is False and failure["kind"] == "skipped_robots"
    assert (
        "robots.txt of http://127.0.0.1:" in failure["reason"] and "disallows /list.html" in failure["reason"]
    )


def test_a_5xx_start_url_is_transient(portal: FixturePortal, settings: Settings) -> None:
    portal.add("/list.html", "busy", status=503)
    failure = _start_failure(_source(portal.url("/list.html"), respect_robots=False), settings)
    assert failure["transient"] is True and failure["status"] == 503
    assert failure["reason"] == "HTTP 503: the portal is failing (server error) — retried later"
    assert len(portal.requests_for("/list.html")) == 2  # the fetcher's own retries came first


def test_a_timeout_is_transient(portal: FixturePortal, settings: Settings) -> None:
    portal.add("/list.html", PAGE, delay_s=1.5)
    failure = _start_failure(_source(portal.url("/list.html"), respect_robots=False), settings)
    assert failure["transient"] is True
    assert failure["reason"] == "no answer from 127.0.0.1 within 0.3 s (timeout) — retried later"


def test_a_portal_that_is_down_is_transient(settings: Settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    failure = _start_failure(_source(f"http://127.0.0.1:{port}/list.html"), settings)
    assert failure["transient"] is True  # robots.txt could not be read: the host counts as disallowed for now
    assert failure["reason"].startswith(f"cannot connect to 127.0.0.1:{port}: connection refused")
    assert failure["reason"].endswith("(reading robots.txt) — retried later")


def test_a_host_resolving_to_a_private_address_names_both() -> None:
    failure = FetchFailed("skipped_private_address", "x", host="intranet.example", address="10.0.0.5")
    assert plain_reason(failure, "http://intranet.example/list.html") == (
        "refused: intranet.example resolves to 10.0.0.5, a private address — "
        "set allow_private_addresses: true for a portal on your own network"
    )


def test_the_pipeline_raises_permanent_only_when_no_start_url_may_recover(
    portal: FixturePortal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One refused and one failing (503) start URL: the source may recover, so it is retried."""
    import yaml

    from extractors import pipeline
    from extractors.settings import load_settings

    portal.add("/a.html", "gone", status=404)
    portal.add("/b.html", "busy", status=503)
    common = {"include": ["绩效自评"], "respect_robots": False, "allow_private_addresses": True, "retries": 0}
    registry = {
        "sources": [
            {"id": "gone", "start_urls": [portal.url("/a.html")], **common},
            {"id": "mixed", "start_urls": [portal.url("/a.html"), portal.url("/b.html")], **common},
        ]
    }
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump(registry), encoding="utf-8")
    monkeypatch.setenv("SOURCES_FILE", str(tmp_path / "sources.yaml"))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    settings = load_settings()
    with pytest.raises(SourceUnreachableError, match="HTTP 404") as gone:
        pipeline.crawl(settings, "r", "gone")
    assert is_permanent(gone.value)
    with pytest.raises(SourceUnreachableError) as mixed:
        pipeline.crawl(settings, "r", "mixed")
    assert not is_permanent(mixed.value)
