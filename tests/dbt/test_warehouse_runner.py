"""extractors.warehouse against a stand-in dbt: arguments, environment, streamed output,
counts from run_results.json, failures named, timeout — without paying for a real dbt run."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest

from extractors import warehouse
from extractors.settings import Settings
from extractors.warehouse import DbtRunOptions, WarehouseBuildError, dbt_build

FAKE_DBT = """\
import json, os, sys, time
args = sys.argv[1:]
target = args[args.index("--target-path") + 1]
print("args:", " ".join(args))
print("env:", os.environ["GOVPERF_BUILD_PATH"], os.environ["GOVPERF_STAGING_DIR"],
      os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"])
time.sleep(float(os.environ.get("FAKE_DBT_SLEEP", "0")))
os.makedirs(target, exist_ok=True)
with open(os.path.join(target, "run_results.json"), "w") as out:
    json.dump({"results": json.loads(os.environ["FAKE_DBT_RESULTS"])}, out)
sys.exit(int(os.environ["FAKE_DBT_EXIT"]))
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        sources_file=tmp_path / "sources.yaml",
        data_dir=tmp_path / "data",
        warehouse_path=tmp_path / "w.duckdb",
    )


@pytest.fixture
def fake_dbt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    script = tmp_path / "fake_dbt.py"
    script.write_text(FAKE_DBT, encoding="utf-8")
    wrapper = tmp_path / "dbt"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{script}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    monkeypatch.setattr(warehouse, "dbt_executable", lambda: wrapper)

    def configure(results: list[dict], exit_code: int, sleep_s: float = 0.0) -> None:
        monkeypatch.setenv("FAKE_DBT_RESULTS", json.dumps(results))
        monkeypatch.setenv("FAKE_DBT_EXIT", str(exit_code))
        monkeypatch.setenv("FAKE_DBT_SLEEP", str(sleep_s))

    return configure


def _result(unique_id: str, status: str, message: str | None = None) -> dict:
    return {"unique_id": unique_id, "status": status, "message": message}


def test_success_counts_nodes_and_streams_output(
    settings: Settings, fake_dbt, caplog: pytest.LogCaptureFixture
) -> None:
    fake_dbt(
        [
            _result("model.govperf.stg_reports", "success"),
            _result("model.govperf.dim_report", "success"),
            _result("test.govperf.unique_dim_report_report_id", "pass"),
            _result(
                "test.govperf.in_vocabulary_stg_reports_report_kind__report_kinds", "warn", "Got 1 result"
            ),
        ],
        exit_code=0,
    )
    with caplog.at_level(logging.INFO, logger="extractors.warehouse"):
        result = dbt_build(settings, select="+dim_report")

    assert (result.models, result.tests, result.passed, result.warned, result.failed) == (2, 2, 3, 1, 0)
    assert result.run_results_path == settings.data_dir / "dbt" / "target" / "run_results.json"
    assert result.to_dict()["run_results_path"] == str(result.run_results_path)
    output = caplog.text
    assert f"env: {settings.build_path} {settings.staging_dir} false" in output
    assert f"--project-dir {settings.dbt_project_dir} --profiles-dir {settings.dbt_project_dir}" in output
    assert f"--log-path {settings.data_dir / 'dbt' / 'logs'}" in output
    assert "--select +dim_report --indirect-selection buildable" in output


def test_options_become_dbt_flags(settings: Settings, fake_dbt, caplog: pytest.LogCaptureFixture) -> None:
    fake_dbt([_result("model.govperf.dim_report", "success")], exit_code=0)
    with caplog.at_level(logging.INFO, logger="extractors.warehouse"):
        dbt_build(settings)
    nightly = caplog.text
    assert "--exclude-resource-type unit_test" in nightly  # unit tests are CI's, not the night's
    assert "--full-refresh" not in nightly and "test_whole_tables" not in nightly
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="extractors.warehouse"):
        dbt_build(settings, options=DbtRunOptions(unit_tests=True, test_whole_tables=True, full_refresh=True))
    sweep = caplog.text
    assert "--exclude-resource-type" not in sweep
    assert "--full-refresh" in sweep and "--vars {test_whole_tables: true}" in sweep


def test_failure_names_each_failed_model_and_test(settings: Settings, fake_dbt) -> None:
    fake_dbt(
        [
            _result("model.govperf.stg_reports", "success"),
            _result("model.govperf.dim_report", "error", "Catalog Error: no such column"),
            _result(
                "test.govperf.unique_fct_budget_execution_budget_execution_id.1a2b3c", "fail", "Got 2 results"
            ),
            _result("model.govperf.dim_unit", "skipped"),
        ],
        exit_code=1,
    )
    with pytest.raises(WarehouseBuildError, match="2 failed node") as raised:
        dbt_build(settings)
    assert raised.value.failures == [
        "model dim_report: Catalog Error: no such column",
        "test unique_fct_budget_execution_budget_execution_id: Got 2 results",
    ]


def test_failure_without_results_shows_dbt_output(settings: Settings, fake_dbt) -> None:
    fake_dbt([], exit_code=2)
    with pytest.raises(WarehouseBuildError, match=r"(?s)exit 2.*env: "):
        dbt_build(settings)


def test_hung_dbt_is_killed_after_the_timeout(settings: Settings, fake_dbt) -> None:
    fake_dbt([], exit_code=0, sleep_s=30)
    with pytest.raises(WarehouseBuildError, match=r"did not finish within 0\.5 s"):
        dbt_build(settings, options=DbtRunOptions(timeout_s=0.5))


def test_missing_dbt_executable_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))
    with pytest.raises(WarehouseBuildError, match="dbt executable not found"):
        warehouse.dbt_executable()


def test_manifest_is_parsed_once_and_again_only_when_the_project_changed(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The DAG renders from this manifest at parse time: no dbt run while dbt/ is unchanged."""
    parses: list[Path] = []

    def fake_parse(settings: Settings, *, options=None, target_dir: Path) -> Path:
        parses.append(target_dir)
        (target_dir / "manifest.json").write_text("{}", encoding="utf-8")
        return target_dir / "manifest.json"

    monkeypatch.setattr(warehouse, "dbt_parse", fake_parse)
    first = warehouse.ensure_manifest(settings)
    assert first == warehouse.manifest_path(settings) and len(parses) == 1
    assert warehouse.ensure_manifest(settings) == first and len(parses) == 1
    monkeypatch.setattr(warehouse, "_project_mtime", lambda project_dir: first.stat().st_mtime + 1)
    warehouse.ensure_manifest(settings)
    assert len(parses) == 2
