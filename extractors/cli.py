"""``python -m extractors``: every hop of the nightly run, without Airflow.

``extract FILE... [--json]`` is the contract command (contracts/interfaces.md
§1): one record per file, exit status 0 even when some files are unreadable
(their records carry ``error``), 2 only for bad arguments.  The other
subcommands run one pipeline step each, with the same functions the DAG calls.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from extractors import pipeline
from extractors.settings import load_settings

EXIT_BAD_ARGUMENTS = 2


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _cmd_extract(args: argparse.Namespace) -> int:
    from extractors.extraction import extract_files

    settings = load_settings()
    paths = [Path(name) for name in args.files]
    try:
        context = _page_context_argument(args)
    except (OSError, ValueError) as error:
        print(f"extract: {error}", file=sys.stderr)
        return 2
    results = extract_files(
        paths,
        workers=args.workers or settings.extract_workers,
        timeout_s=args.timeout or settings.document_timeout_s,
        memory_mb=settings.document_memory_mb,
        source_urls=[args.page_url] * len(paths) if args.page_url else None,
        contexts=[context] * len(paths) if context else None,
    )
    for path, records in zip(paths, results, strict=True):
        for record in records:
            if args.json:
                print(json.dumps(record, ensure_ascii=False), flush=True)
            else:
                print(_describe_record(path, record), flush=True)
    return 0


def _page_context_argument(args: argparse.Namespace) -> dict | None:
    """The article page's context from --context FILE (JSON: title, publisher, site_name, breadcrumb,
    published, url) and the --page-* options, which win over the file's fields."""
    context: dict = {}
    if args.context:
        loaded = json.loads(Path(args.context).read_text(encoding="utf-8"))
        if not isinstance(loaded, dict):
            raise ValueError(f"{args.context}: a page context is a JSON object")
        context.update(loaded)
    for field, value in (
        ("url", args.page_url),
        ("title", args.page_title),
        ("publisher", args.page_publisher),
        ("site_name", args.page_site),
        ("breadcrumb", args.page_breadcrumb),
        ("published", args.page_date),
    ):
        if value:
            context[field] = value
    return context or None


def _describe_record(path: Path, record: dict) -> str:
    if record.get("error"):
        return f"{path}: ERROR {record['error'].get('kind')}: {record['error'].get('message')}"
    report = record.get("report") or {}
    document = record.get("document") or {}
    where = f"[{document.get('report_index', 0) + 1}/{document.get('report_count', 1)}]"
    return (
        f"{path} {where}: {report.get('report_kind')} {report.get('fiscal_year')} "
        f"{report.get('unit_name')} — "
        f"{len(record.get('budget_facts') or [])} budget facts, "
        f"{len(record.get('indicators') or [])} indicators, score {report.get('self_score')}"
    )


def _cmd_sources(args: argparse.Namespace) -> int:
    for source_id in pipeline.list_source_ids(load_settings()):
        print(source_id)
    return 0


def _cmd_crawl(args: argparse.Namespace) -> int:
    settings = load_settings()
    source_ids = args.source or pipeline.begin_run(settings, args.run_id)
    failed = 0
    for source_id in source_ids:
        try:
            print(
                json.dumps(pipeline.crawl(settings, args.run_id, source_id), ensure_ascii=False, default=str)
            )
        except Exception as error:  # report and go on with the other sources
            logging.getLogger(__name__).error("crawl of %s failed: %s", source_id, error)
            failed += 1
    return 1 if failed else 0


def _cmd_plan(args: argparse.Namespace) -> int:
    for path in pipeline.plan_extraction(load_settings(), args.run_id):
        print(path)
    return 0


def _cmd_extract_batch(args: argparse.Namespace) -> int:
    settings = load_settings()
    for batch in args.batches:
        print(json.dumps(pipeline.extract_batch(settings, batch)))
    return 0


def _print_step(result: object) -> int:
    print(json.dumps(result, ensure_ascii=False, default=str, indent=1))
    return 0


def _cmd_stage(args: argparse.Namespace) -> int:
    return _print_step(pipeline.stage(load_settings(), args.run_id))


def _cmd_needs_build(args: argparse.Namespace) -> int:
    return _print_step(pipeline.decide_build(load_settings(), args.run_id))


def _cmd_validate(args: argparse.Namespace) -> int:
    return _print_step(pipeline.validate(load_settings(), args.run_id))


def _cmd_build(args: argparse.Namespace) -> int:
    return _print_step(pipeline.build(load_settings(), getattr(args, "run_id", None)))


def _cmd_docs(args: argparse.Namespace) -> int:
    return _print_step(pipeline.docs(load_settings()))


def _cmd_publish(args: argparse.Namespace) -> int:
    return _print_step(pipeline.publish(load_settings(), args.run_id))


def _cmd_run(args: argparse.Namespace) -> int:
    from extractors.failures import NothingCrawledError
    from extractors.outcome import load_outcome

    settings = load_settings()
    run_id = pipeline.safe_run_id(args.run_id)
    try:
        result = pipeline.run_all(settings, run_id)
    except NothingCrawledError:
        outcome = load_outcome(settings, run_id)
        if outcome is not None:
            print("\n".join(outcome.lines()), file=sys.stderr)
        raise
    return _print_step(result)


