"""How long GX validation takes per 1,000 staged records: ``python -m expectations.benchmark``.

Stages random sample reports (extractors.samples) until a run holds the asked number of
records (reports + budget facts + indicators), then times ``validate_run`` on it.  GX is
imported before the clock starts: its import (4–16 s) is paid once per task, not per
record, and would swamp the figure.  The sample generator draws one unit and year more
than once, so large runs also exercise the cross-document rule.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from expectations.runner import validate_run

RUN_ID = "benchmark"
DEFAULT_SIZES = (1_000, 10_000, 100_000)


@dataclass(frozen=True)
class Timing:
    """One measured validation."""

    records: int
    reports: int
    seconds: float

    @property
    def seconds_per_1000(self) -> float:
        return self.seconds / self.records * 1000


def stage_sample_run(run_dir: Path, records: int, seed: int) -> tuple[int, int]:
    """Stage random sample reports until at least ``records`` records; return (records, reports)."""
    from extractors.samples.record import spec_to_record
    from extractors.samples.spec import random_report_spec
    from extractors.staging import merge_rows, record_to_rows, write_batch

    rng = random.Random(seed)
    parts, staged = [], 0
    while staged < records:
        record = spec_to_record(random_report_spec(rng))
        sha256 = hashlib.sha256(f"{seed}/{len(parts)}".encode()).hexdigest()
        parts.append(record_to_rows(record, {"sha256": sha256, "source_id": "sample-portal"}, RUN_ID))
        staged += 1 + len(record["budget_facts"]) + len(record["indicators"])
    write_batch(run_dir, merge_rows(parts))
    return staged, len(parts)


def measure(records: int, *, seed: int = 1, work_dir: Path | None = None) -> Timing:
    """Stage a run of about ``records`` records and time its validation (GX already imported)."""
    import great_expectations  # noqa: F401  (imported here so the timing below excludes it)

    with tempfile.TemporaryDirectory(dir=work_dir) as folder:
        run_dir = Path(folder) / f"run={RUN_ID}"
        staged, reports = stage_sample_run(run_dir, records, seed)
        started = time.perf_counter()
        validate_run(run_dir, run_id=RUN_ID)
        return Timing(staged, reports, time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(DEFAULT_SIZES), help="records per run")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args(argv)
    print("records  reports  validation_s  s_per_1000_records")
    for size in arguments.sizes:
        timing = measure(size, seed=arguments.seed)
        per_1000 = timing.seconds_per_1000
        print(f"{timing.records:7d}  {timing.reports:7d}  {timing.seconds:12.2f}  {per_1000:18.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
