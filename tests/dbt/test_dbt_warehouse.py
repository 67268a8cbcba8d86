"""dbt build over a two-run staging folder: marts, quality schema, quarantine, latest run wins."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
import yaml
from staged_runs import (
    R_BADREC,
    R_BADYEAR,
    R_BROKEN,
    R_CLEAN,
    R_NEXTYEAR,
    R_REDONE,
    RUN_1,
    RUN_2,
    RUN_3,
    bundle_report_ids,
    bundle_tables,
    run_1_tables,
    run_2_tables,
    run_3_tables,
    write_staged_run,
)

from expectations import validate_run
from extractors.publish import prepare_build, publish
from extractors.settings import PROJECT_ROOT, Settings
from extractors.warehouse import (
    DbtBuildResult,
    DbtRunOptions,
    WarehouseBuildError,
    dbt_build,
    dbt_parse,
    dbt_target_dir,
)

pytestmark = pytest.mark.slow

# contracts/interfaces.md §3: the required columns of every marts table.
CONTRACT_COLUMNS = {
    "dim_report": [
        "report_id", "source_id", "source_url", "sha256", "report_kind", "fiscal_year", "unit_name",
        "project_name", "province", "city", "county", "self_score", "grade", "published_at", "fetched_at",
    ],
    "fct_budget_execution": [
        "report_id", "line", "item", "prior_year_final", "initial_budget", "adjusted_budget", "executed",
        "execution_rate",
    ],
    "fct_indicator_achievement": [
        "report_id", "level1", "level2", "name", "target_text", "actual_text", "target_op", "target_value",
        "target_unit", "actual_value", "weight", "score", "achieved", "origin",
    ],
    "dim_unit": ["unit_id", "unit_name", "province", "city", "county"],
}  # fmt: skip


# What an incremental build must leave exactly as a full build of the same runs would.
INCREMENTAL_CHECKED = (
    "marts.dim_report",
    "marts.dim_unit",
    "marts.dim_indicator",
    "marts.dim_fiscal_year",
    "marts.fct_budget_execution",
    "marts.fct_indicator_achievement",
    "marts.agg_unit_year_achievement",
    "quality.expectation_results",
    "quality.quarantine",
    "quality.extraction_errors",
    "quality.run_summary",
)


@pytest.fixture(scope="module")
def built(staged_two_runs: Settings) -> DbtBuildResult:
    return dbt_build(staged_two_runs, options=DbtRunOptions(unit_tests=True))


@pytest.fixture(scope="module")
def warehouse(built: DbtBuildResult, staged_two_runs: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(staged_two_runs.build_path), read_only=True)
    yield connection
    connection.close()


def _column(connection: duckdb.DuckDBPyConnection, sql: str) -> list:
    return [row[0] for row in connection.execute(sql).fetchall()]


# Columns that differ between two builds of the same runs: which dbt invocation wrote the
# row, and when GX validated the run (each warehouse here validates its own copy of the runs).
BUILD_DEPENDENT_COLUMNS = frozenset({"build_id", "checked_at", "validated_at"})


def _comparable_rows(connection: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    cursor = connection.execute(f"select * from {table}")
    keep = [
        index for index, column in enumerate(cursor.description) if column[0] not in BUILD_DEPENDENT_COLUMNS
    ]
    return sorted((tuple(row[index] for index in keep) for row in cursor.fetchall()), key=repr)


def test_build_reports_counts_and_no_failures(built: DbtBuildResult) -> None:
    assert (built.models, built.seeds, built.unit_tests) == (31, 2, 2)
    assert built.tests > 100
    # Data warnings (the grade 良好) are GX's; dbt tests only the pipeline's own invariants.
    assert (built.failed, built.skipped, built.warned) == (0, 0, 0)
    assert built.passed + built.warned == built.models + built.tests + built.seeds + built.unit_tests
    assert built.run_results_path.exists()


def test_schemas_and_quality_tables_exist(warehouse: duckdb.DuckDBPyConnection) -> None:
    tables = set(
        warehouse.execute("select table_schema, table_name from information_schema.tables").fetchall()
    )
    assert {"staging", "marts", "quality"} <= {schema for schema, _ in tables}
    for table in ("expectation_results", "quarantine", "extraction_errors", "run_summary"):
        assert ("quality", table) in tables
    for table in CONTRACT_COLUMNS:
        assert ("marts", table) in tables


def test_bi_schemas_hold_only_what_bi_users_read(warehouse: duckdb.DuckDBPyConnection) -> None:
    """marts and quality are BI-facing; the intermediate models have a schema of their own."""
    placed = dict(
        warehouse.execute(
            "select table_name, table_schema from information_schema.tables"
            " where table_name like 'int\\_%' escape '\\'"
        ).fetchall()
    )
    assert placed and set(placed.values()) == {"intermediate"}, placed
    for schema, table in warehouse.execute(
        "select table_schema, table_name from information_schema.tables"
        " where table_schema in ('marts', 'quality')"
    ).fetchall():
        assert not table.startswith(("int_", "stg_")), f"{schema}.{table}"


def test_dbt_docs_are_table_and_column_comments_in_chinese(warehouse: duckdb.DuckDBPyConnection) -> None:
    """Any BI tool that lists columns shows their meaning (and unit) without the dbt docs site."""
    han = re.compile(r"[\u4e00-\u9fff]")
    tables = warehouse.execute(
        "select schema_name, table_name, comment from duckdb_tables()"
        " where schema_name in ('marts', 'quality')"
    ).fetchall()
    assert len(tables) >= 16
    for schema, table, comment in tables:
        assert comment and han.search(comment), f"{schema}.{table} has no Chinese comment"
    columns = warehouse.execute(
        "select schema_name, table_name, column_name, comment from duckdb_columns()"
        " where schema_name in ('marts', 'quality')"
    ).fetchall()
    missing = [f"{s}.{t}.{c}" for s, t, c, comment in columns if not (comment and han.search(comment))]
    assert not missing, missing
    (amount,) = warehouse.execute(
        "select comment from duckdb_columns()"
        " where table_name = 'fct_budget_execution' and column_name = 'executed'"
    ).fetchone()
    assert "万元" in amount


def test_every_fact_leads_to_its_evidence_page_and_document(warehouse: duckdb.DuckDBPyConnection) -> None:
    """Both facts carry the printed evidence, the PDF page or workbook sheet, and the URL."""
    for fact in ("fct_budget_execution", "fct_indicator_achievement"):
        rows, without_evidence, wrong_url, wrong_sheet = warehouse.execute(
            f"select count(*), count(*) filter (where f.evidence is null),"
            f" count(*) filter (where f.source_url is distinct from r.source_url),"
            f" count(*) filter (where f.sheet is distinct from r.sheets)"
            f" from marts.{fact} f join marts.dim_report r using (report_id)"
        ).fetchone()
        assert rows and (without_evidence, wrong_url, wrong_sheet) == (0, 0, 0), fact
    # a budget row's page is the page its shown figures were printed on (stg: one row per fact)
    mismatched = warehouse.execute(
        "select count(*) from marts.fct_budget_execution f where f.page is distinct from ("
        " select min(s.page) from staging.stg_budget_facts s where s.report_id = f.report_id"
        " and s.run_id = f.run_id and s.line = f.line"
        " and nullif(trim(s.item), '') is not distinct from f.item)"
        " and f.fact_count = 1"
    ).fetchone()[0]
    assert mismatched == 0
    labels = dict(warehouse.execute("select line, line_label from marts.dim_budget_line").fetchall())
    assert labels["fiscal_funds"] == "财政资金"
    unlabelled = warehouse.execute(
        "select count(*) from marts.fct_budget_execution where line_label is null"
    ).fetchone()[0]
    assert unlabelled == 0


@pytest.mark.parametrize("table", CONTRACT_COLUMNS)
def test_marts_have_every_contract_column(warehouse: duckdb.DuckDBPyConnection, table: str) -> None:
    columns = _column(
        warehouse,
        "select column_name from information_schema.columns "
        f"where table_schema = 'marts' and table_name = '{table}'",
    )
    assert set(CONTRACT_COLUMNS[table]) <= set(columns)


def test_quarantined_and_broken_reports_stay_out_of_marts(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert sorted(_column(warehouse, "select report_id from marts.dim_report")) == sorted(
        [R_CLEAN, R_REDONE, R_BADREC, R_NEXTYEAR]
    )
    assert _column(
        warehouse, f"select count(*) from marts.fct_budget_execution where report_id = '{R_BADYEAR}'"
    ) == [0]
    assert warehouse.execute(
        "select report_id, table_name, record_no, scope, run_id, expectations "
        "from quality.quarantine order by all"
    ).fetchall() == [
        (R_BADYEAR, "reports", None, "report", RUN_1, "reports.fiscal_year_in_range"),
        (R_BADREC, "budget_facts", 1, "record", RUN_1, "budget_facts.amount_non_negative"),
        (R_BADREC, "indicators", 1, "record", RUN_1, "indicators.weight_non_negative"),
    ]
    assert warehouse.execute(
        "select report_id, error_kind, error_message from quality.extraction_errors"
    ).fetchall() == [(R_BROKEN, "unreadable_pdf", "no text layer")]


def test_record_quarantine_removes_only_that_fact_and_indicator(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert warehouse.execute(
        "select line, adjusted_budget, executed, execution_rate from marts.fct_budget_execution "
        f"where report_id = '{R_BADREC}' order by line"
    ).fetchall() == [("other_funds", None, 10.0, None), ("total", 200.0, None, None)]
    assert _column(
        warehouse, f"select indicator_no from marts.fct_indicator_achievement where report_id = '{R_BADREC}'"
    ) == [0]


def test_latest_run_wins_and_superseded_quarantine_is_history(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert warehouse.execute(
        f"select run_id, self_score, grade from marts.dim_report where report_id = '{R_REDONE}'"
    ).fetchall() == [(RUN_2, 85.0, "良")]
    assert warehouse.execute(
        "select line, adjusted_budget, executed, execution_rate from marts.fct_budget_execution "
        f"where report_id = '{R_REDONE}' order by line"
    ).fetchall() == [("basic_expenditure", None, 1800.0, None), ("total", 2628.42, 2500.0, 95.11)]
    assert warehouse.execute(
        "select run_id, expectation, quarantined, in_effect from quality.expectation_results "
        f"where report_id = '{R_REDONE}'"
    ).fetchall() == [(RUN_1, "amount_non_negative", True, False)]
    assert _column(warehouse, "select distinct run_id from quality.expectation_results") == [RUN_1]


def test_warnings_are_reported_but_keep_the_record(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute(
        "select expectation, severity, record_no, quarantined, in_effect from quality.expectation_results "
        f"where report_id = '{R_CLEAN}'"
    ).fetchall()
    assert ("restatement_agrees", "warn", 0, False, True) in rows
    assert {(severity, quarantined) for _, severity, _, quarantined, _ in rows} == {("warn", False)}
    assert warehouse.execute(
        f"select fact_count from marts.fct_budget_execution where report_id = '{R_CLEAN}' and line = 'total'"
    ).fetchall() == [(4,)]


def test_half_written_batch_is_not_read(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert sorted(_column(warehouse, "select distinct run_id from staging.stg_documents")) == [RUN_1, RUN_2]
    assert warehouse.execute(
        f"select run_id, self_score from marts.dim_report where report_id = '{R_CLEAN}'"
    ).fetchall() == [(RUN_1, 94.0)]


def test_budget_lines_are_pivoted_with_execution_rate(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute(
        "select line, item, prior_year_final, initial_budget, adjusted_budget, executed, execution_rate "
        f"from marts.fct_budget_execution where report_id = '{R_CLEAN}' order by line"
    ).fetchall()
    assert rows == [
        ("fiscal_funds", None, None, None, 120.0, 114.0, 95.0),
        ("project_item", "协管员经费", None, None, 0.0, 0.0, None),  # adjusted 0: no rate, no error
        ("three_public", None, 3.5, None, None, None, None),
        ("total", None, None, 100.0, 120.0, 114.0, 95.0),
    ]


def test_execution_rate_is_executed_over_adjusted_everywhere(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute(
        "select executed, adjusted_budget, execution_rate from marts.fct_budget_execution"
    ).fetchall()
    assert rows
    for executed, adjusted, rate in rows:
        if executed is None or not adjusted:
            assert rate is None
        else:
            assert rate == pytest.approx(round(executed / adjusted * 100, 2), abs=0.01)


def test_achievement_judged_by_target_op_and_units(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = dict(
        warehouse.execute(
            "select name, (achieved, achievement_basis) from marts.fct_indicator_achievement "
            f"where report_id = '{R_CLEAN}'"
        ).fetchall()
    )
    assert rows == {
        "预算执行率": (False, "compared"),  # = 100 vs 95
        "执法案件查处数": (True, "compared"),  # >= 200 vs 401, actual unit omitted
        "投诉率": (False, "compared"),  # <= 5% vs 8％: full-width % is the same unit
        "市容环境": (None, "qualitative"),
        "道路保洁面积": (None, "unit_mismatch"),
    }


def test_one_unit_across_years_despite_small_name_changes(warehouse: duckdb.DuckDBPyConnection) -> None:
    unit_ids = dict(warehouse.execute("select report_id, unit_id from marts.dim_report").fetchall())
    # spaces (R_BADREC), a dropped city prefix and a 本级 qualifier a year later (R_NEXTYEAR)
    assert unit_ids[R_CLEAN] == unit_ids[R_BADREC] == unit_ids[R_NEXTYEAR] != unit_ids[R_REDONE]
    assert warehouse.execute(
        "select unit_name, province, city, county, region_code, report_count, spelling_count,"
        " first_fiscal_year, last_fiscal_year from marts.dim_unit "
        f"where unit_id = '{unit_ids[R_CLEAN]}'"
    ).fetchall() == [
        ("芦淞区城市管理综合行政执法大队（本级）", "湖南省", "株洲市", "芦淞区", "430203", 3, 3, 2023, 2024)
    ]


def test_failing_data_test_raises_naming_it(tmp_path: Path) -> None:
    settings = Settings(
        sources_file=tmp_path / "sources.yaml",
        data_dir=tmp_path / "data",
        warehouse_path=tmp_path / "w.duckdb",
    )
    # Staged but never validated: nothing quarantines the bad kind, so the marts test must catch it.
    write_staged_run(
        settings.staging_dir,
        RUN_1,
        {
            "documents": [{"sha256": R_CLEAN + "0" * 48, "report_id": R_CLEAN, "run_id": RUN_1}],
            "reports": [
                {"report_id": R_CLEAN, "report_kind": "overall", "unit_name": "某单位", "run_id": RUN_1}
            ],
        },
    )
    with pytest.raises(WarehouseBuildError, match="in_vocabulary_dim_report_report_kind") as raised:
        dbt_build(settings, select="+dim_report")
    assert any("dim_report_report_kind" in failure for failure in raised.value.failures)


def test_empty_staging_builds_empty_marts_and_parse_writes_manifest(tmp_path: Path) -> None:
    settings = Settings(
        sources_file=tmp_path / "sources.yaml",
        data_dir=tmp_path / "data",
        warehouse_path=tmp_path / "w.duckdb",
    )
    result = dbt_build(settings)
    assert result.failed == 0
    with duckdb.connect(str(settings.build_path), read_only=True) as connection:
        assert connection.execute("select count(*) from marts.dim_report").fetchone() == (0,)
        assert connection.execute("select count(*) from quality.expectation_results").fetchone() == (0,)

    manifest = dbt_parse(replace(settings))
    assert manifest == settings.data_dir / "dbt" / "target" / "manifest.json"
    assert '"model.govperf.fct_budget_execution"' in manifest.read_text(encoding="utf-8")
    assert not (Path(settings.dbt_project_dir) / "target").exists()


def test_run_summary_counts_each_run(warehouse: duckdb.DuckDBPyConnection) -> None:
    # warnings: as many as the suites raised (their rule set grows; the count must follow it)
    warnings_run_1 = warehouse.execute(
        f"select count(*) from quality.expectation_results where run_id = '{RUN_1}' and severity = 'warn'"
    ).fetchone()[0]
    assert warnings_run_1 >= 2
    assert warehouse.execute(
        "select run_id, sources_crawled, new_documents, documents_staged, extraction_errors, quality_errors, "
        "quality_warnings, quarantined_reports, quarantined_records from quality.run_summary order by run_id"
    ).fetchall() == [
        (RUN_1, 1, 5, 5, 1, 4, warnings_run_1, 1, 3),
        (RUN_2, 1, 0, 2, 0, 0, 0, 0, 0),
    ]


def _run_1_published_and_next_build_prepared(tmp_path: Path) -> Settings:
    """Run 1 built and published, and the next build file prepared from it (the nightly path)."""
    settings = Settings(
        sources_file=tmp_path / "sources.yaml",
        data_dir=tmp_path / "data",
        warehouse_path=tmp_path / "w.duckdb",
    )
    validate_run(write_staged_run(settings.staging_dir, RUN_1, run_1_tables()), run_id=RUN_1)
    dbt_build(settings)
    publish(settings)
    prepare_build(settings)
    return settings


def test_incremental_build_reads_only_new_runs_and_matches_the_full_build(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Run 1 built and published, then run 2 built incrementally on a copy (as the nightly run
    does) == the module's full build of both runs, rewriting only what run 2 touched."""
    settings = _run_1_published_and_next_build_prepared(tmp_path)
    validate_run(write_staged_run(settings.staging_dir, RUN_2, run_2_tables()), run_id=RUN_2)
    dbt_build(settings)

    compiled = dbt_target_dir(settings) / "compiled" / "govperf" / "models" / "staging" / "stg_reports.sql"
    sql = compiled.read_text(encoding="utf-8")
    assert f"run={RUN_2}/" in sql and f"run={RUN_1}/" not in sql  # history is not read again

    def tables(connection: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
        """Every row of the checked tables, less the columns that differ from build to build."""
        return {table: _comparable_rows(connection, table) for table in INCREMENTAL_CHECKED}

    with duckdb.connect(str(settings.build_path), read_only=True) as incremental:
        assert tables(incremental) == tables(warehouse)
        # R_CLEAN was not touched by run 2: its rows are the ones run 1's (published) build wrote
        rows, published = incremental.execute(
            "select count(*), count(*) filter"
            " (where build_id in (select build_id from staging.published_builds))"
            f" from quality.expectation_results where report_id = '{R_CLEAN}'"
        ).fetchone()
        assert rows == published > 0

    # A file built by other models (older grain or columns) is rebuilt in full, not extended.
    with duckdb.connect(str(settings.build_path)) as connection:
        connection.execute("update staging.model_version set version = 'older'")
        # a row no incremental step would touch (its report is current): only a rebuild drops it
        connection.execute(
            "insert into marts.fct_budget_execution select * replace ('stale' as line, md5('stale')"
            " as budget_execution_id) from marts.fct_budget_execution limit 1"
        )
    dbt_build(settings)
    with duckdb.connect(str(settings.build_path), read_only=True) as rebuilt:
        assert tables(rebuilt) == tables(warehouse)
        wanted = str(
            yaml.safe_load((PROJECT_ROOT / "dbt" / "dbt_project.yml").read_text("utf-8"))["vars"][
                "model_version"
            ]
        )
        assert rebuilt.execute("select version from staging.model_version").fetchall() == [(wanted,)]


def test_data_tests_check_the_unpublished_batch_and_a_sweep_checks_every_row(tmp_path: Path) -> None:
    """On incremental tables a build tests the rows no published build wrote (retries
    included); unique reads every row sharing a key with the batch; a sweep reads all."""
    settings = _run_1_published_and_next_build_prepared(tmp_path)
    with duckdb.connect(str(settings.build_path)) as connection:
        # a published row now breaks a row rule (run 2 does not touch R_CLEAN)
        connection.execute(
            "update marts.fct_budget_execution set execution_rate = execution_rate + 5"
            f" where report_id = '{R_CLEAN}' and execution_rate is not null"
        )
    validate_run(write_staged_run(settings.staging_dir, RUN_2, run_2_tables()), run_id=RUN_2)
    dbt_build(settings)  # the batch (run 2's rows) passes; R_CLEAN's rows passed when published

    with pytest.raises(WarehouseBuildError, match="execution_rate_matches_fct_budget_execution"):
        dbt_build(settings, options=DbtRunOptions(test_whole_tables=True))

    with duckdb.connect(str(settings.build_path)) as connection:
        connection.execute(
            "update marts.fct_budget_execution set execution_rate = execution_rate - 5"
            f" where report_id = '{R_CLEAN}' and execution_rate is not null"
        )
        # an old (published) row with the key of a batch row: unique must still see both
        connection.execute(
            "insert into marts.dim_report select * replace"
            " ((select min(build_id) from staging.published_builds) as build_id)"
            f" from marts.dim_report where report_id = '{R_REDONE}'"
        )
    with pytest.raises(WarehouseBuildError, match="unique_dim_report_report_id") as raised:
        dbt_build(settings)  # a retry: run 2's rows are still the unpublished batch
    assert not any("execution_rate_matches" in failure for failure in raised.value.failures)


def test_reports_a_later_batch_holds_out_leave_every_table_as_in_a_full_build(tmp_path: Path) -> None:
    """Run 3 quarantines R_CLEAN (fiscal year 1999) and fails to extract R_NEXTYEAR: the
    incremental build drops both from the one-row-per-report tables and the marts, and leaves
    every table as a full rebuild of the same runs does."""
    settings = Settings(
        sources_file=tmp_path / "sources.yaml",
        data_dir=tmp_path / "data",
        warehouse_path=tmp_path / "w.duckdb",
    )
    for run_id, tables in ((RUN_1, run_1_tables()), (RUN_2, run_2_tables())):
        validate_run(write_staged_run(settings.staging_dir, run_id, tables), run_id=run_id)
    dbt_build(settings)
    publish(settings)
    prepare_build(settings)
    validate_run(write_staged_run(settings.staging_dir, RUN_3, run_3_tables()), run_id=RUN_3)
    dbt_build(settings)

    checked = (*INCREMENTAL_CHECKED, "intermediate.int_reports_cleared", "staging.stg_documents")
    with duckdb.connect(str(settings.build_path), read_only=True) as incremental:
        assert sorted(_column(incremental, "select report_id from marts.dim_report")) == [R_REDONE, R_BADREC]
        assert sorted(_column(incremental, "select report_id from intermediate.int_reports_cleared")) == [
            R_REDONE,
            R_BADREC,
        ]
        assert _column(
            incremental,
            "select count(*) from marts.fct_budget_execution"
            f" where report_id in ('{R_CLEAN}', '{R_NEXTYEAR}')",
        ) == [0]
        assert incremental.execute(
            "select run_id, in_effect from quality.expectation_results"
            f" where report_id = '{R_CLEAN}' and expectation = 'fiscal_year_in_range'"
        ).fetchall() == [(RUN_3, True)]
        assert not any(
            _column(
                incremental,
                f"select in_effect from quality.expectation_results where report_id = '{R_CLEAN}'"
                f" and run_id = '{RUN_1}'",
            )
        )
        after_batch = {table: _comparable_rows(incremental, table) for table in checked}
    dbt_build(settings, options=DbtRunOptions(full_refresh=True))
    with duckdb.connect(str(settings.build_path), read_only=True) as rebuilt:
        assert {table: _comparable_rows(rebuilt, table) for table in checked} == after_batch


def test_reports_carry_conformed_keys(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert warehouse.execute(
        f"select fiscal_year, region_code from marts.dim_report where report_id = '{R_NEXTYEAR}'"
    ).fetchall() == [(2024, "430203")]
    assert warehouse.execute(
        "select region_code, level, province, city, county, region_name from marts.dim_region "
        "where region_code in ('430000', '430200', '430203', '110101') order by region_code"
    ).fetchall() == [
        ("110101", "county", "北京市", "北京市", "东城区", "东城区"),
        ("430000", "province", "湖南省", None, None, "湖南省"),
        ("430200", "city", "湖南省", "株洲市", None, "株洲市"),
        ("430203", "county", "湖南省", "株洲市", "芦淞区", "芦淞区"),
    ]
    # facts carry the report's year, unit and region, so BI slices them without a join
    mismatched = warehouse.execute(
        "select count(*) from marts.fct_budget_execution f join marts.dim_report r using (report_id) "
        "where (f.fiscal_year, f.unit_id, f.region_code)"
        " is distinct from (r.fiscal_year, r.unit_id, r.region_code)"
    ).fetchone()
    assert mismatched == (0,)


def test_fiscal_years_are_contiguous_with_counts(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert warehouse.execute(
        "select fiscal_year, fiscal_year_label, report_count, unit_count"
        " from marts.dim_fiscal_year order by 1"
    ).fetchall() == [(2023, "2023年度", 3, 2), (2024, "2024年度", 1, 1)]


def test_indicators_map_to_the_normalised_taxonomy(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute(
        "select d.level1, d.level2, d.name, d.report_count from marts.fct_indicator_achievement f "
        "join marts.dim_indicator d using (indicator_key) order by f.report_id, f.indicator_no"
    ).fetchall()
    assert ("产出指标", "数量指标", "执法案件查处数", 1) in rows
    assert ("效益指标", "社会效益指标", "投诉率", 1) in rows
    assert (None, None, "预算执行率", 1) in rows


def test_every_model_states_its_grain_and_every_column_its_meaning(
    built: DbtBuildResult, warehouse: duckdb.DuckDBPyConnection
) -> None:
    import json

    manifest = json.loads((built.run_results_path.parent / "manifest.json").read_text(encoding="utf-8"))
    nodes = [node for node in manifest["nodes"].values() if node["resource_type"] in ("model", "seed")]
    undocumented = []
    for node in nodes:
        name = node["name"]
        if not node["description"].strip().startswith("Grain:"):
            undocumented.append(f"{name}: description does not state the grain")
        if node["config"]["materialized"] == "view":
            continue  # intermediate views: BI tools never see them; their grain is stated
        columns = _column(
            warehouse, f"select column_name from information_schema.columns where table_name = '{name}'"
        )
        assert columns, name
        undocumented += [
            f"{name}.{column}"
            for column in columns
            if not node["columns"].get(column, {}).get("description", "").strip()
        ]
    assert undocumented == []


def test_docs_site_is_published_beside_the_warehouse(
    built: DbtBuildResult, staged_two_runs: Settings, warehouse: duckdb.DuckDBPyConnection
) -> None:
    import json

    from extractors.warehouse import DOCS_FILES, dbt_docs

    warehouse.close()  # dbt opens the build file read-write for the catalog
    site = dbt_docs(staged_two_runs)
    assert site == staged_two_runs.warehouse_path.with_name("warehouse_docs")
    assert sorted(path.name for path in site.iterdir()) == sorted(DOCS_FILES)
    catalog = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    columns = catalog["nodes"]["model.govperf.fct_budget_execution"]["columns"]
    assert {"execution_rate", "adjusted_budget", "region_code"} <= set(columns)


def test_region_seed_is_what_the_gazetteer_gives() -> None:
    import csv

    from extractors.warehouse import REGION_SEED_RELATIVE_PATH, region_division_rows

    seed = Path(__file__).resolve().parents[2] / "dbt" / REGION_SEED_RELATIVE_PATH
    with seed.open(encoding="utf-8") as handle:
        committed = [{key: value for key, value in row.items()} for row in csv.DictReader(handle)]
    assert committed == region_division_rows(), "regenerate with extractors.warehouse.write_region_seed"


def test_a_bundle_read_again_as_fewer_reports_leaves_none_behind(tmp_path: Path) -> None:
    """A document staged as three reports (a bundle), then re-extracted as two: the third
    report leaves every table, incrementally as in a full build."""
    settings = Settings(
        sources_file=tmp_path / "sources.yaml",
        data_dir=tmp_path / "data",
        warehouse_path=tmp_path / "w.duckdb",
    )
    first, second = "2026-12-01T02-00-00", "2026-12-02T02-00-00"
    validate_run(write_staged_run(settings.staging_dir, first, bundle_tables(first, 3)), run_id=first)
    dbt_build(settings)
    publish(settings)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as published:
        assert sorted(_column(published, "select report_id from marts.dim_report")) == bundle_report_ids(3)
        assert _column(published, "select distinct report_count from marts.dim_report") == [3]
    prepare_build(settings)
    validate_run(write_staged_run(settings.staging_dir, second, bundle_tables(second, 2)), run_id=second)
    dbt_build(settings)
    checked = (*INCREMENTAL_CHECKED, "intermediate.int_reports_cleared", "staging.stg_documents")
    with duckdb.connect(str(settings.build_path), read_only=True) as incremental:
        for table in ("marts.dim_report", "staging.stg_documents", "intermediate.int_reports_cleared"):
            assert sorted(_column(incremental, f"select report_id from {table}")) == bundle_report_ids(2), (
                table
            )
        assert _column(
            incremental,
            f"select count(*) from marts.fct_budget_execution where report_id = '{bundle_report_ids(3)[2]}'",
        ) == [0]
        after_batch = {table: _comparable_rows(incremental, table) for table in checked}
    dbt_build(settings, options=DbtRunOptions(full_refresh=True))
    with duckdb.connect(str(settings.build_path), read_only=True) as rebuilt:
        assert {table: _comparable_rows(rebuilt, table) for table in checked} == after_batch
