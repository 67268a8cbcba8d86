"""The same unit, year, kind and project published twice with different figures: both flagged,
neither quarantined — within one run and against the reports earlier runs staged."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pytest
from quality_batch import REPORT_ID, RUN_ID, clean_tables, write_run

from expectations import validate_run

Tables = dict[str, list[dict]]
EARLIER_RUN = "2026-11-20T02-00-00"
OLDEST_RUN = "2026-11-19T02-00-00"
TWIN_ID = "fedcba9876543210"
RULE = ("cross_document", "published_twice_with_same_figures", "warn")


def _as_document(tables: Tables, report_id: str, run_id: str) -> Tables:
    """The batch as document ``report_id`` staged by run ``run_id``."""
    for rows in tables.values():
        for row in rows:
            row["run_id"] = run_id
            if "report_id" in row:
                row["report_id"] = report_id
            if "sha256" in row:
                row["sha256"] = report_id + "0" * 48
    return tables


def _twin(run_id: str = RUN_ID, report_id: str = TWIN_ID, **report: object) -> Tables:
    tables = _as_document(clean_tables(), report_id, run_id)
    tables["reports"][0].update(report)
    return tables


def _merged(*batches: Tables) -> Tables:
    merged: Tables = {table: [] for table in batches[0]}
    for batch in batches:
        for table, rows in batch.items():
            merged[table] += rows
    return merged


def _rows(run_dir: Path) -> list[tuple]:
    query = (
        "select suite, expectation, severity, report_id, record_no, quarantined, run_id, observed_value "
        f"from read_parquet('{run_dir / 'quality_results.parquet'}', hive_partitioning = false) order by all"
    )
    return duckdb.sql(query).fetchall()


def _stage_earlier(staging_dir: Path, run_id: str, tables: Tables) -> None:
    write_run(staging_dir / f"run={run_id}", tables)


def test_two_documents_of_one_report_in_a_run_with_different_figures_are_both_flagged(run_dir: Path) -> None:
    twin = _twin()
    twin["budget_facts"][0]["amount_wan_yuan"] = 105.0  # total initial_budget

    summary = validate_run(write_run(run_dir, _merged(clean_tables(), twin)), run_id=RUN_ID)

    assert _rows(run_dir) == [
        (*RULE, REPORT_ID, None, False, RUN_ID,
         f"also published as {TWIN_ID} (this run): total/initial_budget 100 vs 105"),
        (*RULE, TWIN_ID, None, False, RUN_ID,
         f"also published as {REPORT_ID} (this run): total/initial_budget 105 vs 100"),
    ]  # fmt: skip
    assert summary.quarantined_reports == 0


def test_a_report_published_again_in_a_later_run_flags_both_documents(run_dir: Path) -> None:
    _stage_earlier(run_dir.parent, EARLIER_RUN, _twin(EARLIER_RUN, self_score=90.0))

    validate_run(write_run(run_dir, clean_tables()), run_id=RUN_ID)

    assert _rows(run_dir) == [
        (*RULE, REPORT_ID, None, False, RUN_ID,
         f"also published as {TWIN_ID} (run {EARLIER_RUN}): self_score 94 vs 90"),
        (*RULE, TWIN_ID, None, False, RUN_ID,
         f"also published as {REPORT_ID} (this run): self_score 90 vs 94"),
    ]  # fmt: skip


def test_the_same_figures_in_another_file_are_no_finding(run_dir: Path) -> None:
    """A repost in another format: extraction found fewer facts, but none that differ."""
    earlier = _twin(EARLIER_RUN)
    del earlier["budget_facts"][3:]
    _stage_earlier(run_dir.parent, EARLIER_RUN, earlier)

    assert validate_run(write_run(run_dir, clean_tables()), run_id=RUN_ID).failed == 0


@pytest.mark.parametrize(
    "report",
    [
        {"project_name": "另一个项目"},
        {"fiscal_year": 2022},
        {"unit_name": "株洲市芦淞区城市管理和综合执法局"},
        {"report_kind": "department_overall", "project_name": None},
    ],
    ids=["other_project", "other_year", "other_unit", "other_kind"],
)
def test_another_report_is_no_twin(run_dir: Path, report: dict) -> None:
    _stage_earlier(run_dir.parent, EARLIER_RUN, _twin(EARLIER_RUN, self_score=90.0, **report))
    assert validate_run(write_run(run_dir, clean_tables()), run_id=RUN_ID).failed == 0


def test_project_reports_without_a_project_name_are_not_compared(run_dir: Path) -> None:
    tables = clean_tables()
    tables["reports"][0]["project_name"] = None
    _stage_earlier(run_dir.parent, EARLIER_RUN, _twin(EARLIER_RUN, self_score=90.0, project_name=None))
    assert validate_run(write_run(run_dir, tables), run_id=RUN_ID).failed == 0


def test_names_printed_with_other_spacing_and_brackets_are_the_same_report(run_dir: Path) -> None:
    tables = clean_tables()
    tables["reports"][0]["unit_name"] = "株洲市芦淞区（城市管理）综合行政执法大队"
    earlier = _twin(EARLIER_RUN, self_score=90.0, unit_name="株洲市芦淞区 (城市管理)　综合行政执法大队")
    _stage_earlier(run_dir.parent, EARLIER_RUN, earlier)
    validate_run(write_run(run_dir, tables), run_id=RUN_ID)
    assert [row[3] for row in _rows(run_dir)] == [REPORT_ID, TWIN_ID]


def test_a_document_re_extracted_earlier_is_not_its_own_twin(run_dir: Path) -> None:
    earlier = _as_document(clean_tables(), REPORT_ID, EARLIER_RUN)
    earlier["reports"][0]["self_score"] = 90.0  # an older extractor read it differently
    _stage_earlier(run_dir.parent, EARLIER_RUN, earlier)
    assert validate_run(write_run(run_dir, clean_tables()), run_id=RUN_ID).failed == 0


def test_an_earlier_report_is_compared_by_its_latest_extraction(run_dir: Path) -> None:
    """Latest = newest extracted_at (run ids only break ties), as dbt's staging models pick it."""
    superseded = _twin(EARLIER_RUN, self_score=90.0)
    superseded["documents"][0]["extracted_at"] = superseded["documents"][0]["extracted_at"].replace(day=19)
    latest = _twin(OLDEST_RUN)  # a re-extraction staged under an older-named run: now 94
    latest["documents"][0]["extracted_at"] = latest["documents"][0]["extracted_at"].replace(day=20)
    _stage_earlier(run_dir.parent, EARLIER_RUN, superseded)
    _stage_earlier(run_dir.parent, OLDEST_RUN, latest)

    assert validate_run(write_run(run_dir, clean_tables()), run_id=RUN_ID).failed == 0


def test_half_written_and_incomplete_run_folders_are_skipped(
    run_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _stage_earlier(run_dir.parent, EARLIER_RUN + ".partial", _twin(EARLIER_RUN, self_score=90.0))
    _stage_earlier(run_dir.parent, OLDEST_RUN, _twin(OLDEST_RUN, self_score=80.0))
    (run_dir.parent / f"run={OLDEST_RUN}" / "budget_facts.parquet").unlink()

    with caplog.at_level(logging.WARNING, logger="expectations.twins"):
        summary = validate_run(write_run(run_dir, clean_tables()), run_id=RUN_ID)

    assert summary.failed == 0
    assert f"run={OLDEST_RUN} lacks budget_facts" in caplog.text
