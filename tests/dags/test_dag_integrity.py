"""The DAG folder imports cleanly, fast, and declares what the scheduler relies on."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from extractors.settings import PROJECT_ROOT

DAGS_DIR = PROJECT_ROOT / "dags"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


def test_dag_folder_has_no_import_errors(dagbag) -> None:
    assert dagbag.import_errors == {}
    assert "govperf_nightly" in dagbag.dags


def test_nightly_dag_schedule_tags_and_docs(dagbag) -> None:
    dag = dagbag.dags["govperf_nightly"]
    assert dag.catchup is False
    assert dag.tags >= {"govperf", "nightly"}
    assert dag.doc_md and "crawl" in dag.doc_md
    assert dag.max_active_runs == 1


def test_every_task_retries_with_backoff(dagbag) -> None:
    for task in dagbag.dags["govperf_nightly"].tasks:
        assert task.retries >= 2, task.task_id
        assert task.retry_exponential_backoff, task.task_id


DBT_PRODUCER = "dbt_build.dbt_producer_watcher"


def _dbt_tasks(dag) -> list:
    return [task for task in dag.tasks if task.task_id.startswith("dbt_build.")]


def test_hops_run_in_pipeline_order(dagbag) -> None:
    dag = dagbag.dags["govperf_nightly"]
    order = [
        "list_sources",
        "crawl",
        "sources_crawled",
        "plan_extraction",
        "extract",
        "stage",
        "warehouse_needed",
        "validate",
        "prepare_build",
        DBT_PRODUCER,
        "dbt_build.dbt_producer_watcher_done",
        "dbt_docs",
        "publish",
    ]
    for upstream, downstream in itertools.pairwise(order):
        assert downstream in dag.get_task(upstream).downstream_task_ids, (upstream, downstream)
    # docs and publish wait for every model's and test's outcome, not only for the build process
    leaves = [task for task in _dbt_tasks(dag) if not task.downstream_task_ids - {"dbt_docs"}]
    assert len(leaves) > 5
    assert all("dbt_docs" in task.downstream_task_ids for task in leaves)


def test_every_dbt_model_and_its_tests_is_a_visible_task(dagbag) -> None:
    import json

    from extractors.settings import load_settings
    from extractors.warehouse import manifest_path

    manifest = json.loads(manifest_path(load_settings()).read_text(encoding="utf-8"))
    nodes = manifest["nodes"].values()
    models = {node["unique_id"]: node["name"] for node in nodes if node["resource_type"] == "model"}
    tested = {
        models[parent]
        for node in nodes
        if node["resource_type"] == "test"
        for parent in node["depends_on"]["nodes"]
        if parent in models
    }
    task_ids = {task.task_id for task in _dbt_tasks(dagbag.dags["govperf_nightly"])}
    assert {"fct_budget_execution", "fct_indicator_achievement", "dim_region", "dim_indicator"} <= tested
    # a model with tests is a small group (<name>.run, <name>.test); one without, a task <name>_run
    assert (
        sorted(
            name
            for name in models.values()
            if not {f"dbt_build.{name}.run", f"dbt_build.{name}_run"} & task_ids
        )
        == []
    )
    assert sorted(name for name in tested if f"dbt_build.{name}.test" not in task_ids) == []
    assert "dbt_build.region_divisions.seed" in task_ids


def test_warehouse_writers_share_the_single_slot_pool(dagbag) -> None:
    """prepare_build, the one dbt build (the producer), dbt docs and publish write the warehouse."""
    dag = dagbag.dags["govperf_nightly"]
    writers = ["prepare_build", DBT_PRODUCER, "dbt_docs", "publish"]
    assert {dag.get_task(task_id).pool for task_id in writers} == {"warehouse"}


def test_model_watchers_wait_for_the_build_outside_the_writer_pool(dagbag) -> None:
    """~60 watchers only read their model's outcome; in the one-slot pool they would run in series."""
    dag = dagbag.dags["govperf_nightly"]
    watchers = [
        task
        for task in _dbt_tasks(dag)
        if task.task_id not in (DBT_PRODUCER, "dbt_build.dbt_producer_watcher_done")
    ]
    assert watchers
    assert {task.pool for task in watchers} == {"default_pool"}
    for task in watchers:
        upstream = {DBT_PRODUCER} | {w.task_id for w in watchers}
        assert task.upstream_task_ids & upstream, task.task_id  # after the build, never beside it


def test_model_watchers_run_after_a_failed_build_but_not_when_it_never_started(dagbag) -> None:
    """all_done_min_one_success after prepare_build and the build: a failed build still shows each
    failed model; a run stopped before the build (both upstream_failed) stops the watchers too —
    started, they would wait (deferred) for a build that never reports."""
    dag = dagbag.dags["govperf_nightly"]
    first = [
        task
        for task in _dbt_tasks(dag)
        if task.upstream_task_ids & {DBT_PRODUCER} and task.task_id != "dbt_build.dbt_producer_watcher_done"
    ]
    assert len(first) >= 5
    for task in first:
        assert task.upstream_task_ids == {DBT_PRODUCER, "prepare_build"}, task.task_id
        assert task.trigger_rule == "all_done_min_one_success", task.task_id


