"""``python -m extractors.samples build|serve``: generate the sample portal, or serve it on loopback.

Why a CLI: the README's demo run and a developer poking at the crawler need the
portal up without writing Python; paths and the port come from
``extractors.settings`` like everything else.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from extractors.samples.portal import MANIFEST_NAME, build_sample_portal
from extractors.samples.server import serve_sample_portal
from extractors.settings import SAMPLE_PORTAL_HOST, load_settings


def main(argv: list[str] | None = None) -> int:
    settings = load_settings()
    parser = argparse.ArgumentParser(prog="python -m extractors.samples", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="write the sample portal and its ground truth")
    serve = commands.add_parser("serve", help="serve a built sample portal (builds it first if missing)")
    for command in (build, serve):
        command.add_argument("--dir", type=Path, default=settings.sample_portal_dir, help="site directory")
        command.add_argument("--seed", type=int, default=2023)
        command.add_argument("--n-reports", type=int, default=8)
    serve.add_argument("--host", default=SAMPLE_PORTAL_HOST)
    serve.add_argument("--port", type=int, default=settings.sample_portal_port)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    if args.command == "build" or not (args.dir / MANIFEST_NAME).is_file():
        try:
            build_sample_portal(args.dir, seed=args.seed, n_reports=args.n_reports)
        except (FileExistsError, ValueError) as exc:
            parser.error(str(exc))
        logging.info("sample portal written to %s", args.dir)
    if args.command == "serve":
        serve_sample_portal(args.dir, host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
