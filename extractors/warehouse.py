"""Run the dbt project (dbt/) against the warehouse under construction.

Why a subprocess and not dbt's Python API: dbt keeps global state per process (adapter
connections, flags), and the DuckDB file must be closed when the build ends so the publish
step can CHECKPOINT and rename it.  A child process guarantees both, and its output is
streamed line by line to our logger so an Airflow task log shows dbt as it runs.

dbt's target/ and logs/ go under ``DATA_DIR/dbt/`` (never inside the repo): a read-only
checkout stays clean and concurrent checkouts do not share partial-parse state.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from extractors.settings import Settings

logger = logging.getLogger(__name__)

# dbt run_results statuses that mean "this node failed the build".
_FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})
_PASSED_STATUSES = frozenset({"success", "pass"})


@dataclass(frozen=True)
class DbtRunOptions:
    """Tunables of a dbt invocation (defaults suit the local 2-core machine)."""

    threads: int = 2
    timeout_s: float = 1800.0
    # Lines of dbt output kept for the error message when dbt fails before writing results.
    output_tail_lines: int = 40
    # With --select, run only tests whose every parent is built ("buildable"); dbt's default
    # ("eager") also runs e.g. a relationships test whose other side was never built.
    indirect_selection: str = "buildable"
    # Rebuild incremental models (staging by run, marts by report) from all staged runs:
    # needed once after a change to their SQL, never for new data.
    full_refresh: bool = False
    # Data tests on incremental tables check the rows not yet published (dbt/macros/
    # build_batch.sql); True makes every test read its whole table (a periodic full sweep).
    test_whole_tables: bool = False
    # dbt unit tests check the models' SQL on fixed rows, never the night's data: CI
    # (tests/dbt) runs them; a nightly build skips them (dbt's advice for production).
    unit_tests: bool = False


class WarehouseBuildError(RuntimeError):
    """dbt failed; ``failures`` names each failed model/test with dbt's message."""

    def __init__(self, message: str, failures: list[str] | None = None) -> None:
        super().__init__(message)
        self.failures = failures or []


@dataclass(frozen=True)
class DbtBuildResult:
    """Counts of one ``dbt build`` (from target/run_results.json): models, data tests (``tests``),
    seeds and dbt unit tests, and how each node ended."""

    models: int
    tests: int
    passed: int
    failed: int
    warned: int
    skipped: int
    elapsed_s: float
    run_results_path: Path
    seeds: int = 0
    unit_tests: int = 0

    def to_dict(self) -> dict[str, int | float | str]:
        """JSON-safe (paths as text), for XCom and run summaries."""
        return {key: str(value) if isinstance(value, Path) else value for key, value in asdict(self).items()}


def dbt_target_dir(settings: Settings) -> Path:
    """Where dbt writes manifest.json and run_results.json (under DATA_DIR, not the repo)."""
    return settings.data_dir / "dbt" / "target"


def dbt_log_dir(settings: Settings) -> Path:
    return settings.data_dir / "dbt" / "logs"


def dbt_executable() -> Path:
    """The dbt of this interpreter's environment, so a venv's dbt is used even off PATH."""
    candidate = Path(sys.executable).parent / "dbt"
    if not candidate.exists():
        raise WarehouseBuildError(
            f"dbt executable not found next to {sys.executable} (expected {candidate}); "
            "install dbt-core and dbt-duckdb into this environment"
        )
    return candidate


def dbt_environment(settings: Settings) -> dict[str, str]:
    """The child's environment: profiles.yml and the staging macro read these variables."""
    env = dict(os.environ)
    env.update(
        GOVPERF_BUILD_PATH=str(settings.build_path),
        GOVPERF_STAGING_DIR=str(settings.staging_dir),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_USE_COLORS="false",
    )
    return env


def _dbt_command(settings: Settings, verb: str, options: DbtRunOptions, extra: list[str]) -> list[str]:
    project_dir = settings.dbt_project_dir
    return [
        str(dbt_executable()),
        verb,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(dbt_target_dir(settings)),
        "--log-path",
        str(dbt_log_dir(settings)),
        "--threads",
        str(options.threads),
        *extra,
    ]


def _run_streaming(
    command: list[str], env: Mapping[str, str], options: DbtRunOptions
) -> tuple[int, list[str]]:
    """Run dbt, logging each output line as it comes; return (exit code, output tail).

    A watchdog kills dbt after ``options.timeout_s`` even if it hangs without printing.
    """
    logger.info("running %s", " ".join(command))
    tail: list[str] = []
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=dict(env),
        text=True,
        encoding="utf-8",
        errors="replace",
    ) as process:
        timed_out = threading.Event()

        def kill_on_timeout() -> None:
            timed_out.set()
            process.kill()

        watchdog = threading.Timer(options.timeout_s, kill_on_timeout)
        watchdog.start()
        try:
            assert process.stdout is not None
            for line in process.stdout:
                line = line.rstrip()
                logger.info("dbt: %s", line)
                tail.append(line)
                del tail[: -options.output_tail_lines]
            exit_code = process.wait()
        finally:
            watchdog.cancel()
        if timed_out.is_set():
            raise WarehouseBuildError(f"dbt did not finish within {options.timeout_s:g} s; killed")
        return exit_code, tail


