"""The real CeleryExecutor stack for this folder: PostgreSQL, Redis and every Airflow role of compose.

One stack per session (starting it costs ~20 s); each test starts its own two
Celery workers pointed at its own DATA_DIR, WAREHOUSE_PATH and sample portal,
and stops them when done, so the tests share nothing but Airflow itself.
The figures the tests measure are printed at the end of the session.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from celery_support import (
    FIGURES,
    HEARTBEAT_CHECK_INTERVAL_S,
    HEARTBEAT_TIMEOUT_S,
    RETRY_DELAY_S,
    LocalCeleryStack,
    StackError,
    StackSettings,
    stop_on_signals,
)


@pytest.fixture(scope="session")
def celery_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCeleryStack]:
    """Started once; stopped (every process, the database, the Redis db) even when a test fails."""
    stack = LocalCeleryStack(
        StackSettings(
            home=tmp_path_factory.mktemp("celery_stack"),
            workers=0,  # each test starts its own, with its own data
            worker_concurrency=1,
            heartbeat_timeout_s=HEARTBEAT_TIMEOUT_S,
            heartbeat_check_interval_s=HEARTBEAT_CHECK_INTERVAL_S,
            dag_reparse_interval_s=3600,  # one DAG version per session, whatever changes in the checkout
            extra_env={"GOVPERF_RETRY_DELAY_S": str(RETRY_DELAY_S)},
        )
    )
    stop_on_signals()  # a CI runner's SIGTERM still runs the teardown below
    started = time.monotonic()
    try:
        stack.start()
    except StackError as error:
        stack.stop()
        pytest.fail(f"the Celery stack did not start: {error}")
    except BaseException:
        stack.stop()
        raise
    FIGURES["stack start-up (migrate, pool, every Airflow role but the workers)"] = (
        f"{time.monotonic() - started:.1f} s"
    )
    try:
        yield stack
    finally:
        stack.stop()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        terminalreporter.section("CeleryExecutor figures")
        for key, value in FIGURES.items():
            terminalreporter.write_line(f"{key}: {value}")
