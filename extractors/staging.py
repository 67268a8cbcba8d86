"""Extraction records → one typed Parquet batch per run.

Why Parquet per run (``staging/run=<run_id>/<table>.parquet``) and not rows in
the warehouse: DuckDB allows one writer, and staging happens while BI tools
read the published file.  A batch folder is written by one task, is never
modified afterwards, and dbt reads all of them; a document re-extracted in a
later run simply appears in a later batch and the newest one wins (dbt's
staging models), so a rerun replaces rather than adds.

Every table is always written, even with zero rows, with the column types
below: dbt and Great Expectations can then rely on the schema.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# The staging contract: table → ordered (column, DuckDB type).
STAGING_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "documents": (
        ("sha256", "VARCHAR"),
        ("report_id", "VARCHAR"),
        ("source_id", "VARCHAR"),
        ("source_url", "VARCHAR"),
        ("file_name", "VARCHAR"),
        ("format", "VARCHAR"),
        ("page_count", "INTEGER"),
        ("title", "VARCHAR"),
        ("published_at", "DATE"),
        ("fetched_at", "TIMESTAMP"),
        ("extractor_version", "VARCHAR"),
        ("extracted_at", "TIMESTAMP"),
        ("error_kind", "VARCHAR"),
        ("error_message", "VARCHAR"),
        ("run_id", "VARCHAR"),
        # Where in the document the report lies (a bundle holds several) and what the article page
        # that published it says of it (the crawler's page context).
        ("report_index", "INTEGER"),
        ("report_count", "INTEGER"),
        ("pages", "VARCHAR"),
        ("sheets", "VARCHAR"),
        ("page_title", "VARCHAR"),
        ("page_publisher", "VARCHAR"),
        ("page_breadcrumb", "VARCHAR"),
        ("page_published", "VARCHAR"),
    ),
    "reports": (
        ("report_id", "VARCHAR"),
        ("sha256", "VARCHAR"),
        ("report_kind", "VARCHAR"),
        ("fiscal_year", "INTEGER"),
        ("unit_name", "VARCHAR"),
        ("department_name", "VARCHAR"),
        ("project_name", "VARCHAR"),
        ("province", "VARCHAR"),
        ("city", "VARCHAR"),
        ("county", "VARCHAR"),
        ("self_score", "DOUBLE"),
        ("grade", "VARCHAR"),
        ("run_id", "VARCHAR"),
        ("title", "VARCHAR"),
        ("budget_execution_rate", "DOUBLE"),
        ("budget_execution_weight", "DOUBLE"),
        ("budget_execution_score", "DOUBLE"),
        # Where the unit and the year were read: "document", or "page" (the article page around it).
        ("unit_name_origin", "VARCHAR"),
        ("fiscal_year_origin", "VARCHAR"),
    ),
    "budget_facts": (
        ("report_id", "VARCHAR"),
        ("fact_no", "INTEGER"),
        ("line", "VARCHAR"),
        ("stage", "VARCHAR"),
        ("item", "VARCHAR"),
        ("amount_wan_yuan", "DOUBLE"),
        ("evidence", "VARCHAR"),
        ("origin", "VARCHAR"),
        ("run_id", "VARCHAR"),
        ("page", "INTEGER"),
    ),
    "indicators": (
        ("report_id", "VARCHAR"),
        ("indicator_no", "INTEGER"),
        ("level1", "VARCHAR"),
        ("level2", "VARCHAR"),
        ("name", "VARCHAR"),
        ("target_text", "VARCHAR"),
        ("actual_text", "VARCHAR"),
        ("target_op", "VARCHAR"),
        ("target_value", "DOUBLE"),
        ("target_unit", "VARCHAR"),
        ("actual_value", "DOUBLE"),
        ("actual_unit", "VARCHAR"),
        ("weight", "DOUBLE"),
        ("score", "DOUBLE"),
        ("deviation_reason", "VARCHAR"),
        ("origin", "VARCHAR"),
        ("run_id", "VARCHAR"),
        ("evidence", "VARCHAR"),
        ("page", "INTEGER"),
    ),
    "crawl_stats": (
        ("run_id", "VARCHAR"),
        ("source_id", "VARCHAR"),
        ("pages", "INTEGER"),
        ("new", "INTEGER"),
        ("unchanged", "INTEGER"),
        ("reposts", "INTEGER"),
        ("errors", "INTEGER"),
        ("started_at", "TIMESTAMP"),
        ("finished_at", "TIMESTAMP"),
        ("error_message", "VARCHAR"),
    ),
}

REPORT_ID_LENGTH = 16


def report_id_for(sha256: str, report_index: int = 0) -> str:
    """Ids from content and position: the same bytes give the same report_ids in every run.

    A document's first (or only) report keeps the id of the days before bundles (the sha256's
    first 16 hex digits); a bundle's later reports append their position ("…-1", "…-2").
    """
    base = sha256[:REPORT_ID_LENGTH]
    return base if not report_index else f"{base}-{report_index}"


def record_to_rows(
    record: Mapping[str, Any], provenance: Mapping[str, Any], run_id: str
) -> dict[str, list[dict[str, Any]]]:
    """Flatten one extraction record (plus where it was fetched from) into staging rows.

    ``provenance`` carries what the crawler knows and the document does not:
    source_id, url, title, published_at, fetched_at.
    """
    document = record.get("document") or {}
    sha256 = document.get("sha256") or provenance.get("sha256")
    if not sha256:
        raise ValueError("an extraction record without document.sha256 cannot be staged")
    report_id = report_id_for(sha256, int(document.get("report_index") or 0))
    error = record.get("error") or {}
    context = document.get("page_context") or provenance.get("page_context") or {}
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in STAGING_TABLES}
    rows["documents"].append(
        {
            "sha256": sha256,
            "report_id": report_id,
            "source_id": provenance.get("source_id"),
            "source_url": provenance.get("url") or document.get("source_url"),
            "file_name": document.get("file_name") or provenance.get("file_name"),
            "format": document.get("format"),
            "page_count": document.get("page_count"),
            "title": provenance.get("title"),
            "published_at": provenance.get("published_at"),
            "fetched_at": provenance.get("fetched_at"),
            "extractor_version": document.get("extractor_version"),
            "extracted_at": record.get("extracted_at"),
            "error_kind": error.get("kind"),
            "error_message": error.get("message"),
            "run_id": run_id,
            "report_index": document.get("report_index") or 0,
            "report_count": document.get("report_count") or 1,
            "pages": _joined(document.get("pages")),
            "sheets": _joined(document.get("sheets")),
            "page_title": context.get("title"),
            "page_publisher": context.get("publisher"),
            "page_breadcrumb": _joined(context.get("breadcrumb"), " > "),
            "page_published": context.get("published"),
        }
    )
    if error:
        return rows
    report = record.get("report") or {}
    origins = report.get("field_origins") or {}
    rows["reports"].append(
        {"report_id": report_id, "sha256": sha256, "run_id": run_id}
        | {name: report.get(name) for name, _ in STAGING_TABLES["reports"] if name not in _OWN_KEYS}
        | {
            "unit_name_origin": (origins.get("unit_name") or {}).get("origin"),
            "fiscal_year_origin": (origins.get("fiscal_year") or {}).get("origin"),
        }
    )
    for fact_no, fact in enumerate(record.get("budget_facts") or []):
        rows["budget_facts"].append(
            {"report_id": report_id, "fact_no": fact_no, "run_id": run_id}
            | {name: fact.get(name) for name, _ in STAGING_TABLES["budget_facts"] if name not in _OWN_KEYS}
        )
    for indicator_no, indicator in enumerate(record.get("indicators") or []):
        rows["indicators"].append(
            {"report_id": report_id, "indicator_no": indicator_no, "run_id": run_id}
            | {name: indicator.get(name) for name, _ in STAGING_TABLES["indicators"] if name not in _OWN_KEYS}
        )
    return rows


def _joined(values: Any, separator: str = ",") -> str | None:
    if not values:
        return None
    if isinstance(values, str):
        return values
    return separator.join(str(value) for value in values)


# Keys staging fills itself rather than copying from the record.
_OWN_KEYS = frozenset({"report_id", "sha256", "run_id", "fact_no", "indicator_no"})


def write_batch(
    run_dir: Path,
    rows: Mapping[str, Sequence[Mapping[str, Any]]],
) -> dict[str, int]:
    """Write every staging table of one run atomically; return row counts.

    The batch is assembled in a temp folder and renamed into place, so a task
    killed half-way leaves no half batch that dbt would read.
    """
    import duckdb
    import pandas as pd

    run_dir.parent.mkdir(parents=True, exist_ok=True)
    partial = run_dir.with_name(run_dir.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    counts: dict[str, int] = {}
    con = duckdb.connect()
    try:
        for table, columns in STAGING_TABLES.items():
            table_rows = list(rows.get(table, ()))
            frame = pd.DataFrame(table_rows, columns=[name for name, _ in columns], dtype=object)
            con.register("batch_rows", frame)
            select = ", ".join(f'CAST("{name}" AS {sql_type}) AS "{name}"' for name, sql_type in columns)
            target = (partial / f"{table}.parquet").as_posix()
            con.execute(f"COPY (SELECT {select} FROM batch_rows) TO '{target}' (FORMAT parquet)")
            con.unregister("batch_rows")
            counts[table] = len(table_rows)
    finally:
        con.close()
    if run_dir.exists():
        shutil.rmtree(run_dir)
    os.replace(partial, run_dir)
    log.info("staged %s: %s", run_dir.name, ", ".join(f"{t}={n}" for t, n in counts.items()))
    return counts


def merge_rows(parts: Iterable[Mapping[str, list[dict[str, Any]]]]) -> dict[str, list[dict[str, Any]]]:
    """Concatenate per-document row sets into one batch."""
    merged: dict[str, list[dict[str, Any]]] = {name: [] for name in STAGING_TABLES}
    for part in parts:
        for table, table_rows in part.items():
            merged[table].extend(table_rows)
    return merged


def staged_versions(staging_dir: Path) -> dict[str, str]:
    """sha256 → extractor_version of every document staged so far (newest run wins).

    Used to decide what a run must (re)extract: a document is done once it is
    staged by the current extractor version, not merely once a record exists —
    a run that died between extract and stage is picked up by the next one.
    """
    if not any(staging_dir.glob("run=*/documents.parquet")):
        return {}
    import duckdb

    pattern = (staging_dir / "run=*" / "documents.parquet").as_posix()
    con = duckdb.connect()
    try:
        result = con.execute(
            f"""
            SELECT sha256, arg_max(extractor_version, extracted_at)
            FROM read_parquet('{pattern}', union_by_name = true)
            GROUP BY sha256
            """
        ).fetchall()
    finally:
        con.close()
    return {sha256: version for sha256, version in result}


def count_rows(parquet_file: Path) -> int:
    """Rows in one staged table (0 when the file does not exist)."""
    if not parquet_file.exists():
        return 0
    import duckdb

    con = duckdb.connect()
    try:
        return int(
            con.execute(f"SELECT count(*) FROM read_parquet('{parquet_file.as_posix()}')").fetchone()[0]
        )
    finally:
        con.close()
