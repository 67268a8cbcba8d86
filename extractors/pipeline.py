"""The nightly run as plain functions: one per hop, shared by the DAG and the CLI.

Every step reads and writes files under ``DATA_DIR/runs/<run_id>/`` and passes
only short strings (paths, ids, counts) to the next one — that is what goes
through Airflow's XCom, never documents.  Document work (crawl, extract) writes
only its own files and may run on many workers at once; the steps that write
shared state (stage, build, publish) run once per run.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from extractors import staging
from extractors.atomic import write_bytes_atomic
from extractors.settings import Settings

log = logging.getLogger(__name__)

_RUN_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class RunAbortedError(RuntimeError):
    """Raised when a run must stop before publishing (nothing usable to publish).

    Permanent (``extractors.failures``): the same batch gives the same verdict on a retry.
    """

    permanent = True


def safe_run_id(run_id: str | None = None) -> str:
    """A run id usable as a folder name (Airflow's contain ':' and '+')."""
    if not run_id:
        run_id = "cli__" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return _RUN_ID_UNSAFE.sub("_", run_id).strip("_")


def run_dir(settings: Settings, run_id: str) -> Path:
    return settings.runs_dir / run_id


def write_json_atomic(path: Path, payload: Any) -> Path:
    """Write JSON so that a killed task leaves either the old file or the new one, never half."""
    write_bytes_atomic(path, json.dumps(payload, ensure_ascii=False, indent=1, default=str).encode("utf-8"))
    return path


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- crawl


def list_source_ids(settings: Settings) -> list[str]:
    from extractors.portals.registry import load_registry

    return [source.id for source in load_registry(settings.sources_file)]


def begin_run(settings: Settings, run_id: str, owner: str = "cli") -> list[str]:
    """The run's first step: take DATA_DIR for the run, record that it started, then read the
    registry's source ids.

    Another run holding DATA_DIR raises ``RunLockedError`` (run_lease.py) before anything is
    touched.  A registry that cannot be read (missing, malformed, an unknown key, no source)
    raises ``RegistryError`` — permanent, so the run fails at once, before anything is
    crawled — and is recorded for the run's summary and notification.
    """
    from extractors.outcome import record_registry_error, start_run
    from extractors.portals.registry import RegistryError
    from extractors.run_lease import acquire

    acquire(settings, run_id, owner)
    start_run(settings, run_id)
    try:
        return list_source_ids(settings)
    except RegistryError as error:
        record_registry_error(settings, run_id, str(error))
        log.error("the registry could not be read: %s", error)
        raise


def crawl(settings: Settings, run_id: str, source_id: str) -> dict[str, Any]:
    """Crawl one source; write ``crawl/<source_id>.json``; return its stats.

    The output file is written whatever happens, so the source's counts reach
    the warehouse.  Raises afterwards only when the portal was unreachable
    (every start URL failed: ``SourceUnreachableError``, permanent when no start
    URL failed for a reason that may pass — see ``extractors.failures``) or the
    crawler itself broke — one source's task fails visibly while the rest of the
    run goes on.  A reachable portal with no reports yet is a successful crawl of
    zero documents.
    """
    from extractors.failures import SourceUnreachableError
    from extractors.outcome import CRASHED, CRAWLED, UNREACHABLE
    from extractors.portals.crawler import crawl_source
    from extractors.portals.registry import load_registry

    sources = {source.id: source for source in load_registry(settings.sources_file)}
    if source_id not in sources:
        raise KeyError(f"source {source_id!r} is not in {settings.sources_file}")
    source = sources[source_id]
    output_path = run_dir(settings, run_id) / "crawl" / f"{source_id}.json"
    started = datetime.now(UTC).isoformat()
    try:
        result = crawl_source(source, settings, run_id=run_id)
    except Exception as error:
        failed = {
            "errors": 1,
            "started_at": started,
            "finished_at": datetime.now(UTC).isoformat(),
            "error_message": f"crawler failed: {type(error).__name__}: {error}",
            "first_error": f"the crawler failed: {type(error).__name__}: {error}",
        }
        write_json_atomic(
            output_path, {"source_id": source_id, "status": CRASHED, "stats": failed, "documents": []}
        )
        raise
    stats = _as_dict(result.stats)
    unreachable = stats.get("start_urls_failed", 0) >= len(source.start_urls)
    output = {
        "source_id": source_id,
        "status": UNREACHABLE if unreachable else CRAWLED,
        "stats": stats,
        "documents": [document.to_dict() for document in result.documents],
    }
    write_json_atomic(output_path, output)
    log.info(
        "crawled %s: %d documents (%s)",
        source_id,
        len(output["documents"]),
        ", ".join(
            f"{k}={stats.get(k)}" for k in ("pages", "new", "unchanged", "reposts", "errors", "not_rechecked")
        ),
    )
    if unreachable:
        failures = stats.get("start_url_failures") or []
        permanent = bool(failures) and not any(failure.get("transient") for failure in failures)
        raise SourceUnreachableError(
            source_id, stats.get("first_error") or str(stats.get("error_message")), permanent=permanent
        )
    return {"source_id": source_id, "documents": len(output["documents"]), **stats}


def sources_crawled(settings: Settings, run_id: str) -> dict[str, Any]:
    """The gate between crawl and extract: stop the run when no source could be crawled.

    Raises ``NothingCrawledError`` (permanent) with every source's reason, or the
    registry error; otherwise returns which sources were crawled and which failed,
    and why — the run goes on with the ones that were.
    """
    from extractors.outcome import require_crawled_sources

    outcome = require_crawled_sources(settings, run_id)
    failed = {source.source_id: source.first_error or source.status for source in outcome.failed_sources}
    for source_id, reason in failed.items():
        log.warning("source %s was not crawled: %s", source_id, reason)
    return {"crawled": [source.source_id for source in outcome.crawled], "failed": failed}


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if hasattr(value, "to_dict"):
        return value.to_dict()
    from dataclasses import asdict

    return asdict(value)


# ---------------------------------------------------------------- plan + extract


def plan_extraction(settings: Settings, run_id: str) -> list[str]:
    """Split this run's documents that still need staging into batch files.

    A document needs work unless the current extractor version has already
    staged it.  Reposts (same sha256 under another URL) are planned once.
    Returns the batch file paths (what the mapped extract task expands over).
    """
    from extractors.extraction import EXTRACTOR_VERSION

    done = staging.staged_versions(settings.staging_dir)
    pending: dict[str, dict[str, Any]] = {}
    for crawl_file in sorted((run_dir(settings, run_id) / "crawl").glob("*.json")):
        for document in read_json(crawl_file)["documents"]:
            sha256 = document["sha256"]
            if done.get(sha256) == EXTRACTOR_VERSION or sha256 in pending:
                continue
            pending[sha256] = document
    documents = list(pending.values())
    size = max(1, settings.extract_batch_size)
    batch_dir = run_dir(settings, run_id) / "batches"
    paths = [
        str(write_json_atomic(batch_dir / f"{number:05d}.json", documents[start : start + size]))
        for number, start in enumerate(range(0, len(documents), size))
    ]
    log.info("planned %d documents to extract in %d batches", len(documents), len(paths))
    return paths


def extract_batch(settings: Settings, batch_path: str | Path) -> dict[str, int]:
    """Extract one batch, each document in its own limited process; write, per sha256, the records
    of the reports the document holds (a JSON list, in document order).

    A record that already exists for the current extractor version is reused
    (a retried task does not redo finished documents).
    """
    from extractors.extraction import EXTRACTOR_VERSION, extract_files

    allow_document_processes()
    documents = read_json(Path(batch_path))
    todo = [doc for doc in documents if not _record_is_current(settings, doc["sha256"], EXTRACTOR_VERSION)]
    errors = 0
    results = extract_files(
        [Path(doc["raw_path"]) for doc in todo],
        workers=settings.extract_workers,
        timeout_s=settings.document_timeout_s,
        memory_mb=settings.document_memory_mb,
        source_urls=[doc.get("url") for doc in todo],
        contexts=[doc.get("page_context") for doc in todo],
    )
    for number, (document, records) in enumerate(zip(todo, results, strict=True), start=1):
        extracted_at = datetime.now(UTC).isoformat()
        for record in records:
            record["document"]["sha256"] = document["sha256"]
            if document.get("file_name"):
                record["document"]["file_name"] = document["file_name"]
            record["extracted_at"] = extracted_at
        write_json_atomic(record_path(settings, document["sha256"]), records)
        first = records[0]
        if first.get("error"):
            errors += 1
            log.warning("[%d/%d] %s: %s", number, len(todo), document.get("url"), first["error"])
        else:
            log.info(
                "[%d/%d] %s: %d report(s), %d budget facts, %d indicators",
                number,
                len(todo),
                document.get("file_name") or document.get("url"),
                len(records),
                sum(len(r.get("budget_facts") or []) for r in records),
                sum(len(r.get("indicators") or []) for r in records),
            )
    return {"documents": len(documents), "extracted": len(todo), "errors": errors}


def allow_document_processes() -> None:
    """Let this process start the per-document extraction processes, even inside a Celery worker.

    Celery's prefork pool marks its pool processes daemonic, and the Airflow task
    process forked from one inherits the mark; multiprocessing then refuses to
    start children ("daemonic processes are not allowed to have children") and
    every extract task fails on the CeleryExecutor.  The document processes are
    our own, started daemonic and reaped or killed by ``extract_files``, so the
    inherited mark protects nothing here.
    """
    import multiprocessing

    current = multiprocessing.current_process()
    if current.daemon:
        current._config.pop("daemon", None)  # the mark lives only there; no public setter after start
        log.info("cleared the daemon mark inherited from the worker pool")


def record_path(settings: Settings, sha256: str) -> Path:
    return settings.records_dir / sha256[:2] / f"{sha256}.json"


def read_records(path: Path) -> list[dict[str, Any]]:
    """A document's stored records: a list (one per report), or one record written before bundles."""
    stored = read_json(path)
    return stored if isinstance(stored, list) else [stored]


def _record_is_current(settings: Settings, sha256: str, version: str) -> bool:
    path = record_path(settings, sha256)
    if not path.exists():
        return False
    try:
        return read_records(path)[0]["document"].get("extractor_version") == version
    except (OSError, ValueError, KeyError, IndexError):
        return False


# ---------------------------------------------------------------- stage


def stage(settings: Settings, run_id: str) -> dict[str, Any]:
    """Write this run's staging batch from its planned documents' records and crawl stats.

    A planned document without a record (its extract task failed for good)
    is left for the next run, and said so in the log — never staged half.
    A run in which no source could be crawled stops here too (``NothingCrawledError``):
    the orchestrator runs this step after failed extract tasks as well, and so also
    after a failed crawl gate — a run with nothing crawled must not go on to publish.
    """
    from extractors.outcome import require_crawled_sources

    require_crawled_sources(settings, run_id)
    folder = run_dir(settings, run_id)
    parts: list[dict[str, list[dict[str, Any]]]] = []
    missing = 0
    for batch_file in sorted((folder / "batches").glob("*.json")):
        for document in read_json(batch_file):
            path = record_path(settings, document["sha256"])
            if not path.exists():
                missing += 1
                log.warning(
                    "no record for %s (%s): left for the next run", document["sha256"], document["url"]
                )
                continue
            parts.extend(staging.record_to_rows(record, document, run_id) for record in read_records(path))
    rows = staging.merge_rows(parts)
    rows["crawl_stats"] = list(_crawl_stats_rows(folder, run_id))
    counts = staging.write_batch(settings.staging_dir / f"run={run_id}", rows)
    return {"run_dir": str(settings.staging_dir / f"run={run_id}"), "missing_records": missing, **counts}


def _crawl_stats_rows(folder: Path, run_id: str) -> Iterable[dict[str, Any]]:
    for crawl_file in sorted((folder / "crawl").glob("*.json")):
        payload = read_json(crawl_file)
        yield {"run_id": run_id, "source_id": payload["source_id"]} | {
            key: payload["stats"].get(key)
            for key, _ in staging.STAGING_TABLES["crawl_stats"]
            if key not in ("run_id", "source_id")
        }


def is_staged(settings: Settings, run_id: str) -> bool:
    """Whether ``stage`` finished for this run (its batch folder is renamed into place last)."""
    return (settings.staging_dir / f"run={run_id}").is_dir()


def run_outcome(settings: Settings, run_id: str) -> dict[str, Any]:
    """The run's account of its crawl, after ``stage`` whatever became of it.

    Logs the run source by source (pages, documents, new, errors, first error in plain
    words), so the task log says what the night crawled, and fails — permanently — when
    the run cannot publish anything: no source crawled, or nothing staged.  In the DAG
    this step is a leaf beside the warehouse steps, so a run that stopped there fails at
    once, while ``warehouse_needed`` skips the warehouse steps.
    """
    from extractors.failures import NothingCrawledError
    from extractors.outcome import RunOutcome, load_outcome

    outcome = load_outcome(settings, run_id) or RunOutcome(run_id=run_id)
    for line in outcome.lines():
        log.info(line)
    if outcome.nothing_crawled:
        raise NothingCrawledError(f"no source could be crawled: {outcome.reasons() or 'no crawl finished'}")
    if not is_staged(settings, run_id):
        raise RunAbortedError(
            f"run {run_id} was not staged (the stage step failed): nothing to build or publish"
        )
    return {
        "crawled": [source.source_id for source in outcome.crawled],
        "failed": {
            source.source_id: source.first_error or source.status for source in outcome.failed_sources
        },
    }


# ---------------------------------------------------------------- does the warehouse need this run?


def decide_build(settings: Settings, run_id: str) -> dict[str, Any]:
    """Whether this run must validate, build and publish, or leave the warehouse as it is.

    Runs after ``stage``, so the run's crawl stats are staged either way (the next
    build loads them).  See ``extractors.rebuild`` for what counts as a change.
    """
    from extractors.rebuild import decide

    return decide(settings, run_id).to_dict()


def warehouse_needed(settings: Settings, run_id: str) -> bool:
    """The DAG's short-circuit after ``stage``: build and publish, or leave the warehouse as it is.

    Runs after a failed ``stage`` too: a run that was not staged (nothing crawled, or an
    error) leaves the warehouse as it is and decides nothing — ``run_outcome`` fails such
    a run — so the warehouse steps are skipped at once rather than failed one by one.
    """
    if not is_staged(settings, run_id):
        log.warning("run %s was not staged: the warehouse is left as it is", run_id)
        return False
    return bool(decide_build(settings, run_id)["build"])


# ---------------------------------------------------------------- validate, build, publish


def validate(settings: Settings, run_id: str) -> dict[str, Any]:
    """Run the quality suites on this run's batch.

    Quarantined records are normal — the run goes on without them.  A batch of
    several reports in which *every* one is quarantined points at a broken
    extractor or portal rather than at bad reports, so the run stops here, before
    anything is published, and says why; one or a few bad reports on a quiet night
    never stop it (they stay queryable in quality.held_out_*).
    """
    from expectations import QualitySettings, validate_run

    staged = settings.staging_dir / f"run={run_id}"
    summary = _as_dict(validate_run(staged, run_id=run_id, data_docs_dir=settings.data_docs_dir))
    reports = staging.count_rows(staged / "reports.parquet")
    enough = reports >= QualitySettings().min_reports_to_stop_when_all_quarantined
    if enough and summary.get("quarantined_reports", 0) >= reports:
        raise RunAbortedError(
            f"all {reports} reports of run {run_id} failed error-level expectations; nothing is published"
            f" (results: {summary.get('results_path')}, data docs: {summary.get('data_docs_index')})"
        )
    log.info("quality data docs: %s", summary.get("data_docs_index"))
    return summary


def build(settings: Settings, run_id: str | None = None) -> dict[str, Any]:
    from extractors.publish import prepare_build
    from extractors.run_lease import require_free_or_mine
    from extractors.warehouse import dbt_build

    require_free_or_mine(settings, run_id)
    prepare_build(settings)
    return _as_dict(dbt_build(settings))


def docs(settings: Settings) -> str:
    """Generate the dbt docs site for the build (published next to the warehouse)."""
    from extractors.warehouse import dbt_docs

    return str(dbt_docs(settings))


def publish(settings: Settings, run_id: str) -> dict[str, Any]:
    from extractors.publish import publish as publish_build
    from extractors.publish import summarize
    from extractors.rebuild import record_published
    from extractors.run_lease import require_free_or_mine

    require_free_or_mine(settings, run_id)
    path = publish_build(settings)
    record_published(settings, run_id)
    summary = summarize(path)
    data_docs = settings.data_docs_dir / "index.html"
    result = summary.__dict__ | {
        "run_id": run_id,
        "data_docs": str(data_docs) if data_docs.exists() else None,
    }
    write_json_atomic(run_dir(settings, run_id) / "summary.json", result)
    for line in summary.lines():
        log.info(line)
    log.info("  quality data docs: %s", result["data_docs"])
    return result


def run_all(settings: Settings, run_id: str | None = None) -> dict[str, Any]:
    """The whole nightly run in one process, without Airflow (``python -m extractors run``).

    As in the DAG, a registry that cannot be read or a run in which no source could
    be crawled raises before anything is extracted, and a run with nothing new stops
    after ``stage`` (``decide_build``).
    """
    from extractors.run_lease import release

    run_id = safe_run_id(run_id)
    try:
        return _run_all(settings, run_id)
    finally:
        release(settings, run_id)


def _run_all(settings: Settings, run_id: str) -> dict[str, Any]:
    failed_sources = []
    for source_id in begin_run(settings, run_id):
        try:
            crawl(settings, run_id, source_id)
        except Exception as error:  # one portal never stops the run
            log.error("crawl of %s failed: %s", source_id, error)
            failed_sources.append(source_id)
    sources_crawled(settings, run_id)  # none crawled: stop, nothing to publish
    for batch in plan_extraction(settings, run_id):
        extract_batch(settings, batch)
    stage(settings, run_id)
    decision = decide_build(settings, run_id)
    if not decision["build"]:
        return {"run_id": run_id, "failed_sources": failed_sources, "warehouse": "unchanged", **decision}
    validate(settings, run_id)
    build(settings, run_id)
    docs(settings)
    summary = publish(settings, run_id)
    return {"run_id": run_id, "failed_sources": failed_sources, "warehouse": "published", **summary}
