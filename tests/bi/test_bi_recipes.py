"""The README's BI recipes and example queries, run against a published sample warehouse.

The warehouse: reports drawn by the project's sample generator (bench.warehouse.generate, the
same records the sample portal publishes), staged by the stage step's own writer over two
runs, validated by the GX suites, built by dbt and published by extractors.publish — then
opened read-only the three ways the README shows: the DuckDB CLI, Python, and SQLAlchemy
through duckdb-engine (the driver Superset uses for DuckDB).  Every example query of
dbt/analyses/ runs each way and is checked against the facts it summarises.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from bench.warehouse.generate import write_synthetic_run
from bench.warehouse.measure import example_queries
from expectations import validate_run
from extractors.publish import publish
from extractors.settings import Settings
from extractors.warehouse import dbt_build

pytestmark = pytest.mark.slow

SAMPLE_REPORTS = 240
DUCKDB_CLI = shutil.which("duckdb") or str(Path(sys.executable).parent / "duckdb")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bi")
    settings = Settings(
        sources_file=root / "sources.yaml",
        data_dir=root / "data",
        warehouse_path=root / "wh" / "warehouse.duckdb",
    )
    first = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    for run_id, numbers, at in (
        ("sample-1", range(SAMPLE_REPORTS // 2), first),
        # the second night: new reports and a few re-extracted ones
        ("sample-2", [*range(SAMPLE_REPORTS // 2, SAMPLE_REPORTS), *range(10)], first.replace(day=21)),
    ):
        staged = write_synthetic_run(
            settings.staging_dir, run_id, numbers, seed=7, extracted_at=at, sources=4
        )
        validate_run(staged.path, run_id=run_id)
    dbt_build(settings)
    return publish(settings)


@pytest.fixture(scope="module")
def python_results(published: Path) -> dict[str, list[tuple]]:
    """The README's Python recipe: connect read-only, run each example query."""
    with duckdb.connect(str(published), read_only=True) as connection:
        return {name: connection.execute(sql).fetchall() for name, sql in example_queries().items()}


def test_every_example_query_answers_on_the_sample(python_results: dict[str, list[tuple]]) -> None:
    assert set(python_results) == {
        "execution_rate_by_region_and_year",
        "missed_indicators_by_unit",
        "quality_failures_by_portal",
        "underspent_education_bureaus",
    }
    for name, rows in python_results.items():
        assert rows, f"{name} returned nothing on {SAMPLE_REPORTS} sample reports"


def test_execution_rate_by_region_and_year_sums_the_total_lines(
    published: Path, python_results: dict[str, list[tuple]]
) -> None:
    with duckdb.connect(str(published), read_only=True) as connection:
        facts = connection.execute(
            "select r.province, r.city, r.county, f.fiscal_year, f.adjusted_budget, f.executed"
            " from marts.fct_budget_execution f join marts.dim_report r using (report_id)"
            " where f.line = 'total' and f.item is null"
            " and f.executed is not null and f.adjusted_budget is not null"
        ).fetchall()
    expected: dict[tuple, list[float]] = {}
    for province, city, county, year, adjusted, executed in facts:
        totals = expected.setdefault((province, city, county, year), [0.0, 0.0, 0])
        totals[0] += adjusted
        totals[1] += executed
        totals[2] += 1
    rows = python_results["execution_rate_by_region_and_year"]
    assert len(rows) == len(expected)
    for province, city, county, year, reports, adjusted, executed, rate in rows:
        adjusted_sum, executed_sum, count = expected[(province, city, county, year)]
        assert reports == count
        assert adjusted == pytest.approx(adjusted_sum, abs=0.01)
        assert executed == pytest.approx(executed_sum, abs=0.01)
        assert rate == pytest.approx(executed_sum / adjusted_sum * 100, abs=0.01)


def test_missed_indicators_are_the_not_achieved_ones(
    published: Path, python_results: dict[str, list[tuple]]
) -> None:
    with duckdb.connect(str(published), read_only=True) as connection:
        missed = connection.execute(
            "select count(*) from marts.fct_indicator_achievement where achieved = false"
        ).fetchone()[0]
    rows = python_results["missed_indicators_by_unit"]
    assert sum(row[6] for row in rows) == missed > 0
    assert [row[6] for row in rows] == sorted((row[6] for row in rows), reverse=True)


