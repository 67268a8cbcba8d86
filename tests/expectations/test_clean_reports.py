"""No false positives: 200 random, internally consistent sample reports raise no quality row."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import duckdb

from expectations import validate_run
from expectations.twins import report_key
from extractors.samples.record import spec_to_record
from extractors.samples.spec import random_report_spec
from extractors.staging import merge_rows, record_to_rows, write_batch

RUN_ID = "clean-sample-reports"
REPORTS = 200


def _stage_random_reports(run_dir: Path, count: int, seed: int) -> int:
    """Stage ``count`` distinct random reports; return their staged record count.

    The generator may draw one unit and year twice with other figures — exactly what the
    cross-document rule flags — so a draw whose (unit, year, kind, project) was already
    taken is replaced by the next one."""
    rng = random.Random(seed)
    parts, keys = [], set()
    while len(parts) < count:
        record = spec_to_record(random_report_spec(rng))
        report = record["report"]
        key = report_key(
            report["unit_name"], report["fiscal_year"], report["report_kind"], report["project_name"]
        )
        if key in keys:
            continue
        keys.add(key)
        sha256 = hashlib.sha256(f"{seed}/{len(parts)}".encode()).hexdigest()
        parts.append(record_to_rows(record, {"sha256": sha256, "source_id": "sample-portal"}, RUN_ID))
    rows = merge_rows(parts)
    write_batch(run_dir, rows)
    return sum(len(rows[table]) for table in ("reports", "budget_facts", "indicators"))


def test_random_clean_reports_raise_no_quality_row(tmp_path: Path) -> None:
    run_dir = tmp_path / f"run={RUN_ID}"
    records = _stage_random_reports(run_dir, REPORTS, seed=20261121)

    summary = validate_run(run_dir, run_id=RUN_ID)

    found = duckdb.sql(
        "select expectation, report_id, record_no, observed_value from "
        f"read_parquet('{summary.results_path}', hive_partitioning = false) order by all limit 10"
    ).fetchall()
    assert found == []
    assert summary.records_checked == records > REPORTS * 20