def test_dbt_group_runs_dbt_as_a_child_process_with_the_warehouse_paths(dagbag) -> None:
    from cosmos.constants import InvocationMode

    producer = dagbag.dags["govperf_nightly"].get_task(DBT_PRODUCER)
    assert producer.invocation_mode == InvocationMode.SUBPROCESS
    assert {"GOVPERF_BUILD_PATH", "GOVPERF_STAGING_DIR"} <= set(producer.env)


def test_a_quiet_night_skips_every_warehouse_task_including_the_dbt_group(dagbag) -> None:
    """The short-circuit skips all downstream tasks, ignoring trigger rules (the watchers' all_done)."""
    from airflow.providers.standard.operators.python import ShortCircuitOperator

    dag = dagbag.dags["govperf_nightly"]
    gate = dag.get_task("warehouse_needed")
    assert isinstance(gate, ShortCircuitOperator)
    assert gate.ignore_downstream_trigger_rules is True
    assert gate.upstream_task_ids == {"stage"}
    skipped = {task.task_id for task in gate.get_flat_relatives(upstream=False)}
    assert {"validate", "prepare_build", DBT_PRODUCER, "dbt_docs", "publish"} <= skipped
    assert {task.task_id for task in _dbt_tasks(dag)} <= skipped
    assert not any(task.is_teardown for task in dag.tasks)  # a teardown would escape the skip


def test_document_work_is_dynamically_mapped(dagbag) -> None:
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    dag = dagbag.dags["govperf_nightly"]
    assert isinstance(dag.get_task("crawl"), MappedOperator)
    assert isinstance(dag.get_task("extract"), MappedOperator)


def test_one_failed_portal_does_not_stop_the_run(dagbag) -> None:
    """The gate runs after failed crawl tasks too, and stage after failed extract tasks: the
    run goes on with what was crawled (both fail themselves when nothing was)."""
    dag = dagbag.dags["govperf_nightly"]
    assert dag.get_task("sources_crawled").trigger_rule == "all_done"
    assert dag.get_task("stage").trigger_rule == "all_done"
    # nothing crawled: the gate fails, and planning must not go on from nothing
    assert dag.get_task("plan_extraction").trigger_rule == "all_success"
    assert dag.get_task("plan_extraction").upstream_task_ids == {"sources_crawled"}


def test_a_run_that_stopped_at_stage_fails_at_once_without_touching_the_warehouse(dagbag) -> None:
    """run_outcome, a leaf after stage, fails such a run; warehouse_needed runs after a failed stage
    too and skips the warehouse steps in one go (failing them one by one took a second each)."""
    dag = dagbag.dags["govperf_nightly"]
    outcome = dag.get_task("run_outcome")
    assert outcome.upstream_task_ids == {"stage"} and not outcome.downstream_task_ids
    assert outcome.trigger_rule == "all_done"
    assert dag.get_task("warehouse_needed").trigger_rule == "all_done"


def test_failure_notifiers_come_from_the_environment() -> None:
    """Notifiers off by default; GOVPERF_NOTIFY_WEBHOOK_URL puts a webhook notifier on the DAG's
    failure callback, beside the callback that returns the run's lease."""
    code = (
        "import sys; from airflow.dag_processing.dagbag import DagBag;"
        "dag = DagBag(dag_folder=sys.argv[1]).dags['govperf_nightly'];"
        "print('callbacks:' + ','.join(type(c).__name__ for c in dag.on_failure_callback or []))"
    )

    def callbacks(**env: str) -> list[str]:
        import os

        result = subprocess.run(
            [sys.executable, "-c", code, str(DAGS_DIR / "govperf_nightly.py")],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
            env={k: v for k, v in os.environ.items() if not k.startswith("GOVPERF_NOTIFY_")} | env,
        )
        (line,) = [line for line in result.stdout.splitlines() if line.startswith("callbacks:")]
        return [name for name in line.removeprefix("callbacks:").split(",") if name]

    # the run's lease on DATA_DIR is returned on failure too (and on success: on_success_callback)
    assert callbacks() == ["function"]
    assert callbacks(GOVPERF_NOTIFY_WEBHOOK_URL="http://127.0.0.1:9/hook") == ["WebhookNotifier", "function"]


def test_parsing_the_dag_imports_no_heavy_library() -> None:
    """DAG files are parsed every few seconds: GX, dbt and the parsers load only inside tasks."""
    code = (
        "import sys, runpy; runpy.run_path(sys.argv[1]);"
        "names = ('great_expectations', 'dbt', 'pdfplumber', 'duckdb', 'pandas');"
        "heavy = [m for m in names if m in sys.modules];"
        "print('heavy:' + ','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(DAGS_DIR / "govperf_nightly.py")],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    marker = [line for line in result.stdout.splitlines() if line.startswith("heavy:")]
    assert marker == ["heavy:"], result.stdout[-3000:]
