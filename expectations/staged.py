"""Reading a run's staged tables and writing typed Parquet beside them.

Why duckdb and not pandas.read_parquet: the quality_results file must carry the exact
column types of the staging contract (INT record_no, BOOLEAN quarantined, TIMESTAMP
checked_at) even with zero rows, and duckdb casts explicitly where pandas would infer.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from extractors.staging import STAGING_TABLES

# The validate step's own table, written into the run folder beside the staged ones.
QUALITY_RESULTS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("run_id", "VARCHAR"),
    ("suite", "VARCHAR"),
    ("expectation", "VARCHAR"),
    ("severity", "VARCHAR"),
    ("table_name", "VARCHAR"),
    ("report_id", "VARCHAR"),
    ("record_no", "INTEGER"),
    ("column_name", "VARCHAR"),
    ("observed_value", "VARCHAR"),
    ("quarantined", "BOOLEAN"),
    ("message", "VARCHAR"),
    ("checked_at", "TIMESTAMP"),
)

# (column, DuckDB type) of every table in a run folder: the stage step's contract plus ours.
STAGED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    **STAGING_TABLES,
    "quality_results": QUALITY_RESULTS_COLUMNS,
}

VALIDATED_TABLES: tuple[str, ...] = ("documents", "reports", "budget_facts", "indicators")


class StagedBatchError(ValueError):
    """A run folder lacks a staged table or a contract column: validation cannot be trusted."""


def read_staged_table(run_dir: Path, table: str) -> pd.DataFrame:
    """One staged table of one run as a DataFrame with at least the contract's columns."""
    path = run_dir / f"{table}.parquet"
    if not path.is_file():
        raise StagedBatchError(f"{path} is missing: every run folder must hold {table}.parquet")
    with duckdb.connect() as connection:
        query = "select * from read_parquet(?, hive_partitioning = false)"
        frame = connection.execute(query, [str(path)]).df()
    missing = [name for name, _ in STAGED_COLUMNS[table] if name not in frame.columns]
    if missing:
        raise StagedBatchError(f"{path} lacks contract column(s) {', '.join(missing)}")
    return frame


def write_staged_table(path: Path, table: str, rows: pd.DataFrame | Sequence[dict]) -> Path:
    """Write rows as ``path`` with exactly the contract columns and types of ``table``.

    Written to a temporary name and renamed, so a reader never sees half a file.
    Columns the rows lack are written as NULL; extra columns are kept after the contract's.
    """
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    contract = STAGED_COLUMNS[table]
    names = {name for name, _ in contract}
    selected = [
        f"cast({_quoted(name)} as {kind}) as {_quoted(name)}"
        if name in frame.columns
        else f"cast(null as {kind}) as {_quoted(name)}"
        for name, kind in contract
    ]
    selected += [_quoted(name) for name in frame.columns if name not in names]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    with duckdb.connect() as connection:
        if frame.columns.empty:
            frame = pd.DataFrame({"_empty": pd.Series([], dtype="object")})
        connection.register("rows_to_write", frame)
        query = f"select {', '.join(selected)} from rows_to_write"
        connection.execute(f"copy ({query}) to '{_escaped(partial)}' (format parquet)")
    os.replace(partial, path)
    return path


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _escaped(path: Path) -> str:
    return str(path).replace("'", "''")
