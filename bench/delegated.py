"""Benchmarks owned by other parts of bench/ (``bench.warehouse``: item 5, ``bench.crawl``: crawl
figures), run as they ship rather than re-implemented here.

Why a subprocess: those packages keep their own command line and settings;
the runner only needs their figures.  A package that is not there yet (or
fails) is reported as "not available" with the reason, never silently skipped.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from bench.measure import run_measured
from extractors.settings import PROJECT_ROOT

DELEGATED = {"warehouse": "bench.warehouse", "crawl": "bench.crawl"}


def _runnable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module + ".__main__") is not None
    except ModuleNotFoundError:
        return False


def _parse_json_output(text: str) -> Any:
    """The whole stdout as JSON, else its last line that parses as a JSON object."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    for line in reversed(text.strip().splitlines()):
        if line.lstrip().startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


def _accepts_out(command: list[str], env: dict[str, str]) -> bool:
    """Whether the module's command line has ``--out PATH`` (then its JSON is read from there)."""
    import subprocess

    try:
        shown = subprocess.run(
            [*command, "--help"], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True
        )
    except OSError:
        return False
    return shown.returncode == 0 and re.search(r"--out(?![\w-])", shown.stdout) is not None


def run_delegated(name: str, log_dir: Path, *, quick: bool) -> dict[str, Any]:
    """Run ``python -m bench.<name>``; its stdout (JSON or a printed table) becomes the item's result."""
    module = DELEGATED[name]
    if not _runnable(module):
        return {"available": False, "reason": f"{module} is not in this checkout (no {module}.__main__)"}
    log_path = log_dir / f"{name}.log"
    log_path.unlink(missing_ok=True)
    json_path = log_dir / f"{name}.json"
    json_path.unlink(missing_ok=True)
    env = dict(os.environ) | ({"BENCH_QUICK": "1"} if quick else {})
    command = [sys.executable, "-m", module]
    if _accepts_out(command, env):
        command += ["--out", str(json_path)]
    stats = run_measured(command, env=env, cwd=PROJECT_ROOT, log_path=log_path)
    output = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    payload = _parse_json_output(json_path.read_text(encoding="utf-8")) if json_path.exists() else None
    return {
        "available": stats.returncode == 0,
        "reason": None if stats.returncode == 0 else f"{module} exited {stats.returncode}; see {log_path}",
        "wall_s": stats.wall_s,
        "peak_rss_mib": stats.peak_rss_mib,
        "result": payload if payload is not None else _parse_json_output(output),
        "output": output[-20000:],
        "log": str(log_path),
    }
