"""One console line per step of a DAG run, read from Airflow's metadata database.

Why: ``airflow dags test`` prints Airflow's own progress — every state change of
every task instance, scheduler loop warnings, executor events — hundreds of lines
for one night.  ``make run`` sends all of that to ``DATA_DIR/last_run.log`` and
runs this follower beside it, which prints a line when a step ends (a mapped step or
the dbt group once all of its task instances have), and one when a task is retried,
so the console says what happened and what the run is waiting for.

It reads the SQLite metadata database of ``make run`` read-only (no Airflow import,
no API server): ``python -m extractors.run_progress --db AIRFLOW_HOME/airflow.db``.
It follows the first run of the DAG created after it started, writes that run's id
to ``--run-id-file`` (for the summary), and exits when the run has ended.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

FINISHED = frozenset({"success", "failed", "skipped", "upstream_failed", "removed"})
GROUP_SEPARATOR = "."  # task ids inside a task group: "<group>.<task>"


@dataclass(frozen=True)
class TaskRow:
    task_id: str
    map_index: int
    label: str | None  # the rendered map index (a source id for crawl), if any
    state: str | None
    try_number: int
    start: datetime | None
    end: datetime | None


def step_of(task_id: str) -> str:
    """The step a task belongs to: its task group (the dbt group is one step), else itself."""
    return task_id.split(GROUP_SEPARATOR, 1)[0]


def describe_step(step: str, rows: Sequence[TaskRow]) -> str:
    """'crawl   failed   1 of 1 failed: own-portal   0.4 s' — the step's outcome on one line."""
    states = [row.state or "none" for row in rows]
    if "failed" in states:
        verdict = "failed"
    elif "upstream_failed" in states:
        verdict = "upstream_failed"
    elif all(state in ("skipped", "removed") for state in states):
        verdict = "skipped"
    else:
        verdict = "success"
    detail = ""
    if len(rows) > 1 or rows[0].map_index >= 0:
        counts: dict[str, int] = {}
        for state in states:
            counts[state] = counts.get(state, 0) + 1
        detail = (
            f"{len(rows)} tasks (" + ", ".join(f"{n} {state}" for state, n in sorted(counts.items())) + ")"
        )
        failed = [_member(step, row) for row in rows if row.state == "failed"]
        if failed:
            detail += "; failed: " + ", ".join(failed)
    started = [row.start for row in rows if row.start]
    ended = [row.end for row in rows if row.end]
    took = f"{(max(ended) - min(started)).total_seconds():.1f} s" if started and ended else ""
    return f"{step:<18} {verdict:<16} {took:>8}  {detail}".rstrip()


def _member(step: str, row: TaskRow) -> str:
    """A task within its step: ``own-portal`` of crawl, ``fct_budget_execution.test`` of dbt_build."""
    if row.map_index >= 0:
        return row.label or str(row.map_index)
    return row.task_id.removeprefix(step + GROUP_SEPARATOR)


def _name(row: TaskRow) -> str:
    """A task as the console names it: ``crawl[own-portal]`` (its rendered map index), ``stage``."""
    if row.map_index < 0:
        return row.task_id
    return f"{row.task_id}[{row.label or row.map_index}]"


class Follower:
    """Prints each step of one DAG run as it ends; ``poll`` returns the run's state once it has ended."""

    def __init__(self, db: Path, dag_id: str, *, out=None) -> None:
        self.db = db
        self.dag_id = dag_id
        self.out = out or sys.stdout
        self.after_id = self._query_one(
            "SELECT coalesce(max(id), 0) FROM dag_run WHERE dag_id = ?", (dag_id,)
        )
        self.run_id: str | None = None
        self._printed: set[str] = set()
        self._retries: set[tuple[str, int, int]] = set()

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)

    def _query_one(self, sql: str, args: tuple) -> int:
        try:
            with self._connect() as connection:
                row = connection.execute(sql, args).fetchone()
        except sqlite3.Error:
            return 0
        return int(row[0]) if row and row[0] is not None else 0

    def poll(self) -> str | None:
        """Print what ended since the last poll; the run's final state once it has ended, else None."""
        try:
            with self._connect() as connection:
                return self._poll(connection)
        except sqlite3.Error:  # the database is busy or not there yet: try on the next poll
            return None

    def _poll(self, connection: sqlite3.Connection) -> str | None:
        run = connection.execute(
            "SELECT run_id, state FROM dag_run WHERE dag_id = ? AND id > ? ORDER BY id LIMIT 1",
            (self.dag_id, self.after_id),
        ).fetchone()
        if run is None:
            return None
        self.run_id, run_state = run
        rows = [
            TaskRow(task_id, map_index, label, state, try_number or 0, _time(start), _time(end))
            for task_id, map_index, label, state, try_number, start, end in connection.execute(
                "SELECT task_id, map_index, rendered_map_index, state, try_number, start_date, end_date"
                " FROM task_instance WHERE dag_id = ? AND run_id = ?",
                (self.dag_id, self.run_id),
            )
        ]
        steps: dict[str, list[TaskRow]] = {}
        for row in rows:
            steps.setdefault(step_of(row.task_id), []).append(row)
            if row.state == "up_for_retry" and (key := (row.task_id, row.map_index, row.try_number)) not in (
                self._retries
            ):
                self._retries.add(key)
                self._print(f"{_name(row)}: attempt {row.try_number} failed, retried after the retry delay")
        ended = [
            (max((row.end for row in members if row.end), default=None), step)
            for step, members in steps.items()
            if step not in self._printed and all(row.state in FINISHED for row in members)
        ]
        for _, step in sorted(ended, key=lambda item: (item[0] is None, item[0] or datetime.min)):
            self._printed.add(step)
            self._print(describe_step(step, steps[step]))
        return run_state if run_state in ("success", "failed") else None

    def _print(self, line: str) -> None:
        print(f"[run]   {line}", file=self.out, flush=True)


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m extractors.run_progress", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--db", required=True, type=Path, help="Airflow's SQLite metadata database")
    parser.add_argument("--dag-id", default="govperf_nightly")
    parser.add_argument("--run-id-file", type=Path, help="write the followed run's id here")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    parser.add_argument("--timeout", type=float, default=24 * 3600.0, help="give up after this many seconds")
    args = parser.parse_args(argv)
    follower = Follower(args.db, args.dag_id, out=sys.stderr)
    deadline = time.monotonic() + args.timeout
    state = None
    while state is None and time.monotonic() < deadline:
        time.sleep(args.interval)
        state = follower.poll()
        if follower.run_id and args.run_id_file is not None and not args.run_id_file.exists():
            args.run_id_file.write_text(follower.run_id, encoding="utf-8")
    if state is not None:
        follower._print(f"DAG run {follower.run_id}: {state}")
    return 0 if state == "success" else 1


if __name__ == "__main__":
    sys.exit(main())
