"""Items 3 and 4: the real nightly run on generated portals, then an immediate rerun.

Two ways, both driving the project's own code over HTTP on loopback:

* **CLI** — ``python -m extractors <hop>`` once per hop (extract once per planned
  batch, as the DAG maps it), each hop a measured child process: clean per-hop
  wall time, CPU time, peak RSS and the portal requests it made;
* **DAG** — ``scripts/run_nightly.sh`` (``airflow dags test govperf_nightly``) with
  ``SOURCES_FILE`` pointing at the served portal: wall time and peak RSS of the
  whole run, per-task durations from Airflow's metadata database.

The bench serves each portal itself (``running_sample_portal``) so it can count
the requests and the document downloads of every hop; a rerun must download
no document again.  Each run also records what it did to the warehouse
(``extractors.rebuild``): a rerun with nothing new stops after ``needs-build``
(CLI) or ``warehouse_needed`` (DAG) and leaves the published warehouse as it is.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.measure import ProcessStats, run_measured
from extractors.samples import load_ground_truth, running_sample_portal, write_registry
from extractors.samples.server import SamplePortal
from extractors.samples.site_format import MANIFEST_NAME, canonical_target
from extractors.settings import PROJECT_ROOT

CLI_HOPS = ("crawl", "plan", "extract", "stage", "needs-build", "validate", "build", "publish")
# Hops run only when ``needs-build`` decided the warehouse must be rebuilt.
WAREHOUSE_HOPS = ("validate", "build", "publish")
REGISTRY_PAGE_MARGIN = 50  # extra fetches allowed beyond the portal's own resources (404s, robots)


@dataclass
class HopResult:
    """One hop of a CLI run (extract: all its batch processes together)."""

    hop: str
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_rss_mib: float = 0.0
    requests: int = 0
    document_downloads: int = 0
    processes: int = 0
    returncode: int = 0

    def add(self, stats: ProcessStats, requests: int, downloads: int) -> None:
        self.wall_s += stats.wall_s
        self.cpu_s += stats.cpu_s
        self.peak_rss_mib = max(self.peak_rss_mib, stats.peak_rss_mib)
        self.requests += requests
        self.document_downloads += downloads
        self.processes += 1
        self.returncode = self.returncode or stats.returncode


@dataclass
class RunResult:
    """A whole run: its hops, totals and whether it finished."""

    mode: str
    run_id: str
    hops: list[HopResult] = field(default_factory=list)
    wall_s: float = 0.0
    peak_rss_mib: float = 0.0
    requests: int = 0
    document_downloads: int = 0
    documents_planned: int | None = None
    batches: int | None = None
    ok: bool = True
    failure: str | None = None
    tasks: dict[str, dict[str, Any]] | None = None
    # "published", or "unchanged: <why>" when the run left the warehouse as it was.
    warehouse: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ServedPortal:
    """A cached portal being served, plus what tells a document download from a page fetch."""

    def __init__(self, portal: SamplePortal, site_dir: Path) -> None:
        self.portal = portal
        self.documents = {canonical_target(row["path"]) for row in load_ground_truth(site_dir)}
        self.resources = len(_read_json(site_dir / MANIFEST_NAME))

    def mark(self) -> int:
        return len(self.portal.requests)

    def since(self, mark: int) -> tuple[int, int]:
        """(requests, document downloads with a body) since ``mark``."""
        answered = self.portal.requests[mark:]
        downloads = sum(
            1 for _, path, status, _ in answered if status == 200 and canonical_target(path) in self.documents
        )
        return len(answered), downloads


def bench_registry(path: Path, served: ServedPortal) -> Path:
    """The bundled registry pointed at the served portal, with ``max_pages`` raised to cover all of it.

    Why: the bundled file caps a run at 100 fetches (enough for its 8 reports);
    a 1,000-report portal has thousands of pages, and a capped crawl would
    measure a fraction of the work.
    """
    write_registry(path, served.portal.base_url + "/")
    registry = yaml.safe_load(path.read_text(encoding="utf-8"))
    for source in registry["sources"]:
        source["max_pages"] = max(int(source.get("max_pages", 0)), served.resources + REGISTRY_PAGE_MARGIN)
    path.write_text(yaml.safe_dump(registry, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_environment(
    data_dir: Path, sources_file: Path, extract_workers: int, batch_size: int
) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATA_DIR": str(data_dir),
        "WAREHOUSE_PATH": str(data_dir.parent / "warehouse" / "warehouse.duckdb"),
        "SOURCES_FILE": str(sources_file),
        "EXTRACT_WORKERS": str(extract_workers),
        "EXTRACT_BATCH_SIZE": str(batch_size),
        "AIRFLOW_HOME": str(data_dir / "airflow"),
    })  # fmt: skip
    return env


def cli_run(
    served: ServedPortal, env: dict[str, str], run_id: str, log_dir: Path, hops: Sequence[str] = CLI_HOPS
) -> RunResult:
    """Each hop of ``hops`` (in run order) as ``python -m extractors <hop>``; extract once per batch."""
    result = RunResult(mode="cli", run_id=run_id)
    data_dir = Path(env["DATA_DIR"])

    def hop(name: str, argument_lists: Sequence[Sequence[str]]) -> HopResult:
        outcome = HopResult(hop=name)
        for number, arguments in enumerate(argument_lists):
            mark = served.mark()
            stats = run_measured(
                [sys.executable, "-m", "extractors", *arguments],
                env=env,
                cwd=PROJECT_ROOT,
                log_path=log_dir / f"{run_id}.{name}.{number}.log",
            )
            outcome.add(stats, *served.since(mark))
        result.hops.append(outcome)
        return outcome

    steps: list[tuple[str, Callable[[], list[list[str]]]]] = [
        ("crawl", lambda: [["crawl", "--run-id", run_id]]),
        ("plan", lambda: [["plan", "--run-id", run_id]]),
        ("extract", lambda: [["extract-batch", str(p)] for p in _batch_files(data_dir, run_id)]),
        ("stage", lambda: [["stage", "--run-id", run_id]]),
        ("needs-build", lambda: [["needs-build", "--run-id", run_id]]),
        ("validate", lambda: [["validate", "--run-id", run_id]]),
        ("build", lambda: [["build"]]),
        ("publish", lambda: [["publish", "--run-id", run_id]]),
    ]
    for name, arguments in steps:
        if name not in hops:
            continue
        if name in WAREHOUSE_HOPS and result.warehouse and result.warehouse.startswith("unchanged"):
            continue
        outcome = hop(name, arguments())
        if outcome.returncode != 0:
            result.ok, result.failure = False, f"{name} exited with {outcome.returncode} (logs: {log_dir})"
            break
        if name == "needs-build":
            result.warehouse = _warehouse_outcome(data_dir / "runs" / run_id / "warehouse.json")
    if result.warehouse is not None:  # publish has since marked the decision published
        result.warehouse = _warehouse_outcome(data_dir / "runs" / run_id / "warehouse.json")
    batches = _batch_files(data_dir, run_id)
    result.batches = len(batches)
    result.documents_planned = sum(len(_read_json(p)) for p in batches)
    result.wall_s = sum(h.wall_s for h in result.hops)
    result.peak_rss_mib = max((h.peak_rss_mib for h in result.hops), default=0.0)
    result.requests = sum(h.requests for h in result.hops)
    result.document_downloads = sum(h.document_downloads for h in result.hops)
    return result


def dag_run(
    served: ServedPortal, env: dict[str, str], label: str, log_dir: Path, timeout_s: float | None = None
) -> RunResult:
    """``scripts/run_nightly.sh`` once (Airflow metadata migrated beforehand, not timed here);
    a run still going after ``timeout_s`` is killed and reported as failed."""
    data_dir = Path(env["DATA_DIR"])
    airflow_db = data_dir / "airflow" / "airflow.db"
    if not airflow_db.exists():
        migrate = run_measured(
            ["bash", "-c", "source scripts/airflow_env.sh && airflow db migrate"],
            env=env,
            cwd=PROJECT_ROOT,
            log_path=log_dir / "airflow_db_migrate.log",
        )
        if migrate.returncode != 0:
            return RunResult(
                mode="dag", run_id=label, ok=False, failure=f"airflow db migrate failed ({log_dir})"
            )
    known_runs = set(_dag_run_ids(airflow_db))
    mark = served.mark()
    stats = run_measured(
        ["bash", "scripts/run_nightly.sh"],
        env=env,
        cwd=PROJECT_ROOT,
        log_path=log_dir / f"{label}.log",
        timeout_s=timeout_s,
    )
    requests, downloads = served.since(mark)
    new_runs = [run for run in _dag_run_ids(airflow_db) if run not in known_runs]
    result = RunResult(
        mode="dag",
        run_id=new_runs[-1] if new_runs else label,
        wall_s=stats.wall_s,
        peak_rss_mib=stats.peak_rss_mib,
        requests=requests,
        document_downloads=downloads,
        ok=stats.returncode == 0,
        failure=None if stats.returncode == 0 else f"run_nightly.sh exited {stats.returncode} ({log_dir})",
    )
    if stats.timed_out:
        result.ok = False
        result.failure = (
            f"run_nightly.sh killed after {timeout_s:g} s (logs: {log_dir}, {data_dir / 'last_run.log'})"
        )
    if new_runs:
        result.tasks = _task_durations(airflow_db, new_runs[-1])
        extract = result.tasks.get("extract")
        result.batches = extract["instances"] if extract else 0
    result.warehouse = _warehouse_outcome(data_dir / "warehouse_last_run.json")
    return result


def _warehouse_outcome(decision_file: Path) -> str | None:
    """What the run did to the warehouse, from the decision ``extractors.rebuild`` wrote."""
    if not decision_file.exists():
        return None
    decision = _read_json(decision_file)
    if decision.get("build"):
        return "published" if decision.get("published_at") else "rebuild needed, not published"
    return "unchanged: " + "; ".join(decision.get("reasons") or [])


def _dag_run_ids(airflow_db: Path) -> list[str]:
    if not airflow_db.exists():
        return []
    with sqlite3.connect(f"file:{airflow_db}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT run_id FROM dag_run WHERE dag_id = 'govperf_nightly' ORDER BY id"
        ).fetchall()
    return [row[0] for row in rows]


def _task_durations(airflow_db: Path, run_id: str) -> dict[str, dict[str, Any]]:
    """Per task: mapped instances, summed duration, first start and last end, and how many
    instances were skipped (a quiet night's short-circuit), from the metadata."""
    query = """
        SELECT task_id, count(*), sum(duration), min(start_date), max(end_date),
               sum(CASE WHEN state = 'skipped' THEN 1 ELSE 0 END)
        FROM task_instance WHERE dag_id = 'govperf_nightly' AND run_id = ? GROUP BY task_id
    """
    with sqlite3.connect(f"file:{airflow_db}?mode=ro", uri=True) as connection:
        rows = connection.execute(query, (run_id,)).fetchall()
    return {
        task: {
            "instances": count,
            "duration_s": duration,
            "first_start": start,
            "last_end": end,
            "skipped": skipped,
        }
        for task, count, duration, start, end, skipped in rows
    }


def _batch_files(data_dir: Path, run_id: str) -> list[Path]:
    return sorted((data_dir / "runs" / run_id / "batches").glob("*.json"))


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def measure_end_to_end(
    site_dir: Path,
    work_dir: Path,
    *,
    n_reports: int,
    extract_workers: int,
    batch_size: int,
    run_dag: bool,
    dag_timeout_s: float | None = None,
) -> dict[str, Any]:
    """First run and immediate rerun of one portal, by CLI and (optionally) by DAG, in fresh data dirs."""
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    outcome: dict[str, Any] = {"reports": n_reports}
    with running_sample_portal(site_dir) as portal:
        served = ServedPortal(portal, site_dir)
        outcome["documents_published"] = len(served.documents)
        modes = ["cli"] + (["dag"] if run_dag else [])
        for mode in modes:
            data_dir = work_dir / mode / "data"
            data_dir.mkdir(parents=True)
            sources = bench_registry(work_dir / mode / "sources.yaml", served)
            env = run_environment(data_dir, sources, extract_workers, batch_size)
            logs = work_dir / mode / "logs"
            if mode == "cli":
                first = cli_run(served, env, "bench_first", logs)
                rerun = cli_run(served, env, "bench_rerun", logs) if first.ok else None
            else:
                first = dag_run(served, env, "first", logs, dag_timeout_s)
                rerun = dag_run(served, env, "rerun", logs, dag_timeout_s) if first.ok else None
            outcome[mode] = {"first": first.to_dict(), "rerun": rerun.to_dict() if rerun else None}
    return outcome
