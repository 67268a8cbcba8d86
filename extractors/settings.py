"""Every path and tunable of a run, read from the environment in one place.

Why one module: the DAG, the CLI, the tests and dbt must agree on where raw
files, staging batches and the warehouse live.  Nothing else in the project
reads ``os.environ`` for paths, so a test can point a whole run at a temp dir
by setting three variables (contracts/interfaces.md §1).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PORTAL_HOST = "127.0.0.1"
DEFAULT_SAMPLE_PORTAL_PORT = 8765


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name, "").strip()
    path = Path(value) if value else default
    return path if path.is_absolute() else (Path.cwd() / path)


@dataclass(frozen=True)
class Settings:
    """Resolved locations of one run; derived paths are properties, never stored twice."""

    sources_file: Path
    data_dir: Path
    warehouse_path: Path
    sample_portal_port: int = DEFAULT_SAMPLE_PORTAL_PORT
    extract_workers: int = field(default_factory=lambda: max(1, (os.cpu_count() or 1)))
    extract_batch_size: int = 50
    document_timeout_s: float = 120.0
    document_memory_mb: int = 1536
    # A run that finds nothing new leaves the warehouse as it is (extractors.rebuild), unless the
    # published one is older than this: its crawl stats then reach the warehouse within this bound.
    warehouse_max_age_days: float = 7.0
    # A run's lease on DATA_DIR (run_lease.py) older than this is stale: a run that died holding it.
    run_lease_max_age_h: float = 12.0

    @property
    def raw_dir(self) -> Path:
        """Content-addressed downloads: ``raw/<sha[:2]>/<sha256>``."""
        return self.data_dir / "raw"

    @property
    def manifest_dir(self) -> Path:
        """One JSONL manifest per source, one row per fetch."""
        return self.data_dir / "manifest"

    @property
    def crawl_state_dir(self) -> Path:
        """Validators (ETag, Last-Modified) per URL, for conditional GETs."""
        return self.data_dir / "crawl_state"

    @property
    def records_dir(self) -> Path:
        """Extraction records, one JSON file per document sha256."""
        return self.data_dir / "records"

    @property
    def staging_dir(self) -> Path:
        """Parquet batches, one folder per run: ``staging/run=<run_id>/<table>.parquet``."""
        return self.data_dir / "staging"

    @property
    def runs_dir(self) -> Path:
        """Per-run work files (document lists, summaries) and logs."""
        return self.data_dir / "runs"

    @property
    def data_docs_dir(self) -> Path:
        """Great Expectations Data Docs, rebuilt every validation."""
        return self.data_dir / "data_docs"

    @property
    def sample_portal_dir(self) -> Path:
        """Where the bundled sample portal is generated before it is served."""
        return self.data_dir / "sample_portal"

    @property
    def build_path(self) -> Path:
        """The warehouse under construction: beside the published file, so the
        final rename is atomic (same filesystem)."""
        return self.warehouse_path.with_name(f".{self.warehouse_path.stem}.building.duckdb")

    @property
    def dbt_project_dir(self) -> Path:
        return PROJECT_ROOT / "dbt"

    @property
    def sample_portal_url(self) -> str:
        return f"http://{SAMPLE_PORTAL_HOST}:{self.sample_portal_port}/"


def load_settings() -> Settings:
    """Read the environment now (not at import), so tests can change it per case."""
    data_dir = _env_path("DATA_DIR", PROJECT_ROOT / "data")
    default_sources = PROJECT_ROOT / "extractors" / "samples" / "sources.yaml"
    return Settings(
        sources_file=_env_path("SOURCES_FILE", default_sources),
        data_dir=data_dir,
        warehouse_path=_env_path("WAREHOUSE_PATH", PROJECT_ROOT / "warehouse" / "warehouse.duckdb"),
        sample_portal_port=int(os.environ.get("SAMPLE_PORTAL_PORT", DEFAULT_SAMPLE_PORTAL_PORT)),
        extract_workers=int(os.environ.get("EXTRACT_WORKERS", max(1, os.cpu_count() or 1))),
        extract_batch_size=int(os.environ.get("EXTRACT_BATCH_SIZE", 50)),
        document_timeout_s=float(os.environ.get("DOCUMENT_TIMEOUT_S", 120)),
        document_memory_mb=int(os.environ.get("DOCUMENT_MEMORY_MB", 1536)),
        warehouse_max_age_days=float(os.environ.get("WAREHOUSE_MAX_AGE_DAYS", 7)),
        run_lease_max_age_h=float(os.environ.get("RUN_LEASE_MAX_AGE_H", 12)),
    )
