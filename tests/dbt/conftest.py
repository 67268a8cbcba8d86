"""Fixtures of the dbt tests: one staged-and-validated two-run folder per session."""

from __future__ import annotations

import pytest
from staged_runs import (
    RUN_1,
    RUN_2,
    STALE_RUN,
    run_1_tables,
    run_2_tables,
    stale_partial_tables,
    write_staged_run,
)

from expectations import validate_run
from extractors.settings import Settings


@pytest.fixture(scope="session")
def warehouse_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("warehouse")
    return Settings(
        sources_file=root / "sources.yaml",
        data_dir=root / "data",
        warehouse_path=root / "warehouse" / "warehouse.duckdb",
    )


@pytest.fixture(scope="session")
def staged_two_runs(warehouse_settings: Settings) -> Settings:
    """Stage and validate both runs; return the settings that point at them."""
    staging_dir = warehouse_settings.staging_dir
    for run_id, tables in ((RUN_1, run_1_tables()), (RUN_2, run_2_tables())):
        validate_run(write_staged_run(staging_dir, run_id, tables), run_id=run_id)
    # A batch left half-written by a crashed stage step: newer, but not a run; dbt must skip it.
    stale = write_staged_run(staging_dir, STALE_RUN, stale_partial_tables())
    stale.rename(stale.with_name(f"{stale.name}.partial"))
    return warehouse_settings
