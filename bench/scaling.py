"""Item 2: the extraction corpus on 1 and 2 worker processes — speed-up and peak RSS per worker.

Each worker count runs in a fresh child process (``python -m bench.scaling``) so
that its wall time starts cold-free of the other's caches and its
``RUSAGE_CHILDREN`` peak is that of its own workers only.
"""

from __future__ import annotations

import argparse
import json
import statistics
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
    # One list of records per document (a report each; one error record for a file that failed).
    documents = list(extract_files(list(paths), workers=workers))
    wall = time.perf_counter() - started
    return {
        "workers": workers,
        "documents": len(documents),
        "errors": sum(1 for records in documents if records[0].get("error")),
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


def measure_scaling(
    paths: Sequence[Path], worker_counts: Sequence[int], pages: int, log_dir: Path, rounds: int = 3
) -> dict:
    """Speed-up of each worker count over the first one: the median wall time of ``rounds``
    runs per count, each in a fresh child process, the counts interleaved round by round.

    Why rounds: one run lasts a few seconds, and on a shared machine a single pair of runs
    has given anything from 1.7x to 2.2x for the same code; interleaving keeps a burst of
    someone else's work from landing on one worker count only.  Each multi-worker run is
    bracketed by the machine's own speed-up for pure CPU work (``machine_parallelism``).
    """
    measured: dict[int, list[dict[str, Any]]] = {workers: [] for workers in worker_counts}
    for round_number in range(rounds):
        for workers in worker_counts:
            measured[workers].append(_one_scaling_run(paths, workers, log_dir, round_number))
    runs = []
    for workers, results in measured.items():
        walls = sorted(result["wall_s"] for result in results)
        machines = [result["machine"] for result in results if result["machine"]]
        run = {
            "workers": workers,
            "documents": results[0]["documents"],
            "errors": max(result["errors"] for result in results),
            "wall_s": statistics.median(walls),
            "wall_s_each": walls,
            "pages_per_s": pages / statistics.median(walls) if walls[0] else None,
            "peak_rss_per_worker_mib": max(result["peak_rss_per_worker_mib"] for result in results),
            "parent_peak_rss_mib": max(result["parent_peak_rss_mib"] for result in results),
            "tree_cpu_s": statistics.median(result["tree_cpu_s"] for result in results),
            "machine": {
                "processes": workers,
                "speedup": statistics.median(machine["speedup"] for machine in machines),
                "speedup_each": [machine["speedup"] for machine in machines],
            }
            if machines
            else None,
        }
        runs.append(run)
    base = runs[0]["wall_s"]
    for run in runs:
        run["speedup"] = base / run["wall_s"] if run["wall_s"] else None
        machine = run.get("machine")
        if machine and run["speedup"]:
            run["efficiency_vs_machine"] = run["speedup"] / machine["speedup"]
    return {"pages": pages, "rounds": rounds, "runs": runs}


def _one_scaling_run(paths: Sequence[Path], workers: int, log_dir: Path, round_number: int) -> dict[str, Any]:
    """One fresh child extracting the corpus on ``workers`` workers, with the machine's parallelism
    measured just before and just after it (other work on a shared machine comes and goes)."""
    out = log_dir / f"scaling_{workers}_{round_number}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.scaling", "--workers", str(workers), "--out", str(out)]
    before = machine_parallelism(workers) if workers > 1 else None
    log_path = log_dir / f"scaling_{workers}_{round_number}.log"
    stats = run_measured(command + [str(p) for p in paths], log_path=log_path)
    after = machine_parallelism(workers) if workers > 1 else None
    if stats.returncode != 0 or not out.exists():
        raise RuntimeError(f"scaling run with {workers} workers failed; see {log_path}")
    result = json.loads(out.read_text(encoding="utf-8"))
    result["machine"] = _mean_parallelism(before, after) if before and after else None
    result["tree_cpu_s"] = stats.cpu_s
    return result


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
