"""Measure the portal crawler on a generated sample portal served over loopback.

Why from the server's log: requests and bytes are what a portal sees of us, and the
"a rerun downloads no document again" promise is only proven by counting full
document responses on the server side, not by trusting the crawler's own stats.
Each scenario starts from an empty DATA_DIR, crawls once, then crawls again at once.

The sample server (extractors.samples.server) writes headers and body separately with
Nagle's algorithm on, so each keep-alive response with a body waits for the client's
delayed ACK (~40 ms on Linux).  That is the server's cost, not the crawler's: the
"server_nodelay" scenarios turn Nagle off in the server's handler class (TCP_NODELAY)
for the measurement, so the crawler's own throughput shows.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from extractors.portals.crawler import crawl_source
from extractors.portals.registry import SourceConfig, load_registry
from extractors.samples import build_sample_portal, load_ground_truth, running_sample_portal, write_registry
from extractors.settings import Settings, load_settings


@dataclass(frozen=True)
class Scenario:
    """``requests_per_second`` None: the registry's own politeness setting."""

    requests_per_second: float | None
    server_nodelay: bool


@dataclass(frozen=True)
class CrawlBenchSettings:
    seed: int = 7
    n_reports: int = 200
    max_pages: int = 10_000  # high enough that the cap never trims the portal
    # As shipped (registry rate, sample server as is); then the crawler's own cost: unthrottled,
    # server without the Nagle stall.
    scenarios: tuple[Scenario, ...] = (Scenario(None, False), Scenario(1000.0, True))
    out_path: Path = field(
        default_factory=lambda: load_settings().data_dir / "bench" / "crawl" / "crawl.json"
    )


@dataclass
class RunFigures:
    """One crawl of the portal, as the crawler counted it and as the server saw it."""

    run: str
    wall_s: float
    pages: int
    pages_per_s: float
    requests: int
    bytes_sent: int
    document_downloads: int  # full (200) responses to document URLs
    documents: int
    new: int
    unchanged: int
    reposts: int
    errors: int


@dataclass
class ScenarioFigures:
    requests_per_second: float
    server_nodelay: bool
    runs: list[RunFigures]


def measure(bench: CrawlBenchSettings) -> dict[str, Any]:
    """Build the portal once, then run every scenario against it; returns the JSON payload."""
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as scratch:
        root = Path(scratch)
        site = build_sample_portal(root / "site", seed=bench.seed, n_reports=bench.n_reports)
        document_targets = {row["path"] for row in load_ground_truth(site)}
        scenarios = []
        for number, scenario in enumerate(bench.scenarios):
            with _server_nodelay(scenario.server_nodelay), running_sample_portal(site) as portal:
                registry = write_registry(root / f"sources-{number}.yaml", portal.base_url)
                (source,) = load_registry(registry)
                rate = scenario.requests_per_second or source.requests_per_second
                configured = replace(source, max_pages=bench.max_pages, requests_per_second=rate)
                data_dir = root / f"data-{number}"
                settings = Settings(
                    sources_file=registry, data_dir=data_dir, warehouse_path=data_dir / "warehouse.duckdb"
                )
                runs = [
                    _one_run(name, configured, settings, portal, document_targets)
                    for name in ("first", "second")
                ]
                scenarios.append(ScenarioFigures(rate, scenario.server_nodelay, runs))
    return {
        "seed": bench.seed,
        "n_reports": bench.n_reports,
        "documents_published": len(document_targets),
        "scenarios": [asdict(s) for s in scenarios],
    }


@contextlib.contextmanager
def _server_nodelay(enabled: bool) -> Iterator[None]:
    """TCP_NODELAY for every ``http.server`` handler created inside the block."""
    previous = BaseHTTPRequestHandler.disable_nagle_algorithm
    BaseHTTPRequestHandler.disable_nagle_algorithm = enabled or previous
    try:
        yield
    finally:
        BaseHTTPRequestHandler.disable_nagle_algorithm = previous


def _one_run(
    name: str, source: SourceConfig, settings: Settings, portal: Any, document_targets: set[str]
) -> RunFigures:
    before = len(portal.requests)
    started = time.perf_counter()
    result = crawl_source(source, settings, run_id=f"bench-{name}")
    wall = time.perf_counter() - started
    seen = portal.requests[before:]
    stats = result.stats
    return RunFigures(
        run=name,
        wall_s=round(wall, 3),
        pages=stats.pages,
        pages_per_s=round(stats.pages / wall, 1) if wall > 0 else 0.0,
        requests=len(seen),
        bytes_sent=sum(size for _method, _path, _status, size in seen),
        document_downloads=sum(
            1 for _m, path, status, _s in seen if status == 200 and path in document_targets
        ),
        documents=len(result.documents),
        new=stats.new,
        unchanged=stats.unchanged,
        reposts=stats.reposts,
        errors=stats.errors,
    )


def table(payload: dict[str, Any]) -> str:
    """A plain-text table, one row per run."""
    columns: Sequence[tuple[str, str]] = (
        ("rps", "{requests_per_second:g}"),
        ("server nodelay", "{server_nodelay}"),
        ("run", "{run}"),
        ("wall s", "{wall_s:.2f}"),
        ("pages", "{pages}"),
        ("pages/s", "{pages_per_s:.1f}"),
        ("requests", "{requests}"),
        ("bytes", "{bytes_sent:,}"),
        ("doc downloads", "{document_downloads}"),
        ("documents", "{documents}"),
        ("new", "{new}"),
        ("unchanged", "{unchanged}"),
        ("reposts", "{reposts}"),
        ("errors", "{errors}"),
    )
    rows = [
        [
            fmt.format(
                requests_per_second=s["requests_per_second"], server_nodelay=s["server_nodelay"], **run
            )
            for _, fmt in columns
        ]
        for s in payload["scenarios"]
        for run in s["runs"]
    ]
    widths = [max(len(header), *(len(r[i]) for r in rows)) for i, (header, _) in enumerate(columns)]
    lines = [
        f"sample portal seed={payload['seed']}: {payload['n_reports']} reports, "
        f"{payload['documents_published']} published documents",
        "  ".join(h.rjust(w) for (h, _), w in zip(columns, widths, strict=True)),
    ]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def write_json(payload: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
