"""The nightly DAG, run by Airflow end to end on the sample portal, yields its ground truth.

Runs ``scripts/run_nightly.sh`` exactly as ``make run`` does on a fresh clone —
no SOURCES_FILE, so the script generates and serves the bundled sample portal
itself (on a free port) — then runs it again, as a user typing ``make run``
twice would.  The portal's own request log (one line per request) shows that
the second run downloaded nothing and asked only for the listings, Airflow's
metadata that it skipped the warehouse tasks, and the marts that no fact changed.
The console shows one line per step and the run's summary, not Airflow's own log,
and every task wrote its log where the Airflow UI reads it.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from extractors.settings import PROJECT_ROOT
from extractors.staging import report_id_for

pytestmark = pytest.mark.slow

RUN_SCRIPT = PROJECT_ROOT / "scripts" / "run_nightly.sh"
DOWNLOAD_MARK = "downfile.jsp"


@dataclass
class NightlyRuns:
    warehouse: Path
    ground_truth: list[dict[str, Any]]
    first_output: str
    second_output: str
    first_requests: list[tuple[str, str, int, int]]
    second_requests: list[tuple[str, str, int, int]]
    first_marts: dict[str, list[tuple]]
    airflow_db: Path
    task_logs: Path


def _run_nightly(env: dict[str, str]) -> str:
    result = subprocess.run(
        ["bash", str(RUN_SCRIPT)], env=env, capture_output=True, text=True, timeout=900, check=False
    )
    log_file = Path(env["DATA_DIR"]) / "last_run.log"
    if result.returncode != 0:
        tail = log_file.read_text(encoding="utf-8")[-6000:] if log_file.exists() else ""
        pytest.fail(
            f"nightly run failed ({result.returncode}):\n{result.stderr[-3000:]}\n--- DAG log ---\n{tail}"
        )
    return result.stdout + result.stderr


def _marts_snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            table: sorted(
                con.execute(
                    f"SELECT * EXCLUDE (published_at, fetched_at) FROM marts.{table}"
                    if table == "dim_report"
                    else f"SELECT * FROM marts.{table}"
                ).fetchall(),
                key=repr,
            )
            for table in ("dim_report", "fct_budget_execution", "fct_indicator_achievement", "dim_unit")
        }
    finally:
        con.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _portal_requests(data_dir: Path) -> list[tuple[str, str, int, int]]:
    """(method, path, status, bytes) from the sample portal's log of the last run."""
    pattern = re.compile(r"extractors\.samples\.server: (GET|HEAD) (\S+) (\d{3}) (\d+)")
    log_text = (data_dir / "sample_portal.log").read_text(encoding="utf-8")
    return [(m[1], m[2], int(m[3]), int(m[4])) for m in pattern.finditer(log_text)]


@pytest.fixture(scope="module")
def nightly(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NightlyRuns]:
    root = tmp_path_factory.mktemp("nightly")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AIRFLOW") and key not in ("DATA_DIR", "WAREHOUSE_PATH", "SOURCES_FILE")
    }
    env |= {
        "DATA_DIR": str(root / "data"),
        "WAREHOUSE_PATH": str(root / "warehouse" / "warehouse.duckdb"),
        "SAMPLE_PORTAL_PORT": str(_free_port()),
        "EXTRACT_BATCH_SIZE": "3",  # several mapped extract tasks even on the small portal
    }
    data_dir = Path(env["DATA_DIR"])
    first_output = _run_nightly(env)
    first_requests = _portal_requests(data_dir)
    first_marts = _marts_snapshot(Path(env["WAREHOUSE_PATH"]))
    second_output = _run_nightly(env)
    second_requests = _portal_requests(data_dir)
    ground_truth_file = data_dir / "sample_portal" / "ground_truth.jsonl"
    ground_truth = [json.loads(line) for line in ground_truth_file.read_text("utf-8").splitlines()]
    yield NightlyRuns(
        warehouse=Path(env["WAREHOUSE_PATH"]),
        ground_truth=ground_truth,
        first_output=first_output,
        second_output=second_output,
        first_requests=first_requests,
        second_requests=second_requests,
        first_marts=first_marts,
        airflow_db=data_dir / "airflow" / "airflow.db",
        task_logs=data_dir / "airflow" / "logs",
    )


def _query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _rounded(value: Any) -> Any:
    return None if value is None else round(float(value), 2)


def test_run_prints_where_the_warehouse_is_and_what_it_holds(nightly: NightlyRuns) -> None:
    for output in (nightly.first_output, nightly.second_output):
        assert str(nightly.warehouse) in output
        assert f"reports:           {len(nightly.ground_truth)}" in output
        for label in ("budget rows:", "indicator rows:", "quality failures:"):
            assert label in output


