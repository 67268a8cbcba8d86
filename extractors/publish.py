"""Build the warehouse beside the served file and swap it in atomically.

BI tools open ``WAREHOUSE_PATH`` read-only at any time.  DuckDB allows one
read-write process *or* several read-only ones, never both, so the nightly run
never writes the served file: dbt builds ``.<name>.building.duckdb`` in the
same folder, ``publish`` checkpoints and closes it and renames it over the
served path.  A reader that holds the old file open keeps its inode and keeps
working; a reader that opens after the swap sees the whole new run — never
half of one.

Each night is its own file, ``.<stem>.versions/<stamp>-<build>/<name>``, and
``WAREHOUSE_PATH`` is a relative link to the newest.  Why not rename the build
over the served path: DuckDB keeps one database instance per file path inside a
process, so a long-lived reader (Superset, any pooled SQLAlchemy engine) that
had the path open went on serving the old night to every new connection —
even a brand-new engine's — until its last connection closed, which in a busy
BI server is never.  DuckDB resolves the link when it opens a path, so a new
connection after the swap names another file and gets a new instance with the
new night; connections already open keep theirs.  The versioned file keeps the
served file's name, so the catalog a BI tool shows stays ``<stem>``.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from extractors.atomic import fsync_directory, fsync_file, replace_into, swap_symlink
from extractors.settings import Settings

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger(__name__)

# Marts exported as Parquet beside the warehouse, for tools that prefer files.
PARQUET_EXPORTS: tuple[tuple[str, str], ...] = (
    ("marts", "dim_report"),
    ("marts", "dim_unit"),
    ("marts", "dim_region"),
    ("marts", "dim_indicator"),
    ("marts", "dim_fiscal_year"),
    ("marts", "fct_budget_execution"),
    ("marts", "fct_indicator_achievement"),
    ("quality", "expectation_results"),
)


class PublishError(RuntimeError):
    """The build file is missing or not a complete DuckDB warehouse."""


@dataclass(frozen=True)
class WarehouseSummary:
    path: str
    reports: int
    budget_rows: int
    indicator_rows: int
    quality_failures: int
    quarantined: int
    extraction_errors: int

    def lines(self) -> list[str]:
        return [
            f"warehouse: {self.path}",
            f"  reports:           {self.reports}",
            f"  budget rows:       {self.budget_rows}",
            f"  indicator rows:    {self.indicator_rows}",
            f"  quality failures:  {self.quality_failures} ({self.quarantined} quarantined)",
            f"  unreadable docs:   {self.extraction_errors}",
        ]


def _remove_with_wal(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)


def prepare_build(settings: Settings) -> Path:
    """Start the next build from a copy of the published warehouse (or from nothing).

    Copying keeps incremental dbt models incremental; a stale build left by a
    crashed run is discarded first, because nothing guarantees it is whole.
    """
    build = settings.build_path
    build.parent.mkdir(parents=True, exist_ok=True)
    _remove_with_wal(build)
    if settings.warehouse_path.exists():
        shutil.copyfile(settings.warehouse_path, build)
    return build


def publish(settings: Settings) -> Path:
    """Checkpoint the build, swap it in as WAREHOUSE_PATH's new version, export Parquet; return the path."""
    import duckdb

    build = settings.build_path
    if not build.exists():
        raise PublishError(f"no warehouse build at {build}: run the dbt build step first")
    con = duckdb.connect(str(build))
    try:
        missing = [
            f"{schema}.{table}"
            for schema, table in PARQUET_EXPORTS
            if not con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                [schema, table],
            ).fetchone()[0]
        ]
        if missing:
            raise PublishError(f"build {build} lacks {', '.join(missing)}: refusing to publish it")
        build_id = claim_finished_build(con, build)
        recorded = record_published_builds(con)
        if recorded:
            log.info("recorded %d build(s) as published", recorded)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    target = settings.warehouse_path
    served = swap_in_version(build, target, build_id)
    log.info("published %s (%s)", target, served)
    export_parquet(target)
    return target


