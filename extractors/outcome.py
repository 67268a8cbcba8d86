"""What a run did, told truthfully: per source, for the run as a whole, and as an exit status.

Why a module of its own: three readers need the same answer — the step that decides
whether the run may go on (``require_crawled_sources``: a run that crawled nothing
must fail, not publish), ``python -m extractors summary`` (and so ``make run``: one
line per source with the first error in plain words, and a non-zero exit status
when the run failed) and the failure notification.  The answer is read from the
files the steps write under ``DATA_DIR/runs/<run_id>/`` — ``run.json`` (written
first, with the registry error if there was one), ``crawl/<source>.json`` and the
warehouse decision — so it holds for a run made by Airflow, by the CLI, or still
under way, and never mixes in an earlier run's result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from extractors.atomic import write_bytes_atomic
from extractors.failures import NothingCrawledError
from extractors.settings import Settings

RUN_FILE = "run.json"
LATEST_FILE = "latest.json"
# crawl/<source>.json "status": the crawl could be used, every start URL failed, or the crawler broke.
CRAWLED, UNREACHABLE, CRASHED = "crawled", "unreachable", "crashed"


# ---------------------------------------------------------------- what the steps write


def start_run(settings: Settings, run_id: str) -> None:
    """Record that ``run_id`` started; it becomes the run ``summary`` reports on.

    Idempotent: a retried first step keeps the first start time.
    """
    path = _run_file(settings, run_id)
    record = _read(path) or {"run_id": run_id, "started_at": _now()}
    record.pop("registry_error", None)
    _write(path, record)
    _write(settings.runs_dir / LATEST_FILE, {"run_id": run_id})


def record_registry_error(settings: Settings, run_id: str, message: str) -> None:
    """The registry could not be read: the run crawls nothing, and says why."""
    path = _run_file(settings, run_id)
    record = _read(path) or {"run_id": run_id, "started_at": _now()}
    _write(path, record | {"registry_error": message})


def latest_run_id(settings: Settings) -> str | None:
    record = _read(settings.runs_dir / LATEST_FILE)
    return record.get("run_id") if record else None


# ---------------------------------------------------------------- what they add up to


@dataclass(frozen=True)
class SourceOutcome:
    """One source's crawl in this run; ``status`` is one of crawled / unreachable / crashed / not crawled."""

    source_id: str
    status: str
    pages: int = 0
    documents: int = 0
    new: int = 0
    errors: int = 0
    first_error: str | None = None
    permanent: bool | None = None

    @property
    def crawled(self) -> bool:
        return self.status == CRAWLED


@dataclass
class RunOutcome:
    run_id: str
    started_at: str | None = None
    registry_error: str | None = None
    sources: list[SourceOutcome] = field(default_factory=list)
    # The run's warehouse decision (extractors.rebuild), None while the run has not reached it.
    decision: dict[str, Any] | None = None

    @property
    def crawled(self) -> list[SourceOutcome]:
        return [source for source in self.sources if source.crawled]

    @property
    def failed_sources(self) -> list[SourceOutcome]:
        return [source for source in self.sources if not source.crawled]

    @property
    def nothing_crawled(self) -> bool:
        return self.registry_error is not None or not self.crawled

    @property
    def warehouse(self) -> str:
        """published / unchanged / not published (a build was needed) / not reached."""
        if self.decision is None:
            return "not reached"
        if self.decision.get("published_at"):
            return "published"
        return "not published" if self.decision.get("build") else "unchanged"

    @property
    def failed(self) -> bool:
        """The run failed: it crawled nothing, or it needed a new warehouse and did not publish one."""
        return self.nothing_crawled or self.warehouse == "not published"

    def verdict(self) -> str:
        """One line: how the run went, and why when it failed."""
        if self.registry_error:
            return f"run {self.run_id}: FAILED — the registry could not be read: {self.registry_error}"
        total = len(self.sources)
        crawled = f"{len(self.crawled)} of {total} source(s) crawled"
        if self.nothing_crawled:
            if not total:
                return f"run {self.run_id}: no source crawled yet"
            return f"run {self.run_id}: FAILED — no source could be crawled ({crawled}); nothing published"
        if self.warehouse == "not published":
            return (
                f"run {self.run_id}: FAILED — {crawled}, but the warehouse could not be built or published"
                " (the published one is unchanged)"
            )
        failed = self.failed_sources
        if failed:
            names = ", ".join(source.source_id for source in failed)
            return f"run {self.run_id}: {crawled}; failed: {names}"
        return f"run {self.run_id}: {crawled}"

    def lines(self) -> list[str]:
        """The verdict and a table of the sources: pages, documents, new, errors, first error."""
        lines = [self.verdict()]
        if not self.sources:
            return lines
        width = max(len("source"), *(len(source.source_id) for source in self.sources))
        lines.append(
            f"  {'source':<{width}}  {'pages':>5}  {'documents':>9}  {'new':>4}  {'errors':>6}  first error"
        )
        for source in self.sources:
            first = source.first_error or ("—" if source.status != "not crawled" else "no crawl finished")
            lines.append(
                f"  {source.source_id:<{width}}  {source.pages:>5}  {source.documents:>9}  {source.new:>4}"
                f"  {source.errors:>6}  {first}"
            )
        return lines

    def reasons(self) -> str:
        """The failed sources and why, on one line (for an error message or a notification)."""
        if self.registry_error:
            return f"the registry could not be read: {self.registry_error}"
        return "; ".join(
            f"{source.source_id}: {source.first_error or source.status}" for source in self.failed_sources
        )


