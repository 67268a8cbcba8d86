"""docker-compose.yml, .env.example and the Dockerfile: valid, wired together, and secret-free.

No Docker engine runs in the test environment, so the compose file is checked
against the Compose specification (check-jsonschema's vendored schema, offline)
and then structurally: the properties a `docker compose up` depends on.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from .conftest import (
    COMPOSE_FILE,
    DOCKER_DIR,
    DOCKERFILE,
    REPO_ROOT,
    is_single_variable,
    variable_uses,
)

AIRFLOW_SERVICES = {
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
}
LONG_RUNNING_AIRFLOW = AIRFLOW_SERVICES - {"airflow-init"}
PROJECT_MOUNT = "/opt/govperf"
SECRET_NAME = re.compile(r"PASSWORD|SECRET|FERNET|TOKEN|(^|_)KEY$", re.IGNORECASE)


def _services(compose: dict) -> dict[str, dict]:
    return compose["services"]


def _volume_mounts(service: dict) -> list[dict]:
    """The service's mounts in long syntax (short "src:dst[:ro]" strings converted)."""
    mounts = []
    for entry in service.get("volumes", []):
        if isinstance(entry, str):
            parts = entry.split(":")
            mounts.append(
                {
                    "source": parts[0],
                    "target": parts[1],
                    "read_only": len(parts) > 2 and "ro" in parts[2].split(","),
                }
            )
        else:
            mounts.append(entry)
    return mounts


def _mount_of(service: dict, source: str) -> dict | None:
    return next((m for m in _volume_mounts(service) if m.get("source") == source), None)


def _command_words(service: dict) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else list(command)


def _script_in_repo(container_path: str) -> Path:
    """A file under the read-only project mount, as a path in this checkout."""
    return REPO_ROOT / PurePosixPath(container_path).relative_to(PROJECT_MOUNT)


def _common_env(compose: dict) -> dict:
    return compose["x-airflow-common-env"]


# --- the Compose specification --------------------------------------------------------------------


