"""Write docker/requirements-deploy.lock: the image's packages beyond requirements.lock, hashed.

Why a second lock: the production image needs the Celery provider, a Postgres
driver and a build backend that the project's own environment does not, yet
the image must install nothing unpinned or unhashed.  Resolving
docker/requirements-deploy.in *against* requirements.lock (as constraints)
guarantees the two files co-install; emitting only the packages the base lock
lacks keeps them disjoint, so ``pip install --require-hashes -r
requirements.lock -r docker/requirements-deploy.lock`` sees each package once.

Run after requirements.lock changes:  python docker/lock_deploy_extras.py
(needs ``uv`` and access to the package index).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BASE_LOCK = REPO_ROOT / "requirements.lock"
EXTRAS_IN = REPO_ROOT / "docker" / "requirements-deploy.in"
EXTRAS_LOCK = REPO_ROOT / "docker" / "requirements-deploy.lock"
PYTHON_VERSION = "3.11"

_PINNED_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==")


def pinned_names(lock_text: str) -> list[str]:
    """Names of the packages a hashed lock pins, in file order, normalised (PEP 503)."""
    names = []
    for line in lock_text.splitlines():
        match = _PINNED_LINE.match(line)
        if match:
            names.append(re.sub(r"[-_.]+", "-", match.group(1)).lower())
    return names


def compile_command(base_names: list[str]) -> list[str]:
    """The uv invocation: resolve the extras under the base lock, emit only what it lacks."""
    command = [
        "uv",
        "pip",
        "compile",
        str(EXTRAS_IN.relative_to(REPO_ROOT)),
        "--constraint",
        str(BASE_LOCK.relative_to(REPO_ROOT)),
        "--python-version",
        PYTHON_VERSION,
        "--generate-hashes",
        "--custom-compile-command",
        "python docker/lock_deploy_extras.py",
        "--output-file",
        str(EXTRAS_LOCK.relative_to(REPO_ROOT)),
    ]
    for name in base_names:
        command += ["--no-emit-package", name]
    return command


def main() -> int:
    base_names = pinned_names(BASE_LOCK.read_text(encoding="utf-8"))
    if not base_names:
        print(f"no pinned packages found in {BASE_LOCK}", file=sys.stderr)
        return 2
    return subprocess.run(compile_command(base_names), cwd=REPO_ROOT, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