def test_the_console_shows_one_line_per_step_and_the_sources_not_airflows_log(nightly: NightlyRuns) -> None:
    steps = re.findall(r"^\[run\]   (?!DAG run )(\w+) +(\w+)", nightly.first_output, flags=re.MULTILINE)
    assert dict(steps) == {
        step: "success"
        for step in (
            "list_sources", "crawl", "sources_crawled", "plan_extraction", "extract", "stage",
            "run_outcome", "warehouse_needed", "validate", "prepare_build", "dbt_build", "dbt_docs",
            "publish",
        )
    }  # fmt: skip
    assert len(steps) == 13  # each step once: mapped steps and the dbt group on one line
    assert re.search(r"^\[run\]   DAG run manual__\S+: success$", nightly.first_output, re.M)
    assert re.search(
        r"^\[run\]   extract +success .* [2-9] tasks \(\d success\)$", nightly.first_output, re.M
    )
    assert re.search(
        r"^\[run\]   dbt_build +success .* \d\d tasks \(\d\d success\)$", nightly.first_output, re.M
    )
    documents = len({doc["sha256"] for doc in nightly.ground_truth})
    assert re.search(rf"^  sample-portal +\d+ +{documents} +{documents} +0  —$", nightly.first_output, re.M)
    assert re.search(rf"^  sample-portal +\d+ +{documents} +0 +0  —$", nightly.second_output, re.M)
    for output in (nightly.first_output, nightly.second_output):
        assert "1 of 1 source(s) crawled" in output
        assert "DagRun Finished" not in output and "[info" not in output and "Traceback" not in output


def test_every_task_wrote_its_log_where_the_airflow_ui_reads_it(nightly: NightlyRuns) -> None:
    """Task logs of `make run` runs sit in AIRFLOW_HOME/logs under Airflow's own file name template."""
    with sqlite3.connect(f"file:{nightly.airflow_db}?mode=ro", uri=True) as connection:
        run_id, ran = connection.execute(
            "SELECT r.run_id, count(*) FROM dag_run r JOIN task_instance t USING (dag_id, run_id)"
            " WHERE t.state = 'success' GROUP BY r.id ORDER BY r.id LIMIT 1"
        ).fetchone()
    run_logs = nightly.task_logs / "dag_id=govperf_nightly" / f"run_id={run_id}"
    assert len(list(run_logs.rglob("attempt=1.log"))) == ran > 60
    crawl_log = run_logs / "task_id=crawl" / "map_index=0" / "attempt=1.log"
    events = [json.loads(line) for line in crawl_log.read_text(encoding="utf-8").splitlines()]
    assert any(event.get("event", "").startswith("[sample-portal] crawl done: pages=") for event in events)
    outcome_log = (run_logs / "task_id=run_outcome" / "attempt=1.log").read_text(encoding="utf-8")
    assert "1 of 1 source(s) crawled" in outcome_log


def _report_id(doc: dict[str, Any]) -> str:
    """The warehouse's id of a ground-truth report (a bundle's reports share the document's sha256)."""
    return report_id_for(doc["sha256"], doc.get("report_index", 0))


def test_every_published_report_is_in_dim_report(nightly: NightlyRuns) -> None:
    """Generated, bundled and real reports: one dim_report row each, with the fields of its truth
    (the real ones' hand labels)."""
    rows = _query(
        nightly.warehouse,
        "SELECT report_id, report_kind, fiscal_year, unit_name, province, city, county,"
        " self_score, grade, source_id, report_index, report_count FROM marts.dim_report",
    )
    by_id = {row[0]: row for row in rows}
    assert set(by_id) == {_report_id(doc) for doc in nightly.ground_truth}
    bundle = [doc for doc in nightly.ground_truth if doc.get("report_index")]
    assert bundle, "the sample portal publishes a bundle"
    assert {doc.get("real_report") for doc in nightly.ground_truth} >= {"r75", "r35", "r78", "r46"}
    for doc in nightly.ground_truth:
        truth = doc["record"]["report"]
        row = by_id[_report_id(doc)]
        assert row[10] == doc.get("report_index", 0)
        assert row[11] == sum(1 for other in nightly.ground_truth if other["sha256"] == doc["sha256"])
        assert row[1:9] == (
            truth["report_kind"],
            truth["fiscal_year"],
            truth["unit_name"],
            truth["province"],
            truth["city"],
            truth["county"],
            _rounded(truth["self_score"]),
            truth["grade"],
        ), doc["file_name"]
        assert row[9] == "sample-portal"


