"""The tree stays ruff-clean: `make test` fails on a lint or format slip, as CI does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from extractors.settings import PROJECT_ROOT

RUFF = Path(sys.executable).with_name("ruff")


def test_ruff_check_passes() -> None:
    result = subprocess.run([str(RUFF), "check", "."], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied() -> None:
    result = subprocess.run(
        [str(RUFF), "format", "--check", "."], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
