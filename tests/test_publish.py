"""Publishing swaps a whole warehouse in atomically, under readers that stay open."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from extractors.publish import (
    BUILD_RUNS,
    PARQUET_EXPORTS,
    PublishError,
    export_parquet,
    parquet_dir,
    prepare_build,
    publish,
    summarize,
    versions_dir,
)
from extractors.settings import Settings


def _write_build(path: Path, reports: int) -> None:
    """A minimal warehouse with every table publish exports or counts."""
    con = duckdb.connect(str(path))
    try:
        for schema in ("marts", "quality"):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        con.execute(
            "CREATE OR REPLACE TABLE marts.dim_report AS SELECT range AS report_id FROM range(?)", [reports]
        )
        for schema, table in PARQUET_EXPORTS:
            if table != "dim_report":
                con.execute(f"CREATE OR REPLACE TABLE {schema}.{table} AS SELECT 1 AS x WHERE false")
        con.execute("CREATE OR REPLACE TABLE quality.quarantine AS SELECT 1 AS x WHERE false")
        con.execute("CREATE OR REPLACE TABLE quality.extraction_errors AS SELECT 1 AS x WHERE false")
        _record_build(con, finished=True)
    finally:
        con.close()


def _record_build(con: duckdb.DuckDBPyConnection, *, finished: bool) -> None:
    """A row of dbt's build ledger, as its on-run-start / on-run-end hooks write it."""
    schema, table = BUILD_RUNS
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {schema}.{table} (build_id varchar primary key, command varchar,"
        " started_at timestamp not null, finished_at timestamp, published_at timestamp)"
    )
    con.execute(
        f"INSERT INTO {schema}.{table} VALUES (uuid()::varchar, 'build', now(), ?, null)",
        [datetime.now() if finished else None],
    )


def test_publish_without_a_build_says_what_to_do(isolated_settings: Settings) -> None:
    with pytest.raises(PublishError, match="dbt build"):
        publish(isolated_settings)


def test_incomplete_build_is_not_published(isolated_settings: Settings) -> None:
    build = prepare_build(isolated_settings)
    duckdb.connect(str(build)).close()
    with pytest.raises(PublishError, match=r"lacks marts\.dim_report"):
        publish(isolated_settings)
    assert not isolated_settings.warehouse_path.exists()


def test_reader_open_across_a_publish_keeps_its_snapshot(isolated_settings: Settings) -> None:
    _write_build(prepare_build(isolated_settings), reports=3)
    publish(isolated_settings)
    reader = duckdb.connect(str(isolated_settings.warehouse_path), read_only=True)
    try:
        assert reader.execute("SELECT count(*) FROM marts.dim_report").fetchone()[0] == 3
        _write_build(prepare_build(isolated_settings), reports=5)
        publish(isolated_settings)
        # the old reader still reads the whole old run, never a mix
        assert reader.execute("SELECT count(*) FROM marts.dim_report").fetchone()[0] == 3
    finally:
        reader.close()
    assert summarize(isolated_settings.warehouse_path).reports == 5
    assert not isolated_settings.build_path.exists()


def test_a_long_lived_reader_sees_the_new_night_on_its_next_connection(isolated_settings: Settings) -> None:
    """DuckDB keeps one instance per file inside a process: a BI server that holds a connection
    open across a publish must still get the new night on every connection it opens after."""
    _write_build(prepare_build(isolated_settings), reports=3)
    publish(isolated_settings)
    path = str(isolated_settings.warehouse_path)
    held = duckdb.connect(path, read_only=True)  # a pooled connection that never closes
    try:
        _write_build(prepare_build(isolated_settings), reports=5)
        publish(isolated_settings)
        with duckdb.connect(path, read_only=True) as fresh:
            assert fresh.execute("SELECT count(*) FROM marts.dim_report").fetchone()[0] == 5
            assert fresh.execute("SELECT current_database()").fetchone()[0] == "warehouse"
        assert held.execute("SELECT count(*) FROM marts.dim_report").fetchone()[0] == 3
        _write_build(prepare_build(isolated_settings), reports=7)
        publish(isolated_settings)
        # the held night's file is gone from the folder, not from its reader
        assert held.execute("SELECT count(*) FROM marts.dim_report").fetchone()[0] == 3
    finally:
        held.close()
    versions = sorted(versions_dir(isolated_settings.warehouse_path).iterdir())
    assert len(versions) == 2, f"the served night and the one before it, not {versions}"
    # a BI tool in another container runs as another user: it must be able to enter the folder
    assert all(folder.stat().st_mode & 0o777 == 0o755 for folder in versions)
    assert isolated_settings.warehouse_path.is_symlink()


def test_next_build_starts_from_the_published_warehouse(isolated_settings: Settings) -> None:
    _write_build(prepare_build(isolated_settings), reports=2)
    publish(isolated_settings)
    build = prepare_build(isolated_settings)
    con = duckdb.connect(str(build), read_only=True)
    assert con.execute("SELECT count(*) FROM marts.dim_report").fetchone()[0] == 2
    con.close()


