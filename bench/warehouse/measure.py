"""Measure the warehouse at scale: dbt build full vs incremental, and the example queries.

For each size in ``--reports`` (default 1,000 and 100,000; 1,000 only with ``BENCH_QUICK``):
1. stage that many synthetic reports over ``runs`` nightly runs (kept between bench runs:
   the staging folder is reused when it holds that history); every ``validate_every``-th run
   is validated by the GX suites like a real run, so the quality schema is populated;
2. ``dbt build --full-refresh`` from every run into a new file — a rebuild from history —
   then publish it, as the nightly run would;
3. the next night as the pipeline runs it: ``prepare_build`` (copy of the published file),
   one more staged run (``new_reports`` new + ``reextracted`` re-extracted reports, validated),
   ``dbt build`` (incremental), publish; then once more with nothing new staged (the fixed
   cost of a build);
4. open the published file read-only, as a BI tool does, and time each example query of
   ``dbt/analyses/`` ``repeats`` times after a warm-up: p50 and p95.
Every dbt build is timed in wall seconds and in CPU seconds of the dbt process (on a shared
machine the CPU figure is the work, the wall figure includes waiting for a core), with the
load average before it.  Results go to ``<out_dir>/results.json`` and ``results.md``, and with
``--out`` to that file as ``{"sizes": […], "rows": […]}`` for ``python -m bench``'s table.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from bench.warehouse.generate import run_ids, write_history, write_synthetic_run
from extractors.settings import PROJECT_ROOT, Settings, load_settings
from extractors.warehouse import DbtBuildResult, DbtRunOptions, dbt_build

log = logging.getLogger(__name__)

ANALYSES_DIR = PROJECT_ROOT / "dbt" / "analyses"
NIGHT_PREFIX = "bench_night__"
T = TypeVar("T")


def example_queries() -> dict[str, str]:
    """name → SQL of every example analytic query (dbt/analyses/*.sql, plain SQL)."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(ANALYSES_DIR.glob("*.sql"))}


def _default_sizes() -> str:
    return "1000" if os.environ.get("BENCH_QUICK") else "1000,100000"


@dataclass(frozen=True)
class WarehouseBenchSettings:
    """What to measure and where; defaults are the issue's scale and targets."""

    out_dir: Path = field(default_factory=lambda: load_settings().data_dir / "bench" / "warehouse")
    reports: str = field(default_factory=_default_sizes)  # comma-separated sizes
    runs: int = 100
    new_reports: int = 200
    reextracted: int = 50
    repeats: int = 20
    seed: int = 2023
    # GX-validate every n-th run (0: none): enough quality rows for the quality query without
    # paying the suites' minutes per 1,000 reports a hundred times over.
    validate_every: int = 10
    threads: int = 2
    incremental_target_s: float = 20.0
    query_p95_target_ms: float = 200.0
    out: Path | None = None  # also write {"sizes", "rows"} JSON here (python -m bench reads it)

    @property
    def sizes(self) -> list[int]:
        return [int(size.replace("_", "")) for size in str(self.reports).split(",") if size.strip()]


@dataclass
class QueryLatency:
    name: str
    rows: int
    p50_ms: float
    p95_ms: float
    max_ms: float


@dataclass
class BuildTiming:
    """One dbt build: wall and CPU seconds of the dbt process, the machine's load before it."""

    wall_s: float
    cpu_s: float
    load_before: float
    models: int
    tests: int


@dataclass
class WarehouseBenchResult:
    reports: int
    runs: int
    staged_rows: dict[str, int]
    full: BuildTiming
    incremental: BuildTiming
    nothing_new: BuildTiming
    incremental_new_reports: int
    incremental_reextracted: int
    prepare_build_s: float
    publish_s: float
    queries: list[QueryLatency]
    warehouse_mib: float

    def markdown(self) -> str:
        def build_row(label: str, timing: BuildTiming) -> str:
            return f"| {label} | {timing.wall_s:.1f} | {timing.cpu_s:.1f} | {timing.load_before:.1f} |"

        lines = [
            f"Warehouse at {self.reports:,} reports ({self.runs} runs; "
            + ", ".join(f"{table} {count:,}" for table, count in self.staged_rows.items())
            + f"), DuckDB file {self.warehouse_mib:.0f} MiB",
            "",
            "| dbt build | wall s | CPU s | load before |",
            "|---|---|---|---|",
            build_row(
                f"full (--full-refresh, {self.full.models} models, {self.full.tests} tests)", self.full
            ),
            build_row(
                f"incremental (+{self.incremental_new_reports} new,"
                f" {self.incremental_reextracted} re-extracted)",
                self.incremental,
            ),
            build_row("incremental, nothing new", self.nothing_new),
            "",
            f"Around the incremental build: prepare_build (copy of the published file) "
            f"{self.prepare_build_s:.1f} s, publish (checkpoint, rename, Parquet) {self.publish_s:.1f} s.",
            "",
            "| query | rows | p50 ms | p95 ms | max ms |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {q.name} | {q.rows} | {q.p50_ms:.1f} | {q.p95_ms:.1f} | {q.max_ms:.1f} |"
            for q in self.queries
        ]
        return "\n".join(lines) + "\n"

    def rows(self, bench: WarehouseBenchSettings) -> list[dict[str, str]]:
        """Rows of ``python -m bench``'s table (item, measure, value, target, met)."""
        size = f"{self.reports:,} reports"
        met = self.incremental.wall_s <= bench.incremental_target_s
        rows = [
            {
                "measure": f"{size}: warehouse",
                "value": f"{self.runs} runs, "
                + ", ".join(f"{table} {count:,}" for table, count in self.staged_rows.items())
                + f"; {self.warehouse_mib:.0f} MiB",
            },
            {
                "measure": f"{size}: dbt build full, wall s (CPU s)",
                "value": f"{self.full.wall_s:.1f} ({self.full.cpu_s:.1f})",
            },
            {
                "measure": f"{size}: dbt build incremental, +{self.incremental_new_reports} new"
                f" / {self.incremental_reextracted} re-extracted, wall s (CPU s; load before)",
                "value": f"**{self.incremental.wall_s:.1f}** ({self.incremental.cpu_s:.1f};"
                f" {self.incremental.load_before:.1f})",
                "target": f"≤ {bench.incremental_target_s:g} s",
                "met": "met" if met else "MISSED",
            },
            {
                "measure": f"{size}: dbt build with nothing new, wall s (CPU s)",
                "value": f"{self.nothing_new.wall_s:.1f} ({self.nothing_new.cpu_s:.1f})",
            },
            {
                "measure": f"{size}: around it, prepare_build (copy) / publish s",
                "value": f"{self.prepare_build_s:.1f} / {self.publish_s:.1f}",
            },
        ]
        for query in self.queries:
            rows.append(
                {
                    "measure": f"{size}: {query.name}, p50 / p95 ms",
                    "value": f"{query.p50_ms:.1f} / **{query.p95_ms:.1f}**",
                    "target": f"p95 ≤ {bench.query_p95_target_ms:g} ms",
                    "met": "met" if query.p95_ms <= bench.query_p95_target_ms else "MISSED",
                }
            )
        return rows


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_queries(warehouse: Path, repeats: int) -> list[QueryLatency]:
    """Each example query once to warm up, then ``repeats`` timed runs on one read-only connection."""
    import duckdb

    results = []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for name, sql in example_queries().items():
            rows = len(connection.execute(sql).fetchall())
            samples = []
            for _ in range(repeats):
                started = time.perf_counter()
                connection.execute(sql).fetchall()
                samples.append((time.perf_counter() - started) * 1000)
            results.append(
                QueryLatency(
                    name,
                    rows,
                    round(statistics.median(samples), 2),
                    round(_percentile(samples, 0.95), 2),
                    round(max(samples), 2),
                )
            )
    return results


def _staged_rows(settings: Settings) -> dict[str, int]:
    import duckdb

    counts = {}
    with duckdb.connect() as connection:
        for table in ("reports", "budget_facts", "indicators", "quality_results"):
            pattern = (settings.staging_dir / "run=*" / f"{table}.parquet").as_posix()
            counts[table] = connection.execute(f"select count(*) from read_parquet('{pattern}')").fetchone()[
                0
            ]
    return counts


def _validate(path: Path, run_id: str) -> None:
    from expectations import validate_run

    validate_run(path, run_id=run_id)


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed_build(settings: Settings, options: DbtRunOptions) -> BuildTiming:
    """One dbt build; CPU from RUSAGE_CHILDREN (dbt is a reaped child process)."""
    load_before = os.getloadavg()[0]
    cpu_before = _children_cpu_s()
    result: DbtBuildResult = dbt_build(settings, options=options)
    return BuildTiming(
        wall_s=result.elapsed_s,
        cpu_s=round(_children_cpu_s() - cpu_before, 1),
        load_before=round(load_before, 2),
        models=result.models,
        tests=result.tests + result.unit_tests,
    )


def _timed(step: Callable[[], T]) -> tuple[T, float]:
    started = time.monotonic()
    value = step()
    return value, round(time.monotonic() - started, 2)


def _stage_history(settings: Settings, bench: WarehouseBenchSettings, reports: int, first: datetime) -> None:
    """Stage ``reports`` over ``bench.runs`` runs once; reused while the marker says the same."""
    marker = settings.data_dir / "history.json"
    wanted = {
        "reports": reports,
        "runs": bench.runs,
        "seed": bench.seed,
        "validate_every": bench.validate_every,
    }
    if marker.exists() and json.loads(marker.read_text(encoding="utf-8")) == wanted:
        return
    shutil.rmtree(settings.staging_dir, ignore_errors=True)
    started = time.monotonic()
    history = write_history(
        settings.staging_dir, reports=reports, runs=bench.runs, seed=bench.seed, first=first
    )
    for number, staged in enumerate(history):
        if bench.validate_every and number % bench.validate_every == 0:
            _validate(staged.path, staged.run_id)
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    log.info("staged %d reports in %.0f s", reports, time.monotonic() - started)


def _drop_nights(settings: Settings) -> None:
    """A previous bench's extra nights are not history: every bench starts equal."""
    for extra in settings.staging_dir.glob(f"run={NIGHT_PREFIX}*"):
        shutil.rmtree(extra)


def run_size(bench: WarehouseBenchSettings, reports: int) -> WarehouseBenchResult:
    """Steps 1–4 of the module docstring for one warehouse size."""
    from extractors.publish import prepare_build, publish

    settings = Settings(
        sources_file=bench.out_dir / "sources.yaml",
        data_dir=bench.out_dir / f"data-{reports}",
        warehouse_path=bench.out_dir / f"warehouse-{reports}.duckdb",
    )
    first = datetime(2025, 1, 1, 2, 0, tzinfo=UTC)
    _stage_history(settings, bench, reports, first)
    _drop_nights(settings)

    for stale in (settings.build_path, settings.warehouse_path):
        stale.unlink(missing_ok=True)
        stale.with_name(stale.name + ".wal").unlink(missing_ok=True)
    full = _timed_build(settings, DbtRunOptions(threads=bench.threads, timeout_s=4 * 3600, full_refresh=True))
    log.info("%d reports, full build: %.1f s", reports, full.wall_s)
    publish(settings)

    _, last_at = list(run_ids(bench.runs, first))[-1]
    night_at = last_at + timedelta(days=1)
    night_id = f"{NIGHT_PREFIX}{night_at:%Y-%m-%dT%H-%M-%S}"
    numbers = list(range(reports, reports + bench.new_reports)) + list(range(bench.reextracted))
    night = write_synthetic_run(
        settings.staging_dir, night_id, numbers, seed=bench.seed, extracted_at=night_at
    )
    if bench.validate_every:
        _validate(night.path, night.run_id)

    options = DbtRunOptions(threads=bench.threads, timeout_s=4 * 3600)
    _, prepare_s = _timed(lambda: prepare_build(settings))
    incremental = _timed_build(settings, options)
    log.info("%d reports, incremental build: %.1f s", reports, incremental.wall_s)
    _, publish_s = _timed(lambda: publish(settings))

    prepare_build(settings)
    nothing_new = _timed_build(settings, options)
    log.info("%d reports, build with nothing new: %.1f s", reports, nothing_new.wall_s)
    publish(settings)

    return WarehouseBenchResult(
        reports=reports,
        runs=bench.runs,
        staged_rows=_staged_rows(settings),
        full=full,
        incremental=incremental,
        nothing_new=nothing_new,
        incremental_new_reports=bench.new_reports,
        incremental_reextracted=bench.reextracted,
        prepare_build_s=prepare_s,
        publish_s=publish_s,
        queries=time_queries(settings.warehouse_path, bench.repeats),
        warehouse_mib=round(settings.warehouse_path.stat().st_size / 2**20, 1),
    )


def run(bench: WarehouseBenchSettings) -> list[WarehouseBenchResult]:
    bench.out_dir.mkdir(parents=True, exist_ok=True)
    results = [run_size(bench, reports) for reports in bench.sizes]
    payload: dict[str, Any] = {
        "sizes": [asdict(result) for result in results],
        "rows": [row for result in results for row in result.rows(bench)],
    }
    text = json.dumps(payload, indent=1)
    (bench.out_dir / "results.json").write_text(text, encoding="utf-8")
    (bench.out_dir / "results.md").write_text(markdown(results), encoding="utf-8")
    if bench.out:
        bench.out.parent.mkdir(parents=True, exist_ok=True)
        bench.out.write_text(text, encoding="utf-8")
    return results


def markdown(results: list[WarehouseBenchResult]) -> str:
    return "\n".join(result.markdown() for result in results)