def test_missed_indicators_from_the_rollup_equal_the_facts_grouped_directly(
    published: Path, python_results: dict[str, list[tuple]]
) -> None:
    """The example reads marts.agg_unit_year_achievement; grouping the million-row fact as the
    query once did must give the same rows (same counts, same names in the same order)."""
    with duckdb.connect(str(published), read_only=True) as connection:
        direct = connection.execute(
            "select u.unit_name, u.province, u.city, u.county, i.fiscal_year,"
            " count(*) filter (where i.achieved is not null) as judged_indicators,"
            " count(*) filter (where not i.achieved) as missed_indicators,"
            " string_agg(distinct d.name, '、' order by d.name) filter (where not i.achieved) as missed"
            " from marts.fct_indicator_achievement as i"
            " join marts.dim_unit as u on u.unit_id = i.unit_id"
            " left join marts.dim_indicator as d on d.indicator_key = i.indicator_key"
            " group by all having count(*) filter (where not i.achieved) > 0"
        ).fetchall()
    rows = python_results["missed_indicators_by_unit"]
    assert sorted(rows, key=repr) == sorted(direct, key=repr)
    assert any(row[7] and "、" in row[7] for row in rows)  # several missed names joined


def test_quality_failures_by_portal_cover_every_failure_in_effect(
    published: Path, python_results: dict[str, list[tuple]]
) -> None:
    with duckdb.connect(str(published), read_only=True) as connection:
        in_effect = connection.execute(
            "select count(*) from quality.expectation_results where in_effect and source_id is not null"
        ).fetchone()[0]
    rows = python_results["quality_failures_by_portal"]
    assert {row[0] for row in rows} <= {f"portal-{n:03d}" for n in range(4)}
    assert sum(row[1] + row[2] for row in rows) == in_effect > 0


def test_underspent_education_bureaus_answer_the_question(
    published: Path, python_results: dict[str, list[tuple]]
) -> None:
    with duckdb.connect(str(published), read_only=True) as connection:
        expected = connection.execute(
            "select count(*) from marts.fct_budget_execution f join marts.dim_unit u using (unit_id)"
            " where f.fiscal_year = 2023 and f.line = 'total' and f.item is null and f.execution_rate < 90"
            " and u.county is not null and u.unit_name like '%教育%局%'"
        ).fetchone()[0]
    rows = python_results["underspent_education_bureaus"]
    assert len(rows) == expected
    assert all(row[6] < 90 for row in rows)


def test_duckdb_cli_recipe(published: Path, python_results: dict[str, list[tuple]]) -> None:
    if not Path(DUCKDB_CLI).exists():
        pytest.skip("the DuckDB CLI is not installed (pip install duckdb-cli, or duckdb.org)")
    for name, sql in example_queries().items():
        result = subprocess.run(
            [DUCKDB_CLI, "-readonly", "-json", str(published), "-c", sql],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, f"{name}: {result.stderr}"
        rows = json.loads(result.stdout or "[]")
        assert len(rows) == len(python_results[name]), name


def test_superset_through_duckdb_engine(published: Path, python_results: dict[str, list[tuple]]) -> None:
    """What Superset does with the README's SQLAlchemy URI: list schemas and tables, run SQL Lab."""
    sqlalchemy = pytest.importorskip("sqlalchemy")
    pytest.importorskip("duckdb_engine")
    engine = sqlalchemy.create_engine(f"duckdb:///{published}", connect_args={"read_only": True})
    try:
        inspector = sqlalchemy.inspect(engine)
        # duckdb-engine names schemas <catalog>.<schema>; the catalog is the file's stem
        assert {f"{published.stem}.marts", f"{published.stem}.quality"} <= set(inspector.get_schema_names())
        assert {
            "dim_report",
            "dim_unit",
            "dim_region",
            "dim_indicator",
            "dim_fiscal_year",
            "fct_budget_execution",
            "fct_indicator_achievement",
        } <= set(inspector.get_table_names(schema="marts"))
        with engine.connect() as connection:
            for name, sql in example_queries().items():
                rows = connection.execute(sqlalchemy.text(sql)).fetchall()
                assert [tuple(row) for row in rows] == python_results[name], name
    finally:
        engine.dispose()
