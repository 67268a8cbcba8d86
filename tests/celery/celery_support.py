"""Helpers of the Celery tests: run the nightly DAG on fresh workers, kill one, read what came out.

Kept apart from the test modules so that each test states only what it checks.
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from extractors.settings import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "scripts"))

from celery_stack import (  # scripts/ is not a package: imported by path
    DAG_ID,
    WAREHOUSE_POOL,
    LocalCeleryStack,
    StackError,
    StackSettings,
    process_alive,
    stop_on_signals,
)

__all__ = [
    "DAG_ID",
    "FIGURES",
    "HEARTBEAT_CHECK_INTERVAL_S",
    "HEARTBEAT_TIMEOUT_S",
    "RETRY_DELAY_S",
    "WAREHOUSE_POOL",
    "LocalCeleryStack",
    "StackError",
    "StackSettings",
    "process_alive",
    "stop_on_signals",
]

# How long one DAG run on the sample portal may take on a loaded 2-core CI machine (the dbt
# task group's ~60 model tasks pass one by one through the one-slot warehouse pool).
RUN_TIMEOUT_S = 600
# A killed worker's task is failed by the scheduler after this long without a heartbeat ...
HEARTBEAT_TIMEOUT_S = 20
HEARTBEAT_CHECK_INTERVAL_S = 3
# ... and retried on another worker this long after (then backing off; dags/govperf_nightly.py).
RETRY_DELAY_S = 2

FIGURES: dict[str, str] = {}  # printed by conftest.pytest_terminal_summary

_RECEIVED = re.compile(r"execute_workload\[([0-9a-f-]{36})\] received")


@dataclass
class PortalRun:
    """A finished DAG run on the CeleryExecutor and what a test needs to judge it."""

    run_id: str
    state: str
    wall_s: float
    env: dict[str, str]
    ground_truth: list[dict[str, Any]]
    task_instances: list[dict[str, Any]]
    history: list[dict[str, Any]]
    worker_of_celery_task: dict[str, str]  # Celery task id -> worker that received it
    dag_run: dict[str, Any]
    kill: KillObservation | None = None
    diagnostics: str = ""

    @property
    def data_dir(self) -> Path:
        return Path(self.env["DATA_DIR"])

    @property
    def warehouse(self) -> Path:
        return Path(self.env["WAREHOUSE_PATH"])

    def ti(self, task_id: str, map_index: int = -1) -> dict[str, Any]:
        return next(t for t in self.task_instances if t["task_id"] == task_id and t["map_index"] == map_index)

    def worker_of(self, ti: dict[str, Any]) -> str | None:
        return self.worker_of_celery_task.get(ti.get("external_executor_id") or "")


@dataclass
class KillObservation:
    """The worker killed while it ran an extract task, and what was on disk at that moment."""

    worker: str
    task_id: str
    map_index: int
    try_number: int
    task_pid: int
    worker_pid: int
    records_before_kill: int
    batch_size: int
    killed_pids: list[int]
    killed_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def portal_env(root: Path, base_url: str, **extra: str) -> dict[str, str]:
    """The workers' per-run environment: fresh data under ``root``, the served sample portal."""
    from extractors.samples.portal import write_registry

    return {
        "DATA_DIR": str(root / "data"),
        "WAREHOUSE_PATH": str(root / "warehouse" / "warehouse.duckdb"),
        "SOURCES_FILE": str(write_registry(root / "sources.yaml", base_url)),
        **extra,
    }


