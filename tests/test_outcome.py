"""A run tells the truth about itself: nothing crawled is a failed run, with every reason.

The gate after the crawl (``pipeline.sources_crawled``, and ``stage`` again), the
summary ``make run`` ends with, and the exit status all read the same run files.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractors import pipeline
from extractors.failures import NothingCrawledError, SourceUnreachableError, is_permanent
from extractors.orchestration import run_step
from extractors.outcome import load_outcome
from extractors.portals.registry import RegistryError
from extractors.settings import PROJECT_ROOT, Settings, load_settings

REFUSED = (
    "refused: 127.0.0.1 is a private address — "
    "set allow_private_addresses: true for a portal on your own network"
)


def _registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Settings:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SOURCES_FILE", str(path))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse" / "warehouse.duckdb"))
    return load_settings()


def _source(source_id: str, url: str, **options: object) -> str:
    lines = [f"  - id: {source_id}", f"    start_urls: [{url}]", "    include: [自评]"]
    lines += [f"    {key}: {str(value).lower()}" for key, value in options.items()]
    return "\n".join(lines) + "\n"


def _crawl(
    settings: Settings, run_id: str, source_id: str, status: str, first_error: str | None = None
) -> None:
    stats = {"pages": 2, "new": 1 if status == "crawled" else 0, "errors": 0 if first_error is None else 1}
    pipeline.write_json_atomic(
        pipeline.run_dir(settings, run_id) / "crawl" / f"{source_id}.json",
        {
            "source_id": source_id,
            "status": status,
            "stats": stats | {"first_error": first_error},
            "documents": [],
        },
    )


def test_a_refused_only_source_fails_the_run_at_once_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _registry(tmp_path, monkeypatch, "sources:\n" + _source("own", "http://127.0.0.1:9/list.html"))
    assert pipeline.begin_run(settings, "r1") == ["own"]
    with pytest.raises(SourceUnreachableError) as unreachable:
        pipeline.crawl(settings, "r1", "own")
    assert is_permanent(unreachable.value) and REFUSED in str(unreachable.value)
    with pytest.raises(NothingCrawledError, match=f"no source could be crawled: own: {REFUSED}") as gate:
        pipeline.sources_crawled(settings, "r1")
    assert is_permanent(gate.value)
    with pytest.raises(NothingCrawledError):  # stage runs after failed extract tasks too: it stops as well
        pipeline.stage(settings, "r1")
    assert not pipeline.is_staged(settings, "r1")
    # warehouse_needed runs after a failed stage too: it skips the warehouse, run_outcome fails the run
    assert pipeline.warehouse_needed(settings, "r1") is False
    with pytest.raises(NothingCrawledError, match=f"own: {re.escape(REFUSED)}"):
        pipeline.run_outcome(settings, "r1")
    outcome = load_outcome(settings)
    assert outcome is not None and outcome.failed and outcome.warehouse == "not reached"
    lines = outcome.lines()
    assert (
        lines[0]
        == "run r1: FAILED — no source could be crawled (0 of 1 source(s) crawled); nothing published"
    )
    assert lines[2].split()[:5] == ["own", "1", "0", "0", "1"] and lines[2].endswith(REFUSED)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sources: [\n  - id: a", "invalid YAML"),
        ("sources:\n" + _source("a", "https://a.gov.cn/", max_page=10), r"unknown key\(s\): max_page"),
        ("sources: []\n", "'sources' is empty"),
    ],
)
def test_a_registry_that_cannot_be_read_fails_before_anything_is_crawled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, expected: str
) -> None:
    settings = _registry(tmp_path, monkeypatch, text)
    with pytest.raises(RegistryError, match=expected) as raised:
        pipeline.begin_run(settings, "r1")
    assert is_permanent(raised.value)
    with pytest.raises(NothingCrawledError, match=f"the registry could not be read: .*{expected}"):
        pipeline.sources_crawled(settings, "r1")
    outcome = load_outcome(settings)
    assert outcome is not None and outcome.failed
    assert outcome.verdict().startswith("run r1: FAILED — the registry could not be read: registry ")


def test_a_missing_registry_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _registry(tmp_path, monkeypatch, "")
    monkeypatch.setenv("SOURCES_FILE", str(tmp_path / "absent.yaml"))
    with pytest.raises(RegistryError, match=r"registry file not found: .*absent\.yaml"):
        pipeline.begin_run(load_settings(), "r1")
    del settings


def test_one_failed_source_lets_the_rest_go_on_and_says_which_and_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _registry(
        tmp_path,
        monkeypatch,
        "sources:\n" + _source("down", "https://a.gov.cn/") + _source("up", "https://b.gov.cn/"),
    )
    pipeline.begin_run(settings, "r1")
    _crawl(
        settings, "r1", "down", "unreachable", "HTTP 404: https://a.gov.cn/ does not exist — check start_urls"
    )
    _crawl(settings, "r1", "up", "crawled")
    gate = pipeline.sources_crawled(settings, "r1")
    assert gate == {
        "crawled": ["up"],
        "failed": {"down": "HTTP 404: https://a.gov.cn/ does not exist — check start_urls"},
    }
    with pytest.raises(pipeline.RunAbortedError, match="not staged"):  # stage failed for another reason
        pipeline.run_outcome(settings, "r1")
    pipeline.stage(settings, "r1")
    assert pipeline.run_outcome(settings, "r1") == gate
    outcome = load_outcome(settings, "r1")
    assert outcome is not None and not outcome.failed
    assert outcome.verdict() == "run r1: 1 of 2 source(s) crawled; failed: down"


def test_a_source_whose_crawl_never_finished_is_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _registry(
        tmp_path,
        monkeypatch,
        "sources:\n" + _source("a", "https://a.gov.cn/") + _source("b", "https://b.gov.cn/"),
    )
    pipeline.begin_run(settings, "r1")
    _crawl(settings, "r1", "a", "crawled")
    outcome = load_outcome(settings)
    assert outcome is not None
    assert [(s.source_id, s.status) for s in outcome.sources] == [("a", "crawled"), ("b", "not crawled")]
    assert outcome.lines()[-1].endswith("no crawl finished")


def test_a_needed_warehouse_not_published_is_a_failed_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _registry(tmp_path, monkeypatch, "sources:\n" + _source("a", "https://a.gov.cn/"))
    pipeline.begin_run(settings, "r1")
    _crawl(settings, "r1", "a", "crawled")
    decision = pipeline.run_dir(settings, "r1") / "warehouse.json"
    pipeline.write_json_atomic(decision, {"run_id": "r1", "build": True, "reasons": ["x"], "decided_at": "t"})
    outcome = load_outcome(settings)
    assert outcome is not None and outcome.failed and outcome.warehouse == "not published"
    pipeline.write_json_atomic(
        decision, {"run_id": "r1", "build": True, "reasons": ["x"], "decided_at": "t", "published_at": "t"}
    )
    assert not load_outcome(settings).failed  # type: ignore[union-attr]


def test_run_step_fails_permanent_errors_without_retry_and_leaves_the_rest_to_retries() -> None:
    from airflow.sdk.exceptions import AirflowFailException

    def refused() -> None:
        raise SourceUnreachableError("own", REFUSED, permanent=True)

    def timed_out() -> None:
        raise SourceUnreachableError(
            "slow", "no answer from a.gov.cn (timeout) — retried later", permanent=False
        )

    with pytest.raises(AirflowFailException, match="source own is unreachable: refused") as failed:
        run_step(refused)
    assert isinstance(failed.value.__cause__, SourceUnreachableError)
    with pytest.raises(SourceUnreachableError):
        run_step(timed_out)
    assert run_step(lambda x: x + 1, 1) == 2


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "extractors", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", **env},
        cwd=PROJECT_ROOT,
    )


def test_cli_run_and_summary_fail_with_the_reason_not_a_traceback(tmp_path: Path) -> None:
    registry = tmp_path / "sources.yaml"
    registry.write_text("sources:\n" + _source("own", "http://127.0.0.1:9/list.html"), encoding="utf-8")
    env = {
        "SOURCES_FILE": str(registry),
        "DATA_DIR": str(tmp_path / "data"),
        "WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb"),
    }
    started = time.monotonic()
    run = _cli(env, "run", "--run-id", "r1")
    assert time.monotonic() - started < 30
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"error: no source could be crawled: own: {REFUSED}" in run.stderr
    assert "run r1: FAILED — no source could be crawled" in run.stderr
    summary = _cli(env, "summary")
    assert summary.returncode == 1
    assert re.search(rf"\n  own +1 +0 +0 +1  {re.escape(REFUSED)}\n", summary.stderr), summary.stderr
    assert (
        "last run: run r1: warehouse not rebuilt — the run stopped before the warehouse steps"
        in summary.stderr
    )

    registry.write_text("sources:\n" + _source("own", "http://127.0.0.1:9/", max_page=10), encoding="utf-8")
    broken = _cli(env, "run")
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert "error: registry " in broken.stderr and "unknown key(s): max_page" in broken.stderr
