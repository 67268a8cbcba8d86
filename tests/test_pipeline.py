"""Pipeline steps decide what to extract and when a run must stop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors import pipeline, staging
from extractors.settings import Settings

SHA = "cd" * 32


def _batch_with_one_bad_report(settings: Settings, run_id: str) -> None:
    record = {
        "schema_version": 1,
        "document": {
            "sha256": SHA,
            "file_name": "x.pdf",
            "format": "pdf",
            "page_count": 1,
            "extractor_version": "t",
        },
        "report": {"report_kind": "no-such-kind", "fiscal_year": 1800, "unit_name": None},
        "budget_facts": [],
        "indicators": [],
        "extracted_at": "2026-11-21T00:00:00+00:00",
        "error": None,
    }
    rows = staging.record_to_rows(record, {"source_id": "s", "url": "http://127.0.0.1/x.pdf"}, run_id)
    staging.write_batch(settings.staging_dir / f"run={run_id}", rows)


def test_run_whose_every_report_is_quarantined_stops_before_publish(isolated_settings: Settings) -> None:
    _batch_with_one_bad_report(isolated_settings, "r1")
    with pytest.raises(pipeline.RunAbortedError, match="all 1 reports"):
        pipeline.validate(isolated_settings, "r1")


def test_safe_run_id_turns_airflow_ids_into_folder_names() -> None:
    assert pipeline.safe_run_id("manual__2026-11-21T20:31:08.305704+00:00") == (
        "manual__2026-11-21T20_31_08.305704_00_00"
    )
    assert pipeline.safe_run_id(None).startswith("cli__")


def test_plan_skips_documents_already_staged_by_this_extractor(isolated_settings: Settings) -> None:
    from extractors.extraction import EXTRACTOR_VERSION

    run = pipeline.run_dir(isolated_settings, "r2")
    documents = [
        {"sha256": "a" * 64, "url": "http://127.0.0.1/a.pdf", "raw_path": "/nonexistent/a"},
        {"sha256": "b" * 64, "url": "http://127.0.0.1/b.pdf", "raw_path": "/nonexistent/b"},
        {"sha256": "b" * 64, "url": "http://127.0.0.1/b-repost.pdf", "raw_path": "/nonexistent/b"},
    ]
    pipeline.write_json_atomic(
        run / "crawl" / "s.json", {"source_id": "s", "stats": {}, "documents": documents}
    )
    done = {
        "schema_version": 1,
        "document": {"sha256": "a" * 64, "format": "pdf", "extractor_version": EXTRACTOR_VERSION},
        "report": {},
        "budget_facts": [],
        "indicators": [],
        "error": None,
        "extracted_at": "2026-11-21T00:00:00+00:00",
    }
    staging.write_batch(isolated_settings.staging_dir / "run=r1", staging.record_to_rows(done, {}, "r1"))
    batches = pipeline.plan_extraction(isolated_settings, "r2")
    planned = [doc for batch in batches for doc in json.loads(Path(batch).read_text("utf-8"))]
    assert [doc["sha256"] for doc in planned] == ["b" * 64]  # a is staged; b's repost planned once


def test_unreadable_document_is_staged_as_an_error_not_lost(
    isolated_settings: Settings, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 truncated")
    batch = pipeline.write_json_atomic(
        tmp_path / "batch.json",
        [
            {
                "sha256": "e" * 64,
                "url": "http://127.0.0.1/broken.pdf",
                "raw_path": str(broken),
                "file_name": "broken.pdf",
                "source_id": "s",
            }
        ],
    )
    counts = pipeline.extract_batch(isolated_settings, batch)
    assert counts == {"documents": 1, "extracted": 1, "errors": 1}
    record = json.loads(pipeline.record_path(isolated_settings, "e" * 64).read_text("utf-8"))
    assert record["error"]["kind"] and record["document"]["file_name"] == "broken.pdf"
