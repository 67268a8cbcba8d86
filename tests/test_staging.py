"""Records become typed Parquet batches; a rerun replaces, never adds."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from extractors import staging

SHA = "ab" * 32


def _record(**overrides) -> dict:
    record = {
        "schema_version": 1,
        "document": {
            "sha256": SHA,
            "file_name": "a.pdf",
            "format": "pdf",
            "page_count": 2,
            "extractor_version": "t1",
        },
        "report": {
            "report_kind": "project",
            "fiscal_year": 2023,
            "unit_name": "株洲市芦淞区教育局",
            "project_name": "学生资助",
            "province": "湖南省",
            "city": "株洲市",
            "county": "芦淞区",
            "self_score": 92.5,
            "grade": "优",
        },
        "budget_facts": [
            {
                "line": "total",
                "stage": "executed",
                "item": None,
                "amount_wan_yuan": 12.5,
                "evidence": "全年执行数 12.5",
                "origin": "table",
            },
        ],
        "indicators": [
            {
                "level1": "产出指标",
                "level2": "数量指标",
                "name": "资助人数",
                "target_text": "≥100人",
                "actual_text": "120人",
                "target_op": ">=",
                "target_value": 100,
                "target_unit": "人",
                "actual_value": 120,
                "weight": 10,
                "score": 10,
                "origin": "table",
            },
        ],
        "extracted_at": "2026-11-21T01:02:03+00:00",
        "error": None,
    }
    record.update(overrides)
    return record


PROVENANCE = {
    "source_id": "s1",
    "url": "http://127.0.0.1/a.pdf",
    "title": "自评表",
    "published_at": "2024-03-15",
    "fetched_at": "2026-11-21T01:00:00+00:00",
}


def test_record_rows_carry_report_id_and_order_numbers() -> None:
    rows = staging.record_to_rows(_record(), PROVENANCE, "r1")
    assert rows["documents"][0]["report_id"] == SHA[:16]
    assert rows["reports"][0]["unit_name"] == "株洲市芦淞区教育局"
    assert rows["budget_facts"][0]["fact_no"] == 0
    assert rows["indicators"][0]["indicator_no"] == 0
    assert rows["documents"][0]["source_url"] == PROVENANCE["url"]


def test_error_record_stages_only_the_document_row() -> None:
    rows = staging.record_to_rows(
        _record(error={"kind": "encrypted", "message": "password"}, budget_facts=[], indicators=[]),
        PROVENANCE,
        "r1",
    )
    assert rows["documents"][0]["error_kind"] == "encrypted"
    assert rows["reports"] == [] and rows["budget_facts"] == []


def test_record_without_sha256_is_refused() -> None:
    record = _record()
    record["document"] = {"format": "pdf"}
    with pytest.raises(ValueError, match="sha256"):
        staging.record_to_rows(record, {}, "r1")


def test_batch_is_typed_even_when_empty(tmp_path: Path) -> None:
    counts = staging.write_batch(tmp_path / "run=r0", {})
    assert set(counts) == set(staging.STAGING_TABLES)
    described = (
        duckdb.connect()
        .execute(f"DESCRIBE SELECT * FROM read_parquet('{tmp_path / 'run=r0' / 'reports.parquet'}')")
        .fetchall()
    )
    types = {row[0]: row[1] for row in described}
    assert types["fiscal_year"] == "INTEGER" and types["self_score"] == "DOUBLE"


def test_batch_round_trips_values(tmp_path: Path) -> None:
    rows = staging.record_to_rows(_record(), PROVENANCE, "r1")
    staging.write_batch(tmp_path / "run=r1", rows)
    con = duckdb.connect()
    amount, published = con.execute(
        f"SELECT f.amount_wan_yuan, d.published_at"
        f" FROM read_parquet('{tmp_path}/run=r1/budget_facts.parquet') f,"
        f" read_parquet('{tmp_path}/run=r1/documents.parquet') d"
    ).fetchone()
    assert amount == 12.5 and str(published) == "2024-03-15"


def test_rewriting_a_batch_replaces_it(tmp_path: Path) -> None:
    rows = staging.record_to_rows(_record(), PROVENANCE, "r1")
    staging.write_batch(tmp_path / "run=r1", rows)
    staging.write_batch(tmp_path / "run=r1", rows)
    con = duckdb.connect()
    assert (
        con.execute(f"SELECT count(*) FROM read_parquet('{tmp_path}/run=*/reports.parquet')").fetchone()[0]
        == 1
    )
    assert not list(tmp_path.glob("*.partial"))


def test_staged_versions_reports_the_newest_extraction(tmp_path: Path) -> None:
    assert staging.staged_versions(tmp_path) == {}
    old = _record(extracted_at="2026-01-01T00:00:00+00:00")
    new = _record(extracted_at="2026-02-01T00:00:00+00:00")
    new["document"] = dict(new["document"], extractor_version="t2")
    staging.write_batch(tmp_path / "run=a", staging.record_to_rows(old, PROVENANCE, "a"))
    staging.write_batch(tmp_path / "run=b", staging.record_to_rows(new, PROVENANCE, "b"))
    assert staging.staged_versions(tmp_path) == {SHA: "t2"}


def test_count_rows_of_missing_and_written_tables(tmp_path: Path) -> None:
    assert staging.count_rows(tmp_path / "none.parquet") == 0
    staging.write_batch(tmp_path / "run=r1", staging.record_to_rows(_record(), PROVENANCE, "r1"))
    assert staging.count_rows(tmp_path / "run=r1" / "indicators.parquet") == 1
