"""Item 2: the extraction corpus on 1 and 2 worker processes — speed-up and peak RSS per worker.

Each worker count runs in a fresh child process (``python -m bench.scaling``) so
that its wall time starts cold-free of the other's caches and its
``RUSAGE_CHILDREN`` peak is that of its own workers only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.measure import children_peak_rss_mib, run_measured, self_peak_rss_mib


def extract_with_workers(paths: Sequence[Path], workers: int) -> dict[str, Any]:
    """Run in the child: extract every path with ``workers`` workers; wall time and peak RSS."""
    from extractors.extraction import _warm_up, extract_files

    _warm_up()
    started = time.perf_counter()
    records = list(extract_files(list(paths), workers=workers))
    wall = time.perf_counter() - started
    return {
        "workers": workers,
        "documents": len(records),
        "errors": sum(1 for record in records if record.get("error")),
        "wall_s": wall,
        "peak_rss_per_worker_mib": children_peak_rss_mib(),
        "parent_peak_rss_mib": self_peak_rss_mib(),
    }


CALIBRATION_LOOPS = 20_000_000  # pure-Python iterations per calibration process (~1 s of CPU)


def _spin(loops: int) -> int:
    total = 0
    for number in range(loops):
        total += number & 7
    return total


def machine_parallelism(processes: int, loops: int = CALIBRATION_LOOPS) -> dict[str, float]:
    """How much faster ``processes`` CPU-bound processes finish ``processes`` units of work than one
    process finishes one, right now: the speed-up this machine can give at all.

    Why: on a shared machine the second core may be busy with someone else's work; the extract
    speed-up is only meaningful next to what pure CPU work gets at the same moment.
    """
    import multiprocessing

    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")

    def wall(count: int) -> float:
        started = time.perf_counter()
        workers = [context.Process(target=_spin, args=(loops,)) for _ in range(count)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return time.perf_counter() - started

    one, many = wall(1), wall(processes)
    return {"processes": processes, "one_s": one, "many_s": many, "speedup": processes * one / many}


def _mean_parallelism(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {
        "processes": before["processes"],
        "speedup": (before["speedup"] + after["speedup"]) / 2,
        "speedup_before": before["speedup"],
        "speedup_after": after["speedup"],
    }


def measure_scaling(paths: Sequence[Path], worker_counts: Sequence[int], pages: int, log_dir: Path) -> dict:
    """Speed-up of each worker count over the first one, measured in fresh child processes, each
    next to the machine's available parallelism measured just before it."""
    runs = []
    for workers in worker_counts:
        out = log_dir / f"scaling_{workers}.json"
        out.unlink(missing_ok=True)
        command = [sys.executable, "-m", "bench.scaling", "--workers", str(workers), "--out", str(out)]
        before = machine_parallelism(workers) if workers > 1 else None
        stats = run_measured(command + [str(p) for p in paths], log_path=log_dir / f"scaling_{workers}.log")
        after = machine_parallelism(workers) if workers > 1 else None
        if stats.returncode != 0 or not out.exists():
            raise RuntimeError(f"scaling run with {workers} workers failed; see {log_dir}")
        result = json.loads(out.read_text(encoding="utf-8"))
        result["pages_per_s"] = pages / result["wall_s"] if result["wall_s"] else None
        # The machine's speed-up just before and just after the run: other work on a shared
        # machine comes and goes, and the mean of the two brackets what the run itself met.
        result["machine"] = _mean_parallelism(before, after) if before and after else None
        result["tree_cpu_s"] = stats.cpu_s
        runs.append(result)
    base = runs[0]["wall_s"]
    for run in runs:
        run["speedup"] = base / run["wall_s"] if run["wall_s"] else None
        machine = run.get("machine")
        if machine and run["speedup"]:
            run["efficiency_vs_machine"] = run["speedup"] / machine["speedup"]
    return {"pages": pages, "runs": runs}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scaling", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON result")
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    result = extract_with_workers(args.files, args.workers)
    args.out.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
