"""Install, set up and serve Apache Superset for govperf's warehouse.

Why a virtualenv of its own (``bi/superset/.venv``, from ``bi/superset/requirements.lock``):
Superset 6.1 pins SQLAlchemy 1.4, pandas 2.1 and numpy < 2.3; Airflow 3 needs SQLAlchemy 2.
This module is plain standard library, so the project's environment (or any Python 3.11)
drives it; everything Superset-side runs in Superset's own interpreter (``bootstrap.py``).

    python -m bi.superset setup     # venv (cached), metadata, admin, dashboards: idempotent
    python -m bi.superset serve     # gunicorn on SUPERSET_HOST:SUPERSET_PORT (127.0.0.1:8088)
    python -m bi.superset install   # the venv alone (a Docker image's build step)

Configuration comes from the environment (``SupersetSettings.from_env``); nothing is fixed
here but defaults.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent.parent


class SupersetSetupError(RuntimeError):
    """Superset could not be installed or set up; the message says which step and why."""


@dataclass(frozen=True)
class SupersetSettings:
    """Where Superset lives and what it serves.

    ``venv`` and ``cache_dir`` are build products keyed by the lock file (safe to delete);
    ``home`` holds the metadata (users, dashboards) and the secret key — back it up.
    """

    warehouse_path: Path
    home: Path
    venv: Path = HERE / ".venv"
    cache_dir: Path = HERE / ".cache"
    bundle_dir: Path = HERE / "dashboards"
    lock_file: Path = HERE / "requirements.lock"
    config_file: Path = HERE / "superset_config.py"
    host: str = "127.0.0.1"
    port: int = 8088
    admin_user: str = "admin"
    workers: int = 1
    threads: int = 8

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SupersetSettings:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("DATA_DIR", PROJECT_ROOT / "data"))
        return cls(
            warehouse_path=Path(env.get("WAREHOUSE_PATH", PROJECT_ROOT / "warehouse" / "warehouse.duckdb")),
            home=Path(env.get("SUPERSET_HOME", data_dir / "superset")),
            venv=Path(env.get("SUPERSET_VENV", HERE / ".venv")),
            cache_dir=Path(env.get("SUPERSET_CACHE_DIR", HERE / ".cache")),
            host=env.get("SUPERSET_HOST", "127.0.0.1"),
            port=int(env.get("SUPERSET_PORT", "8088")),
            admin_user=env.get("SUPERSET_ADMIN_USER", "admin"),
            workers=int(env.get("SUPERSET_WORKERS", "1")),
            threads=int(env.get("SUPERSET_THREADS", "8")),
        )

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def lock_digest(self) -> str:
        return hashlib.sha256(self.lock_file.read_bytes()).hexdigest()[:16]

    @property
    def metadata_template(self) -> Path:
        """A migrated, initialised metadata file for this lock: a fresh set-up copies it."""
        return self.cache_dir / f"metadata-{self.lock_digest()}.db"


def ensure_venv(settings: SupersetSettings) -> bool:
    """Install Superset's locked requirements into its venv unless this lock is installed already.

    Returns True when it installed.  uv installs with hashes checked; its cache (~/.cache/uv)
    makes a reinstall on the same machine take seconds.
    """
    stamp = settings.venv / ".installed"
    digest = settings.lock_digest()
    if settings.python.exists() and stamp.exists() and stamp.read_text().strip() == digest:
        return False
    uv = shutil.which("uv")
    if uv is None:
        raise SupersetSetupError(
            "uv is not installed (scripts/setup.sh installs it): cannot create Superset's venv"
        )
    if not settings.python.exists():
        _run([uv, "venv", "--quiet", "--python", _python311(), str(settings.venv)], "create Superset's venv")
    _run(
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--require-hashes",
            "--compile-bytecode",
            "-r",
            str(settings.lock_file),
        ],
        "install bi/superset/requirements.lock",
        env={**os.environ, "VIRTUAL_ENV": str(settings.venv)},
    )
    stamp.write_text(digest + "\n")
    return True


def _python311() -> str:
    """Superset 6.1 supports 3.10–3.12; use the interpreter the project itself runs on."""
    base = getattr(sys, "_base_executable", None) or sys.executable
    return base if sys.version_info[:2] == (3, 11) else (shutil.which("python3.11") or "python3.11")


def _run(command: list[str], what: str, env: Mapping[str, str] | None = None) -> str:
    result = subprocess.run(command, capture_output=True, text=True, env=dict(env or os.environ), check=False)
    if result.returncode != 0:
        raise SupersetSetupError(f"{what} failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result.stdout


def superset_environment(settings: SupersetSettings) -> dict[str, str]:
    """What Superset's processes read: its config file, its home, the warehouse."""
    return {
        **os.environ,
        "SUPERSET_CONFIG_PATH": str(settings.config_file),
        "SUPERSET_HOME": str(settings.home),
        "FLASK_APP": "superset",
        "WAREHOUSE_PATH": str(settings.warehouse_path.absolute()),
        "SUPERSET_ADMIN_USER": settings.admin_user,
        "GOVPERF_SUPERSET_BUNDLE": str(settings.bundle_dir),
        "GOVPERF_SUPERSET_TEMPLATE": str(settings.metadata_template),
        "PYTHONWARNINGS": "ignore",
    }