def test_budget_execution_equals_ground_truth(nightly: NightlyRuns) -> None:
    stages = ("prior_year_final", "initial_budget", "adjusted_budget", "executed")
    for doc in nightly.ground_truth:
        expected: dict[tuple, dict[str, float]] = {}
        for fact in doc["record"]["budget_facts"]:
            expected.setdefault((fact["line"], fact["item"]), {})[fact["stage"]] = _rounded(
                fact["amount_wan_yuan"]
            )
        rows = _query(
            nightly.warehouse,
            "SELECT line, item, prior_year_final, initial_budget, adjusted_budget, executed, execution_rate"
            " FROM marts.fct_budget_execution b JOIN marts.dim_report r USING (report_id)"
            " WHERE r.report_id = ?",
            [_report_id(doc)],
        )
        actual = {
            (row[0], row[1]): {
                stage: _rounded(v) for stage, v in zip(stages, row[2:6], strict=True) if v is not None
            }
            for row in rows
        }
        assert actual == expected, doc["file_name"]
        for row in rows:
            adjusted, executed, rate = row[4], row[5], row[6]
            if adjusted and executed is not None:
                assert rate == pytest.approx(executed / adjusted * 100, abs=0.01)
            else:
                assert rate is None


def test_indicator_achievement_equals_ground_truth(nightly: NightlyRuns) -> None:
    def key(name, op, target, actual, weight, score) -> tuple:
        return (name, op, _rounded(target), _rounded(actual), _rounded(weight), _rounded(score))

    for doc in nightly.ground_truth:
        expected = Counter(
            key(i["name"], i["target_op"], i["target_value"], i["actual_value"], i["weight"], i["score"])
            for i in doc["record"]["indicators"]
        )
        rows = _query(
            nightly.warehouse,
            "SELECT name, target_op, target_value, actual_value, weight, score"
            " FROM marts.fct_indicator_achievement i JOIN marts.dim_report r USING (report_id)"
            " WHERE r.report_id = ?",
            [_report_id(doc)],
        )
        assert Counter(key(*row) for row in rows) == expected, doc["file_name"]


def test_quality_schema_is_published(nightly: NightlyRuns) -> None:
    tables = {
        row[0]
        for row in _query(
            nightly.warehouse,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'quality'",
        )
    }
    assert {"expectation_results", "quarantine", "extraction_errors"} <= tables


def test_rerun_downloads_no_document_again_and_changes_no_fact(nightly: NightlyRuns) -> None:
    first_downloads = [r for r in nightly.first_requests if DOWNLOAD_MARK in r[1] and r[2] == 200]
    assert len(first_downloads) >= 3
    second_downloads = [r for r in nightly.second_requests if DOWNLOAD_MARK in r[1] and r[2] == 200]
    assert second_downloads == []
    assert _marts_snapshot(nightly.warehouse) == nightly.first_marts


def test_rerun_asks_only_for_the_listings(nightly: NightlyRuns) -> None:
    """Unchanged listings vouch for their detail pages and attachments (recheck_days)."""
    listing = re.compile(r"/index(_\d+)?\.html$")
    assert [r for r in nightly.second_requests if not (listing.search(r[1]) or r[1] == "/robots.txt")] == []
    assert 0 < len(nightly.second_requests) < len(nightly.first_requests) / 3


def test_rerun_leaves_the_warehouse_and_says_why(nightly: NightlyRuns) -> None:
    assert "last run:" in nightly.first_output and "warehouse rebuilt and published" in nightly.first_output
    assert "warehouse left unchanged — nothing new" in nightly.second_output
    with sqlite3.connect(f"file:{nightly.airflow_db}?mode=ro", uri=True) as connection:
        runs = connection.execute(
            "SELECT run_id, state FROM dag_run WHERE dag_id = 'govperf_nightly' ORDER BY id"
        ).fetchall()
        assert [state for _, state in runs] == ["success", "success"]
        states = dict(
            connection.execute(
                "SELECT task_id, state FROM task_instance WHERE run_id = ? AND map_index < 1",
                (runs[-1][0],),
            ).fetchall()
        )
    assert states["stage"] == "success" and states["warehouse_needed"] == "success"
    assert states["run_outcome"] == "success"
    warehouse_tasks = {k: v for k, v in states.items() if k in ("validate", "dbt_docs", "publish")}
    warehouse_tasks |= {k: v for k, v in states.items() if k.startswith("dbt_build.")}
    assert len(warehouse_tasks) > 10 and set(warehouse_tasks.values()) == {"skipped"}
