"""
### govperf nightly

Crawl every portal of `SOURCES_FILE`, extract the new performance
self-evaluation reports, stage them, check them with Great Expectations,
build the warehouse with dbt and publish it atomically to `WAREHOUSE_PATH`.

| task | does | parallel |
|---|---|---|
| `list_sources` | reads the portal registry | once |
| `crawl` | one mapped task per source; a failing portal fails only its own task | per source |
| `plan_extraction` | batches the documents the current extractor has not staged yet | once |
| `extract` | one mapped task per batch; each document in a time- and memory-limited process | per batch |
| `stage` | writes this run's Parquet batch | once |
| `validate` | GX suites; failures quarantined, every result kept for the `quality` schema | once |
| `dbt_build` | `dbt build` into the build file (pool `warehouse`, one slot) | once |
| `publish` | checkpoint, rename over the served file, Parquet export (pool `warehouse`) | once |

Every task calls `extractors.pipeline`; `python -m extractors <step>` runs the
same step without Airflow.  Only paths and counts travel through XCom.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import dag, get_current_context, task

WAREHOUSE_POOL = "warehouse"  # one slot: DuckDB allows a single writer

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
)
def govperf_nightly():
    @task
    def list_sources() -> list[str]:
        from extractors.pipeline import list_source_ids

        return list_source_ids(_settings())

    @task(max_active_tis_per_dagrun=4)
    def crawl(source_id: str) -> dict:
        from extractors.pipeline import crawl as crawl_step

        return crawl_step(_settings(), _run_id(), source_id)

    @task(trigger_rule="all_done")
    def plan_extraction() -> list[str]:
        from extractors.pipeline import plan_extraction as plan_step

        return plan_step(_settings(), _run_id())

    @task
    def extract(batch_path: str) -> dict:
        from extractors.pipeline import extract_batch

        return extract_batch(_settings(), batch_path)

    @task(trigger_rule="all_done")
    def stage() -> dict:
        from extractors.pipeline import stage as stage_step

        return stage_step(_settings(), _run_id())

    @task
    def validate() -> dict:
        from extractors.pipeline import validate as validate_step

        return validate_step(_settings(), _run_id())

    @task(pool=WAREHOUSE_POOL)
    def dbt_build() -> dict:
        from extractors.pipeline import build

        return build(_settings())

    @task(pool=WAREHOUSE_POOL)
    def publish() -> dict:
        from extractors.pipeline import publish as publish_step

        return publish_step(_settings(), _run_id())

    crawled = crawl.expand(source_id=list_sources())
    batches = plan_extraction()
    crawled >> batches
    extracted = extract.expand(batch_path=batches)
    staged = stage()
    extracted >> staged
    staged >> validate() >> dbt_build() >> publish()


govperf_nightly()
