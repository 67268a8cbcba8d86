"""Measure the warehouse at scale: dbt build full vs incremental, and the example queries.

Steps (``python -m bench.warehouse --reports 100000``):
1. stage ``reports`` synthetic reports over ``runs`` nightly runs (kept between bench runs:
   the staging folder is reused when it already holds that many reports); every
   ``validate_every``-th run is validated by the GX suites like a real run, so the quality
   schema is populated;
2. ``dbt build --full-refresh`` from every run — the cost of a rebuild from history;
3. stage one more night (``new_reports`` new + ``reextracted`` re-extracted reports) and
   ``dbt build`` incrementally — what the nightly run pays;
4. open the build read-only, as a BI tool does, and time each example query of
   ``dbt/analyses/`` ``repeats`` times after a warm-up: p50 and p95.
Results go to ``<out>/results.json`` and ``<out>/results.md``.
"""

from __future__ import annotations

import json
import logging
import statistics
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.warehouse.generate import run_ids, write_history, write_synthetic_run
from extractors.settings import PROJECT_ROOT, Settings, load_settings
from extractors.warehouse import DbtRunOptions, dbt_build

log = logging.getLogger(__name__)

ANALYSES_DIR = PROJECT_ROOT / "dbt" / "analyses"


def example_queries() -> dict[str, str]:
    """name → SQL of every example analytic query (dbt/analyses/*.sql, plain SQL)."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(ANALYSES_DIR.glob("*.sql"))}


@dataclass(frozen=True)
class WarehouseBenchSettings:
    """What to measure and where; defaults are the issue's scale."""

    out_dir: Path = field(default_factory=lambda: load_settings().data_dir / "bench" / "warehouse")
    reports: int = 100_000
    runs: int = 100
    new_reports: int = 200
    reextracted: int = 50
    repeats: int = 20
    seed: int = 2023
    # GX-validate every n-th run (0: none): enough quality rows for the quality query without
    # paying the suites' minutes per 1,000 reports a hundred times over.
    validate_every: int = 10
    threads: int = 2


@dataclass
class QueryLatency:
    name: str
    rows: int
    p50_ms: float
    p95_ms: float
    max_ms: float


@dataclass
class WarehouseBenchResult:
    reports: int
    runs: int
    staged_rows: dict[str, int]
    full_build_s: float
    incremental_build_s: float
    incremental_new_reports: int
    incremental_reextracted: int
    models: int
    tests: int
    queries: list[QueryLatency]
    warehouse_mib: float

    def markdown(self) -> str:
        lines = [
            f"Warehouse at {self.reports:,} reports ({self.runs} runs; "
            + ", ".join(f"{table} {count:,}" for table, count in self.staged_rows.items())
            + f"), DuckDB file {self.warehouse_mib:.0f} MiB",
            "",
            "| dbt build | seconds |",
            "|---|---|",
            f"| full (--full-refresh, {self.models} models, {self.tests} tests) | {self.full_build_s:.1f} |",
            f"| incremental (+{self.incremental_new_reports} new,"
            f" {self.incremental_reextracted} re-extracted) | {self.incremental_build_s:.1f} |",
            "",
            "| query | rows | p50 ms | p95 ms | max ms |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {q.name} | {q.rows} | {q.p50_ms:.1f} | {q.p95_ms:.1f} | {q.max_ms:.1f} |"
            for q in self.queries
        ]
        return "\n".join(lines) + "\n"


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


def run(bench: WarehouseBenchSettings) -> WarehouseBenchResult:
    bench.out_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        sources_file=bench.out_dir / "sources.yaml",
        data_dir=bench.out_dir / f"data-{bench.reports}",
        warehouse_path=bench.out_dir / f"warehouse-{bench.reports}.duckdb",
    )
    history_marker = settings.data_dir / "history.json"
    first = datetime(2025, 1, 1, 2, 0, tzinfo=UTC)
    if not history_marker.exists():
        started = time.monotonic()
        history = write_history(
            settings.staging_dir, reports=bench.reports, runs=bench.runs, seed=bench.seed, first=first
        )
        for number, staged in enumerate(history):
            if bench.validate_every and number % bench.validate_every == 0:
                _validate(staged.path, staged.run_id)
        history_marker.write_text(
            json.dumps({"reports": bench.reports, "runs": bench.runs}), encoding="utf-8"
        )
        log.info("staged %d reports in %.0f s", bench.reports, time.monotonic() - started)
    # a previous bench's extra night is not history: drop it so every bench starts equal
    for extra in settings.staging_dir.glob("run=bench_night__*"):
        for file in extra.iterdir():
            file.unlink()
        extra.rmdir()

    options = DbtRunOptions(threads=bench.threads, timeout_s=4 * 3600, full_refresh=True)
    settings.build_path.unlink(missing_ok=True)
    full = dbt_build(settings, options=options)
    log.info("full build: %.1f s", full.elapsed_s)

    _, last_at = list(run_ids(bench.runs, first))[-1]
    night_at = last_at + timedelta(days=1)
    night_id = f"bench_night__{night_at:%Y-%m-%dT%H-%M-%S}"
    numbers = list(range(bench.reports, bench.reports + bench.new_reports)) + list(range(bench.reextracted))
    night = write_synthetic_run(
        settings.staging_dir, night_id, numbers, seed=bench.seed, extracted_at=night_at
    )
    if bench.validate_every:
        _validate(night.path, night.run_id)
    incremental = dbt_build(settings, options=DbtRunOptions(threads=bench.threads, timeout_s=4 * 3600))
    log.info("incremental build: %.1f s", incremental.elapsed_s)

    result = WarehouseBenchResult(
        reports=bench.reports,
        runs=bench.runs,
        staged_rows=_staged_rows(settings),
        full_build_s=full.elapsed_s,
        incremental_build_s=incremental.elapsed_s,
        incremental_new_reports=bench.new_reports,
        incremental_reextracted=bench.reextracted,
        models=full.models,
        tests=full.tests + full.unit_tests,
        queries=time_queries(settings.build_path, bench.repeats),
        warehouse_mib=round(settings.build_path.stat().st_size / 2**20, 1),
    )
    (bench.out_dir / "results.json").write_text(json.dumps(asdict(result), indent=1), encoding="utf-8")
    (bench.out_dir / "results.md").write_text(result.markdown(), encoding="utf-8")
    return result
