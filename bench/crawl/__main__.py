"""``python -m bench.crawl [--reports N] [--seed S] [--out PATH]``: print the table, write JSON."""

from __future__ import annotations

import argparse
import logging
from dataclasses import replace
from pathlib import Path

from bench.crawl.crawl_bench import CrawlBenchSettings, measure, table, write_json


def main(argv: list[str] | None = None) -> int:
    defaults = CrawlBenchSettings()
    parser = argparse.ArgumentParser(prog="python -m bench.crawl", description=__doc__)
    parser.add_argument(
        "--reports", type=int, default=defaults.n_reports, help="reports on the sample portal"
    )
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--out", type=Path, default=defaults.out_path, help="where to write the JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    bench = replace(defaults, n_reports=args.reports, seed=args.seed, out_path=args.out)
    payload = measure(bench)
    print(table(payload))
    print(f"written: {write_json(payload, bench.out_path)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
