"""The helper scripts of the image and stack, run for real with a stand-in `airflow` on PATH."""

from __future__ import annotations

import base64
import json
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

from .conftest import DOCKER_DIR, ENV_EXAMPLE, parse_env_file

STUB_AIRFLOW = """#!/usr/bin/env bash
# Records each call; fails the subcommand named in $FAIL_SUBCOMMAND.
printf '%s\\n' "$*" >> "$AIRFLOW_CALLS"
if [[ "$1" == "version" ]]; then echo 3.3.2; fi
if [[ -n "${FAIL_SUBCOMMAND:-}" && "$1" == "$FAIL_SUBCOMMAND" ]]; then exit 3; fi
exit 0
"""


@pytest.fixture
def stub_airflow(tmp_path: Path) -> dict[str, str]:
    """An environment whose `airflow` only logs its arguments to AIRFLOW_CALLS."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stub = bin_dir / "airflow"
    stub.write_text(STUB_AIRFLOW)
    stub.chmod(0o755)
    calls = tmp_path / "calls.log"
    return {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "AIRFLOW_CALLS": str(calls),
        "HOME": str(tmp_path),
    }


def _calls(env: dict[str, str]) -> list[str]:
    path = Path(env["AIRFLOW_CALLS"])
    return path.read_text().splitlines() if path.exists() else []


def _run(script: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(DOCKER_DIR / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# --- airflow-init.sh ------------------------------------------------------------------------------


@pytest.fixture
def init_env(tmp_path: Path, stub_airflow: dict[str, str]) -> dict[str, str]:
    for folder in ("data", "warehouse", "airflow/logs"):
        (tmp_path / folder).mkdir(parents=True)
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources: []\n")
    return stub_airflow | {
        "DATA_DIR": str(tmp_path / "data"),
        "WAREHOUSE_PATH": str(tmp_path / "warehouse" / "warehouse.duckdb"),
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "SOURCES_FILE": str(sources),
    }


def test_init_migrates_then_creates_the_pool(init_env: dict[str, str]) -> None:
    result = _run("airflow-init.sh", init_env)
    assert result.returncode == 0, result.stderr
    assert _calls(init_env) == ["version", "db migrate", "pools set warehouse 1 one DuckDB writer"]
    assert "does not exist" not in result.stderr


def test_init_stops_when_the_migration_fails(init_env: dict[str, str]) -> None:
    result = _run("airflow-init.sh", init_env | {"FAIL_SUBCOMMAND": "db"})
    assert result.returncode != 0
    assert _calls(init_env) == ["version", "db migrate"], "the pool must not be created on a failed migration"


def test_init_refuses_an_unwritable_volume_before_touching_the_database(
    init_env: dict[str, str], tmp_path: Path
) -> None:
    if os.geteuid() == 0:
        missing = tmp_path / "absent"  # root writes everywhere: use a missing directory instead
        init_env = init_env | {"DATA_DIR": str(missing)}
        expected = str(missing)
    else:
        (tmp_path / "warehouse").chmod(0o500)
        expected = str(tmp_path / "warehouse")
    result = _run("airflow-init.sh", init_env)
    assert result.returncode == 1
    assert expected in result.stderr
    assert _calls(init_env) == []


def test_init_warns_about_a_missing_sources_file(init_env: dict[str, str], tmp_path: Path) -> None:
    result = _run("airflow-init.sh", init_env | {"SOURCES_FILE": str(tmp_path / "nope.yaml")})
    assert result.returncode == 0
    assert "nope.yaml does not exist" in result.stderr


def test_init_names_a_missing_setting(init_env: dict[str, str]) -> None:
    env = dict(init_env)
    del env["WAREHOUSE_PATH"]
    result = _run("airflow-init.sh", env)
    assert result.returncode == 1
    assert "WAREHOUSE_PATH is not set" in result.stderr


# --- apiserver.sh ---------------------------------------------------------------------------------


@pytest.fixture
def apiserver_env(tmp_path: Path, stub_airflow: dict[str, str]) -> dict[str, str]:
    return stub_airflow | {
        "AIRFLOW_ADMIN_USERNAME": "ops",
        "AIRFLOW_ADMIN_PASSWORD": 'p"w\\d with spaces',
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(tmp_path / "auth" / "passwords.json"),
    }


def test_apiserver_writes_the_admin_password_then_execs_the_server(apiserver_env: dict[str, str]) -> None:
    result = _run("apiserver.sh", apiserver_env, "--port", "8080")
    assert result.returncode == 0, result.stderr
    passwords = Path(apiserver_env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
    assert json.loads(passwords.read_text()) == {"ops": 'p"w\\d with spaces'}
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
    assert _calls(apiserver_env) == ["api-server --port 8080"]
    assert 'p"w' not in result.stdout + result.stderr, "the password must not reach the log"


def test_apiserver_replaces_a_stale_password(apiserver_env: dict[str, str]) -> None:
    passwords = Path(apiserver_env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
    passwords.parent.mkdir(parents=True)
    passwords.write_text(json.dumps({"ops": "old", "admin": "generated"}))
    assert _run("apiserver.sh", apiserver_env).returncode == 0
    assert json.loads(passwords.read_text()) == {"ops": 'p"w\\d with spaces'}


def test_apiserver_refuses_to_start_without_a_password(apiserver_env: dict[str, str]) -> None:
    result = _run("apiserver.sh", apiserver_env | {"AIRFLOW_ADMIN_PASSWORD": ""})
    assert result.returncode != 0
    assert "AIRFLOW_ADMIN_PASSWORD" in result.stderr
    assert _calls(apiserver_env) == []


# --- make-env.sh ----------------------------------------------------------------------------------


def test_make_env_fills_every_secret_and_keeps_the_settings(tmp_path: Path) -> None:
    target = tmp_path / ".env"
    result = _run("make-env.sh", dict(os.environ), str(target))
    assert result.returncode == 0, result.stderr
    template = parse_env_file(ENV_EXAMPLE.read_text(encoding="utf-8"))
    written = parse_env_file(target.read_text(encoding="utf-8"))
    assert written.keys() == template.keys()
    secrets = {name for name, value in template.items() if value == ""}
    assert {"POSTGRES_PASSWORD", "AIRFLOW_FERNET_KEY", "AIRFLOW_ADMIN_PASSWORD"} <= secrets
    for name, value in written.items():
        if name not in secrets:
            assert value == template[name], name
        elif name.endswith("FERNET_KEY"):
            assert len(base64.urlsafe_b64decode(value)) == 32, "not a Fernet key"
        else:
            assert re.fullmatch(r"[0-9a-f]{64}", value), f"{name}={value!r}"
    assert len({written[name] for name in secrets}) == len(secrets), "secrets must differ"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_make_env_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / ".env"
    target.write_text("POSTGRES_PASSWORD=in-use\n")
    result = _run("make-env.sh", dict(os.environ), str(target))
    assert result.returncode == 1
    assert "not overwriting" in result.stderr
    assert target.read_text() == "POSTGRES_PASSWORD=in-use\n"
    assert not list(tmp_path.glob(".env.partial.*"))


def test_make_env_gives_fresh_secrets_each_time(tmp_path: Path) -> None:
    first, second = tmp_path / "a.env", tmp_path / "b.env"
    for target in (first, second):
        assert _run("make-env.sh", dict(os.environ), str(target)).returncode == 0
    a = parse_env_file(first.read_text())
    b = parse_env_file(second.read_text())
    assert a["AIRFLOW_FERNET_KEY"] != b["AIRFLOW_FERNET_KEY"]
    assert a["POSTGRES_PASSWORD"] != b["POSTGRES_PASSWORD"]