def admin_password(settings: SupersetSettings) -> str:
    """SUPERSET_ADMIN_PASSWORD, or a random one kept in SUPERSET_HOME/admin_password (mode 600)."""
    given = os.environ.get("SUPERSET_ADMIN_PASSWORD")
    if given:
        return given
    path = settings.home / "admin_password"
    if not path.exists():
        _write_private(path, secrets.token_urlsafe(18))
    return path.read_text().strip()


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")


def setup(settings: SupersetSettings) -> dict[str, object]:
    """Venv, metadata, admin, dashboards — idempotent; returns what it did and how long each took."""
    started = time.monotonic()
    installed = ensure_venv(settings)
    venv_s = round(time.monotonic() - started, 1)
    settings.home.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("SUPERSET_SECRET_KEY") and not (settings.home / "secret_key").exists():
        _write_private(settings.home / "secret_key", secrets.token_urlsafe(42))
    env = superset_environment(settings) | {"SUPERSET_ADMIN_PASSWORD": admin_password(settings)}
    output = _run([str(settings.python), str(HERE / "bootstrap.py")], "Superset set-up (bootstrap.py)", env)
    report = json.loads(output.strip().splitlines()[-1])
    return {
        "venv_installed": installed,
        "venv_s": venv_s,
        **report,
        "setup_s": round(time.monotonic() - started, 1),
    }


def serve_command(settings: SupersetSettings) -> list[str]:
    """gunicorn as Superset documents it; one worker with threads suits a 2-core host."""
    return [
        str(settings.venv / "bin" / "gunicorn"),
        "--workers",
        str(settings.workers),
        "--threads",
        str(settings.threads),
        "--worker-class",
        "gthread",
        "--timeout",
        "120",
        "--bind",
        f"{settings.host}:{settings.port}",
        "--access-logfile",
        "-",
        "superset.app:create_app()",
    ]


def serve(settings: SupersetSettings, log_file: Path | None = None) -> subprocess.Popen[bytes]:
    """Start Superset in the background (the caller stops it); wait until it answers /health."""
    out = open(log_file, "ab") if log_file else subprocess.DEVNULL  # noqa: SIM115 - handed to the child
    process = subprocess.Popen(
        serve_command(settings), env=superset_environment(settings), stdout=out, stderr=subprocess.STDOUT
    )
    wait_until_healthy(settings, process)
    return process


def wait_until_healthy(
    settings: SupersetSettings, process: subprocess.Popen[bytes], timeout_s: float = 120
) -> None:
    from urllib.error import URLError
    from urllib.request import urlopen

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SupersetSetupError(
                f"Superset exited ({process.returncode}) before answering {settings.url}/health"
            )
        try:
            with urlopen(f"{settings.url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (URLError, OSError):
            time.sleep(0.5)
    raise SupersetSetupError(f"Superset did not answer {settings.url}/health within {timeout_s:g} s")


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bi.superset", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["setup", "serve", "install"])
    args = parser.parse_args(argv)
    settings = SupersetSettings.from_env()
    if args.command == "setup":
        report = setup(settings)
        print(json.dumps(report))
        password = (
            "SUPERSET_ADMIN_PASSWORD"
            if os.environ.get("SUPERSET_ADMIN_PASSWORD")
            else settings.home / "admin_password"
        )
        print(f"Superset ready: `python -m bi.superset serve`, then {settings.url}/")
        print(f"  user {settings.admin_user}, password in {password}")
        return 0
    installed = ensure_venv(settings)
    if args.command == "install":
        print(f"Superset's venv at {settings.venv}: {'installed' if installed else 'already current'}")
        return 0
    os.execvpe(serve_command(settings)[0], serve_command(settings), superset_environment(settings))
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