def test_compose_file_validates_against_the_compose_specification() -> None:
    executable = Path(sys.executable).parent / "check-jsonschema"
    assert executable.exists(), f"check-jsonschema is not installed beside {sys.executable}"
    result = subprocess.run(
        [str(executable), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- one image, one environment -------------------------------------------------------------------


def test_exactly_the_airflow_services_run_the_project_image(compose: dict) -> None:
    image = compose["x-airflow-common"]["image"]
    using_image = {name for name, svc in _services(compose).items() if svc.get("image") == image}
    assert using_image == AIRFLOW_SERVICES
    for name in AIRFLOW_SERVICES:
        build = _services(compose)[name]["build"]
        assert build["context"] == ".", name
        assert (REPO_ROOT / build.get("dockerfile", "Dockerfile")).resolve() == DOCKERFILE, name


def test_every_airflow_service_has_the_common_environment_unchanged(compose: dict) -> None:
    common = _common_env(compose)
    for name in AIRFLOW_SERVICES:
        env = _services(compose)[name]["environment"]
        assert isinstance(env, dict), f"{name}: environment must be a mapping"
        differing = {k: env.get(k) for k, v in common.items() if env.get(k) != v}
        assert not differing, f"{name} overrides or lacks common settings: {differing}"


def test_common_environment_runs_celery_on_postgres_and_redis(compose: dict) -> None:
    env = _common_env(compose)
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql+psycopg2://")
    assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://redis:6379/0"
    assert str(env["AIRFLOW__CORE__LOAD_EXAMPLES"]) == "False"
    assert str(env["AIRFLOW__COSMOS__ENABLE_TELEMETRY"]) == "False"
    for url in (env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"], env["AIRFLOW__CELERY__RESULT_BACKEND"]):
        assert "@postgres:5432/" in url, url
        assert "postgres" in _services(compose)


def test_execution_api_url_names_the_api_server_and_its_port(compose: dict) -> None:
    url = _common_env(compose)["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]
    match = re.fullmatch(r"http://([a-z0-9-]+):(\d+)/execution/", url)
    assert match, url
    host, port = match.groups()
    apiserver = _services(compose)[host]
    assert "api-server" in " ".join(_command_words(apiserver)) or "apiserver.sh" in " ".join(
        _command_words(apiserver)
    )
    container_ports = {str(p).rsplit(":", 1)[-1] for p in apiserver["ports"]}
    assert port in container_ports


def test_airflow_services_share_project_data_and_warehouse_mounts(compose: dict) -> None:
    env = _common_env(compose)
    for name in AIRFLOW_SERVICES:
        service = _services(compose)[name]
        project = next(m for m in _volume_mounts(service) if m["target"] == PROJECT_MOUNT)
        assert project.get("read_only") is True, f"{name}: the project must be mounted read-only"
        assert Path(REPO_ROOT / project["source"]).resolve() == REPO_ROOT, name
        data = _mount_of(service, "govperf-data")
        warehouse = _mount_of(service, "govperf-warehouse")
        assert data and data["target"] == env["DATA_DIR"] == "/data", name
        assert warehouse and not warehouse.get("read_only"), f"{name}: the pipeline writes the warehouse"
        assert PurePosixPath(env["WAREHOUSE_PATH"]) == PurePosixPath("/warehouse/warehouse.duckdb")
        assert PurePosixPath(env["WAREHOUSE_PATH"]).parent == PurePosixPath(warehouse["target"]), name
    dags = PurePosixPath(env["AIRFLOW__CORE__DAGS_FOLDER"])
    assert dags == PurePosixPath(PROJECT_MOUNT, "dags")
    assert (REPO_ROOT / "dags").is_dir()


def test_sources_file_comes_from_the_environment_with_a_default(compose: dict) -> None:
    (use,) = variable_uses(_common_env(compose)["SOURCES_FILE"])
    assert use.name == "SOURCES_FILE"
    assert use.default and use.default.startswith(PROJECT_MOUNT + "/")


def test_named_volumes_are_declared_with_stable_names(compose: dict) -> None:
    volumes = compose["volumes"]
    for name in ("govperf-data", "govperf-warehouse"):
        assert volumes[name]["name"] == name
    used = {
        m["source"]
        for svc in _services(compose).values()
        for m in _volume_mounts(svc)
        if m.get("type", "volume") == "volume"
    }
    assert used <= set(volumes), f"undeclared volumes: {used - set(volumes)}"


# --- commands -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "command"),
    [
        ("airflow-scheduler", ["airflow", "scheduler"]),
        ("airflow-dag-processor", ["airflow", "dag-processor"]),
        ("airflow-triggerer", ["airflow", "triggerer"]),
        ("airflow-worker", ["airflow", "celery", "worker"]),
    ],
)
def test_airflow_roles_run_their_command(compose: dict, service: str, command: list[str]) -> None:
    assert _command_words(_services(compose)[service]) == command


def test_api_server_wrapper_exists_and_starts_the_api_server(compose: dict) -> None:
    words = _command_words(_services(compose)["airflow-apiserver"])
    assert words[0] == "bash"
    script = _script_in_repo(words[1])
    assert script.is_file(), script
    assert re.search(r"^exec airflow api-server\b", script.read_text(encoding="utf-8"), re.MULTILINE)


def test_init_migrates_and_creates_the_one_slot_warehouse_pool(compose: dict) -> None:
    init = _services(compose)["airflow-init"]
    words = _command_words(init)
    script = _script_in_repo(words[1])
    text = script.read_text(encoding="utf-8")
    assert re.search(r"^airflow db migrate$", text, re.MULTILINE)
    pool = re.search(r"^WAREHOUSE_POOL=(\S+)$", text, re.MULTILINE)
    assert pool and pool.group(1) == "warehouse"
    assert re.search(r'^airflow pools set "\$WAREHOUSE_POOL" 1 "one DuckDB writer"$', text, re.MULTILINE)
    assert init.get("restart") == "no", "a one-shot service must not be restarted"


def test_init_pool_is_the_pool_the_dag_uses() -> None:
    dag_file = REPO_ROOT / "dags" / "govperf_nightly.py"
    if not dag_file.exists():
        pytest.skip("dags/govperf_nightly.py not present")
    declared = re.search(r'^WAREHOUSE_POOL = "([^"]+)"', dag_file.read_text(encoding="utf-8"), re.MULTILINE)
    assert declared, "dags/govperf_nightly.py no longer declares WAREHOUSE_POOL"
    init = (DOCKER_DIR / "airflow-init.sh").read_text(encoding="utf-8")
    assert f"WAREHOUSE_POOL={declared.group(1)}\n" in init


# --- scaling, health, start order -----------------------------------------------------------------


def test_worker_can_be_scaled(compose: dict) -> None:
    worker = _services(compose)["airflow-worker"]
    assert "container_name" not in worker, "a fixed container name allows one replica only"
    assert "ports" not in worker, "a fixed host port allows one replica only"
    assert "hostname" not in worker, "replicas need distinct Celery node names"
    assert "scale" not in worker and "replicas" not in worker.get("deploy", {})


def test_no_service_has_a_fixed_container_name(compose: dict) -> None:
    assert not [name for name, svc in _services(compose).items() if "container_name" in svc]


@pytest.mark.parametrize(
    ("service", "probe"),
    [
        ("postgres", "pg_isready"),
        ("redis", "redis-cli ping"),
        ("airflow-apiserver", "http://localhost:8080/api/v2/monitor/health"),
    ],
)
def test_core_services_have_health_checks(compose: dict, service: str, probe: str) -> None:
    test = _services(compose)[service]["healthcheck"]["test"]
    words = test if isinstance(test, list) else ["CMD-SHELL", test]
    assert words[0] in ("CMD", "CMD-SHELL"), words
    assert probe in " ".join(words[1:])


def test_every_long_running_service_has_a_health_check(compose: dict) -> None:
    for name in LONG_RUNNING_AIRFLOW | {"postgres", "redis"}:
        assert "test" in _services(compose)[name].get("healthcheck", {}), name


def test_airflow_services_wait_for_healthy_backends_and_a_finished_init(compose: dict) -> None:
    for name in LONG_RUNNING_AIRFLOW:
        depends = _services(compose)[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert depends["airflow-init"]["condition"] == "service_completed_successfully", name
    init_depends = _services(compose)["airflow-init"]["depends_on"]
    assert {k: v["condition"] for k, v in init_depends.items()} == {
        "postgres": "service_healthy",
        "redis": "service_healthy",
    }
    worker_depends = _services(compose)["airflow-worker"]["depends_on"]
    assert worker_depends["airflow-apiserver"]["condition"] == "service_healthy"


def test_healthy_conditions_point_at_services_with_health_checks(compose: dict) -> None:
    services = _services(compose)
    for name, service in services.items():
        depends = service.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on needs the long form with conditions"
        for target, spec in depends.items():
            assert target in services, f"{name} depends on unknown service {target}"
            if spec["condition"] == "service_healthy":
                assert "healthcheck" in services[target], f"{name} waits for {target}, which has no check"


# --- BI -------------------------------------------------------------------------------------------


def test_bi_service_is_optional_and_reads_the_warehouse_read_only(compose: dict) -> None:
    bi = {name: svc for name, svc in _services(compose).items() if "bi" in svc.get("profiles", [])}
    assert bi, "no service under the `bi` profile"
    for name, service in bi.items():
        mount = _mount_of(service, "govperf-warehouse")
        assert mount is not None, f"{name} does not mount the warehouse"
        assert mount.get("read_only") is True, f"{name} must mount the warehouse read-only"
        assert _mount_of(service, "govperf-data") is None, f"{name} has no business with the raw store"


def test_only_the_pipeline_mounts_the_warehouse_writable(compose: dict) -> None:
    writers = {
        name
        for name, svc in _services(compose).items()
        if (m := _mount_of(svc, "govperf-warehouse")) is not None and not m.get("read_only")
    }
    assert writers == AIRFLOW_SERVICES


def test_bi_build_context_exists(compose: dict) -> None:
    for service in _services(compose).values():
        if "bi" in service.get("profiles", []) and "build" in service:
            context = REPO_ROOT / service["build"]["context"]
            assert (context / service["build"].get("dockerfile", "Dockerfile")).is_file()


# --- secrets --------------------------------------------------------------------------------------


def _environment_items(compose: dict):
    for name, service in _services(compose).items():
        env = service.get("environment", {})
        items = env.items() if isinstance(env, dict) else (e.partition("=")[::2] for e in env)
        for key, value in items:
            yield name, key, "" if value is None else str(value)


def test_secret_settings_come_only_from_variables(compose: dict) -> None:
    for service, key, value in _environment_items(compose):
        if SECRET_NAME.search(key) and not key.endswith("_FILE"):
            assert is_single_variable(value), f"{service}: {key} must be a ${{VAR}}, not a literal"
            (use,) = variable_uses(value)
            assert use.default is None, f"{service}: {key} has a default, i.e. a committed secret"


def test_credentials_in_urls_come_only_from_variables(compose_text: str) -> None:
    for match in re.finditer(r"[a-z0-9+]+://([^/@\s]*)@", compose_text):
        userinfo = match.group(1)
        # Mask each ${...} (its ":-" would look like the user:password separator).
        references = [use for use in re.findall(r"\$\{[^}]*\}", userinfo)]
        masked = re.sub(r"\$\{[^}]*\}", "\x00", userinfo)
        _, separator, password = masked.partition(":")
        if not separator:
            continue
        assert password == "\x00", f"literal credentials in {match.group(0)}"
        assert is_single_variable(references[-1]), match.group(0)


def test_each_secret_variable_is_required_somewhere(compose: dict, compose_text: str) -> None:
    secret_vars = {
        use.name
        for _, key, value in _environment_items(compose)
        if SECRET_NAME.search(key) and not key.endswith("_FILE")
        for use in variable_uses(value)
    }
    secret_vars |= {
        use.name for use in variable_uses(compose_text) if SECRET_NAME.search(use.name) and use.required
    }
    assert {"POSTGRES_PASSWORD", "AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET"} <= secret_vars
    required = {use.name for use in variable_uses(compose_text) if use.required}
    assert secret_vars <= required, (
        f"secrets without ${{VAR:?…}} (compose would start with empty ones): {secret_vars - required}"
    )


# --- .env.example ---------------------------------------------------------------------------------


def test_every_variable_has_an_entry_in_env_example(compose_text: str, env_example: dict) -> None:
    used = {use.name for use in variable_uses(compose_text)}
    assert used, "no ${VAR} found: the parser or the compose file changed"
    assert not used - env_example.keys(), f"missing from .env.example: {sorted(used - env_example.keys())}"
    assert not env_example.keys() - used, f"unused in compose: {sorted(env_example.keys() - used)}"


def test_env_example_defaults_agree_with_compose(compose_text: str, env_example: dict) -> None:
    for use in variable_uses(compose_text):
        if use.default is not None:
            assert env_example[use.name] == use.default, f"{use.name}: .env.example and compose disagree"


def test_env_example_leaves_every_secret_empty(compose_text: str, env_example: dict) -> None:
    required = {use.name for use in variable_uses(compose_text) if use.required}
    for name, value in env_example.items():
        if name in required or SECRET_NAME.search(name):
            assert value == "", f".env.example must not carry a value for secret {name}"


# --- Dockerfile -----------------------------------------------------------------------------------


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile: continuations joined, comment lines dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or (not stripped and pending):
            continue
        if not stripped:
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical = pending + stripped
        pending = ""
        keyword, _, args = logical.partition(" ")
        instructions.append((keyword.upper(), " ".join(args.split())))
    assert not pending, "Dockerfile ends inside a continued line"
    return instructions


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    return dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8"))


def _copies(instructions: list[tuple[str, str]]) -> dict[str, str]:
    """COPY source -> destination (single-source COPYs, flags dropped)."""
    copies = {}
    for keyword, args in instructions:
        if keyword == "COPY":
            words = [w for w in args.split() if not w.startswith("--")]
            copies[words[0]] = words[-1]
    return copies


def _pip_installs(instructions: list[tuple[str, str]]) -> list[tuple[int, list[str]]]:
    """(instruction index, words) of every `pip install` command in RUN instructions."""
    found = []
    for index, (keyword, args) in enumerate(instructions):
        if keyword != "RUN":
            continue
        for command in re.split(r"&&|;", args):
            words = command.split()
            if words[:2] == ["pip", "install"] or words[:4] == ["python", "-m", "pip", "install"]:
                found.append((index, words))
    return found


def _requirement_files(words: list[str]) -> list[str]:
    return [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-r", "--requirement")]


def test_dockerfile_starts_from_python_311_slim(dockerfile) -> None:
    (keyword, base) = dockerfile[0]
    assert keyword == "FROM" and base == "python:3.11-slim"


def test_dockerfile_installs_both_locks_with_hashes(dockerfile) -> None:
    copies = _copies(dockerfile)
    lock_in_image = copies["requirements.lock"]
    extras_in_image = copies["docker/requirements-deploy.lock"]
    hashed = [
        (index, words)
        for index, words in _pip_installs(dockerfile)
        if "--require-hashes" in words and lock_in_image in _requirement_files(words)
    ]
    assert hashed, "no `pip install --require-hashes -r requirements.lock`"
    index, words = hashed[0]
    assert extras_in_image in _requirement_files(words), "deployment extras not installed with the lock"
    assert "--no-deps" in words, "hashed locks are complete: pip must not resolve beyond them"
    assert "pip check" in dockerfile[index][1], "the combined environment is not verified"


def test_dockerfile_installs_the_project_without_dependencies_after_the_locks(dockerfile) -> None:
    installs = _pip_installs(dockerfile)
    lock_index = min(i for i, words in installs if "--require-hashes" in words)
    project = [(i, w) for i, w in installs if "-e" in w and "/opt/govperf" in w]
    assert project, "the project is not installed (editable) at /opt/govperf"
    index, words = project[0]
    assert "--no-deps" in words and index > lock_index
    unhashed = [w for i, w in installs if "--require-hashes" not in w and w not in [pw for _, pw in project]]
    assert not unhashed, f"packages installed without hashes: {unhashed}"


def test_dockerfile_copies_only_existing_paths(dockerfile) -> None:
    for source in _copies(dockerfile):
        assert (REPO_ROOT / source).exists(), f"COPY {source}: not in the repository"


def test_dockerfile_installs_libreoffice_and_cjk_fonts(dockerfile) -> None:
    apt = " ".join(args for keyword, args in dockerfile if keyword == "RUN" and "apt-get install" in args)
    for package in ("libreoffice-writer-nogui", "fonts-noto-cjk", "curl"):
        assert re.search(rf"(^|\s){re.escape(package)}(\s|$)", apt), package


def test_dockerfile_runs_as_an_unprivileged_user(dockerfile) -> None:
    users = [args for keyword, args in dockerfile if keyword == "USER"]
    assert users and users[-1] not in ("root", "0"), "the image must not run as root"


def test_dockerfile_parser_joins_continuations_and_drops_comments() -> None:
    parsed = dockerfile_instructions("FROM a\n# c\nRUN x \\\n  # inner\n  && y\n\nUSER u\n")
    assert parsed == [("FROM", "a"), ("RUN", "x && y"), ("USER", "u")]