def _cmd_summary(args: argparse.Namespace) -> int:
    """The last run, source by source, then what the published warehouse holds.

    Exit status 1 when the last run failed (nothing crawled, or a needed warehouse not
    published) or there is no warehouse: ``make run`` ends with this command.
    """
    from extractors.outcome import load_outcome
    from extractors.publish import PublishError, parquet_dir, summarize
    from extractors.rebuild import Decision, last_decision

    settings = load_settings()
    outcome = load_outcome(settings, args.run_id)
    if outcome is not None:
        out = sys.stderr if outcome.failed else sys.stdout
        print("\n".join(outcome.lines()), file=out)
        if outcome.decision is not None:
            last_run = Decision.from_dict(outcome.decision).describe()
        else:
            last_run = (
                f"run {outcome.run_id}: warehouse not rebuilt — the run stopped before the warehouse steps"
            )
    else:
        decision = last_decision(settings)
        last_run = decision.describe() if decision is not None else None
    try:
        summary = summarize(settings.warehouse_path)
    except PublishError as error:
        print(f"error: {error}", file=sys.stderr)
        if last_run is not None:
            print(f"last run: {last_run}", file=sys.stderr)
        return 1
    print("\n".join(summary.lines()))
    print(f"  parquet:           {parquet_dir(settings.warehouse_path)}")
    print(f"  data docs:         {settings.data_docs_dir / 'index.html'}")
    if last_run is not None:
        print(f"  last run:          {last_run}")
    return 1 if outcome is not None and outcome.failed else 0


def _cmd_sample_portal(args: argparse.Namespace) -> int:
    from extractors.samples.portal import build_sample_portal, serve_sample_portal

    settings = load_settings()
    site_dir = Path(args.out) if args.out else settings.sample_portal_dir
    if args.action == "build":
        print(build_sample_portal(site_dir, seed=args.seed, n_reports=args.reports))
        return 0
    if not (site_dir / "ground_truth.jsonl").exists():
        build_sample_portal(site_dir, seed=args.seed, n_reports=args.reports)
    serve_sample_portal(site_dir, host=args.host, port=args.port or settings.sample_portal_port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m extractors", description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = commands.add_parser("extract", help="extract documents on disk to extraction records")
    extract.add_argument("files", nargs="+", metavar="FILE")
    extract.add_argument("--json", action="store_true", help="one JSON record per line")
    extract.add_argument("--workers", type=int, help="worker processes [EXTRACT_WORKERS]")
    extract.add_argument("--timeout", type=float, help="seconds per document [DOCUMENT_TIMEOUT_S]")
    page = extract.add_argument_group(
        "page context", "what the article page linking the file says (a crawl records it by itself)"
    )
    page.add_argument("--context", metavar="FILE", help="the page context as a JSON object")
    page.add_argument("--page-url", help="the URL the file was published at")
    page.add_argument("--page-title", help="the article page's title")
    page.add_argument("--page-publisher", help="its 发布机构 / 来源")
    page.add_argument("--page-site", help="the portal's name")
    page.add_argument("--page-breadcrumb", help="its breadcrumb, parts separated by '>'")
    page.add_argument("--page-date", help="its publication date, YYYY-MM-DD")
    extract.set_defaults(handler=_cmd_extract)

    commands.add_parser("sources", help="list the source ids of SOURCES_FILE").set_defaults(
        handler=_cmd_sources
    )

    def with_run_id(name: str, help_text: str, handler, required: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--run-id", required=required, type=pipeline.safe_run_id, help="the run's id")
        sub.set_defaults(handler=handler)
        return sub

    crawl = with_run_id("crawl", "crawl sources into the raw store", _cmd_crawl)
    crawl.add_argument("--source", action="append", help="only this source id (repeatable)")
    with_run_id("plan", "split the run's new documents into extract batches", _cmd_plan)
    batch = commands.add_parser("extract-batch", help="extract planned batch files")
    batch.add_argument("batches", nargs="+", metavar="BATCH_FILE")
    batch.set_defaults(handler=_cmd_extract_batch)
    with_run_id("stage", "write the run's staging batch", _cmd_stage)
    with_run_id(
        "needs-build",
        "whether the run must rebuild the warehouse, or leaves it as it is (prints the decision)",
        _cmd_needs_build,
    )
    with_run_id("validate", "run the GX suites on the run's staging batch", _cmd_validate)
    commands.add_parser("build", help="dbt build into the build file").set_defaults(handler=_cmd_build)
    commands.add_parser("docs", help="dbt docs for the build").set_defaults(handler=_cmd_docs)
    with_run_id("publish", "swap the build in as WAREHOUSE_PATH", _cmd_publish)
    with_run_id("run", "the whole nightly run in this process", _cmd_run, required=False)
    summary = commands.add_parser(
        "summary", help="the last run, source by source, and what the published warehouse holds"
    )
    summary.add_argument("--run-id", type=pipeline.safe_run_id, help="this run instead of the latest")
    summary.set_defaults(handler=_cmd_summary)

    sample = commands.add_parser("sample-portal", help="build or serve the bundled sample portal")
    sample.add_argument("action", choices=("build", "serve"))
    sample.add_argument("--out", help="site folder [DATA_DIR/sample_portal]")
    sample.add_argument("--seed", type=int, default=2023)
    sample.add_argument("--reports", type=int, default=8)
    sample.add_argument("--host", default="127.0.0.1")
    sample.add_argument("--port", type=int, help="[SAMPLE_PORTAL_PORT or 8765]")
    sample.set_defaults(handler=_cmd_sample_portal)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; an error that retrying cannot fix (a registry error, nothing to
    crawl) is printed as one line and exits 1, not as a traceback."""
    from extractors.failures import is_permanent

    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    try:
        return int(args.handler(args))
    except Exception as error:
        if not is_permanent(error):
            raise
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