def run_on_fresh_workers(
    stack: LocalCeleryStack,
    run_id: str,
    env: dict[str, str],
    ground_truth: list[dict[str, Any]],
    *,
    workers: int = 2,
    while_running=None,
) -> PortalRun:
    """Start ``workers`` workers with ``env``, trigger the DAG, wait, record, stop the workers.

    ``while_running(stack, run_id)`` is called right after the trigger (the kill
    test kills a worker there) and its result kept as ``PortalRun.kill``.
    """
    names = stack.start_workers(workers, env=env, wait=True)
    log_paths = {name: stack.components[name].log_path for name in names}
    kill = None
    try:
        started = time.monotonic()
        stack.trigger(run_id)
        if while_running is not None:
            kill = while_running(stack, run_id)
        state = stack.wait_for_run(run_id, RUN_TIMEOUT_S)
        wall_s = time.monotonic() - started
        run = PortalRun(
            run_id=run_id,
            state=state,
            wall_s=wall_s,
            env=env,
            ground_truth=ground_truth,
            task_instances=stack.task_instances(run_id),
            history=stack.task_history(run_id),
            worker_of_celery_task=celery_tasks_by_worker(log_paths),
            dag_run=stack.sql(
                "SELECT state, start_date, end_date FROM dag_run WHERE dag_id = %s AND run_id = %s",
                (DAG_ID, run_id),
            )[0],
            kill=kill,
            diagnostics=stack.diagnostics(run_id),
        )
    except StackError as error:
        pytest.fail(str(error))
    finally:
        stack.stop_workers()
    return run


def celery_tasks_by_worker(log_paths: dict[str, Path]) -> dict[str, str]:
    """Celery task id -> the worker whose log says it received it."""
    owners: dict[str, str] = {}
    for name, path in log_paths.items():
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        for task_id in _RECEIVED.findall(text):
            owners[task_id] = name
    return owners


def kill_worker_mid_extract(stack: LocalCeleryStack, run_id: str, records_dir: Path, batch_size: int):
    """SIGKILL the worker running the extract task once it has written some but not all records."""
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        running = stack.sql(
            "SELECT map_index, pid, try_number, state FROM task_instance"
            " WHERE dag_id = %s AND run_id = %s AND task_id = 'extract'",
            (DAG_ID, run_id),
        )
        for ti in running:
            if ti["state"] != "running" or not ti["pid"]:
                continue
            worker = stack.worker_of_pid(ti["pid"])
            written = record_count(records_dir)
            if worker and 1 <= written < batch_size:
                worker_pid = stack.components[worker].pid
                killed_pids = stack.kill_worker(worker)
                return KillObservation(
                    killed_pids=killed_pids,
                    worker=worker,
                    task_id="extract",
                    map_index=ti["map_index"],
                    try_number=ti["try_number"],
                    task_pid=ti["pid"],
                    worker_pid=worker_pid,
                    records_before_kill=written,
                    batch_size=batch_size,
                )
        if any(ti["state"] == "success" for ti in running) or stack.run_state(run_id) in (
            "success",
            "failed",
        ):
            pytest.fail(
                f"extract finished before a worker could be killed under it\n{stack.diagnostics(run_id)}"
            )
        time.sleep(0.05)
    pytest.fail(f"no extract task was seen running\n{stack.diagnostics(run_id)}")


def record_count(records_dir: Path) -> int:
    return sum(1 for _ in records_dir.glob("*/*.json")) if records_dir.exists() else 0


# ---------------------------------------------------------------- what the warehouse holds


