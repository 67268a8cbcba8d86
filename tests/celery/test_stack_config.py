"""scripts/celery_stack.py configures Airflow as docker-compose.yml does; process helpers (no services)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from celery_support import LocalCeleryStack, StackSettings

from extractors.settings import PROJECT_ROOT

pytestmark = pytest.mark.celery

TOPOLOGY_KEYS = (
    "AIRFLOW__CORE__EXECUTOR",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "AIRFLOW__CELERY__BROKER_URL",
    "AIRFLOW__CELERY__RESULT_BACKEND",
    "AIRFLOW__CELERY__WORKER_CONCURRENCY",
    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
    "AIRFLOW__CORE__FERNET_KEY",
    "AIRFLOW__API_AUTH__JWT_SECRET",
    "AIRFLOW__API__SECRET_KEY",
    "AIRFLOW__CORE__DAGS_FOLDER",
    "AIRFLOW__CORE__LOAD_EXAMPLES",
)


@pytest.fixture
def stack_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("AIRFLOW__CORE__EXECUTOR", "LocalExecutor")  # what scripts/airflow_env.sh exports
    monkeypatch.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "sqlite:////tmp/other.db")
    stack = LocalCeleryStack(StackSettings(home=tmp_path, extra_env={"DATA_DIR": "/somewhere"}))
    stack.api_port, stack.redis_db = 18080, 7
    return stack.env({"EXTRA": "1"})


def _compose_env() -> dict[str, str]:
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return {k: str(v) for k, v in compose["services"]["airflow-scheduler"]["environment"].items()}


def test_stack_sets_every_topology_key_the_compose_file_sets(stack_env: dict[str, str]) -> None:
    compose = _compose_env()
    for key in TOPOLOGY_KEYS:
        assert key in compose, key
        assert stack_env.get(key), key
    assert stack_env["AIRFLOW__CORE__EXECUTOR"] == compose["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"


@pytest.mark.parametrize(
    "key",
    ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__CELERY__RESULT_BACKEND", "AIRFLOW__CELERY__BROKER_URL"],
)
def test_stack_uses_the_same_drivers_as_the_compose_file(stack_env: dict[str, str], key: str) -> None:
    assert urlsplit(stack_env[key]).scheme == urlsplit(_compose_env()[key]).scheme


def test_stack_points_at_its_own_database_redis_db_and_api_port(stack_env: dict[str, str]) -> None:
    assert stack_env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
    assert "/govperf_celery_" in stack_env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert stack_env["AIRFLOW__CELERY__BROKER_URL"].endswith(":6379/7")
    assert stack_env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:18080/execution/"
    assert urlsplit(_compose_env()["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]).path == "/execution/"


def test_stack_ignores_the_callers_airflow_settings_and_adds_its_own(stack_env: dict[str, str]) -> None:
    assert not stack_env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("sqlite")
    assert stack_env["DATA_DIR"] == "/somewhere"
    assert stack_env["EXTRA"] == "1"


def test_two_stacks_never_share_a_database_or_secrets(tmp_path: Path) -> None:
    first = LocalCeleryStack(StackSettings(home=tmp_path / "a"))
    second = LocalCeleryStack(StackSettings(home=tmp_path / "b"))
    assert first.database != second.database
    assert first.env()["AIRFLOW__CORE__FERNET_KEY"] != second.env()["AIRFLOW__CORE__FERNET_KEY"]


def test_process_tree_helpers_find_a_grandchild() -> None:
    from celery_stack import is_descendant, parent_pid

    code = (
        "import subprocess, sys; p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']);"
    )
    code += "print(p.pid, flush=True); p.wait()"
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    grandchild = None
    try:
        grandchild = int(child.stdout.readline())
        assert parent_pid(grandchild) == child.pid
        assert is_descendant(grandchild, child.pid)
        assert not is_descendant(child.pid, grandchild)
    finally:
        if grandchild:
            os.kill(grandchild, signal.SIGKILL)
        child.wait(timeout=10)
    assert parent_pid(2**22 + 12345) is None  # beyond pid_max: no such process


def test_kill_tree_reaches_a_grandchild_in_a_session_of_its_own() -> None:
    """As Airflow's task supervisor does with a task: killpg on the worker would miss it."""
    from celery_stack import kill_tree, process_alive

    code = (
        "import subprocess, sys; p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'],"
        " start_new_session=True); print(p.pid, flush=True); p.wait()"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    grandchild = int(child.stdout.readline())
    try:
        assert os.getpgid(grandchild) != os.getpgid(child.pid)
        killed = kill_tree(child.pid)
        assert set(killed) == {child.pid, grandchild}
        child.wait(timeout=10)
        deadline = time.monotonic() + 10
        while process_alive(grandchild) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not process_alive(grandchild)
    finally:
        if process_alive(grandchild):
            os.kill(grandchild, signal.SIGKILL)
        if child.poll() is None:
            child.kill()
            child.wait()
