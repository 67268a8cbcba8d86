"""The tunables of a bench run in one dataclass, read from the command line and the project settings.

Why here: corpus sizes, seeds, worker counts and the targets the issue set are
what a reader changes or checks; nothing else in bench/ carries a literal for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from extractors.settings import load_settings


def default_bench_dir() -> Path:
    """Everything a bench run writes lives under ``DATA_DIR/bench`` (cache, work dirs, results)."""
    return load_settings().data_dir / "bench"


@dataclass(frozen=True)
class Targets:
    """The issue's targets, so that the table can say met / missed next to each figure."""

    extraction_vs_pdfplumber: float = 3.0  # full extract pages per CPU s ÷ bare pdfplumber's
    speedup_two_workers: float = 1.8
    peak_rss_per_worker_mib: float = 500.0
    e2e_1000_reports_s: float = 15 * 60.0
    rerun_1000_reports_s: float = 30.0
    rerun_document_downloads: int = 0


@dataclass(frozen=True)
class BenchSettings:
    """One bench run: what to measure, on how much, and where to keep it."""

    bench_dir: Path = field(default_factory=default_bench_dir)
    seed: int = 2023
    # Generated PDF reports added to the seed PDFs for items 1 and 2: ~300 pages, so that a run
    # lasts seconds and the 2-worker speed-up is not lost in a process start or one long tail document.
    generated_pdfs: int = 100
    portal_sizes: tuple[int, ...] = (10, 100, 1000)
    scaling_workers: tuple[int, ...] = (1, 2)
    scaling_rounds: int = 3  # runs per worker count, interleaved; the median wall time counts
    extraction_rounds: int = 3  # item 1: rounds of the four readers, interleaved; the median ratio counts
    extract_workers: int = 2  # EXTRACT_WORKERS of the end-to-end runs
    extract_batch_size: int = 50  # EXTRACT_BATCH_SIZE of the end-to-end runs
    run_dag: bool = True  # also run the Airflow DAG (airflow dags test) per portal size
    dag_max_reports: int = 1000  # largest portal the DAG path runs on
    dag_timeout_s: float = 1800.0  # a DAG run still going after this is killed and reported failed
    items: tuple[str, ...] = ("extraction", "scaling", "end_to_end", "warehouse", "crawl")
    seeds_dir: Path | None = None  # the seed corpus; None: ../shared/corpus/seeds beside the repo
    # Item 1's second corpus, the real reports' PDFs; None: ../shared/corpus/real and tests/corpus/real.
    real_dirs: tuple[Path, ...] | None = None
    targets: Targets = field(default_factory=Targets)

    @property
    def cache_dir(self) -> Path:
        """Generated corpora, keyed by (seed, n): expensive to build, identical every time."""
        return self.bench_dir / "cache"

    @property
    def work_dir(self) -> Path:
        """Per-run DATA_DIRs and warehouses of the end-to-end runs (replaced on every bench run)."""
        return self.bench_dir / "work"

    @property
    def results_path(self) -> Path:
        return self.bench_dir / "results.json"
