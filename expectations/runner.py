"""Validate one staged run with the GX suites and write its quality_results.parquet.

Why pandas and not GX's SQL datasource: GX 1.x through duckdb-engine quietly reports
expectations as failed (DOMAIN.md), so the staged Parquet is read into DataFrames and
validated in memory.  GX is imported inside the functions: importing it costs 4–16 s,
which a DAG parse or a CLI start must not pay.

Each failing row becomes one quality_results row, mapped back to its report and record
through GX's unexpected_index_list over a private row-number column.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from expectations import twins
from expectations.settings import QualitySettings
from expectations.staged import (
    QUALITY_RESULTS_COLUMNS,
    VALIDATED_TABLES,
    StagedBatchError,
    read_staged_table,
    write_staged_table,
)
from expectations.suites import Rule, Suite, build_suites

logger = logging.getLogger(__name__)

QUALITY_RESULTS_FILE = "quality_results.parquet"
_ROW = "_row"  # private row number GX reports failing rows by
_DOCS_SITE = "govperf"


class QualitySuiteError(RuntimeError):
    """An expectation could not be evaluated (not: data failed it) — a bug or a type surprise."""


@dataclass(frozen=True)
class ValidationSummary:
    """What one run's validation found."""

    run_id: str
    records_checked: int  # rows of reports + budget_facts + indicators
    expectations_evaluated: int  # rules run (per suite with rows)
    failed: int  # quality_results rows
    errors: int  # rows of severity error (each quarantines its record)
    warnings: int  # rows of severity warn
    quarantined_reports: int
    quarantined_records: int  # facts / indicators held out (reports excluded)
    results_path: Path
    data_docs_index: Path | None
    elapsed_s: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (paths as text), for XCom and run summaries."""
        values = asdict(self)
        return {key: str(value) if isinstance(value, Path) else value for key, value in values.items()}


def validate_run(
    run_dir: Path,
    *,
    run_id: str,
    data_docs_dir: Path | None = None,
    settings: QualitySettings | None = None,
) -> ValidationSummary:
    """Run every suite over ``run_dir``'s staged tables; always write quality_results.parquet.

    The cross-document suite also reads the reports and budget facts earlier runs staged in
    ``run_dir``'s sibling ``run=*`` folders (read only; see twins.py).

    Raises StagedBatchError when a table or contract column is missing or a row belongs to
    another run, QualitySuiteError when GX cannot evaluate an expectation.
    """
    started = time.monotonic()
    settings = settings or QualitySettings()
    tables = {table: read_staged_table(run_dir, table) for table in VALIDATED_TABLES}
    _check_run_ids(tables, run_id, run_dir)
    keys = set(twins.report_keys(tables["reports"]).dropna())
    tables["earlier_reports"], tables["earlier_budget_facts"] = twins.load_earlier(run_dir, keys)
    checked_at = datetime.now(UTC).replace(tzinfo=None)

    rows: list[dict[str, Any]] = []
    evaluated = 0
    runner = _GxRunner(data_docs_dir, run_id=run_id, run_time=checked_at.replace(tzinfo=UTC))
    for suite in build_suites(settings):
        frame = suite.prepare(tables).reset_index(drop=True)
        if frame.empty:
            continue
        frame[_ROW] = range(len(frame))
        for rule, failing_rows in runner.failing_rows(suite, frame):
            rows += [_quality_row(suite, rule, frame.loc[i], run_id, checked_at) for i in failing_rows]
        evaluated += len(suite.rules)
    docs_index = runner.build_docs()

    results = pd.DataFrame(rows, columns=[name for name, _ in QUALITY_RESULTS_COLUMNS])
    results_path = write_staged_table(run_dir / QUALITY_RESULTS_FILE, "quality_results", results)
    summary = _summarise(results, tables, run_id, evaluated, results_path, docs_index, started)
    logger.info(
        "validated run %s: %d records, %d failures (%d errors, %d warnings), "
        "%d reports and %d records quarantined in %.1f s",
        run_id,
        summary.records_checked,
        summary.failed,
        summary.errors,
        summary.warnings,
        summary.quarantined_reports,
        summary.quarantined_records,
        summary.elapsed_s,
    )
    return summary


# Our severities in GX's terms: an error quarantines its record, a warning only flags it.
_GX_SEVERITY = {"error": "critical", "warn": "warning"}


def _severity_note(suite: str, rule: Rule) -> str:
    """The note Data Docs print under an expectation: its rule, severity and what failing does."""
    effect = (
        "记录被隔离，不进入 marts (quarantined)"
        if rule.severity == "error"
        else "仅标记，记录照常发布 (flagged)"
    )
    return f"严重程度 severity: {rule.severity} — {effect}; 规则 rule: {suite}.{rule.name}"


def _check_run_ids(tables: Mapping[str, pd.DataFrame], run_id: str, run_dir: Path) -> None:
    for table, frame in tables.items():
        foreign = set(frame["run_id"].dropna().unique()) - {run_id}
        if foreign:
            raise StagedBatchError(
                f"{run_dir / (table + '.parquet')} holds rows of run(s) {sorted(foreign)}, not {run_id!r}"
            )


def _quality_row(
    suite: Suite, rule: Rule, row: pd.Series, run_id: str, checked_at: datetime
) -> dict[str, Any]:
    observed = rule.observe(row) if rule.observe else _text(row[rule.gx_column])
    record_no = None if suite.record_column is None else _int_or_none(row[suite.record_column])
    return {
        "run_id": run_id,
        "suite": suite.name,
        "expectation": rule.name,
        "severity": rule.severity,
        "table_name": suite.table,
        "report_id": _text(row["report_id"]) if not _missing(row["report_id"]) else None,
        "record_no": record_no,
        "column_name": rule.column,
        "observed_value": observed,
        "quarantined": rule.severity == "error",
        "message": f"{rule.description} (observed {observed})",
        "checked_at": checked_at,
    }


def _summarise(
    results: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    run_id: str,
    evaluated: int,
    results_path: Path,
    docs_index: Path | None,
    started: float,
) -> ValidationSummary:
    held = results[results["quarantined"].astype(bool)]
    report_level = held[held["record_no"].isna()]
    record_level = held[held["record_no"].notna()]
    return ValidationSummary(
        run_id=run_id,
        records_checked=sum(len(tables[t]) for t in ("reports", "budget_facts", "indicators")),
        expectations_evaluated=evaluated,
        failed=len(results),
        errors=int((results["severity"] == "error").sum()),
        warnings=int((results["severity"] == "warn").sum()),
        quarantined_reports=report_level["report_id"].nunique(),
        quarantined_records=len(record_level.drop_duplicates(["table_name", "report_id", "record_no"])),
        results_path=results_path,
        data_docs_index=docs_index,
        elapsed_s=round(time.monotonic() - started, 3),
    )


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _text(value: object) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _int_or_none(value: object) -> int | None:
    return None if _missing(value) else int(value)  # type: ignore[call-overload]


class _GxRunner:
    """One ephemeral GX context per validation: suites, checkpoints and (optionally) Data Docs."""

    def __init__(
        self, data_docs_dir: Path | None, run_id: str = "", run_time: datetime | None = None
    ) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._datasource = self._context.data_sources.add_pandas("staged_run")
        self._docs_dir = data_docs_dir
        self._run_id = run_id or None
        self._run_time = run_time
        self._suite_rules: dict[str, list[tuple[str, str, str]]] = {}
        if data_docs_dir is not None:
            data_docs_dir.mkdir(parents=True, exist_ok=True)
            self._context.add_data_docs_site(
                site_name=_DOCS_SITE,
                site_config={
                    "class_name": "SiteBuilder",
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(data_docs_dir),
                    },
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )

    def failing_rows(self, suite: Suite, frame: pd.DataFrame) -> list[tuple[Rule, list[int]]]:
        """(rule, row numbers of ``frame`` that fail it) for every rule of ``suite``."""
        import great_expectations.expectations as gxe
        from great_expectations.checkpoint import UpdateDataDocsAction
        from great_expectations.core.run_identifier import RunIdentifier

        gx = self._gx
        missing = {rule.gx_column for rule in suite.rules} - set(frame.columns)
        if missing:
            raise StagedBatchError(f"suite {suite.name}: columns {sorted(missing)} absent from the batch")
        batch_definition = self._datasource.add_dataframe_asset(
            name=suite.name
        ).add_batch_definition_whole_dataframe("whole_batch")
        gx_suite = self._context.suites.add(gx.ExpectationSuite(name=suite.name))
        rules_by_name = {rule.name: rule for rule in suite.rules}
        self._suite_rules[suite.name] = [(rule.name, rule.severity, rule.description) for rule in suite.rules]
        for rule in suite.rules:
            expectation_class = getattr(gxe, rule.gx_expectation)
            gx_suite.add_expectation(
                expectation_class(
                    column=rule.gx_column,
                    meta={"rule": rule.name, "severity": rule.severity},
                    severity=_GX_SEVERITY[rule.severity],
                    # Data Docs print the notes under each expectation: what a failure does.
                    notes=_severity_note(suite.name, rule),
                    **rule.kwargs,
                )
            )
        definition = self._context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=gx_suite)
        )
        actions = [UpdateDataDocsAction(name="data_docs", site_names=[_DOCS_SITE])] if self._docs_dir else []
        checkpoint = self._context.checkpoints.add(
            gx.Checkpoint(
                name=suite.name,
                validation_definitions=[definition],
                actions=actions,
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [_ROW]},
            )
        )
        # The pipeline's run id names the validation in Data Docs (GX's default is "__none__").
        run = RunIdentifier(run_name=self._run_id, run_time=self._run_time)
        outcome = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=run)
        failing: list[tuple[Rule, list[int]]] = []
        for validation in outcome.run_results.values():
            for result in validation.results:
                rule = rules_by_name[result.expectation_config.meta["rule"]]
                exception = result.exception_info or {}
                if exception.get("raised_exception"):
                    raise QualitySuiteError(
                        f"suite {suite.name}, rule {rule.name}: GX could not evaluate "
                        f"{rule.gx_expectation} on {rule.gx_column}: {exception.get('exception_message')}"
                    )
                if not result.success:
                    indexes = result.result.get("unexpected_index_list") or []
                    failing.append((rule, [int(entry[_ROW]) for entry in indexes]))
        return failing

    def build_docs(self) -> Path | None:
        """The Data Docs index, its pages made to render offline (expectations/data_docs.py)."""
        from expectations.data_docs import localize

        if self._docs_dir is None:
            return None
        index = self._docs_dir / "index.html"
        if not index.exists():
            return None
        localize(self._docs_dir, self._suite_rules)
        return index