def load_outcome(settings: Settings, run_id: str | None = None) -> RunOutcome | None:
    """The outcome of ``run_id`` (default: the latest run started), or None when no run is recorded."""
    run_id = run_id or latest_run_id(settings)
    if not run_id:
        return None
    folder = settings.runs_dir / run_id
    record = _read(folder / RUN_FILE) or {}
    if not record and not folder.is_dir():
        return None
    outcome = RunOutcome(
        run_id=run_id,
        started_at=record.get("started_at"),
        registry_error=record.get("registry_error"),
        decision=_read(folder / "warehouse.json"),
    )
    found = {source.source_id: source for source in _crawled_sources(folder)}
    expected = _registry_ids(settings) if outcome.registry_error is None else []
    for source_id in expected:
        outcome.sources.append(found.pop(source_id, SourceOutcome(source_id, "not crawled")))
    outcome.sources.extend(found[source_id] for source_id in sorted(found))  # left the registry since
    return outcome


def require_crawled_sources(settings: Settings, run_id: str) -> RunOutcome:
    """The gate after the crawl: at least one source was crawled, or the run stops here.

    Raises ``NothingCrawledError`` (permanent: no retry) naming every source and why it
    failed — or the registry error — so a run that crawled nothing is a failed run, and
    never a published warehouse that says "rebuilt".
    """
    outcome = load_outcome(settings, run_id) or RunOutcome(run_id=run_id)
    if outcome.registry_error is None:
        try:
            from extractors.portals.registry import RegistryError, load_registry

            load_registry(settings.sources_file)
        except RegistryError as error:
            outcome.registry_error = str(error)
    if outcome.nothing_crawled:
        raise NothingCrawledError(f"no source could be crawled: {outcome.reasons() or 'no crawl finished'}")
    return outcome


def source_outcome(payload: dict[str, Any]) -> SourceOutcome:
    """A source's outcome from its ``crawl/<source>.json``."""
    stats = payload.get("stats") or {}
    status = payload.get("status")
    if status is None:  # written before crawl files carried a status
        status = CRASHED if str(stats.get("error_message") or "").startswith("crawler failed") else CRAWLED
    failures = stats.get("start_url_failures") or []
    permanent = None
    if status == UNREACHABLE and failures:
        permanent = not any(failure.get("transient") for failure in failures)
    return SourceOutcome(
        source_id=payload["source_id"],
        status=status,
        pages=int(stats.get("pages") or 0),
        documents=len(payload.get("documents") or []),
        new=int(stats.get("new") or 0),
        errors=int(stats.get("errors") or 0),
        first_error=stats.get("first_error") or stats.get("error_message"),
        permanent=permanent,
    )


def _crawled_sources(folder: Path) -> list[SourceOutcome]:
    outcomes = []
    for path in sorted((folder / "crawl").glob("*.json")):
        payload = _read(path)
        if payload and payload.get("source_id"):
            outcomes.append(source_outcome(payload))
    return outcomes


def _registry_ids(settings: Settings) -> list[str]:
    from extractors.portals.registry import RegistryError, load_registry

    try:
        return [source.id for source in load_registry(settings.sources_file)]
    except RegistryError:
        return []


# ---------------------------------------------------------------- files


def _run_file(settings: Settings, run_id: str) -> Path:
    return settings.runs_dir / run_id / RUN_FILE


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write(path: Path, payload: dict[str, Any]) -> None:
    write_bytes_atomic(path, json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"))


def _read(path: Path) -> dict[str, Any] | None:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return payload if isinstance(payload, dict) else None
