"""Data-quality suites (Great Expectations 1.x) over one staged run.

``validate_run(run_dir, run_id=...)`` reads the run's staged Parquet, runs the suites and
writes ``quality_results.parquet`` beside them; dbt turns those rows into the warehouse's
``quality`` schema and keeps quarantined records out of ``marts``.  GX itself is imported
only when a validation runs.
"""

from expectations.runner import QUALITY_RESULTS_FILE, QualitySuiteError, ValidationSummary, validate_run
from expectations.settings import QualitySettings
from expectations.staged import STAGED_COLUMNS, StagedBatchError, read_staged_table, write_staged_table

__all__ = [
    "QUALITY_RESULTS_FILE",
    "STAGED_COLUMNS",
    "QualitySettings",
    "QualitySuiteError",
    "StagedBatchError",
    "ValidationSummary",
    "read_staged_table",
    "validate_run",
    "write_staged_table",
]
