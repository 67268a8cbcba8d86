"""``python -m bench.warehouse [--reports 1000,100000] [--runs R] [--out results.json] …``:
dbt build full and incremental, and the example queries' latency, per warehouse size
(see bench/warehouse/measure.py)."""

from __future__ import annotations

import argparse
import logging
from dataclasses import fields
from pathlib import Path

from bench.warehouse.measure import WarehouseBenchSettings, markdown, run


def main(argv: list[str] | None = None) -> None:
    defaults = WarehouseBenchSettings()
    parser = argparse.ArgumentParser(prog="python -m bench.warehouse", description=__doc__)
    for spec in fields(WarehouseBenchSettings):
        default = getattr(defaults, spec.name)
        flag = "--" + spec.name.replace("_", "-")
        if isinstance(default, bool):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=default)
        elif default is None or isinstance(default, Path):
            parser.add_argument(flag, type=Path, default=default)
        else:
            parser.add_argument(flag, type=type(default), default=default)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("extractors.warehouse").setLevel(logging.WARNING)  # dbt's own lines
    print(markdown(run(WarehouseBenchSettings(**vars(args)))))


if __name__ == "__main__":
    main()
