"""One run at a time on a DATA_DIR: the second is refused with who holds it, a dead run's lease
is taken over, and every step of the holding run goes on."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from extractors import pipeline
from extractors.run_lease import RunLockedError, acquire, holder, lease_path, release
from extractors.settings import Settings


def test_a_second_run_is_refused_naming_the_first(isolated_settings: Settings) -> None:
    acquire(isolated_settings, "night-1", "airflow")
    with pytest.raises(RunLockedError, match=r"in use by run night-1 \(airflow, pid \d+") as refused:
        acquire(isolated_settings, "night-2", "cli")
    assert str(lease_path(isolated_settings)) in str(refused.value)
    assert acquire(isolated_settings, "night-1", "airflow").run_id == "night-1"  # its own steps go on
    assert release(isolated_settings, "night-1")
    assert acquire(isolated_settings, "night-2", "cli").run_id == "night-2"


def test_a_cli_run_that_died_leaves_a_lease_the_next_run_takes_over(isolated_settings: Settings) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    acquire(isolated_settings, "killed", "cli")
    lease = json.loads(lease_path(isolated_settings).read_text())
    lease_path(isolated_settings).write_text(json.dumps({**lease, "pid": int(dead.stdout)}))
    assert holder(isolated_settings) is None
    assert acquire(isolated_settings, "next", "cli").run_id == "next"


def test_a_lease_older_than_the_limit_is_stale(isolated_settings: Settings) -> None:
    acquire(isolated_settings, "stuck", "airflow")
    lease = json.loads(lease_path(isolated_settings).read_text())
    old = (datetime.now(UTC) - timedelta(hours=13)).isoformat()
    lease_path(isolated_settings).write_text(json.dumps({**lease, "started_at": old}))
    assert holder(isolated_settings) is None
    assert holder(replace(isolated_settings, run_lease_max_age_h=24)) is not None


def test_run_build_and_publish_refuse_while_another_run_holds_data_dir(isolated_settings: Settings) -> None:
    acquire(isolated_settings, "scheduled", "airflow")
    with pytest.raises(RunLockedError, match="in use by run scheduled"):
        pipeline.run_all(isolated_settings, "by-hand")
    assert not (isolated_settings.data_dir / "runs" / "by-hand").exists(), "nothing of the refused run"
    with pytest.raises(RunLockedError):
        pipeline.build(isolated_settings)
    with pytest.raises(RunLockedError):
        pipeline.publish(isolated_settings, "by-hand")
    assert holder(isolated_settings).run_id == "scheduled"  # the refused run took nothing