def test_marts_are_exported_as_parquet(isolated_settings: Settings) -> None:
    _write_build(prepare_build(isolated_settings), reports=4)
    target = publish(isolated_settings)
    exported = parquet_dir(target) / "dim_report.parquet"
    assert duckdb.connect().execute(f"SELECT count(*) FROM '{exported}'").fetchone()[0] == 4
    assert parquet_dir(target).is_symlink(), "readers resolve one whole version through the link"
    assert parquet_dir(target).resolve().stat().st_mode & 0o777 == 0o755, "readable by other users"


def test_publish_refuses_the_copy_of_the_published_warehouse(isolated_settings: Settings) -> None:
    """A publish racing a build (the build step has copied last night's file but not built yet)
    must not ship the copy as tonight's warehouse."""
    _write_build(prepare_build(isolated_settings), reports=2)
    publish(isolated_settings)
    prepare_build(isolated_settings)
    with pytest.raises(PublishError, match="published already"):
        publish(isolated_settings)


def test_publish_refuses_a_build_that_did_not_finish(isolated_settings: Settings) -> None:
    build = prepare_build(isolated_settings)
    _write_build(build, reports=2)
    with duckdb.connect(str(build)) as con:
        _record_build(con, finished=False)  # a newer dbt build that failed or is still running
    with pytest.raises(PublishError, match="did not finish"):
        publish(isolated_settings)
    assert not isolated_settings.warehouse_path.exists()


def test_an_export_dying_half_way_leaves_the_previous_one_served(
    isolated_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parquet readers see one night whole: an export that dies after writing some tables (a
    kill, a full disk) leaves the previous export served, and the next one cleans up after it."""
    import extractors.publish as publish_module

    _write_build(prepare_build(isolated_settings), reports=2)
    target = publish(isolated_settings)
    served = parquet_dir(target).resolve()
    exported = parquet_dir(target) / "dim_report.parquet"

    def dying_export(path: Path) -> Path:
        monkeypatch.setattr(publish_module, "PARQUET_EXPORTS", (*PARQUET_EXPORTS, ("marts", "no_such_table")))
        return export_parquet(path)

    _write_build(prepare_build(isolated_settings), reports=7)
    monkeypatch.setattr(publish_module, "export_parquet", dying_export)
    with pytest.raises(duckdb.CatalogException):
        publish(isolated_settings)
    monkeypatch.undo()
    assert parquet_dir(target).resolve() == served
    assert duckdb.connect().execute(f"SELECT count(*) FROM '{exported}'").fetchone()[0] == 2
    export_parquet(target)
    assert duckdb.connect().execute(f"SELECT count(*) FROM '{exported}'").fetchone()[0] == 7
    versions = [p for p in target.parent.glob(f".{parquet_dir(target).name}.*") if p.is_dir()]
    assert len(versions) == 2, versions  # the served one and the one before it; the half one gone


def test_summary_of_a_missing_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match="run the pipeline first"):
        summarize(tmp_path / "none.duckdb")


def test_publish_records_the_builds_whose_rows_it_publishes(isolated_settings: Settings) -> None:
    """The ledger the next build's data tests read: every build id found in the rows."""
    build = prepare_build(isolated_settings)
    _write_build(build, reports=2)
    with duckdb.connect(str(build)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS staging")
        con.execute(
            "CREATE TABLE staging.published_builds (build_id VARCHAR NOT NULL, published_at TIMESTAMP)"
        )
        con.execute(
            "CREATE TABLE staging.stg_reports AS SELECT * FROM (VALUES ('b1'), ('b1'), ('b2')) t(build_id)"
        )
        con.execute("CREATE VIEW staging.int_view AS SELECT 'never-a-row' AS build_id")  # views are not read
    publish(isolated_settings)
    with duckdb.connect(str(isolated_settings.warehouse_path), read_only=True) as con:
        assert con.execute("SELECT build_id FROM staging.published_builds ORDER BY 1").fetchall() == [
            ("b1",),
            ("b2",),
        ]

    build = prepare_build(isolated_settings)
    with duckdb.connect(str(build)) as con:
        con.execute("INSERT INTO staging.stg_reports VALUES ('b3')")
        _record_build(con, finished=True)
    publish(isolated_settings)
    with duckdb.connect(str(isolated_settings.warehouse_path), read_only=True) as con:
        assert [
            row[0]
            for row in con.execute("SELECT build_id FROM staging.published_builds ORDER BY 1").fetchall()
        ] == [
            "b1",
            "b2",
            "b3",
        ]


def test_a_build_without_a_ledger_publishes_without_one(isolated_settings: Settings) -> None:
    _write_build(prepare_build(isolated_settings), reports=1)
    publish(isolated_settings)
    with duckdb.connect(str(isolated_settings.warehouse_path), read_only=True) as con:
        assert not con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'published_builds'"
        ).fetchone()[0]
