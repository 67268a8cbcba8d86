"""A Celery worker SIGKILLed in the middle of an extract task: the run completes, nothing lost or doubled.

The extract task gets every document of a larger sample portal in one batch
and one document process at a time, so it is still running when its first
records are on disk.  Then its whole worker (Celery, the task supervisor, the
task and its document processes) is killed with SIGKILL, as a dying machine
would be.  The scheduler notices the missing heartbeats, the retry runs on the
surviving worker, reuses the records already written, and the published facts
equal the ground truth.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest
from celery_support import (
    FIGURES,
    HEARTBEAT_TIMEOUT_S,
    LocalCeleryStack,
    PortalRun,
    duplicated_keys,
    expected_facts,
    kill_worker_mid_extract,
    portal_env,
    process_alive,
    record_count,
    run_on_fresh_workers,
    staged_duplicates,
    stray_partial_files,
    warehouse_facts,
)

pytestmark = [pytest.mark.slow, pytest.mark.celery]

N_REPORTS = 16  # twice the default portal: the extract task runs long enough to be caught


@pytest.fixture(scope="module")
def killed_run(
    celery_stack: LocalCeleryStack, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PortalRun]:
    from extractors.samples.portal import build_sample_portal, load_ground_truth, running_sample_portal

    root = tmp_path_factory.mktemp("celery_kill")
    site = build_sample_portal(root / "site", n_reports=N_REPORTS)
    ground_truth = load_ground_truth(site)
    with running_sample_portal(site) as portal:
        env = portal_env(root, portal.base_url, EXTRACT_BATCH_SIZE="1000", EXTRACT_WORKERS="1")
        kill = partial(
            kill_worker_mid_extract,
            records_dir=root / "data" / "records",
            batch_size=len({doc["sha256"] for doc in ground_truth}),  # record files: one per document
        )
        run = run_on_fresh_workers(
            celery_stack, "celery_worker_killed", env, ground_truth, while_running=kill
        )
    killed = run.kill
    retried = run.ti("extract", killed.map_index)
    outcome = celery_stack.xcom_value(run.run_id, "extract", killed.map_index) or {}
    first_try = [h for h in run.history if h["task_id"] == "extract" and h["try_number"] == killed.try_number]
    noticed = first_try[0]["end_date"] if first_try and first_try[0]["end_date"] else None
    FIGURES["kill test"] = (
        f"SIGKILL {killed.worker} (pid {killed.worker_pid}) while it ran extract[{killed.map_index}]"
        f" try {killed.try_number} with {killed.records_before_kill}/{killed.batch_size} records written;"
        f" scheduler failed that try {(noticed - killed.killed_at).total_seconds():.1f} s later"
        if noticed
        else f"SIGKILL {killed.worker} during extract[{killed.map_index}] (try end not recorded)"
    ) + (
        f"; retry try {retried['try_number']} on {run.worker_of(retried)} {retried['state']},"
        f" extracted {outcome.get('extracted')} of {outcome.get('documents')} documents;"
        f" run {run.state} {(run.dag_run['end_date'] - killed.killed_at).total_seconds():.1f} s"
        " after the kill"
        f" ({run.wall_s:.1f} s from trigger)"
    )
    yield run


def test_run_completes_after_the_worker_died(killed_run: PortalRun) -> None:
    assert killed_run.kill is not None
    assert killed_run.state == "success", killed_run.diagnostics
    assert all(ti["state"] == "success" for ti in killed_run.task_instances), killed_run.diagnostics


def test_the_kill_took_the_whole_worker_and_left_no_process_behind(killed_run: PortalRun) -> None:
    killed = killed_run.kill
    assert killed.worker_pid in killed.killed_pids
    assert killed.task_pid in killed.killed_pids, "the task itself must die with its worker"
    assert [pid for pid in killed.killed_pids if process_alive(pid)] == []


def test_the_interrupted_task_was_retried_on_the_surviving_worker(killed_run: PortalRun) -> None:
    killed = killed_run.kill
    retried = killed_run.ti("extract", killed.map_index)
    assert retried["try_number"] == killed.try_number + 1, killed_run.diagnostics
    assert killed_run.worker_of(retried) not in (None, killed.worker)
    first = [
        h
        for h in killed_run.history
        if h["task_id"] == "extract"
        and h["map_index"] == killed.map_index
        and h["try_number"] == killed.try_number
    ]
    assert first and first[0]["state"] in ("failed", "up_for_retry"), killed_run.history
    # Failed by the heartbeat check, not by anything the task did.
    assert (first[0]["end_date"] - killed.killed_at).total_seconds() >= HEARTBEAT_TIMEOUT_S * 0.8


def test_the_retry_reused_the_records_written_before_the_kill(
    killed_run: PortalRun, celery_stack: LocalCeleryStack
) -> None:
    killed = killed_run.kill
    outcome = celery_stack.xcom_value(killed_run.run_id, "extract", killed.map_index)
    assert outcome["documents"] == killed.batch_size
    assert 1 <= outcome["extracted"] <= killed.batch_size - killed.records_before_kill
    assert record_count(killed_run.data_dir / "records") == killed.batch_size


def test_published_facts_equal_the_ground_truth(killed_run: PortalRun) -> None:
    assert warehouse_facts(killed_run.warehouse) == expected_facts(killed_run.ground_truth)


def test_nothing_is_duplicated_or_half_written(killed_run: PortalRun) -> None:
    assert set(duplicated_keys(killed_run.warehouse).values()) == {0}
    assert set(staged_duplicates(killed_run.data_dir, killed_run.run_id).values()) == {0}
    assert stray_partial_files(killed_run.data_dir, killed_run.warehouse.parent) == []
