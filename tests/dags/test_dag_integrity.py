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


def test_hops_run_in_pipeline_order(dagbag) -> None:
    dag = dagbag.dags["govperf_nightly"]
    order = [
        "list_sources",
        "crawl",
        "plan_extraction",
        "extract",
        "stage",
        "validate",
        "dbt_build",
        "publish",
    ]
    for upstream, downstream in itertools.pairwise(order):
        assert downstream in dag.get_task(upstream).downstream_task_ids, (upstream, downstream)


def test_warehouse_writers_share_the_single_slot_pool(dagbag) -> None:
    dag = dagbag.dags["govperf_nightly"]
    assert dag.get_task("dbt_build").pool == "warehouse"
    assert dag.get_task("publish").pool == "warehouse"


def test_document_work_is_dynamically_mapped(dagbag) -> None:
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    dag = dagbag.dags["govperf_nightly"]
    assert isinstance(dag.get_task("crawl"), MappedOperator)
    assert isinstance(dag.get_task("extract"), MappedOperator)


def test_one_failed_portal_does_not_stop_the_run(dagbag) -> None:
    dag = dagbag.dags["govperf_nightly"]
    assert dag.get_task("plan_extraction").trigger_rule == "all_done"
    assert dag.get_task("stage").trigger_rule == "all_done"


def test_parsing_the_dag_imports_no_heavy_library() -> None:
    """DAG files are parsed every few seconds: GX, dbt and the parsers load only inside tasks."""
    code = (
        "import sys, runpy; runpy.run_path(sys.argv[1]);"
        "names = ('great_expectations', 'dbt', 'pdfplumber', 'duckdb', 'pandas');"
        "heavy = [m for m in names if m in sys.modules];"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(DAGS_DIR / "govperf_nightly.py")],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1:] in ([], [""]), result.stdout
