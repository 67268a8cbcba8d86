"""Whether a run must rebuild the warehouse, and what the published one was built from.

Why: a night that finds nothing new used to validate an empty batch, rebuild all
of dbt's models on unchanged data, regenerate the docs and publish a warehouse
identical to the one served — most of the cost of a quiet night.  A run now
stages its crawl stats as always (``staging/run=<id>/crawl_stats.parquet``) and
then asks ``decide``: with nothing to extract and nothing else changed, the
warehouse steps are skipped.  Nothing is lost: dbt's staging models load every
run folder they have not loaded yet, so the skipped runs' crawl stats reach the
warehouse with the next build — at the latest ``Settings.warehouse_max_age_days``
after the last one, since an older warehouse is rebuilt anyway.

A build is needed when any of these holds (each becomes a reason in the log,
the run folder and ``python -m extractors summary``):

* this run planned documents to extract (new bytes, or a new extractor version);
* no publish is recorded, or the served file is not the one recorded (first
  run, a failed build or publish, a warehouse replaced or removed by hand);
* ``dbt/`` changed since the recorded build (models, tests, seeds, profiles);
* a staged run not in the recorded build holds documents or quality results
  (its build or publish failed, or was never run);
* the crawl found new bytes or reposts, a source appeared or went, or a
  source's error counts differ from the recorded run's (a portal broke or
  recovered: BI must see it);
* the recorded build is older than ``warehouse_max_age_days``.

``record_published`` (called by the publish step) writes what the next runs
compare against: ``DATA_DIR/warehouse_published.json``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from extractors.atomic import write_bytes_atomic
from extractors.settings import Settings

log = logging.getLogger(__name__)

PUBLISHED_FILE = "warehouse_published.json"
LAST_DECISION_FILE = "warehouse_last_run.json"
RUN_DECISION_FILE = "warehouse.json"
# Staged tables whose rows change the warehouse's facts or quality schema (crawl_stats alone does not).
CONTENT_TABLES = ("documents", "quality_results")
# dbt files whose change changes what a build produces; dbt's own output folders are not the project.
_DBT_SUFFIXES = frozenset({".sql", ".yml", ".yaml", ".csv", ".md"})
_DBT_SKIPPED_DIRS = frozenset({"target", "logs", "dbt_packages"})


@dataclass
class Decision:
    """One run's verdict on the warehouse; ``published_at`` is filled once its build is published."""

    run_id: str
    build: bool
    reasons: list[str]
    decided_at: str
    published_run_id: str | None = None
    published_at: str | None = None
    crawl: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> Decision:
        return cls(**{name: payload[name] for name in cls.__dataclass_fields__ if name in payload})

    def describe(self) -> str:
        """One line for the run summary: what happened to the warehouse and why."""
        why = "; ".join(self.reasons)
        if self.published_at:
            return f"run {self.run_id}: warehouse rebuilt and published at {self.published_at} ({why})"
        if self.build:
            return f"run {self.run_id}: warehouse rebuild needed ({why}) — not published (yet)"
        return f"run {self.run_id}: warehouse left unchanged — {why}"


def published_record_path(settings: Settings) -> Path:
    return settings.data_dir / PUBLISHED_FILE


def last_decision_path(settings: Settings) -> Path:
    return settings.data_dir / LAST_DECISION_FILE


def run_decision_path(settings: Settings, run_id: str) -> Path:
    return settings.runs_dir / run_id / RUN_DECISION_FILE


def decide(settings: Settings, run_id: str, *, now: datetime | None = None) -> Decision:
    """Whether ``run_id`` (crawled, planned and staged) must rebuild and publish the warehouse.

    Written to the run folder and as the latest decision, so the summary can say
    what the last run did to the warehouse.
    """
    now = now or datetime.now(UTC)
    crawl = _crawl_outcome(settings, run_id)
    published = _read(published_record_path(settings))
    reasons = _reasons_to_build(settings, run_id, crawl, published, now)
    if reasons:
        log.info("run %s rebuilds the warehouse: %s", run_id, "; ".join(reasons))
    else:
        assert published is not None  # no record is itself a reason to build
        skip = (
            "nothing new: no document to extract, dbt project and crawl outcome as at run "
            f"{published['run_id']} (published {published['published_at']}); this run's crawl stats "
            "are staged and load with the next build"
        )
        log.info("run %s leaves the warehouse as it is: %s", run_id, skip)
    decision = Decision(
        run_id=run_id,
        build=bool(reasons),
        reasons=reasons or [skip],
        decided_at=now.isoformat(timespec="seconds"),
        published_run_id=published.get("run_id") if published else None,
        crawl=crawl,
    )
    _write_decision(settings, decision)
    return decision


def record_published(settings: Settings, run_id: str, *, now: datetime | None = None) -> dict[str, Any]:
    """After a publish: what the served warehouse was built from, for the next runs' ``decide``."""
    now = now or datetime.now(UTC)
    warehouse = settings.warehouse_path
    stat = warehouse.stat()
    record = {
        "run_id": run_id,
        "published_at": now.isoformat(timespec="seconds"),
        "warehouse": {"path": str(warehouse), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns},
        "dbt_project": dbt_fingerprint(settings.dbt_project_dir),
        "staged_runs": staged_runs(settings),
        "crawl": _crawl_outcome(settings, run_id),
    }
    _write_json(published_record_path(settings), record)
    decision = _read(run_decision_path(settings, run_id))
    if decision is None:  # published without a decision (a manual `publish`): still say so
        decision = Decision(
            run_id=run_id,
            build=True,
            reasons=["published by hand"],
            decided_at=record["published_at"],
        ).to_dict()
    decision["published_at"] = record["published_at"]
    _write_decision(settings, Decision.from_dict(decision))
    return record


