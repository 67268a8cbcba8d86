"""``python -m bench.profile``: where the time of the missed targets goes, as text profiles.

* ``extraction`` — pyinstrument over the full extract of the item-1 corpus (in process;
  ``--real``: its second corpus, the real reports' PDFs);
* ``dbt`` — the slowest nodes of the last ``dbt build`` of an end-to-end work dir, from
  dbt's own ``run_results.json`` (per-node execution time), plus its total elapsed time.

Why pyinstrument and not cProfile: its call tree with wall and CPU time reads at a
glance, and on a shared machine the CPU figure tells contention from work.
pyinstrument is optional (``uv pip install pyinstrument``); without it the
extraction profile says so instead of failing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.corpus import extraction_corpus, real_corpus
from bench.settings import BenchSettings

SLOWEST_NODES = 12


def profile_extraction(settings: BenchSettings, *, real: bool = False) -> str:
    """pyinstrument's call tree of ``extract_file`` over the item-1 corpus (``real``: its second
    corpus, the real reports' PDFs)."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        return "pyinstrument is not installed: `uv pip install pyinstrument` to profile extraction"
    from extractors.extraction import _warm_up, extract_file

    _warm_up()
    paths = (
        real_corpus(settings.real_dirs)
        if real
        else extraction_corpus(
            settings.cache_dir,
            seed=settings.seed,
            generated=settings.generated_pdfs,
            seeds_dir=settings.seeds_dir,
        )
    )
    if not paths:
        return "no real report PDFs found (../shared/corpus/real, tests/corpus/real)"
    extract_file(paths[0])  # first-use caches are not the steady state
    profiler = Profiler(interval=0.002)
    profiler.start()
    for path in paths:
        extract_file(path)
    profiler.stop()
    return profiler.output_text(unicode=True, color=False, show_all=False)


def dbt_node_times(data_dir: Path) -> str:
    """Slowest dbt nodes of the last build under ``data_dir`` (dbt's run_results.json)."""
    path = data_dir / "dbt" / "target" / "run_results.json"
    if not path.is_file():
        return f"no dbt run results at {path}: run the end-to-end item first"
    results = json.loads(path.read_text(encoding="utf-8"))
    nodes = sorted(results["results"], key=lambda node: node.get("execution_time") or 0.0, reverse=True)
    total = sum(node.get("execution_time") or 0.0 for node in nodes)
    lines = [
        f"dbt build: {len(nodes)} nodes, elapsed {results.get('elapsed_time', 0.0):.1f} s, "
        f"node execution time summed {total:.1f} s ({path})"
    ]
    lines += [
        f"  {node.get('execution_time', 0.0):6.2f} s  {node['unique_id']}" for node in nodes[:SLOWEST_NODES]
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("extraction", "dbt"))
    parser.add_argument(
        "--data-dir", type=Path, help="dbt: an end-to-end DATA_DIR [BENCH_DIR/work/n=1000/cli/data]"
    )
    parser.add_argument("--real", action="store_true", help="extraction: profile the real reports' PDFs")
    parser.add_argument("--out", type=Path, help="also write the profile here")
    args = parser.parse_args(argv)
    settings = BenchSettings()
    if args.what == "extraction":
        text = profile_extraction(settings, real=args.real)
    else:
        text = dbt_node_times(args.data_dir or settings.work_dir / "n=1000" / "cli" / "data")
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
