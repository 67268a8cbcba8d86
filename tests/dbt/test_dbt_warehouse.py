"""dbt build over a two-run staging folder: marts, quality schema, quarantine, latest run wins."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from staged_runs import R_BADREC, R_BADYEAR, R_BROKEN, R_CLEAN, R_REDONE, RUN_1, RUN_2, write_staged_run

from extractors.settings import Settings
from extractors.warehouse import DbtBuildResult, WarehouseBuildError, dbt_build, dbt_parse

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


@pytest.fixture(scope="module")
def built(staged_two_runs: Settings) -> DbtBuildResult:
    return dbt_build(staged_two_runs)


@pytest.fixture(scope="module")
def warehouse(built: DbtBuildResult, staged_two_runs: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(staged_two_runs.build_path), read_only=True)
    yield connection
    connection.close()


def _column(connection: duckdb.DuckDBPyConnection, sql: str) -> list:
    return [row[0] for row in connection.execute(sql).fetchall()]


def test_build_reports_counts_and_no_failures(built: DbtBuildResult) -> None:
    assert built.models == 20
    assert built.tests > 50
    assert (built.failed, built.skipped, built.warned) == (0, 0, 1)  # the grade 良好
    assert built.passed + built.warned == built.models + built.tests
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
        [R_CLEAN, R_REDONE, R_BADREC]
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
    assert warehouse.execute(
        "select expectation, severity, record_no, quarantined, in_effect from quality.expectation_results "
        f"where report_id = '{R_CLEAN}'"
    ).fetchall() == [("restatement_agrees", "warn", 0, False, True)]
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


def test_unit_spellings_that_fold_together_are_one_unit(warehouse: duckdb.DuckDBPyConnection) -> None:
    unit_ids = dict(warehouse.execute("select report_id, unit_id from marts.dim_report").fetchall())
    assert unit_ids[R_CLEAN] == unit_ids[R_BADREC] != unit_ids[R_REDONE]
    assert warehouse.execute(
        "select unit_name, province, city, county, report_count from marts.dim_unit "
        f"where unit_id = '{unit_ids[R_CLEAN]}'"
    ).fetchall() == [("株洲市芦淞区城市管理综合行政执法大队", "湖南省", "株洲市", "芦淞区", 2)]


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
    assert warehouse.execute(
        "select run_id, sources_crawled, new_documents, documents_staged, extraction_errors, quality_errors, "
        "quality_warnings, quarantined_reports, quarantined_records from quality.run_summary order by run_id"
    ).fetchall() == [
        (RUN_1, 1, 5, 5, 1, 4, 2, 1, 3),
        (RUN_2, 1, 0, 1, 0, 0, 0, 0, 0),
    ]
