"""Synthetic staging batches for N reports, written exactly as the stage step writes them.

Why reuse the sample generator and the stager rather than fake rows: the warehouse must be
measured on what the pipeline stages — the same record shape (extractors.samples:
random_report_spec → spec_to_record), the same flattening and Parquet types
(extractors.staging.record_to_rows / write_batch).  Only the document bytes are skipped:
sha256 is derived from the seed and the report number, so a given (seed, n) is reproducible.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from extractors import staging
from extractors.samples.record import spec_to_record
from extractors.samples.spec import random_report_spec

SYNTHETIC_EXTRACTOR_VERSION = "bench"


@dataclass(frozen=True)
class SyntheticRun:
    """One staged run folder and what it holds."""

    run_id: str
    path: Path
    reports: int
    reextracted: int


def synthetic_sha256(seed: int, number: int) -> str:
    """The document hash of synthetic report ``number`` (stable for a seed)."""
    return hashlib.sha256(f"govperf-bench:{seed}:{number}".encode()).hexdigest()


def _record_and_provenance(
    rng: random.Random, seed: int, number: int, extracted_at: datetime, sources: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    spec = random_report_spec(rng)
    record = spec_to_record(spec)
    sha256 = synthetic_sha256(seed, number)
    source_id = f"portal-{number % sources:03d}"
    record["document"] |= {
        "sha256": sha256,
        "file_name": f"{sha256[:12]}.pdf",
        "format": "pdf",
        "page_count": 3,
        "source_url": f"http://127.0.0.1/{source_id}/{sha256[:12]}.pdf",
        "extractor_version": SYNTHETIC_EXTRACTOR_VERSION,
    }
    record["extracted_at"] = extracted_at
    provenance = {
        "sha256": sha256,
        "source_id": source_id,
        "url": record["document"]["source_url"],
        "title": f"{spec.unit_name}{spec.fiscal_year}年度绩效自评",
        "published_at": spec.published_at,
        "fetched_at": extracted_at,
    }
    return record, provenance


def write_synthetic_run(
    staging_dir: Path,
    run_id: str,
    numbers: range | list[int],
    *,
    seed: int,
    extracted_at: datetime,
    sources: int = 20,
) -> SyntheticRun:
    """Stage one run holding reports ``numbers`` (a number staged before is a re-extraction)."""
    parts = []
    for number in numbers:
        # one generator per report: report n is the same in whichever run it is (re)staged
        rng = random.Random(f"{seed}:{number}")
        record, provenance = _record_and_provenance(rng, seed, number, extracted_at, sources)
        parts.append(staging.record_to_rows(record, provenance, run_id))
    rows = staging.merge_rows(parts)
    rows["crawl_stats"] = [
        {
            "run_id": run_id,
            "source_id": f"portal-{source:03d}",
            "pages": 10,
            "new": len(numbers) // sources,
            "unchanged": 0,
            "reposts": 0,
            "errors": 0,
            "started_at": extracted_at,
            "finished_at": extracted_at,
            "error_message": None,
        }
        for source in range(sources)
    ]
    path = staging_dir / f"run={run_id}"
    staging.write_batch(path, rows)
    return SyntheticRun(run_id, path, len(numbers), 0)


def run_ids(count: int, first: datetime) -> Iterator[tuple[str, datetime]]:
    """Nightly run ids (and extraction times) from ``first``, one day apart."""
    for day in range(count):
        at = first + timedelta(days=day)
        yield f"bench__{at:%Y-%m-%dT%H-%M-%S}", at


def write_history(
    staging_dir: Path, *, reports: int, runs: int, seed: int, first: datetime | None = None
) -> list[SyntheticRun]:
    """Stage ``reports`` distinct reports spread evenly over ``runs`` nightly runs."""
    first = first or datetime(2025, 1, 1, 2, 0, tzinfo=UTC)
    per_run = -(-reports // runs)
    written = []
    for index, (run_id, at) in enumerate(run_ids(runs, first)):
        numbers = range(index * per_run, min(reports, (index + 1) * per_run))
        if numbers:
            written.append(write_synthetic_run(staging_dir, run_id, numbers, seed=seed, extracted_at=at))
    return written
