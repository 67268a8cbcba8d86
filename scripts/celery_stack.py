"""Airflow's CeleryExecutor stack as local processes: the production topology without Docker.

Why this exists: docker-compose.yml describes the production stack (PostgreSQL
metadata, Redis broker, api-server, scheduler, dag-processor, triggerer, Celery workers),
but a test must prove that the DAGs really run distributed, on this machine,
in CI.  This module starts exactly those roles as plain processes against the
PostgreSQL and Redis servers running on loopback, each stack in its own fresh
database and its own Redis database number, on free ports, and stops every
process it started — even when the caller fails.  tests/celery uses it; a
human uses the same code from the command line::

    .venv/bin/python scripts/celery_stack.py up             # stack on the sample portal, until Ctrl-C
    .venv/bin/python scripts/celery_stack.py run --workers 2  # one timed nightly run, then stop

Nothing here is needed by the pipeline itself; it only launches Airflow.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DAG_ID = "govperf_nightly"
WAREHOUSE_POOL = "warehouse"  # WAREHOUSE_POOL in dags/govperf_nightly.py: one DuckDB writer
TERMINAL_RUN_STATES = ("success", "failed")


class StackError(RuntimeError):
    """A component did not start, or a run did not finish; the message carries the diagnostics."""


@dataclass(frozen=True)
class StackSettings:
    """Tunables of one local stack; the defaults are what the production compose file runs."""

    home: Path  # AIRFLOW_HOME and every component's log live below it
    workers: int = 2
    worker_concurrency: int = 1
    postgres_host: str = "127.0.0.1"
    postgres_port: int = 5432
    postgres_user: str = "postgres"
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    # Seconds without a task heartbeat before the scheduler fails the task instance
    # (Airflow's default is 300; a test that kills a worker wants it short).
    heartbeat_timeout_s: int = 300
    heartbeat_check_interval_s: int = 10
    # False: only triggered runs (the nightly cron would add a run on unpause).
    use_cron_schedule: bool = False
    # Seconds between two parses of a DAG file by the dag-processor (Airflow's default 30).
    # A test sets it high so a run sees one version of the DAG even while the checkout changes.
    dag_reparse_interval_s: int = 30
    start_timeout_s: float = 180.0
    stop_timeout_s: float = 20.0
    # Extra environment of every component (DATA_DIR, WAREHOUSE_PATH, SOURCES_FILE, ...).
    extra_env: Mapping[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- small helpers


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file, or a note that it does not exist (for diagnostics)."""
    if not path.exists():
        return f"({path} does not exist)"
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])


def _port_open(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=0.5).close()
        return True
    except OSError:
        return False


def _wait_until(predicate, timeout_s: float, interval_s: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval_s)
    return predicate()