def last_decision(settings: Settings) -> Decision | None:
    """What the latest run decided about the warehouse (None before the first decision)."""
    payload = _read(last_decision_path(settings))
    return Decision.from_dict(payload) if payload else None


def dbt_fingerprint(project_dir: Path) -> str:
    """A hash of the dbt project's sources: any edit to a model, test, seed or profile changes it."""
    digest = hashlib.sha256()
    for path in sorted(project_dir.rglob("*")):
        relative = path.relative_to(project_dir)
        if not path.is_file() or path.suffix not in _DBT_SUFFIXES:
            continue
        if relative.parts[0] in _DBT_SKIPPED_DIRS or any(p.startswith(".") for p in relative.parts):
            continue
        digest.update(relative.as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def staged_runs(settings: Settings) -> list[str]:
    """Run ids with a complete staging folder (``.partial`` ones are still being written)."""
    return sorted(
        path.name.removeprefix("run=")
        for path in settings.staging_dir.glob("run=*")
        if path.is_dir() and not path.name.endswith(".partial")
    )


# ---------------------------------------------------------------- the checks


def _reasons_to_build(
    settings: Settings,
    run_id: str,
    crawl: dict[str, dict[str, int]],
    published: dict[str, Any] | None,
    now: datetime,
) -> list[str]:
    reasons: list[str] = []
    planned = _planned_documents(settings, run_id)
    if planned:
        reasons.append(f"{planned} document(s) extracted this run")
    if published is None:
        return [*reasons, "no published warehouse recorded (first run, or no build published since)"]
    if not _is_recorded_warehouse(settings.warehouse_path, published.get("warehouse") or {}):
        reasons.append(f"{settings.warehouse_path} is not the one published by run {published['run_id']}")
    if dbt_fingerprint(settings.dbt_project_dir) != published.get("dbt_project"):
        reasons.append(f"dbt/ changed since the build of run {published['run_id']}")
    unpublished = _unpublished_content(settings, run_id, set(published.get("staged_runs") or ()))
    if unpublished:
        reasons.append(f"staged run(s) not in the warehouse: {', '.join(unpublished)}")
    reasons.extend(_crawl_changes(crawl, published.get("crawl") or {}))
    age = now - datetime.fromisoformat(published["published_at"])
    if age >= timedelta(days=settings.warehouse_max_age_days):
        reasons.append(
            f"the warehouse was built {age.days} day(s) ago (rebuilt at least every "
            f"{settings.warehouse_max_age_days:g} days, WAREHOUSE_MAX_AGE_DAYS)"
        )
    return reasons


def _planned_documents(settings: Settings, run_id: str) -> int:
    batches = sorted((settings.runs_dir / run_id / "batches").glob("*.json"))
    return sum(len(json.loads(path.read_text(encoding="utf-8"))) for path in batches)


def _is_recorded_warehouse(path: Path, recorded: dict[str, Any]) -> bool:
    if not path.is_file() or str(path) != recorded.get("path"):
        return False
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns) == (recorded.get("size"), recorded.get("mtime_ns"))


def _unpublished_content(settings: Settings, run_id: str, in_warehouse: set[str]) -> list[str]:
    """Staged runs the recorded build did not see that hold rows beyond crawl stats."""
    candidates = [run for run in staged_runs(settings) if run not in in_warehouse and run != run_id]
    folders = [settings.staging_dir / f"run={run}" for run in candidates]
    present = [
        f / f"{table}.parquet"
        for f in folders
        for table in CONTENT_TABLES
        if (f / f"{table}.parquet").is_file()
    ]
    if not present:
        return []
    import duckdb

    listed = ", ".join("'" + path.as_posix().replace("'", "''") + "'" for path in present)
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"SELECT filename FROM read_parquet([{listed}], filename = true, union_by_name = true)"
            " GROUP BY filename"
        ).fetchall()
    finally:
        con.close()
    return sorted({Path(name).parent.name.removeprefix("run=") for (name,) in rows})


def _crawl_outcome(settings: Settings, run_id: str) -> dict[str, dict[str, int]]:
    """Per source, the crawl counts that decide whether the warehouse must show this run."""
    outcome: dict[str, dict[str, int]] = {}
    for path in sorted((settings.runs_dir / run_id / "crawl").glob("*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        stats = payload.get("stats") or {}
        outcome[payload["source_id"]] = {
            key: int(stats.get(key) or 0) for key in ("new", "reposts", "errors", "start_urls_failed")
        }
    return outcome


def _crawl_changes(crawl: dict[str, dict[str, int]], recorded: dict[str, dict[str, int]]) -> list[str]:
    changes: list[str] = []
    found = {key: sum(stats[key] for stats in crawl.values()) for key in ("new", "reposts")}
    if found["new"] or found["reposts"]:
        changes.append(f"the crawl found {found['new']} new document(s) and {found['reposts']} repost(s)")
    if set(crawl) != set(recorded):
        changes.append(f"sources crawled changed ({', '.join(sorted(set(crawl) ^ set(recorded)))})")
    for source_id in sorted(set(crawl) & set(recorded)):
        now = (crawl[source_id]["errors"], crawl[source_id]["start_urls_failed"])
        before = (recorded[source_id].get("errors", 0), recorded[source_id].get("start_urls_failed", 0))
        if now != before:
            changes.append(f"crawl errors of {source_id} changed ({before[0]} → {now[0]})")
    return changes


# ---------------------------------------------------------------- files


def _write_decision(settings: Settings, decision: Decision) -> None:
    payload = decision.to_dict()
    _write_json(run_decision_path(settings, decision.run_id), payload)
    _write_json(last_decision_path(settings), payload)


def _write_json(path: Path, payload: Any) -> None:
    write_bytes_atomic(path, json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"))


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