def versions_dir(warehouse_path: Path) -> Path:
    """Where each published night's file lives; ``warehouse_path`` links to the newest."""
    return warehouse_path.with_name(f".{warehouse_path.stem}.versions")


def swap_in_version(build: Path, target: Path, build_id: str) -> Path:
    """Move ``build`` into a version folder of its own and point ``target`` at it atomically.

    The file keeps ``target``'s name inside its folder, so DuckDB names its catalog as before
    (readers' ``<stem>.marts``).  A served file from before versioned nights (a regular file at
    ``target``) is replaced by the link in the same rename.  Every version but the served one
    and the one served before it is removed: a reader still holding an older one keeps its
    inode (POSIX), and a reader that resolved the link just before the swap finds its file.
    """
    versions = versions_dir(target)
    versions.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    folder = Path(tempfile.mkdtemp(prefix=f"{stamp}-{_safe(build_id)[:13]}-", dir=versions))
    folder.chmod(0o755)  # mkdtemp's 0700 would lock out a BI tool running as another user
    replace_into(build, folder / target.name)
    previous = os.readlink(target) if target.is_symlink() else None
    relative = os.path.relpath(folder / target.name, target.parent)
    swap_symlink(target, relative)
    keep = {relative, previous}
    for old in versions.iterdir():
        served_name = os.path.relpath(old / target.name, target.parent)
        if old.is_dir() and not old.is_symlink() and served_name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    return folder / target.name


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)


#: dbt's build ledger (dbt/macros/build_ledger.sql): one row per `dbt build` / `dbt run` into
#: this file, finished_at set when it ended without an error, published_at set here.
BUILD_RUNS = ("staging", "build_runs")


def claim_finished_build(con: duckdb.DuckDBPyConnection, build: Path) -> str:
    """Check that the newest dbt invocation into ``build`` finished and is not yet published,
    and mark it published; return its id.

    Why: publishing renames whatever file is at the build path.  Without this check a publish
    racing a build (another process, a retried task) shipped the copy ``prepare_build`` had
    just made of last night's warehouse, recorded it as published, and the next run found
    "nothing new" — a night's reports missing with exit status 0.
    """
    schema, table = BUILD_RUNS
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchone()[0]
    if not exists:
        raise PublishError(
            f"build {build} has no build ledger ({schema}.{table}): run the dbt build step first"
        )
    newest = con.execute(
        f'SELECT build_id, finished_at, published_at FROM "{schema}"."{table}"'
        " ORDER BY started_at DESC, build_id DESC LIMIT 1"
    ).fetchone()
    if newest is None:
        raise PublishError(f"build {build} records no dbt build: run the dbt build step first")
    build_id, finished_at, published_at = newest
    if finished_at is None:
        raise PublishError(
            f"the newest dbt build in {build} ({build_id}) did not finish (it failed, or it is still"
            " running in another process): refusing to publish it"
        )
    if published_at is not None:
        raise PublishError(
            f"build {build_id} in {build} was published already (at {published_at}): this file is a"
            " copy of the published warehouse, not a new build — run the dbt build step first"
        )
    con.execute(f'UPDATE "{schema}"."{table}" SET published_at = now() WHERE build_id = ?', [build_id])
    return str(build_id)


#: The ledger of builds whose rows were published (created by dbt's on-run-start hook,
#: dbt/macros/build_batch.sql).
PUBLISHED_BUILDS = ("staging", "published_builds")