def parent_pid(pid: int) -> int | None:
    """The parent of a Linux process, from /proc (None once it has exited)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # the name may hold spaces and ')'


def is_descendant(pid: int, ancestor: int) -> bool:
    """True when ``pid`` is ``ancestor`` or runs below it in the process tree."""
    seen: set[int] = set()
    current: int | None = pid
    while current and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = parent_pid(current)
    return False


def process_tree(root: int) -> list[int]:
    """``root`` and every process below it, parents first, read from /proc.

    Airflow's task supervisor moves each task into a process group of its own,
    so killing a worker's group would leave the task running: a tree walk is
    what reaches everything a dying machine would take with it.
    """
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = parent_pid(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    tree, queue = [], [root]
    while queue:
        pid = queue.pop(0)
        tree.append(pid)
        queue.extend(children.get(pid, []))
    return tree


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def kill_tree(root: int) -> list[int]:
    """SIGKILL ``root`` and all its descendants; returns the pids signalled.

    The tree is frozen first (SIGSTOP, re-read until no new process appears),
    so nothing forks a child between reading the tree and killing it.
    """
    stopped: list[int] = []
    for _ in range(5):
        tree = [pid for pid in process_tree(root) if pid not in stopped]
        if not tree:
            break
        for pid in tree:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)
        stopped += tree
    for pid in stopped:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return stopped


# ---------------------------------------------------------------- backing services


@dataclass
class BackingServices:
    """PostgreSQL and Redis on loopback: started here only when they are down, stopped only then."""

    settings: StackSettings
    started_postgres: list[str] = field(default_factory=list)  # cluster versions we started
    started_redis: bool = False

    def ensure(self) -> None:
        s = self.settings
        if not _port_open(s.postgres_host, s.postgres_port):
            self._start_postgres()
        if not _port_open(s.redis_host, s.redis_port):
            self._start_redis()

    def _start_postgres(self) -> None:
        s = self.settings
        versions = (
            sorted(p.name for p in Path("/etc/postgresql").glob("*"))
            if Path("/etc/postgresql").is_dir()
            else []
        )
        if not versions or not shutil.which("pg_ctlcluster"):
            raise StackError(
                f"PostgreSQL is not listening on {s.postgres_host}:{s.postgres_port} and no cluster to start"
            )
        for version in versions:
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                check=False,
                capture_output=True,
                text=True,
                timeout=60,
            )
            self.started_postgres.append(version)
        if not _wait_until(lambda: _port_open(s.postgres_host, s.postgres_port), 30):
            raise StackError(f"PostgreSQL did not come up on {s.postgres_host}:{s.postgres_port}")

    def _start_redis(self) -> None:
        s = self.settings
        if not shutil.which("redis-server"):
            raise StackError(
                f"Redis is not listening on {s.redis_host}:{s.redis_port} and redis-server is missing"
            )
        Path("/var/lib/redis").mkdir(parents=True, exist_ok=True)
        Path("/var/log/redis").mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1",
             "--port", str(s.redis_port), "--save", "", "--appendonly", "no",
             "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"],
            check=True, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        self.started_redis = True
        if not _wait_until(lambda: _port_open(s.redis_host, s.redis_port), 15):
            raise StackError(f"Redis did not come up on {s.redis_host}:{s.redis_port}")

    def stop_what_we_started(self) -> None:
        if self.started_redis:
            import redis

            with contextlib.suppress(Exception):
                redis.Redis(host=self.settings.redis_host, port=self.settings.redis_port).shutdown(
                    nosave=True
                )
            self.started_redis = False
        for version in self.started_postgres:
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "stop"],
                check=False, capture_output=True, timeout=60,
            )  # fmt: skip
        self.started_postgres.clear()


# ---------------------------------------------------------------- the stack


@dataclass
class Component:
    """One Airflow process (its own session, so a stop or a kill reaches its children)."""

    name: str
    process: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None


class LocalCeleryStack:
    """Start/stop the whole stack; trigger and watch DAG runs through the metadata DB.

    Use as a context manager: ``__exit__`` stops every process, drops the
    database and frees the Redis database, whatever happened inside.
    """

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.home = settings.home
        self.logs_dir = self.home / "components"
        self.airflow_home = self.home / "airflow"
        self.services = BackingServices(settings)
        self.database = f"govperf_celery_{secrets.token_hex(4)}"
        self.redis_db: int | None = None
        self.api_port = 0
        self.components: dict[str, Component] = {}
        self._database_created = False
        self._killed: set[str] = set()  # workers killed on purpose: not a failure of the stack
        self._workers_started = 0  # worker names stay unique across restarts
        self._secrets = {
            "AIRFLOW__CORE__FERNET_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
            "AIRFLOW__API__SECRET_KEY": secrets.token_hex(32),
        }

    # -- lifecycle ------------------------------------------------------------

    def __enter__(self) -> LocalCeleryStack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """Backing services, fresh DB and Redis db, migrate, pool, then every Airflow role."""
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        self.airflow_home.mkdir(parents=True, exist_ok=True)
        self.services.ensure()
        self._create_database()
        self.redis_db = self._claim_redis_db()
        self.api_port = free_port()
        self.airflow("db", "migrate", timeout=300)
        self.airflow("pools", "set", WAREHOUSE_POOL, "1", "one DuckDB writer: dbt build and publish")
        self._spawn(
            "api-server",
            ["api-server", "--host", "127.0.0.1", "--port", str(self.api_port), "--workers", "1"],
        )
        self._spawn("dag-processor", ["dag-processor"])
        self._spawn("scheduler", ["scheduler"])
        # Deferred tasks (e.g. cosmos' watcher sensors) resume only through a triggerer.
        self._spawn(
            "triggerer", ["triggerer"], env={"AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port())}
        )
        self.start_workers(self.settings.workers)
        self._wait_ready("api-server", self._api_healthy)
        self._wait_ready("dag-processor", lambda: self.dag_is_serialized(DAG_ID))
        self._wait_ready("scheduler", lambda: self._job_heartbeating("SchedulerJob"))
        self._wait_ready("triggerer", lambda: self._job_heartbeating("TriggererJob"))

    def stop(self) -> None:
        """Stop every process started here (TERM, then KILL), drop the DB, free the Redis db."""
        for name in reversed(list(self.components)):
            self._stop_component(self.components[name])
        if self.redis_db is not None:
            with contextlib.suppress(Exception):
                self._redis().flushdb()
            self.redis_db = None
        if self._database_created:
            with contextlib.suppress(Exception):
                self._admin_sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            self._database_created = False
        self.services.stop_what_we_started()

    # -- workers ----------------------------------------------------------------

    def worker_names(self) -> list[str]:
        return [name for name in self.components if name.startswith("worker-")]

    def start_workers(
        self, count: int, env: Mapping[str, str] | None = None, wait: bool = False
    ) -> list[str]:
        """Start ``count`` more Celery workers, each with its own hostname and log-server port.

        ``env`` is added to the workers' environment only: tasks read DATA_DIR,
        WAREHOUSE_PATH and SOURCES_FILE where they run, so new workers with a new
        ``env`` point the next run at other data without restarting the stack.
        """
        names = []
        for _ in range(count):
            self._workers_started += 1
            name = f"worker-{self._workers_started}"
            self._spawn(
                name,
                ["celery", "worker", "--concurrency", str(self.settings.worker_concurrency),
                 "--celery-hostname", f"{name}@%h", "--without-mingle", "--without-gossip"],
                env={**(env or {}), "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port())},
            )  # fmt: skip
            names.append(name)
        if wait:
            for name in names:
                self._wait_ready(name, lambda name=name: self.worker_ready(name))
        return names

    def worker_ready(self, name: str) -> bool:
        """Celery logs '<node> ready.' once it consumes from the broker."""
        log_path = self.components[name].log_path
        return log_path.exists() and " ready." in log_path.read_text(encoding="utf-8", errors="replace")

    def kill_worker(self, name: str) -> list[int]:
        """SIGKILL a worker and every process below it, as a dying machine or container would.

        Returns the pids killed (the Celery worker, its pool process, the task
        supervisor, the task and the task's own children).
        """
        component = self.components[name]
        self._killed.add(name)
        pids = kill_tree(component.pid)
        component.process.wait(timeout=10)
        return pids

    def worker_of_pid(self, pid: int) -> str | None:
        """The worker whose process tree holds ``pid`` (a task instance's pid)."""
        for name in self.worker_names():
            if self.components[name].alive() and is_descendant(pid, self.components[name].pid):
                return name
        return None

    # -- Airflow ----------------------------------------------------------------

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment of every component: one configuration, as compose's common block."""
        s = self.settings
        base = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
        db_url = f"{s.postgres_user}@{s.postgres_host}:{s.postgres_port}/{self.database}"
        base |= {
            "AIRFLOW_HOME": str(self.airflow_home),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://{db_url}",
            "AIRFLOW__CELERY__BROKER_URL": f"redis://{s.redis_host}:{s.redis_port}/{self.redis_db or 0}",
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql+psycopg2://{db_url}",
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(s.worker_concurrency),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{self.api_port}/execution/",
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{self.api_port}",
            # Loopback only: everyone who can reach the port is the local user.
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": str(s.use_cron_schedule),
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": str(s.heartbeat_timeout_s),
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": str(
                s.heartbeat_check_interval_s
            ),
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": str(s.dag_reparse_interval_s),
            "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        base |= self._secrets
        base |= dict(s.extra_env)
        return base | dict(extra or {})

    def airflow(self, *args: str, timeout: float = 120) -> str:
        """Run an Airflow CLI command against this stack; its output, or StackError with it."""
        result = subprocess.run(
            [str(VENV_BIN / "airflow"), *args],
            env=self.env(), cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise StackError(
                f"airflow {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-4000:]}"
            )
        return result.stdout

    def trigger(self, run_id: str, dag_id: str = DAG_ID) -> str:
        """Unpause the DAG and trigger a run with ``run_id``; returns the run id."""
        self.airflow("dags", "unpause", dag_id)
        self.airflow("dags", "trigger", dag_id, "--run-id", run_id)
        return run_id

    def run_state(self, run_id: str, dag_id: str = DAG_ID) -> str | None:
        rows = self.sql("SELECT state FROM dag_run WHERE dag_id = %s AND run_id = %s", (dag_id, run_id))
        return rows[0]["state"] if rows else None

    def wait_for_run(self, run_id: str, timeout_s: float, dag_id: str = DAG_ID) -> str:
        """Block until the run is finished; StackError with every component's log tail on timeout."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            state = self.run_state(run_id, dag_id)
            if state in TERMINAL_RUN_STATES:
                return state
            dead = [c.name for c in self.components.values() if not c.alive() and c.name not in self._killed]
            if dead:
                raise StackError(f"components exited during run {run_id}: {dead}\n{self.diagnostics(run_id)}")
            time.sleep(1)
        raise StackError(f"run {run_id} not finished after {timeout_s:.0f} s\n{self.diagnostics(run_id)}")

    def task_instances(self, run_id: str, dag_id: str = DAG_ID) -> list[dict[str, Any]]:
        return self.sql(
            "SELECT task_id, map_index, state, try_number, pool, pid, hostname, external_executor_id,"
            " start_date, end_date FROM task_instance WHERE dag_id = %s AND run_id = %s"
            " ORDER BY start_date NULLS LAST, task_id, map_index",
            (dag_id, run_id),
        )

    def task_history(self, run_id: str, dag_id: str = DAG_ID) -> list[dict[str, Any]]:
        """Earlier tries of retried task instances (Airflow moves them to task_instance_history)."""
        return self.sql(
            "SELECT task_id, map_index, state, try_number, pid, external_executor_id, start_date, end_date"
            " FROM task_instance_history WHERE dag_id = %s AND run_id = %s ORDER BY start_date",
            (dag_id, run_id),
        )

    def xcom_value(self, run_id: str, task_id: str, map_index: int = -1, dag_id: str = DAG_ID) -> Any:
        rows = self.sql(
            "SELECT value FROM xcom WHERE dag_id = %s AND run_id = %s AND task_id = %s AND map_index = %s"
            " AND key = 'return_value'",
            (dag_id, run_id, task_id, map_index),
        )
        if not rows:
            return None
        value = rows[0]["value"]
        return json.loads(value) if isinstance(value, str | bytes) else value

    def worker_that_received(self, celery_task_id: str) -> str | None:
        """Which worker's log says it received this Celery task (a task instance's external_executor_id)."""
        for name in self.worker_names():
            if celery_task_id in self.components[name].log_path.read_text(encoding="utf-8", errors="replace"):
                return name
        return None

    def dag_is_serialized(self, dag_id: str) -> bool:
        return bool(self.sql("SELECT 1 FROM serialized_dag WHERE dag_id = %s", (dag_id,)))

    def diagnostics(self, run_id: str | None = None, lines: int = 30) -> str:
        """Task states and the tail of each component's log: what a failed run's report needs."""
        parts = []
        if run_id:
            with contextlib.suppress(Exception):
                for ti in self.task_instances(run_id):
                    parts.append(f"  {ti['task_id']}[{ti['map_index']}] {ti['state']} try={ti['try_number']}")
            parts.insert(0, f"task instances of {run_id}:")
        for component in self.components.values():
            status = "running" if component.alive() else f"exited {component.process.returncode}"
            parts.append(f"--- {component.name} ({status}) {component.log_path} ---")
            parts.append(tail(component.log_path, lines))
        return "\n".join(parts)

    # -- metadata DB ------------------------------------------------------------

    def sql(self, query: str, params: tuple = ()) -> list[dict[str, Any]]:
        """Read the stack's metadata DB (rows as dicts)."""
        import psycopg2
        import psycopg2.extras

        s = self.settings
        with (
            contextlib.closing(
                psycopg2.connect(
                    host=s.postgres_host, port=s.postgres_port, user=s.postgres_user, dbname=self.database
                )
            ) as con,
            con.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur,
        ):
            cur.execute(query, params)
            return [dict(row) for row in cur.fetchall()]

    def _admin_sql(self, statement: str) -> None:
        import psycopg2

        s = self.settings
        con = psycopg2.connect(
            host=s.postgres_host, port=s.postgres_port, user=s.postgres_user, dbname="postgres"
        )
        try:
            con.autocommit = True
            with con.cursor() as cur:
                cur.execute(statement)
        finally:
            con.close()

    def _create_database(self) -> None:
        self._admin_sql(f'CREATE DATABASE "{self.database}"')
        self._database_created = True

    def _redis(self):
        import redis

        return redis.Redis(
            host=self.settings.redis_host, port=self.settings.redis_port, db=self.redis_db or 0
        )

    def _claim_redis_db(self) -> int:
        """An empty Redis database (1..15) claimed with a marker key, so two stacks never share one."""
        import redis

        s = self.settings
        marker = f"govperf-celery-stack:{self.database}"
        for number in secrets.SystemRandom().sample(range(1, 16), 15):
            client = redis.Redis(host=s.redis_host, port=s.redis_port, db=number)
            if client.dbsize() == 0 and client.set(marker, os.getpid(), nx=True) and client.dbsize() == 1:
                return number
        raise StackError("no empty Redis database among 1..15")

    # -- processes --------------------------------------------------------------

    def _spawn(self, name: str, args: list[str], env: Mapping[str, str] | None = None) -> Component:
        log_path = self.logs_dir / f"{name}.log"
        handle = log_path.open("ab")
        try:
            process = subprocess.Popen(
                [str(VENV_BIN / "airflow"), *args],
                env=self.env(env), cwd=PROJECT_ROOT, stdout=handle, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        finally:
            handle.close()
        component = Component(name, process, log_path)
        self.components[name] = component
        return component

    def _stop_component(self, component: Component) -> None:
        """SIGTERM the component's group, wait, then SIGKILL whatever of its tree is left.

        The tree is read before the stop: once the leader exits, its orphans
        (task processes in groups of their own) can no longer be found from it.
        """
        tree = process_tree(component.pid) if component.alive() else []
        if component.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(component.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                component.process.wait(timeout=self.settings.stop_timeout_s)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(component.pid, signal.SIGKILL)
        for pid in tree[1:]:
            if process_alive(pid):
                kill_tree(pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            component.process.wait(timeout=10)

    def stop_workers(self) -> None:
        """Warm-stop every worker (SIGTERM: Celery finishes what it runs) and forget them."""
        for name in self.worker_names():
            self._stop_component(self.components.pop(name))
            self._killed.discard(name)

    def _wait_ready(self, name: str, probe) -> None:
        component = self.components[name]

        def ready() -> bool:
            if not component.alive():
                raise StackError(
                    f"{name} exited with {component.process.returncode}:\n{tail(component.log_path)}"
                )
            try:
                return bool(probe())
            except Exception:
                return False

        if not _wait_until(ready, self.settings.start_timeout_s):
            raise StackError(
                f"{name} not ready after {self.settings.start_timeout_s:.0f} s\n{self.diagnostics()}"
            )

    def _api_healthy(self) -> bool:
        url = f"http://127.0.0.1:{self.api_port}/api/v2/monitor/health"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def _job_heartbeating(self, job_type: str) -> bool:
        return bool(
            self.sql(
                "SELECT 1 FROM job WHERE job_type = %s AND state = 'running'"
                " AND latest_heartbeat > now() - interval '30 seconds'",
                (job_type,),
            )
        )


# ---------------------------------------------------------------- command line


@contextlib.contextmanager
def sample_portal_env(root: Path) -> Iterator[dict[str, str]]:
    """Build and serve the bundled sample portal; the env that points a run at it under ``root``."""
    sys.path.insert(0, str(PROJECT_ROOT))
    from extractors.samples.portal import build_sample_portal, running_sample_portal, write_registry

    site = build_sample_portal(root / "site")
    with running_sample_portal(site) as portal:
        yield {
            "DATA_DIR": str(root / "data"),
            "WAREHOUSE_PATH": str(root / "warehouse" / "warehouse.duckdb"),
            "SOURCES_FILE": str(write_registry(root / "sources.yaml", portal.base_url)),
        }


def stop_on_signals() -> None:
    """Turn SIGTERM (and an inherited ignored SIGINT) into KeyboardInterrupt, so ``with`` blocks clean up.

    Without it a plain ``kill`` would end this process and leave every
    component running, and a shell's background job would ignore Ctrl-C.
    """

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("up", "run"), help="up: serve until Ctrl-C; run: one timed run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=1, help="tasks per worker at once")
    parser.add_argument("--home", type=Path, help="where the stack keeps its files (default: a temp dir)")
    parser.add_argument(
        "--real",
        action="store_true",
        help="use DATA_DIR/WAREHOUSE_PATH/SOURCES_FILE of the environment, not the sample portal",
    )
    parser.add_argument("--timeout", type=float, default=900, help="run: seconds to wait for the DAG run")
    args = parser.parse_args(argv)

    stop_on_signals()
    home = args.home or Path(tempfile.mkdtemp(prefix="govperf-celery-"))
    with contextlib.ExitStack() as stack_exit:
        if args.real:
            extra = {
                k: os.environ[k] for k in ("DATA_DIR", "WAREHOUSE_PATH", "SOURCES_FILE") if k in os.environ
            }
        else:
            extra = stack_exit.enter_context(sample_portal_env(home / "sample"))
        settings = StackSettings(
            home=home, workers=args.workers, worker_concurrency=args.concurrency, extra_env=extra
        )
        started = time.monotonic()
        stack = stack_exit.enter_context(LocalCeleryStack(settings))
        print(f"stack up in {time.monotonic() - started:.0f} s: {home}", file=sys.stderr)
        print(
            f"  Airflow UI/API: http://127.0.0.1:{stack.api_port}/"
            f"   database: {stack.database}   redis db: {stack.redis_db}",
            file=sys.stderr,
        )
        print(f"  component logs: {stack.logs_dir}", file=sys.stderr)
        for key, value in extra.items():
            print(f"  {key}={value}", file=sys.stderr)
        if args.command == "up":
            print("Ctrl-C stops every process and drops the database.", file=sys.stderr)
            with contextlib.suppress(KeyboardInterrupt):
                signal.pause()
            return 0
        run_id = stack.trigger(f"manual__celery_{int(time.time())}")
        started = time.monotonic()
        state = stack.wait_for_run(run_id, args.timeout)
        print(
            f"run {run_id}: {state} in {time.monotonic() - started:.1f} s (wall, trigger to finish)",
            file=sys.stderr,
        )
        if state == "success":
            env = stack.env()
            subprocess.run(
                [sys.executable, "-m", "extractors", "summary"], env=env, cwd=PROJECT_ROOT, check=False
            )
        else:
            print(stack.diagnostics(run_id), file=sys.stderr)
        return 0 if state == "success" else 1


if __name__ == "__main__":
    raise SystemExit(main())
