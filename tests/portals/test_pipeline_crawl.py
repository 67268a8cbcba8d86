"""The DAG's crawl step (extractors.pipeline.crawl) with one dead and one live portal.

One mapped task per source: the dead portal's task must fail — after writing its crawl
output with the error counted and explained — while the live portal's task, run from the
same registry, succeeds, and both sources' stats reach the run's crawl_stats table.
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import duckdb
import pytest
import yaml

from extractors import pipeline
from extractors.failures import SourceUnreachableError, is_permanent
from extractors.settings import load_settings

from .conftest import FixturePortal


def _dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _registry(path: Path, live_base: str, dead_base: str) -> Path:
    common = {
        "include": ["绩效自评"],
        "allowed_hosts": ["127.0.0.1"],
        "allow_private_addresses": True,
        "requests_per_second": 200.0,
        "timeout_s": 0.5,
        "retries": 1,
        "backoff_s": 0.01,
    }
    sources = [
        {"id": "dead-portal", "start_urls": [f"{dead_base}/xxgk/index.html"], **common},
        {"id": "live-portal", "start_urls": [f"{live_base}/xxgk/index.html"], **common},
    ]
    path.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True), encoding="utf-8")
    return path


def test_unreachable_portal_fails_its_own_task_only(
    portal: FixturePortal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    portal.add(
        "/xxgk/index.html",
        "<html><head><title>财政预决算</title></head><body>"
        "<a href='/xxgk/zp.pdf'>某局2023年度绩效自评报告</a></body></html>",
    )
    portal.add("/xxgk/zp.pdf", b"%PDF-1.4 live portal report", content_type="application/pdf")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse" / "warehouse.duckdb"))
    monkeypatch.setenv(
        "SOURCES_FILE",
        str(_registry(tmp_path / "sources.yaml", portal.base, f"http://127.0.0.1:{_dead_port()}")),
    )
    settings = load_settings()
    run_id = "run-two-sources"
    assert pipeline.list_source_ids(settings) == ["dead-portal", "live-portal"]

    with pytest.raises(
        SourceUnreachableError, match=re.escape("dead-portal is unreachable: cannot connect to 127.0.0.1:")
    ) as raised:
        pipeline.crawl(settings, run_id, "dead-portal")
    assert "connection refused" in str(raised.value) and "retried later" in str(raised.value)
    assert not is_permanent(raised.value)  # a portal that is down may be up on the next attempt
    live = pipeline.crawl(settings, run_id, "live-portal")

    crawl_dir = settings.runs_dir / run_id / "crawl"
    dead_output = json.loads((crawl_dir / "dead-portal.json").read_text(encoding="utf-8"))
    assert dead_output["documents"] == []
    assert dead_output["stats"]["errors"] == 1 and dead_output["stats"]["pages"] == 1
    assert dead_output["stats"]["error_message"].startswith("start URL http://127.0.0.1")
    assert dead_output["status"] == "unreachable"
    (failure,) = dead_output["stats"]["start_url_failures"]
    assert failure["transient"] is True and failure["kind"] == "skipped_robots"  # robots.txt unreachable
    assert (live["documents"], live["new"], live["errors"], live["error_message"]) == (1, 1, 0, None)
    live_output = json.loads((crawl_dir / "live-portal.json").read_text(encoding="utf-8"))
    (document,) = live_output["documents"]
    assert Path(document["raw_path"]).read_bytes() == b"%PDF-1.4 live portal report"

    staged = pipeline.stage(settings, run_id)
    rows = duckdb.sql(
        f"select source_id, pages, new, errors, error_message from '{staged['run_dir']}/crawl_stats.parquet' "
        "order by source_id"
    ).fetchall()
    assert [(r[0], r[2], r[3]) for r in rows] == [("dead-portal", 0, 1), ("live-portal", 1, 0)]
    assert rows[0][4].startswith("start URL") and rows[1][4] is None


def test_reachable_portal_without_reports_is_a_successful_empty_crawl(
    portal: FixturePortal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    portal.add(
        "/xxgk/index.html",
        "<html><head><title>财政预决算</title></head><body>"
        "<a href='/xxgk/gone.html'>某局2023年度绩效自评报告</a></body></html>",
    )  # the one report link is broken (404): an error, not an unreachable portal
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse" / "warehouse.duckdb"))
    registry = _registry(tmp_path / "sources.yaml", portal.base, portal.base)
    monkeypatch.setenv("SOURCES_FILE", str(registry))
    settings = load_settings()
    summary = pipeline.crawl(settings, "r1", "live-portal")
    assert summary["documents"] == 0 and summary["errors"] >= 1
    written = json.loads((pipeline.run_dir(settings, "r1") / "crawl" / "live-portal.json").read_text("utf-8"))
    assert written["stats"]["start_urls_failed"] == 0
