"""One run at a time per DATA_DIR: a lease file the run takes when it starts and returns when it ends.

Why the pipeline's own lock, not DuckDB's: DuckDB locks only the warehouse file, and only while
it is open.  Two runs on one DATA_DIR crawled every portal twice, raced on the staging folder
and the build file, and one of them failed late on DuckDB's lock.  Why a lease file rather than
``flock``: a DAG run is many task processes, possibly on several workers, so no one process can
hold a lock for the whole run.  The lease names its run: every step of that run may proceed
(``acquire`` is re-entrant for the same run id), any other run is refused with who holds it.

A lease outlives a run that could not return it (a killed CLI process, a scheduler that died):
a CLI run's lease is stale once its process is gone (same host), any lease once it is older
than ``Settings.run_lease_max_age_h``; a stale lease is taken over with a warning.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from extractors.settings import Settings

log = logging.getLogger(__name__)

LEASE_NAME = "run.lease"


class RunLockedError(RuntimeError):
    """Another run holds DATA_DIR.  Not permanent: that run ends, and a retry later succeeds."""


@dataclass(frozen=True)
class RunLease:
    run_id: str
    owner: str  # "cli" or "airflow"
    pid: int
    host: str
    started_at: str  # ISO 8601, UTC

    def describe(self) -> str:
        return f"run {self.run_id} ({self.owner}, pid {self.pid} on {self.host}, since {self.started_at})"


def lease_path(settings: Settings) -> Path:
    return settings.data_dir / LEASE_NAME


def holder(settings: Settings) -> RunLease | None:
    """The lease in force, or None (none, unreadable or stale)."""
    lease = _read(lease_path(settings))
    if lease is None or _stale(lease, settings):
        return None
    return lease


def acquire(settings: Settings, run_id: str, owner: str) -> RunLease:
    """Take DATA_DIR for ``run_id`` (or confirm it holds it); raise ``RunLockedError`` naming the
    run that holds it otherwise."""
    path = lease_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    mine = RunLease(run_id, owner, os.getpid(), socket.gethostname(), datetime.now(UTC).isoformat())
    for _attempt in range(3):
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            current = _read(path)
            if current is not None and current.run_id == run_id:
                return current
            if current is not None and not _stale(current, settings):
                raise RunLockedError(
                    f"{settings.data_dir} is in use by {current.describe()}: wait until it finishes"
                    f" (or remove {path} if that run is gone)"
                ) from None
            log.warning(
                "taking over the stale lease of %s", current.describe() if current else "an unreadable lease"
            )
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            continue
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(asdict(mine), out)
        return mine
    raise RunLockedError(f"{path}: another run took DATA_DIR while this one started; try again")


def release(settings: Settings, run_id: str) -> bool:
    """Return the lease if ``run_id`` holds it; True when it did."""
    path = lease_path(settings)
    current = _read(path)
    if current is None or current.run_id != run_id:
        return False
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    return True


def require_free_or_mine(settings: Settings, run_id: str | None) -> None:
    """For a single step run by hand (build, publish): refuse while another run holds DATA_DIR."""
    current = holder(settings)
    if current is not None and current.run_id != run_id:
        raise RunLockedError(f"{settings.data_dir} is in use by {current.describe()}: wait until it finishes")


def _read(path: Path) -> RunLease | None:
    try:
        payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return RunLease(**payload)
    except (OSError, ValueError, TypeError):
        return None


def _stale(lease: RunLease, settings: Settings) -> bool:
    try:
        started = datetime.fromisoformat(lease.started_at)
    except ValueError:
        return True
    if datetime.now(UTC) - started > timedelta(hours=settings.run_lease_max_age_h):
        return True
    if lease.owner == "cli" and lease.host == socket.gethostname():
        return not _process_alive(lease.pid)
    return False


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
