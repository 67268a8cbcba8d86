"""Pipeline steps decide what to extract and when a run must stop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors import pipeline, staging
from extractors.settings import Settings

SHA = "cd" * 32


def _batch_of_bad_reports(settings: Settings, run_id: str, count: int) -> None:
    """``count`` documents whose one report fails report-wide rules (kind and year)."""
    rows: dict[str, list[dict]] = {}
    for number in range(count):
        record = {
            "schema_version": 1,
            "document": {
                "sha256": f"{number:02x}" * 32,
                "file_name": f"x{number}.pdf",
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
        source = {"source_id": "s", "url": f"http://127.0.0.1/x{number}.pdf"}
        for table, table_rows in staging.record_to_rows(record, source, run_id).items():
            rows.setdefault(table, []).extend(table_rows)
    staging.write_batch(settings.staging_dir / f"run={run_id}", rows)


def test_run_whose_every_report_is_quarantined_stops_before_publish(isolated_settings: Settings) -> None:
    _batch_of_bad_reports(isolated_settings, "r1", 5)
    with pytest.raises(pipeline.RunAbortedError, match="all 5 reports"):
        pipeline.validate(isolated_settings, "r1")


def test_one_bad_report_on_a_quiet_night_does_not_stop_the_run(isolated_settings: Settings) -> None:
    """A lone quarantined report is no sign of a broken extractor: the run publishes, and the
    report stays queryable in quality."""
    _batch_of_bad_reports(isolated_settings, "r1", 1)
    assert pipeline.validate(isolated_settings, "r1")["quarantined_reports"] == 1


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
    (record,) = pipeline.read_records(pipeline.record_path(isolated_settings, "e" * 64))
    assert record["error"]["kind"] and record["document"]["file_name"] == "broken.pdf"


# ---------------------------------------------------------------- a quiet night leaves the warehouse


@pytest.fixture(autouse=True)
def _still_dbt_project(monkeypatch: pytest.MonkeyPatch) -> None:
    """The repository's dbt/ may be edited while these tests run; here it must hold still."""
    from extractors import rebuild

    monkeypatch.setattr(rebuild, "dbt_fingerprint", lambda project_dir: "the models as they are")


def _record(sha256: str) -> dict:
    from extractors.extraction import EXTRACTOR_VERSION

    return {
        "schema_version": 1,
        "document": {"sha256": sha256, "format": "pdf", "extractor_version": EXTRACTOR_VERSION},
        "report": {"report_kind": "project", "fiscal_year": 2023, "unit_name": "某局"},
        "budget_facts": [],
        "indicators": [],
        "error": None,
        "extracted_at": "2026-11-21T00:00:00+00:00",
    }


def _night(settings: Settings, run_id: str, shas: str = "a", *, new: int = 0, errors: int = 0) -> dict:
    """One run up to the decision: crawl output listing ``shas``, plan, the extracted records, stage."""
    documents = [
        {"sha256": c * 64, "url": f"http://127.0.0.1/{c}.pdf", "raw_path": f"/nonexistent/{c}"} for c in shas
    ]
    stats = {"pages": 3, "new": new, "unchanged": len(shas) - new, "reposts": 0, "errors": errors}
    pipeline.write_json_atomic(
        pipeline.run_dir(settings, run_id) / "crawl" / "portal.json",
        {"source_id": "portal", "stats": stats, "documents": documents},
    )
    for document in documents:
        pipeline.write_json_atomic(
            pipeline.record_path(settings, document["sha256"]), _record(document["sha256"])
        )
    pipeline.plan_extraction(settings, run_id)
    pipeline.stage(settings, run_id)
    return pipeline.decide_build(settings, run_id)


def _publish(settings: Settings, run_id: str) -> None:
    """What a successful publish leaves behind (the warehouse file itself is not opened here)."""
    from extractors import rebuild

    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    settings.warehouse_path.write_bytes(b"a published warehouse")
    rebuild.record_published(settings, run_id)