def _rounded(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


def expected_facts(ground_truth: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per report (its warehouse report_id: a bundle's reports share their document's sha256):
    report attributes, budget facts by (line, item, stage), indicators."""
    from extractors.staging import report_id_for

    facts = {}
    for doc in ground_truth:
        record = doc["record"]
        report = record["report"]
        facts[report_id_for(doc["sha256"], doc.get("report_index", 0))] = {
            "report": (
                report["report_kind"],
                report["fiscal_year"],
                report["unit_name"],
                report["province"],
                report["city"],
                report["county"],
                _rounded(report["self_score"]),
                report["grade"],
            ),
            "budget": {
                (f["line"], f["item"], f["stage"]): _rounded(f["amount_wan_yuan"])
                for f in record["budget_facts"]
            },
            "indicators": Counter(
                (
                    i["name"],
                    i["target_op"],
                    *map(_rounded, (i["target_value"], i["actual_value"], i["weight"], i["score"])),
                )
                for i in record["indicators"]
            ),
        }
    return facts


def warehouse_facts(warehouse: Path) -> dict[str, dict[str, Any]]:
    """The same shape as ``expected_facts``, read from the published marts."""
    stages = ("prior_year_final", "initial_budget", "adjusted_budget", "executed")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        facts: dict[str, dict[str, Any]] = {}
        for row in con.execute(
            "SELECT report_id, report_kind, fiscal_year, unit_name, province, city, county, self_score, grade"
            " FROM marts.dim_report"
        ).fetchall():
            facts[row[0]] = {
                "report": (*row[1:7], _rounded(row[7]), row[8]),
                "budget": {},
                "indicators": Counter(),
            }
        for row in con.execute(
            "SELECT r.report_id, b.line, b.item,"
            " b.prior_year_final, b.initial_budget, b.adjusted_budget, b.executed"
            " FROM marts.fct_budget_execution b JOIN marts.dim_report r USING (report_id)"
        ).fetchall():
            for stage, amount in zip(stages, row[3:], strict=True):
                if amount is not None:
                    facts[row[0]]["budget"][(row[1], row[2], stage)] = _rounded(amount)
        for row in con.execute(
            "SELECT r.report_id, i.name, i.target_op, i.target_value, i.actual_value, i.weight, i.score"
            " FROM marts.fct_indicator_achievement i JOIN marts.dim_report r USING (report_id)"
        ).fetchall():
            facts[row[0]]["indicators"][(row[1], row[2], *map(_rounded, row[3:]))] += 1
        return facts
    finally:
        con.close()


# Natural keys of the marts: a row appearing twice under one of these is a duplicate.
MART_KEYS = {
    "dim_report": ("report_id",),
    "fct_budget_execution": ("report_id", "line", "item"),
    "fct_indicator_achievement": ("report_id", "indicator_no"),
    "dim_unit": ("unit_id",),
}


def duplicated_keys(warehouse: Path) -> dict[str, int]:
    """Per mart, how many natural keys occur more than once (all zero when nothing is duplicated)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            table: con.execute(
                f"SELECT count(*) FROM (SELECT {', '.join(key)} FROM marts.{table}"
                f" GROUP BY ALL HAVING count(*) > 1)"
            ).fetchone()[0]
            for table, key in MART_KEYS.items()
        }
    finally:
        con.close()


def staged_duplicates(data_dir: Path, run_id: str) -> dict[str, int]:
    """Rows staged twice in this run's folder (a document extracted by two tries would show here)."""
    from extractors.pipeline import safe_run_id

    folder = data_dir / "staging" / f"run={safe_run_id(run_id)}"
    # a bundle stages one documents row per report: report_id is that table's key too
    keys = {"documents": "report_id", "reports": "report_id", "budget_facts": "report_id, fact_no"}
    con = duckdb.connect()
    try:
        return {
            table: con.execute(
                f"SELECT count(*) - count(DISTINCT ({key})) FROM read_parquet(?)",
                [str(folder / f"{table}.parquet")],
            ).fetchone()[0]
            for table, key in keys.items()
        }
    finally:
        con.close()


def stray_partial_files(*roots: Path) -> list[Path]:
    """Temp files a killed writer would leave behind (write-then-rename never leaves one otherwise)."""
    return sorted(p for root in roots if root.exists() for p in root.rglob("*") if ".partial" in p.name)


def time_by_task(task_instances: list[dict[str, Any]], top: int = 6) -> str:
    """Seconds spent in each task (mapped instances and a task group's members summed), largest
    first: where a slow run's time went, printed beside the run's wall time."""
    spent: dict[str, float] = {}
    for ti in task_instances:
        if ti["start_date"] is None or ti["end_date"] is None:
            continue
        name = ti["task_id"].split(".")[0]
        spent[name] = spent.get(name, 0.0) + (ti["end_date"] - ti["start_date"]).total_seconds()
    ranked = sorted(spent.items(), key=lambda item: -item[1])[:top]
    return ", ".join(f"{name} {seconds:.1f}" for name, seconds in ranked)