def _node_kind(unique_id: str) -> str:
    return unique_id.split(".", 1)[0]


def _node_name(unique_id: str) -> str:
    """'test.govperf.<name>.<hash>' / 'model.govperf.<name>' → name (long test names get a hash suffix)."""
    parts = unique_id.split(".")
    return parts[2] if len(parts) > 2 else unique_id


def _failures(results: list[dict]) -> list[str]:
    """'<kind> <name>: <dbt message>' for every failed node, e.g. 'test unique_dim_report_report_id: …'."""
    failures = []
    for result in results:
        if result.get("status") not in _FAILED_STATUSES:
            continue
        unique_id = result["unique_id"]
        message = (result.get("message") or result["status"]).strip()
        failures.append(f"{_node_kind(unique_id)} {_node_name(unique_id)}: {message}")
    return failures


def _read_run_results(path: Path) -> list[dict]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["results"]
    except (OSError, ValueError, KeyError):
        return []


def dbt_build(
    settings: Settings, *, select: str | None = None, options: DbtRunOptions | None = None
) -> DbtBuildResult:
    """``dbt build`` the warehouse into ``settings.build_path`` from ``settings.staging_dir``.

    Raises WarehouseBuildError naming every failed model and test when dbt fails.
    """
    options = options or DbtRunOptions()
    settings.build_path.parent.mkdir(parents=True, exist_ok=True)
    run_results_path = dbt_target_dir(settings) / "run_results.json"
    run_results_path.unlink(missing_ok=True)  # a stale file must not pass for this build's
    extra = ["--select", select, "--indirect-selection", options.indirect_selection] if select else []
    if options.full_refresh:
        extra.append("--full-refresh")
    if options.test_whole_tables:
        extra += ["--vars", "{test_whole_tables: true}"]
    if not options.unit_tests:
        extra += ["--exclude-resource-type", "unit_test"]
    started = time.monotonic()
    exit_code, tail = _run_streaming(
        _dbt_command(settings, "build", options, extra), dbt_environment(settings), options
    )
    elapsed = time.monotonic() - started
    results = _read_run_results(run_results_path)
    failures = _failures(results)
    if exit_code != 0 or failures:
        detail = "\n  ".join(failures) if failures else "\n  ".join(tail)
        raise WarehouseBuildError(
            f"dbt build failed (exit {exit_code}, {len(failures)} failed node(s)):\n  {detail}", failures
        )
    # hooks (on-run-start: the model-version check) are operations, not nodes of the build
    results = [r for r in results if _node_kind(r["unique_id"]) != "operation"]
    statuses = [r.get("status") for r in results]
    kinds = [_node_kind(r["unique_id"]) for r in results]
    return DbtBuildResult(
        models=kinds.count("model"),
        tests=kinds.count("test"),
        passed=sum(s in _PASSED_STATUSES for s in statuses),
        failed=len(failures),
        warned=statuses.count("warn"),
        skipped=statuses.count("skipped"),
        elapsed_s=round(elapsed, 2),
        run_results_path=run_results_path,
        seeds=kinds.count("seed"),
        unit_tests=kinds.count("unit_test"),
    )


def dbt_parse(
    settings: Settings, *, options: DbtRunOptions | None = None, target_dir: Path | None = None
) -> Path:
    """``dbt parse`` → ``<target_dir>/manifest.json`` (what cosmos loads instead of running ``dbt ls``)."""
    options = options or DbtRunOptions()
    target_dir = target_dir or dbt_target_dir(settings)
    command = _dbt_command(settings, "parse", options, [])
    command[command.index("--target-path") + 1] = str(target_dir)
    exit_code, tail = _run_streaming(command, dbt_environment(settings), options)
    manifest = target_dir / "manifest.json"
    if exit_code != 0 or not manifest.exists():
        raise WarehouseBuildError(f"dbt parse failed (exit {exit_code}):\n  " + "\n  ".join(tail))
    return manifest


# Files whose change changes the dbt graph (and so the manifest cosmos renders the DAG from).
_PROJECT_SOURCE_SUFFIXES = frozenset({".sql", ".yml", ".yaml", ".csv"})


def manifest_path(settings: Settings) -> Path:
    """The manifest the DAG renders from: its own target dir, never rewritten by a build."""
    return settings.data_dir / "dbt" / "manifest" / "manifest.json"


def _project_mtime(project_dir: Path) -> float:
    return max(
        (path.stat().st_mtime for path in project_dir.rglob("*") if path.suffix in _PROJECT_SOURCE_SUFFIXES),
        default=0.0,
    )