def test_a_run_with_nothing_new_leaves_the_published_warehouse(isolated_settings: Settings) -> None:
    from extractors import rebuild

    first = _night(isolated_settings, "night-1", new=1)
    assert first["build"] and any("1 document(s) extracted" in r for r in first["reasons"])
    _publish(isolated_settings, "night-1")

    quiet = _night(isolated_settings, "night-2")

    assert quiet["build"] is False
    assert quiet["reasons"][0].startswith("nothing new") and "night-1" in quiet["reasons"][0]
    # Its crawl stats are staged all the same: the next build loads them.
    assert staging.count_rows(isolated_settings.staging_dir / "run=night-2" / "crawl_stats.parquet") == 1
    last = rebuild.last_decision(isolated_settings)
    assert last is not None and "warehouse left unchanged" in last.describe()
    on_disk = json.loads(rebuild.run_decision_path(isolated_settings, "night-2").read_text("utf-8"))
    assert on_disk["build"] is False
    # Several quiet nights in a row stay quiet: their staged folders hold no facts.
    assert _night(isolated_settings, "night-3")["build"] is False


def test_a_run_after_a_failed_build_or_publish_still_builds(isolated_settings: Settings) -> None:
    _night(isolated_settings, "night-1", new=1)
    _publish(isolated_settings, "night-1")
    assert _night(isolated_settings, "night-2", "ab", new=1)["build"]  # b staged, never published

    after = _night(isolated_settings, "night-3", "ab")

    assert after["build"]
    assert any("staged run(s) not in the warehouse: night-2" in r for r in after["reasons"])
    _publish(isolated_settings, "night-3")
    assert _night(isolated_settings, "night-4", "ab")["build"] is False


def test_a_new_extractor_version_rebuilds(
    isolated_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import extractors.extraction

    _night(isolated_settings, "night-1", new=1)
    _publish(isolated_settings, "night-1")
    monkeypatch.setattr(extractors.extraction, "EXTRACTOR_VERSION", "next")

    rerun = _night(isolated_settings, "night-2")

    assert rerun["build"] and any("1 document(s) extracted this run" in r for r in rerun["reasons"])


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("dbt", "dbt/ changed since the build of run night-1"),
        ("warehouse", "is not the one published by run night-1"),
        ("errors", "crawl errors of portal changed (0 → 2)"),
        ("age", "rebuilt at least every 7 days"),
        ("no-record", "no published warehouse recorded"),
    ],
)
def test_what_else_makes_a_quiet_night_rebuild(isolated_settings: Settings, change: str, reason: str) -> None:
    from extractors import rebuild

    _night(isolated_settings, "night-1", new=1)
    _publish(isolated_settings, "night-1")
    record_path = rebuild.published_record_path(isolated_settings)
    record = json.loads(record_path.read_text("utf-8"))
    if change == "dbt":
        record["dbt_project"] = "the fingerprint of yesterday's models"
    elif change == "warehouse":
        isolated_settings.warehouse_path.write_bytes(b"a warehouse copied in by hand")
    elif change == "age":
        from datetime import UTC, datetime, timedelta

        record["published_at"] = (datetime.now(UTC) - timedelta(days=8)).isoformat(timespec="seconds")
    pipeline.write_json_atomic(record_path, record)
    if change == "no-record":
        record_path.unlink()

    decision = _night(isolated_settings, "night-2", errors=2 if change == "errors" else 0)

    assert decision["build"] and any(reason in r for r in decision["reasons"]), decision["reasons"]


def test_dbt_fingerprint_sees_model_edits_not_dbt_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extractors import rebuild

    monkeypatch.undo()  # the real fingerprint, on a project of its own
    dbt_fingerprint = rebuild.dbt_fingerprint

    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "m.sql").write_text("select 1", encoding="utf-8")
    (tmp_path / "dbt_project.yml").write_text("name: x", encoding="utf-8")
    before = dbt_fingerprint(tmp_path)
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "compiled.sql").write_text("select 2", encoding="utf-8")
    assert dbt_fingerprint(tmp_path) == before
    (tmp_path / "models" / "m.sql").write_text("select 1 as one", encoding="utf-8")
    assert dbt_fingerprint(tmp_path) != before
