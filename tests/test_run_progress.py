"""The console of ``make run``: one line per step, read from the metadata DB as the run goes."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from extractors.run_progress import Follower

SCHEMA = """
CREATE TABLE dag_run (id INTEGER PRIMARY KEY, dag_id TEXT, run_id TEXT, state TEXT);
CREATE TABLE task_instance (
    dag_id TEXT, run_id TEXT, task_id TEXT, map_index INTEGER, rendered_map_index TEXT,
    state TEXT, try_number INTEGER, start_date TEXT, end_date TEXT
);
"""


def _db(tmp_path: Path) -> Path:
    path = tmp_path / "airflow.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(SCHEMA)
        connection.execute("INSERT INTO dag_run VALUES (1, 'govperf_nightly', 'an older run', 'success')")
    return path


def _task(
    db: Path, task_id: str, state: str | None, *, map_index: int = -1, label: str | None = None
) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute(
            "DELETE FROM task_instance WHERE task_id = ? AND map_index IN (?, -1)", (task_id, map_index)
        )
        connection.execute(
            "INSERT INTO task_instance VALUES ('govperf_nightly', 'r2', ?, ?, ?, ?, 1,"
            " '2026-12-01 02:00:00.000000', '2026-12-01 02:00:01.500000')",
            (task_id, map_index, label, state),
        )


def test_one_line_per_step_as_each_ends_then_the_run(tmp_path: Path) -> None:
    db = _db(tmp_path)
    out = io.StringIO()
    follower = Follower(db, "govperf_nightly", out=out)
    assert follower.poll() is None and out.getvalue() == ""  # the older run is not followed
    with sqlite3.connect(db) as connection:
        connection.execute("INSERT INTO dag_run VALUES (2, 'govperf_nightly', 'r2', 'running')")
    _task(db, "list_sources", "success")
    _task(db, "crawl", "up_for_retry", map_index=0, label="slow-portal")
    _task(db, "crawl", "failed", map_index=1, label="own-portal")
    _task(db, "dbt_build.a.run", "success")
    _task(db, "dbt_build.a.test", None)
    assert follower.poll() is None
    assert follower.run_id == "r2"
    lines = sorted(out.getvalue().splitlines())
    assert lines[0] == "[run]   crawl[slow-portal]: attempt 1 failed, retried after the retry delay"
    assert lines[1].split() == ["[run]", "list_sources", "success", "1.5", "s"]
    assert len(lines) == 2  # crawl and the dbt group have not ended yet

    _task(db, "crawl", "success", map_index=0, label="slow-portal")
    _task(db, "dbt_build.a.test", "upstream_failed")
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE dag_run SET state = 'failed' WHERE id = 2")
    assert follower.poll() == "failed"
    lines = out.getvalue().splitlines()[2:]
    crawl = next(line for line in lines if "crawl " in line)
    assert "failed" in crawl and "2 tasks (1 failed, 1 success); failed: own-portal" in crawl
    dbt = next(line for line in lines if "dbt_build" in line)
    assert "2 tasks (1 success, 1 upstream_failed)" in dbt and " failed " not in dbt


def test_a_database_that_is_not_there_yet_is_waited_for(tmp_path: Path) -> None:
    follower = Follower(tmp_path / "absent.db", "govperf_nightly", out=io.StringIO())
    assert follower.poll() is None