def ensure_manifest(settings: Settings, *, options: DbtRunOptions | None = None) -> Path:
    """The dbt manifest for rendering the DAG, re-parsed only when dbt/ changed since.

    Why at DAG-parse time and not in setup: a fresh clone, a `git pull` or an edited model must
    never leave Airflow rendering yesterday's graph, and nobody should have to remember a step.
    The check is a stat of the project files; ``dbt parse`` runs in a child process (dbt is never
    imported by the DAG processor), under a file lock so concurrent parsers parse once.
    """
    import fcntl

    manifest = manifest_path(settings)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with open(manifest.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if manifest.exists() and manifest.stat().st_mtime >= _project_mtime(settings.dbt_project_dir):
            return manifest
        logger.info("dbt project changed since %s was written: re-parsing", manifest)
        return dbt_parse(settings, options=options, target_dir=manifest.parent)


# ---------------------------------------------------------------- region seed

#: The seed dbt loads as ``staging.region_divisions`` (then ``marts.dim_region``).
REGION_SEED_RELATIVE_PATH = Path("seeds") / "region_divisions.csv"
REGION_SEED_COLUMNS = ("region_code", "level", "province", "city", "county", "province_code", "city_code")


def region_division_rows() -> list[dict[str, str]]:
    """Every province, city and county of cpca's gazetteer, named as reports are.

    Why reuse extractors.normalize.regions: reports get province/city/county from it, so a
    municipality's district reads (北京市, 北京市, 东城区) and a county directly under a
    province (湖北省, null, 仙桃市).  The same placeholder rule here makes every
    (province, city, county) a report can carry findable in dim_region.  region_code is the
    6-digit administrative-division code of the most specific division.
    """
    import csv
    import importlib.resources

    from extractors.normalize import regions

    regions._cpca()  # installs the pkg_resources shim cpca's package import needs
    source = importlib.resources.files("cpca").joinpath("resources", "adcodes.csv")
    with source.open("r", encoding="utf-8") as handle:
        names = {row["adcode"][:6]: row["name"].strip() for row in csv.DictReader(handle)}

    placeholders = regions._CITY_PLACEHOLDERS
    chosen: dict[tuple[str, str, str], dict[str, str]] = {}
    for code in sorted(names):
        province_code, city_code = code[:2] + "0000", code[:4] + "00"
        province = names.get(province_code)
        if province is None:
            continue
        city = names.get(city_code)
        municipality_city = code == city_code and city in placeholders and province.endswith("市")
        if names[code] in placeholders and not municipality_city:
            continue
        if city in placeholders:
            city = province if province.endswith("市") else ""
        if code == province_code:
            level, city, county = "province", "", ""
        elif code == city_code:
            level, county = "city", ""
        else:
            level, county = "county", names[code]
        row = {
            "region_code": code,
            "level": level,
            "province": province,
            "city": city or "",
            "county": county,
            "province_code": province_code,
            "city_code": city_code if level != "province" and city else "",
        }
        # A renamed division keeps its old code in the gazetteer: the newest (highest) code wins.
        chosen[(row["province"], row["city"], row["county"])] = row
    return sorted(chosen.values(), key=lambda row: row["region_code"])


def write_region_seed(project_dir: Path) -> Path:
    """(Re)write ``dbt/seeds/region_divisions.csv`` from the gazetteer; return its path."""
    import csv
    import io

    path = project_dir / REGION_SEED_RELATIVE_PATH
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REGION_SEED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(region_division_rows())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


# ---------------------------------------------------------------- docs


def docs_dir(settings: Settings) -> Path:
    """Where the dbt docs site is published: beside the warehouse (``<stem>_docs/``)."""
    return settings.warehouse_path.with_name(f"{settings.warehouse_path.stem}_docs")


#: The files of the static dbt docs site (index.html reads the two JSON files beside it).
DOCS_FILES = ("index.html", "manifest.json", "catalog.json")


def dbt_docs(settings: Settings, *, options: DbtRunOptions | None = None) -> Path:
    """``dbt docs generate`` against the build, then publish the site beside the warehouse.

    Run after the build and before publish (the catalog reads the build file).  Each file is
    swapped in atomically, so a browser never loads half a catalog; open
    ``<warehouse>_docs/index.html`` through any static file server.
    """
    import os
    import shutil

    options = options or DbtRunOptions()
    target = settings.data_dir / "dbt" / "docs"
    command = _dbt_command(settings, "docs", options, [])
    command[1:2] = ["docs", "generate"]
    command[command.index("--target-path") + 1] = str(target)
    exit_code, tail = _run_streaming(command, dbt_environment(settings), options)
    missing = [name for name in DOCS_FILES if not (target / name).exists()]
    if exit_code != 0 or missing:
        raise WarehouseBuildError(
            f"dbt docs generate failed (exit {exit_code}, missing {missing}):\n  " + "\n  ".join(tail)
        )
    out = docs_dir(settings)
    out.mkdir(parents=True, exist_ok=True)
    for name in DOCS_FILES:
        partial = out / f".{name}.partial"
        shutil.copyfile(target / name, partial)
        os.replace(partial, out / name)
    return out