def record_published_builds(con: duckdb.DuckDBPyConnection) -> int:
    """Add every build whose rows this publish makes public to ``staging.published_builds``.

    Why: the next night's dbt build starts from a copy of the published file, and its data
    tests on incremental tables check only rows of builds not in this ledger — the rows that
    night loaded, however many dbt invocations (retries included) wrote them.  Rows of a build
    reach the ledger only here, after the whole build passed.  The ids are read from the rows
    themselves (every base table with a ``build_id`` column), so every build with a row in
    the published file is in the ledger.  Returns how many builds were added; 0 when the
    build has no ledger (made by models without build batches).
    """
    schema, table = PUBLISHED_BUILDS
    built = con.execute(
        "SELECT table_schema, table_name FROM information_schema.columns"
        " JOIN information_schema.tables USING (table_catalog, table_schema, table_name)"
        " WHERE column_name = 'build_id' AND table_type = 'BASE TABLE'"
        " AND table_catalog = current_database() ORDER BY ALL"
    ).fetchall()
    if (schema, table) not in built:
        return 0
    sources = [
        f'SELECT build_id FROM "{s}"."{t}"' for s, t in built if (s, t) not in ((schema, table), BUILD_RUNS)
    ]
    if not sources:
        return 0
    ledger = f'"{schema}"."{table}"'
    before = con.execute(f"SELECT count(*) FROM {ledger}").fetchone()[0]
    con.execute(
        f"INSERT INTO {ledger} (build_id, published_at)"
        f" SELECT DISTINCT build_id, now() FROM ({' UNION '.join(sources)}) AS built"
        f" WHERE build_id IS NOT NULL AND build_id NOT IN (SELECT build_id FROM {ledger})"
    )
    return con.execute(f"SELECT count(*) FROM {ledger}").fetchone()[0] - before


def parquet_dir(warehouse_path: Path) -> Path:
    """The stable path of the Parquet export: a link to the newest complete version."""
    return warehouse_path.with_name(f"{warehouse_path.stem}_parquet")


def export_parquet(warehouse_path: Path) -> Path:
    """Write each mart as ``<name>_parquet/<table>.parquet`` — a whole new version folder,
    then the link swapped to it — so a reader sees one night's files, never a mix, and a run
    killed mid-export leaves the previous export served (its half folder is removed next time)."""
    import duckdb

    link = parquet_dir(warehouse_path)
    link.parent.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    version = Path(tempfile.mkdtemp(prefix=f".{link.name}.{stamp}.", dir=link.parent))
    version.chmod(0o755)  # as the warehouse's version folders: readable by a BI tool running as another user
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        for schema, table in PARQUET_EXPORTS:
            con.execute(
                f"COPY {schema}.{table} TO '{(version / f'{table}.parquet').as_posix()}' (FORMAT parquet)"
            )
    finally:
        con.close()
    for written in version.iterdir():
        fsync_file(written)
    fsync_directory(version)
    previous = os.readlink(link) if link.is_symlink() else None
    if link.is_dir() and not link.is_symlink():  # an export from before versioned folders
        link.rename(link.with_name(f".{link.name}.unversioned"))
    swap_symlink(link, version.name)
    _remove_old_exports(link, keep={version.name, previous})
    return link


def _remove_old_exports(link: Path, keep: set[str | None]) -> None:
    """Every version folder but the served one and the one served before it (a reader that
    resolved the link just before the swap still finds its files); half-written ones too."""
    for version in link.parent.glob(f".{link.name}.*"):
        if version.is_dir() and not version.is_symlink() and version.name not in keep:
            shutil.rmtree(version, ignore_errors=True)


def summarize(warehouse_path: Path) -> WarehouseSummary:
    """Count what the published warehouse holds, opening it read-only like a BI tool."""
    import duckdb

    if not warehouse_path.exists():
        raise PublishError(f"no warehouse at {warehouse_path}: run the pipeline first")
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:

        def count(sql: str) -> int:
            return int(con.execute(sql).fetchone()[0])

        return WarehouseSummary(
            path=str(warehouse_path),
            reports=count("SELECT count(*) FROM marts.dim_report"),
            budget_rows=count("SELECT count(*) FROM marts.fct_budget_execution"),
            indicator_rows=count("SELECT count(*) FROM marts.fct_indicator_achievement"),
            quality_failures=count("SELECT count(*) FROM quality.expectation_results"),
            quarantined=count("SELECT count(*) FROM quality.quarantine"),
            extraction_errors=count("SELECT count(*) FROM quality.extraction_errors"),
        )
    finally:
        con.close()
