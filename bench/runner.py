"""One command for every benchmark: ``python -m bench [--quick] [--only ITEM ...]``.

Why one runner: the figures are only comparable when measured side by side in
one run on one machine state, so the runner records the machine's load next to
each item, writes every figure to JSON and prints the table derived from it.
A failing item is recorded as failed and the others still run.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
import traceback
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.corpus import cached_portal, extraction_corpus, real_corpus
from bench.delegated import run_delegated
from bench.end_to_end import measure_end_to_end
from bench.extraction_rate import measure_extraction_rate, page_count
from bench.measure import machine_load
from bench.report import all_rows, format_table
from bench.scaling import measure_scaling
from bench.settings import BenchSettings

ITEMS = ("extraction", "scaling", "end_to_end", "warehouse", "crawl")
QUICK_PORTAL_SIZES = (10, 100)

log = logging.getLogger("bench")


def run_benchmarks(
    settings: BenchSettings, *, quick: bool = False, results_path: Path | None = None
) -> dict[str, Any]:
    """Run the selected items; returns the results dict that ``report.all_rows`` turns into the table.

    With ``results_path``, the results so far are written after every item, so a long run that is
    stopped still leaves the figures it has.
    """
    settings.bench_dir.mkdir(parents=True, exist_ok=True)
    logs = settings.bench_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "quick": quick,
        "settings": {
            "seed": settings.seed,
            "generated_pdfs": settings.generated_pdfs,
            "portal_sizes": list(settings.portal_sizes),
            "extract_workers": settings.extract_workers,
            "extract_batch_size": settings.extract_batch_size,
            "run_dag": settings.run_dag,
        },
        "load": {},
        "errors": {},
    }

    def step(name: str, work) -> None:  # type: ignore[no-untyped-def]
        if name not in settings.items:
            return
        log.info("bench: %s …", name)
        results["load"][name] = {"before": machine_load()}
        started = time.perf_counter()
        try:
            results[name] = work()
        except Exception:
            results["errors"][name] = traceback.format_exc(limit=3).strip().splitlines()[-1]
            log.exception("bench: %s failed", name)
        results["load"][name]["after"] = machine_load()
        results["load"][name]["seconds"] = time.perf_counter() - started
        log.info("bench: %s done in %.0f s", name, results["load"][name]["seconds"])
        if results_path is not None:
            write_results(results, settings, results_path)

    corpus: list[Path] = []

    def corpus_files() -> list[Path]:
        if not corpus:
            corpus.extend(
                extraction_corpus(
                    settings.cache_dir,
                    seed=settings.seed,
                    generated=settings.generated_pdfs,
                    seeds_dir=settings.seeds_dir,
                )
            )
        return corpus

    def extraction() -> dict[str, Any]:
        rounds = settings.extraction_rounds
        result = measure_extraction_rate(corpus_files(), rounds)
        real = real_corpus(settings.real_dirs)
        if real:
            result["real"] = measure_extraction_rate(real, rounds)
        return result

    step("extraction", extraction)
    step(
        "scaling",
        lambda: measure_scaling(
            corpus_files(),
            settings.scaling_workers,
            sum(page_count(p) for p in corpus_files()),
            logs,
            rounds=settings.scaling_rounds,
        ),
    )

    def end_to_end() -> list[dict[str, Any]]:
        outcomes = []
        for n in settings.portal_sizes:
            site = cached_portal(settings.cache_dir, seed=settings.seed, n_reports=n)
            log.info("bench: end to end on %d reports (%s)", n, site)
            outcomes.append(
                measure_end_to_end(
                    site,
                    settings.work_dir / f"n={n}",
                    n_reports=n,
                    extract_workers=settings.extract_workers,
                    batch_size=settings.extract_batch_size,
                    run_dag=settings.run_dag and n <= settings.dag_max_reports,
                    dag_timeout_s=settings.dag_timeout_s,
                )
            )
        return outcomes

    step("end_to_end", end_to_end)
    step("warehouse", lambda: run_delegated("warehouse", logs, quick=quick))
    step("crawl", lambda: run_delegated("crawl", logs, quick=quick))
    results["finished_at"] = datetime.now(UTC).isoformat()
    return results


def write_results(results: dict[str, Any], settings: BenchSettings, path: Path) -> str:
    """Write the JSON (with the table rows in it) and return the printed table."""
    rows = all_rows(results, settings.targets)
    results["table"] = [row.__dict__ for row in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return format_table(rows)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="end to end on 10 and 100 reports only")
    parser.add_argument("--only", action="append", choices=ITEMS, help="run only this item (repeatable)")
    parser.add_argument("--sizes", type=int, nargs="+", help="portal sizes for end to end [10 100 1000]")
    parser.add_argument("--no-dag", action="store_true", help="end to end through the CLI only, not Airflow")
    parser.add_argument("--dag-max-reports", type=int, help="largest portal the DAG runs on [1000]")
    parser.add_argument("--dag-timeout", type=float, help="seconds before a DAG run is killed [1800]")
    parser.add_argument("--generated-pdfs", type=int, help="generated PDFs in the extraction corpus [100]")
    parser.add_argument("--seeds-dir", type=Path, help="seed PDFs [../shared/corpus/seeds]")
    parser.add_argument(
        "--extraction-rounds", type=int, help="item 1: interleaved rounds per corpus, median ratio [3]"
    )
    parser.add_argument(
        "--real-dir",
        type=Path,
        action="append",
        help="folder of real report PDFs, item 1's second corpus (repeatable) "
        "[../shared/corpus/real and tests/corpus/real]",
    )
    parser.add_argument("--bench-dir", type=Path, help="cache, work dirs and results [DATA_DIR/bench]")
    parser.add_argument("--out", type=Path, help="results JSON [BENCH_DIR/results.json]")
    parser.add_argument(
        "--table", type=Path, metavar="RESULTS_JSON", help="only re-print the table of a results file"
    )
    return parser


def settings_from_args(args: argparse.Namespace) -> BenchSettings:
    settings = BenchSettings()
    changes: dict[str, Any] = {}
    if args.bench_dir:
        changes["bench_dir"] = args.bench_dir.resolve()
    if args.quick:
        changes["portal_sizes"] = QUICK_PORTAL_SIZES
    if args.sizes:
        changes["portal_sizes"] = tuple(args.sizes)
    if args.no_dag:
        changes["run_dag"] = False
    if args.dag_max_reports is not None:
        changes["dag_max_reports"] = args.dag_max_reports
    if args.dag_timeout is not None:
        changes["dag_timeout_s"] = args.dag_timeout
    if args.generated_pdfs is not None:
        changes["generated_pdfs"] = args.generated_pdfs
    if args.seeds_dir:
        changes["seeds_dir"] = args.seeds_dir.resolve()
    if args.extraction_rounds is not None:
        changes["extraction_rounds"] = args.extraction_rounds
    if args.real_dir:
        changes["real_dirs"] = tuple(folder.resolve() for folder in args.real_dir)
    if args.only:
        changes["items"] = tuple(args.only)
    return replace(settings, **changes)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("extractors.samples.server").setLevel(logging.WARNING)  # one line per request
    settings = settings_from_args(args)
    if args.table:
        results = json.loads(args.table.read_text(encoding="utf-8"))
        print(format_table(all_rows(results, settings.targets)))
        return 0
    out = args.out or settings.results_path
    results = run_benchmarks(settings, quick=args.quick, results_path=out)
    table = write_results(results, settings, out)
    print(table)
    for name in ("warehouse", "crawl"):
        delegated = results.get(name) or {}
        payload = delegated.get("result")
        if delegated.get("output") and not (isinstance(payload, dict) and payload.get("rows")):
            output = delegated["output"]
            print(f"\n--- python -m bench.{name} ---\n{output.strip()}")
    print(f"\nresults: {out}")
    return 1 if results["errors"] else 0
