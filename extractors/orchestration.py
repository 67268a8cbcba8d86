"""How the library's errors become Airflow task outcomes: retried, or failed for good.

Why: Airflow retries every failed task (``retries`` with exponential backoff in the
DAG's defaults: 60 s, then 120 s).  For a portal that timed out that is the point;
for a registry with a typo or a start URL the crawler may not fetch it only makes the
night end minutes later with the same error.  ``run_step`` re-raises an error that
``extractors.failures`` calls permanent as ``AirflowFailException`` — Airflow's way to
fail a task without retrying it — and leaves every other error to the retries.

Airflow is imported only when a permanent error is raised, so the library (and
this module) import without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from extractors.failures import is_permanent

P = ParamSpec("P")
R = TypeVar("R")


def run_step(step: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Call one pipeline step inside a task; a permanent error fails the task without retries."""
    try:
        return step(*args, **kwargs)
    except Exception as error:
        if not is_permanent(error):
            raise
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException(f"{error} (not retried: {type(error).__name__} is permanent)") from error


def release_run_lease(context: dict) -> None:
    """DAG callback, on success and on failure: the run returns its lease on DATA_DIR
    (extractors.run_lease).  A DAG run is many task processes, so no task can hold the lease
    for the whole run; the DAG's own callbacks run once the run has ended, whatever ended it."""
    from extractors.pipeline import safe_run_id
    from extractors.run_lease import release
    from extractors.settings import load_settings

    run_id = context.get("run_id") or getattr(context.get("dag_run"), "run_id", None)
    if run_id:
        release(load_settings(), safe_run_id(run_id))
