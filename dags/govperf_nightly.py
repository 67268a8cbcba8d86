"""
### govperf nightly

Crawl every portal of `SOURCES_FILE`, extract the new performance
self-evaluation reports, stage them, check them with Great Expectations,
build the warehouse with dbt and publish it atomically to `WAREHOUSE_PATH`.

| task | does | parallel |
|---|---|---|
| `list_sources` | records the run's start, reads the portal registry | once |
| `crawl` | one mapped task per source; a failing portal fails only its own task | per source |
| `sources_crawled` | the gate: no source crawled (or no registry) fails the run here | once |
| `plan_extraction` | batches the documents the current extractor has not staged yet | once |
| `extract` | one mapped task per batch; each document in a time- and memory-limited process | per batch |
| `stage` | writes this run's Parquet batch (its crawl stats even when nothing is new) | once |
| `warehouse_needed` | short-circuit: nothing new, or nothing staged → the tasks below are skipped | once |
| `run_outcome` | logs the run source by source; fails the run when nothing was crawled or staged | once |
| `validate` | GX suites; failures quarantined, every result kept for the `quality` schema | once |
| `prepare_build` | copies the published file to the build file: dbt builds incrementally | once |
| `dbt_build` | cosmos `DbtTaskGroup`: one `dbt build`, then a task per model and its tests | per model |
| `dbt_docs` | `dbt docs generate`, the site published beside the warehouse (`<name>_docs/`) | once |
| `publish` | checkpoint, rename over the served file, Parquet export (pool `warehouse`) | once |

A quiet night ends at `warehouse_needed` (`extractors.rebuild` says why, in its log and in
`python -m extractors summary`): validate, the dbt group, docs and publish show as skipped.
The run's crawl stats are staged all the same and load with the next build.

Every task calls `extractors.pipeline` (the dbt group runs the same dbt project as
`python -m extractors build`); `python -m extractors <step>` runs the same step
without Airflow.  Only paths and counts travel through XCom.

Failures: a task retries (60 s, then 120 s) only what may pass by waiting — a portal
that timed out, dropped the connection or answered 5xx.  A registry that cannot be
read, an empty source list, a refused or robots-disallowed start URL, a 4xx start
URL fail their task at once (`extractors.orchestration.run_step`, `AirflowFailException`).
One unreachable portal fails only its own crawl task; the rest of the run goes on.

A run in which no source could be crawled fails at `sources_crawled`, at `stage` (which
runs after failed extract tasks too) and at `run_outcome`, a leaf beside the warehouse
steps; `warehouse_needed`, which also runs after a failed `stage`, skips the warehouse
steps at once rather than failing them one by one.  Nothing is published.  A failed run
is announced by the notifiers of `extractors.notifiers` (SMTP, webhook; off unless
configured through `GOVPERF_NOTIFY_*`).

`prepare_build`, the dbt group (one `dbt build` in pool `warehouse`; each model task a
watcher that, retried, re-runs its model) and `publish` all hold the `warehouse` slot.

Why cosmos in WATCHER mode: each model is a visible task with its tests and retries, yet
the warehouse is built by **one** `dbt build` process — DuckDB has a single writer, and
one dbt invocation per model would pay dbt's start-up and parse (~5 s) 27 times a night.
The group is rendered from a dbt manifest (`extractors.warehouse.ensure_manifest`:
re-parsed in a child process only when `dbt/` changed), so parsing this file never
imports dbt.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from airflow.sdk import dag, get_current_context, task

WAREHOUSE_POOL = "warehouse"  # one slot: DuckDB allows a single writer
DBT_GROUP_ID = "dbt_build"

# A task whose worker died is retried on another one after this delay (then
# backing off exponentially).  GOVPERF_RETRY_DELAY_S shortens it where workers
# are killed on purpose (tests/celery); read when the DAG file is parsed.
RETRY_DELAY = timedelta(seconds=float(os.environ.get("GOVPERF_RETRY_DELAY_S", "60")))

DEFAULT_ARGS = {
    "owner": "govperf",
    "retries": 2,
    "retry_delay": RETRY_DELAY,
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=15),
}


def _settings():
    from extractors.settings import load_settings

    return load_settings()


def _step(step, *args):
    """Run a pipeline step; an error that retrying cannot fix fails the task without retries."""
    from extractors.orchestration import run_step

    return run_step(step, *args)


def _release_run_lease(context) -> None:
    from extractors.orchestration import release_run_lease

    release_run_lease(context)


def _failure_notifiers() -> list:
    from extractors.notifiers import failure_notifiers

    return failure_notifiers()


def _dbt_task_group(prepared):
    """The cosmos group that builds the warehouse: one producer `dbt build`, a watcher per node.

    ``prepared`` is the task that readies the build file, upstream of the group.
    """
    import sys

    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior

    from extractors.warehouse import dbt_environment, ensure_manifest

    settings = _settings()
    environment = dbt_environment(settings)
    passed = {name: environment[name] for name in ("GOVPERF_BUILD_PATH", "GOVPERF_STAGING_DIR")}
    passed |= {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_USE_COLORS": "false"}
    group = DbtTaskGroup(
        group_id=DBT_GROUP_ID,
        project_config=ProjectConfig(
            dbt_project_path=settings.dbt_project_dir,
            manifest_path=ensure_manifest(settings),
            env_vars=passed,
            install_dbt_deps=False,
        ),
        profile_config=ProfileConfig(
            profile_name="govperf",
            target_name="build",
            profiles_yml_filepath=settings.dbt_project_dir / "profiles.yml",
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.WATCHER,
            # a child process: the DuckDB file is closed when dbt ends, before publish opens it
            invocation_mode=InvocationMode.SUBPROCESS,
            dbt_executable_path=str(Path(sys.executable).parent / "dbt"),
        ),
        render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST, test_behavior=TestBehavior.AFTER_EACH),
        operator_args={"pool": WAREHOUSE_POOL, "install_deps": False},
        default_args=DEFAULT_ARGS,
    )
    prepared >> group
    _watch_after_the_build(group, prepared)
    return group


def _watch_after_the_build(group, prepared) -> None:
    """Start the model tasks once the one `dbt build` has ended (as cosmos's own DbtDag does).

    They then only read each model's outcome, and a failed model's task retries by
    re-running that model alone.  Left parallel to the build, a watcher could take the
    `warehouse` slot (or a sequential runner such as `airflow dags test`) before the build
    starts and wait for it forever.

    The first watchers run after ``prepared`` and the build with `all_done_min_one_success`:
    when the build failed (``prepared`` succeeded) each failed model shows as its own failed,
    retried task; when the build never started (the run stopped before it: ``prepared`` and
    the build upstream_failed) they are upstream_failed too.  With `all_done` they started
    then, and each waited (deferred) for a build that would never report.
    """
    members = {member.task_id: member for member in group.iter_tasks()}
    producer = next(
        member for task_id, member in members.items() if task_id.endswith(".dbt_producer_watcher")
    )
    for task_id, member in members.items():
        if member is producer or task_id.endswith(".dbt_producer_watcher_done"):
            continue
        # Only the producer writes the warehouse on a normal night; a watcher reads its
        # model's outcome and writes only when it retries a failed model, after the build.
        # Holding the one-slot pool for ~60 watchers serialised them (minutes on Celery).
        member.pool = "default_pool"
        if not member.upstream_task_ids & members.keys():
            producer >> member
            prepared >> member
            member.trigger_rule = "all_done_min_one_success"


def _run_id() -> str:
    from extractors.pipeline import safe_run_id

    return safe_run_id(get_current_context()["run_id"])


@dag(
    dag_id="govperf_nightly",
    schedule="0 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["govperf", "ingestion", "nightly"],
    doc_md=__doc__,
    on_failure_callback=[*_failure_notifiers(), _release_run_lease],
    on_success_callback=_release_run_lease,
)
def govperf_nightly():
    @task
    def list_sources() -> list[str]:
        from extractors.pipeline import begin_run

        return _step(begin_run, _settings(), _run_id(), "airflow")

    @task(max_active_tis_per_dagrun=4, map_index_template="{{ source_id }}")
    def crawl(source_id: str) -> dict:
        """Each mapped task is named by its source id in the UI (set before anything can fail)."""
        from extractors.pipeline import crawl as crawl_step

        get_current_context()["source_id"] = source_id
        return _step(crawl_step, _settings(), _run_id(), source_id)

    @task(trigger_rule="all_done")
    def sources_crawled() -> dict:
        """After every crawl task, failed or not: goes on with the sources that were crawled."""
        from extractors.pipeline import sources_crawled as check

        return _step(check, _settings(), _run_id())

    @task
    def plan_extraction() -> list[str]:
        from extractors.pipeline import plan_extraction as plan_step

        return _step(plan_step, _settings(), _run_id())

    @task
    def extract(batch_path: str) -> dict:
        from extractors.pipeline import extract_batch

        return _step(extract_batch, _settings(), batch_path)

    @task(trigger_rule="all_done")
    def stage() -> dict:
        """After every extract task, failed or not; fails itself when no source was crawled."""
        from extractors.pipeline import stage as stage_step

        return _step(stage_step, _settings(), _run_id())

    @task.short_circuit(trigger_rule="all_done")
    def warehouse_needed() -> bool:
        """False skips every task downstream, whatever its trigger rule (the dbt watchers' too):
        on a quiet night, and when stage failed (run_outcome then fails the run)."""
        from extractors.pipeline import warehouse_needed as needed

        return _step(needed, _settings(), _run_id())

    @task(trigger_rule="all_done")
    def run_outcome() -> dict:
        from extractors.pipeline import run_outcome as outcome_step

        return _step(outcome_step, _settings(), _run_id())

    @task
    def validate() -> dict:
        from extractors.pipeline import validate as validate_step

        return _step(validate_step, _settings(), _run_id())

    @task(pool=WAREHOUSE_POOL)
    def prepare_build() -> str:
        from extractors.publish import prepare_build as prepare

        return str(_step(prepare, _settings()))

    @task(pool=WAREHOUSE_POOL)
    def dbt_docs() -> str:
        from extractors.warehouse import dbt_docs as generate_docs

        return str(_step(generate_docs, _settings()))

    @task(pool=WAREHOUSE_POOL)
    def publish() -> dict:
        from extractors.pipeline import publish as publish_step

        return _step(publish_step, _settings(), _run_id())

    crawled = crawl.expand(source_id=list_sources())
    gate = sources_crawled()
    crawled >> gate
    batches = plan_extraction()
    gate >> batches
    extracted = extract.expand(batch_path=batches)
    staged = stage()
    extracted >> staged
    needed = warehouse_needed()
    staged >> run_outcome()
    prepared = prepare_build()
    staged >> needed >> validate() >> prepared
    _dbt_task_group(prepared) >> dbt_docs() >> publish()


govperf_nightly()
