"""A nightly run that cannot crawl anything fails fast, says why, publishes nothing, and tells someone.

Two runs of ``scripts/run_nightly.sh`` (as ``make run``), sharing one Airflow metadata
folder so only the first pays for the migration:

* a registry whose only portal is refused (a private address without
  ``allow_private_addresses``): a non-zero exit within 60 s, the plain reason on the
  console, the crawl task failed once and not retried, its log where the UI reads it,
  and the failure announced by mail (local SMTP server) and webhook (local receiver);
* a registry with an unknown key over an existing warehouse: a failed run at
  ``list_sources`` with the registry error, not retried, and the served warehouse
  left byte for byte as it was — not republished as "rebuilt".
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from extractors.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

RUN_SCRIPT = PROJECT_ROOT / "scripts" / "run_nightly.sh"
REFUSED = (
    "refused: 127.0.0.1 is a private address — "
    "set allow_private_addresses: true for a portal on your own network"
)


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once, untimed: the 60 s bound is on the run, not on a first-ever migration."""
    home = tmp_path_factory.mktemp("airflow")
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
    migrate = (
        f"source {PROJECT_ROOT / 'scripts' / 'airflow_env.sh'} && export AIRFLOW_HOME={home}"
        " && airflow db migrate && airflow pools set warehouse 1 'one DuckDB writer'"
    )
    subprocess.run(["bash", "-c", migrate], env=env, capture_output=True, timeout=300, check=True)
    return home


def _environment(root: Path, airflow_home: Path, registry: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AIRFLOW", "GOVPERF_NOTIFY_"))
        and key not in ("DATA_DIR", "WAREHOUSE_PATH", "SOURCES_FILE")
    }
    (root / "sources.yaml").write_text(registry, encoding="utf-8")
    return env | {
        "DATA_DIR": str(root / "data"),
        "WAREHOUSE_PATH": str(root / "warehouse" / "warehouse.duckdb"),
        "SOURCES_FILE": str(root / "sources.yaml"),
        "AIRFLOW_HOME": str(airflow_home),
    }


def _run(env: dict[str, str], timeout_s: float = 300) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the script as make run does; past the timeout, end it with SIGTERM (its cleanup runs)."""
    started = time.monotonic()
    process = subprocess.Popen(
        ["bash", str(RUN_SCRIPT)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=30)
        pytest.fail(f"run_nightly.sh still running after {timeout_s:g} s:\n{stdout}\n{stderr}")
    took = time.monotonic() - started
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr), took


def _task_states(airflow_home: Path) -> tuple[str, dict[str, tuple[str, int]]]:
    """The last DAG run's state and, per task (map index 0 for mapped ones), its state and try number."""
    with sqlite3.connect(f"file:{airflow_home / 'airflow.db'}?mode=ro", uri=True) as connection:
        run_id, state = connection.execute(
            "SELECT run_id, state FROM dag_run ORDER BY id DESC LIMIT 1"
        ).fetchone()
        rows = connection.execute(
            "SELECT task_id, state, try_number FROM task_instance WHERE run_id = ? AND map_index < 1",
            (run_id,),
        ).fetchall()
    return state, {task_id: (task_state, tries) for task_id, task_state, tries in rows} | {
        "_run_id": (run_id, 0)
    }


def test_a_single_refused_source_fails_fast_with_the_reason_and_an_alert(
    tmp_path: Path, airflow_home: Path, smtp_receiver, http_receiver
) -> None:
    registry = (
        "sources:\n  - id: own-portal\n    start_urls: [http://127.0.0.1:9/xxgk/]\n    include: [绩效自评]\n"
    )
    smtp = {
        "conn_type": "smtp",
        "host": "127.0.0.1",
        "port": smtp_receiver.port,
        "extra": {
            "disable_ssl": True,
            "disable_tls": True,
            "from_email": "govperf@example.org",
            "timeout": 5,
        },
    }
    env = _environment(tmp_path, airflow_home, registry) | {
        "GOVPERF_NOTIFY_WEBHOOK_URL": http_receiver.url,
        "GOVPERF_NOTIFY_SMTP_TO": "ops@example.org",
        "AIRFLOW_CONN_SMTP_DEFAULT": json.dumps(smtp),
    }
    result, took = _run(env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert took < 60, f"took {took:.0f} s\n{output}"
    assert "run_outcome        failed" in output and "FAILED — no source could be crawled" in output
    assert f"own-portal      1          0     0       1  {REFUSED}" in output
    assert "DagRun Finished" not in output  # Airflow's own log is in the file, not on the console
    assert not Path(env["WAREHOUSE_PATH"]).exists()

    state, tasks = _task_states(airflow_home)
    assert state == "failed"
    assert tasks["crawl"] == ("failed", 1)  # a refusal is not retried
    assert tasks["sources_crawled"] == ("failed", 1) and tasks["run_outcome"] == ("failed", 1)
    assert tasks["publish"][0] == "skipped"
    run_id = tasks["_run_id"][0]
    crawl_log = airflow_home / "logs" / "dag_id=govperf_nightly" / f"run_id={run_id}" / "task_id=crawl"
    log_text = (crawl_log / "map_index=0" / "attempt=1.log").read_text(encoding="utf-8")
    assert "skipped_private_address" in log_text and "AirflowFailException" in log_text

    ((_, _, body),) = http_receiver.posts
    alert = json.loads(body)
    assert alert["run_id"] == run_id and alert["sources"][0]["first_error"] == REFUSED
    (mail,) = smtp_receiver.mails
    assert mail.recipients == ["ops@example.org"] and run_id in mail.message["Subject"]
    assert REFUSED in mail.body()


def _empty_warehouse(path: Path) -> bytes:
    """A served warehouse from an earlier night (empty marts), for the summary to read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE SCHEMA marts; CREATE SCHEMA quality")
        for table in ("marts.dim_report", "marts.fct_budget_execution", "marts.fct_indicator_achievement"):
            con.execute(f"CREATE TABLE {table} (report_id VARCHAR)")
        for table in ("quality.expectation_results", "quality.quarantine", "quality.extraction_errors"):
            con.execute(f"CREATE TABLE {table} (report_id VARCHAR)")
    finally:
        con.close()
    return path.read_bytes()


def test_a_broken_registry_fails_the_run_before_crawling_and_leaves_the_warehouse(
    tmp_path: Path, airflow_home: Path
) -> None:
    registry = (
        "sources:\n  - id: a\n    start_urls: [https://a.gov.cn/]\n"
        "    include: [绩效自评]\n    max_page: 10\n"
    )
    env = _environment(tmp_path, airflow_home, registry)
    served = _empty_warehouse(Path(env["WAREHOUSE_PATH"]))
    result, took = _run(env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert took < 60, f"took {took:.0f} s\n{output}"
    assert "FAILED — the registry could not be read: registry " in output
    assert "source 'a': unknown key(s): max_page" in output
    assert "warehouse not rebuilt — the run stopped before the warehouse steps" in output
    assert "rebuilt and published" not in output
    assert Path(env["WAREHOUSE_PATH"]).read_bytes() == served

    state, tasks = _task_states(airflow_home)
    assert state == "failed"
    assert tasks["list_sources"] == ("failed", 1)  # a registry error is not retried
    assert tasks["crawl"][0] == "upstream_failed"
    assert tasks["sources_crawled"] == ("failed", 1)
