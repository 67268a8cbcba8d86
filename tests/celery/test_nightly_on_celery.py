"""The nightly DAG on Airflow's CeleryExecutor with two workers yields the sample portal's ground truth.

Real services: PostgreSQL metadata, Redis broker, the api-server's execution
API, the dag-processor, the scheduler and two ``airflow celery worker``
processes (concurrency 1 each), all started by ``scripts/celery_stack.py``.
Same portal and the same checks as tests/e2e (which runs the embedded
``airflow dags test``), so the two executors must publish the same facts.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from celery_support import (
    FIGURES,
    WAREHOUSE_POOL,
    LocalCeleryStack,
    PortalRun,
    duplicated_keys,
    expected_facts,
    portal_env,
    run_on_fresh_workers,
    staged_duplicates,
    stray_partial_files,
    time_by_task,
    warehouse_facts,
)

pytestmark = [pytest.mark.slow, pytest.mark.celery]


@pytest.fixture(scope="module")
def celery_run(
    celery_stack: LocalCeleryStack, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PortalRun]:
    from extractors.samples.portal import build_sample_portal, load_ground_truth, running_sample_portal

    root = tmp_path_factory.mktemp("celery_nightly")
    site = build_sample_portal(root / "site")
    with running_sample_portal(site) as portal:
        # Batches of 3: several mapped extract tasks for the two workers to share.
        env = portal_env(root, portal.base_url, EXTRACT_BATCH_SIZE="3")
        run = run_on_fresh_workers(celery_stack, "celery_nightly", env, load_ground_truth(site))
    duration = (run.dag_run["end_date"] - run.dag_run["start_date"]).total_seconds()
    FIGURES["sample run, CeleryExecutor, 2 workers"] = (
        f"{run.wall_s:.1f} s from trigger to finished ({duration:.1f} s DAG run duration), state {run.state};"
        f" task seconds: {time_by_task(run.task_instances)}"
    )
    yield run


def test_run_succeeds_with_every_task_on_its_first_try(celery_run: PortalRun) -> None:
    assert celery_run.state == "success", celery_run.diagnostics
    assert all(ti["state"] == "success" for ti in celery_run.task_instances), celery_run.diagnostics
    assert all(ti["try_number"] == 1 for ti in celery_run.task_instances), celery_run.diagnostics
    extract = [ti for ti in celery_run.task_instances if ti["task_id"] == "extract"]
    assert len(extract) >= 2, "the sample portal in batches of 3 must map several extract tasks"


def test_tasks_ran_on_both_celery_workers(celery_run: PortalRun) -> None:
    # Tasks the scheduler completes itself (empty operators) never reach a worker.
    executed = [ti for ti in celery_run.task_instances if ti["external_executor_id"]]
    workers = [(ti["task_id"], ti["map_index"], celery_run.worker_of(ti)) for ti in executed]
    assert any(ti["task_id"] == "extract" for ti in executed)
    assert all(worker for *_, worker in workers), f"a task no worker log says it received: {workers}"
    assert len({worker for *_, worker in workers}) == 2, workers


def test_warehouse_writers_share_the_one_slot_pool(
    celery_run: PortalRun, celery_stack: LocalCeleryStack
) -> None:
    assert celery_stack.sql("SELECT slots FROM slot_pool WHERE pool = %s", (WAREHOUSE_POOL,)) == [
        {"slots": 1}
    ]
    # The warehouse writers: its preparation, the one dbt build (the cosmos producer), the
    # docs and publish.  The model watchers only read the build's outcome (a retry of a
    # failed model writes, after the build) and stay out of the one slot; every dbt task
    # still ends before publish starts.
    writer_ids = {"prepare_build", "dbt_build.dbt_producer_watcher", "dbt_docs", "publish"}
    ran = [ti for ti in celery_run.task_instances if ti["external_executor_id"]]
    writers = [ti for ti in ran if ti["task_id"] in writer_ids]
    assert {ti["task_id"] for ti in writers} == writer_ids
    assert all(ti["pool"] == WAREHOUSE_POOL for ti in writers), [(t["task_id"], t["pool"]) for t in writers]
    publish = celery_run.ti("publish")
    dbt_tasks = [ti for ti in ran if ti["task_id"].split(".")[0] == "dbt_build"]
    assert len(dbt_tasks) > 1
    assert all(
        ti["end_date"] <= publish["start_date"] for ti in dbt_tasks + writers if ti["task_id"] != "publish"
    )


def test_published_facts_equal_the_ground_truth(celery_run: PortalRun) -> None:
    assert warehouse_facts(celery_run.warehouse) == expected_facts(celery_run.ground_truth)


def test_nothing_is_duplicated_or_half_written(celery_run: PortalRun) -> None:
    assert set(duplicated_keys(celery_run.warehouse).values()) == {0}
    assert set(staged_duplicates(celery_run.data_dir, celery_run.run_id).values()) == {0}
    assert stray_partial_files(celery_run.data_dir, celery_run.warehouse.parent) == []
