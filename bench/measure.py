"""Timing and memory of a child process tree, measured by the kernel rather than by sampling.

Why wait4: its rusage covers the child and every descendant it reaped, so
``ru_maxrss`` is the peak resident size of the largest single process of the
tree (an extract worker, a dbt process) and the CPU times are the tree's total —
without a sampler that could miss a short peak.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

KIB_PER_MIB = 1024
LAUNCHER = Path(__file__).with_name("rusage_launcher.py")


@dataclass(frozen=True)
class ProcessStats:
    """What one measured command cost."""

    wall_s: float
    cpu_s: float  # user + system of the whole tree
    peak_rss_mib: float  # largest single process of the tree
    returncode: int
    timed_out: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_measured(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    log_path: Path | None = None,
    timeout_s: float | None = None,
) -> ProcessStats:
    """Run ``command`` to completion; stdout and stderr go to ``log_path`` (or are discarded).

    After ``timeout_s`` the command's whole process group (it runs in a session of
    its own) is terminated, then killed: a hung run costs its time budget, not the bench.
    """
    log_path = Path(log_path) if log_path else None
    if log_path:
        log_path.parent.mkdir(parents=True, exist_ok=True)
    report = Path(tempfile.mkstemp(prefix="bench-rusage-", suffix=".json")[1])
    launched = [sys.executable, "-I", "-S", str(LAUNCHER), str(report), "--", *command]
    with open(log_path or os.devnull, "ab") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(
            launched,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            stdout=sink,
            stderr=sink,
            start_new_session=True,
        )
        status, usage, timed_out = _wait_with_timeout(process.pid, started, timeout_s)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    peak_kib = usage.ru_maxrss  # includes the bench's own size (see rusage_launcher.py): a fallback only
    with contextlib.suppress(OSError, ValueError, KeyError):
        peak_kib = json.loads(report.read_text(encoding="utf-8"))["maxrss_kib"]
    report.unlink(missing_ok=True)
    return ProcessStats(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mib=peak_kib / KIB_PER_MIB,
        returncode=process.returncode,
        timed_out=timed_out,
    )


_WAIT_POLL_S = 0.2
_TERMINATE_GRACE_S = 10.0


def _wait_with_timeout(pid: int, started: float, timeout_s: float | None):  # type: ignore[no-untyped-def]
    """``os.wait4`` for ``pid``; past the timeout, SIGTERM then SIGKILL its process group."""
    if timeout_s is None:
        _, status, usage = os.wait4(pid, 0)
        return status, usage, False
    signals = [(timeout_s, signal.SIGTERM), (timeout_s + _TERMINATE_GRACE_S, signal.SIGKILL)]
    timed_out = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage, timed_out
        elapsed = time.perf_counter() - started
        while signals and elapsed >= signals[0][0]:
            _, sent = signals.pop(0)
            timed_out = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, sent)
        time.sleep(_WAIT_POLL_S)


def children_peak_rss_mib() -> float:
    """Peak resident size of the largest child this process has reaped so far (e.g. a worker)."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / KIB_PER_MIB


def children_cpu_s() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def self_peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / KIB_PER_MIB


def machine_load() -> dict[str, Any]:
    """CPU count and load averages: a loaded machine slows wall clocks, so results carry them."""
    one, five, fifteen = os.getloadavg()
    return {"cpus": os.cpu_count(), "load_1m": one, "load_5m": five, "load_15m": fifteen}
