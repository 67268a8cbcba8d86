"""Per-file entry point: one file in, one extraction record (contract v1) out — never an exception.

Why worker processes: pdfplumber can hang or balloon on malformed PDFs; each
document of a batch runs in its own process with a wall-time limit and an
address-space limit (resource.setrlimit), so one bad file yields an error
record and the batch goes on.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

EXTRACTOR_VERSION = "1.1.0"
SCHEMA_VERSION = 1
_POLL_S = 0.05


def _sha256(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def _empty_record(
    path: Path, source_url: str | None, file_name: str | None, fmt: str | None
) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "document": {
            "sha256": _sha256(path),
            "file_name": file_name or path.name,
            "format": fmt,
            "page_count": None,
            "source_url": source_url,
            "extractor_version": EXTRACTOR_VERSION,
        },
        "report": None,
        "budget_facts": [],
        "indicators": [],
        "warnings": [],
        "error": None,
    }


def error_record(
    path: Path,
    kind: str,
    message: str,
    *,
    source_url: str | None = None,
    file_name: str | None = None,
    fmt: str | None = None,
) -> dict[str, Any]:
    """The record of a file that could not be read: error set, no facts."""
    record = _empty_record(path, source_url, file_name, fmt)
    record["error"] = {"kind": kind, "message": message}
    return record


def extract_file(
    path: Path, *, source_url: str | None = None, file_name: str | None = None
) -> dict[str, Any]:
    """Read one file into one extraction record; unreadable files give a record with "error" set."""
    from extractors.documents.model import DocumentError

    path = Path(path)
    fmt: str | None = None
    try:
        from extractors.documents.detect import detect_format
        from extractors.documents.reader import read_document
        from extractors.reports.record import build_report

        if not path.is_file():
            return error_record(
                path, "missing", f"no such file: {path}", source_url=source_url, file_name=file_name
            )
        fmt = detect_format(path)
        record = _empty_record(
            path, source_url, file_name, fmt if fmt not in ("empty", "unknown", "zip") else None
        )
        document = read_document(path)
        record["document"]["format"] = document.format
        record["document"]["page_count"] = document.page_count
        report, facts, indicators = build_report(document)
        if not facts and not indicators and not _mentions_performance(document):
            record["error"] = {
                "kind": "not_a_report",
                "message": "readable, but no budget figures, indicators or 绩效/自评/预算 wording",
            }
            return record
        record["report"] = report
        record["budget_facts"] = facts
        record["indicators"] = indicators
        record["warnings"] = document.warnings
        return record
    except DocumentError as exc:
        return error_record(
            path,
            exc.kind,
            exc.message,
            source_url=source_url,
            file_name=file_name,
            fmt=fmt if fmt not in ("empty", "unknown", "zip") else None,
        )
    except MemoryError:
        return error_record(
            path,
            "memory",
            "the document needs more memory than allowed",
            source_url=source_url,
            file_name=file_name,
            fmt=fmt,
        )
    except RecursionError:
        return error_record(
            path,
            "malformed",
            "the document nests too deeply to read",
            source_url=source_url,
            file_name=file_name,
            fmt=fmt,
        )
    except Exception as exc:
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return error_record(
            path,
            "internal",
            f"extractor failed: {detail}",
            source_url=source_url,
            file_name=file_name,
            fmt=fmt,
        )


def _mentions_performance(document: Any) -> bool:
    """Whether a document speaks of performance evaluation at all (portal error pages do not)."""
    from extractors.normalize.text import cell_text

    texts = [b.text for b in document.paragraphs]
    texts += [cell_text(c) for t in document.tables for r in t.rows for c in r if c]
    texts.append(document.title or "")
    return any(word in text for text in texts for word in ("绩效", "自评", "预算"))


def _warm_up() -> None:
    """Import the readers and the gazetteer once in the parent, so forked workers start warm."""
    import pdfplumber  # noqa: F401

    from extractors.normalize.regions import resolve_region
    from extractors.reports import record  # noqa: F401

    resolve_region("北京市")


def _worker(path: str, source_url: str | None, memory_mb: int, conn: Connection) -> None:
    """Child process: cap the address space, extract, send the record back."""
    import resource

    limit = memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        record = extract_file(Path(path), source_url=source_url)
    except MemoryError:
        record = error_record(Path(path), "memory", f"exceeded {memory_mb} MB", source_url=source_url)
    try:
        conn.send(record)
    except MemoryError:
        conn.send(error_record(Path(path), "memory", f"exceeded {memory_mb} MB", source_url=source_url))
    finally:
        conn.close()


def extract_files(
    paths: Sequence[Path],
    *,
    workers: int = 1,
    timeout_s: float = 120,
    memory_mb: int = 1536,
    source_urls: Sequence[str | None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Extract many files, each in its own process; yields one record per path, in input order."""
    if source_urls is not None and len(source_urls) != len(paths):
        raise ValueError("source_urls must have one entry per path")
    urls = list(source_urls) if source_urls is not None else [None] * len(paths)
    fork = sys.platform.startswith("linux")
    if fork:
        _warm_up()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    pending = list(range(len(paths)))
    running: dict[int, tuple[Any, Connection, float]] = {}
    done: dict[int, dict[str, Any]] = {}
    next_to_yield = 0
    workers = max(1, workers)
    try:
        while next_to_yield < len(paths):
            while pending and len(running) < workers:
                index = pending.pop(0)
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(
                    target=_worker, args=(str(paths[index]), urls[index], memory_mb, sender), daemon=True
                )
                process.start()
                sender.close()
                running[index] = (process, receiver, time.monotonic())
            for index, (process, receiver, started) in list(running.items()):
                record = None
                if receiver.poll():
                    try:
                        record = receiver.recv()
                    except (EOFError, OSError):
                        record = _death_record(Path(paths[index]), process, urls[index], memory_mb)
                elif not process.is_alive():
                    process.join(0.1)
                    if receiver.poll():
                        continue
                    record = _death_record(Path(paths[index]), process, urls[index], memory_mb)
                elif time.monotonic() - started > timeout_s:
                    process.kill()
                    record = error_record(
                        Path(paths[index]),
                        "timeout",
                        f"extraction exceeded {timeout_s:g}s",
                        source_url=urls[index],
                    )
                if record is not None:
                    process.join(1)
                    receiver.close()
                    del running[index]
                    done[index] = record
            while next_to_yield in done:
                yield done.pop(next_to_yield)
                next_to_yield += 1
            if running:
                time.sleep(_POLL_S)
    finally:
        for process, receiver, _ in running.values():
            process.kill()
            process.join(1)
            receiver.close()


def _death_record(path: Path, process: Any, source_url: str | None, memory_mb: int) -> dict[str, Any]:
    code = process.exitcode
    if code is not None and code < 0:
        return error_record(
            path,
            "crashed",
            f"worker killed by signal {-code} (memory limit {memory_mb} MB?)",
            source_url=source_url,
        )
    return error_record(
        path, "memory" if code == 1 else "crashed", f"worker exited with code {code}", source_url=source_url
    )


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m extractors.extraction FILE` prints the record as JSON."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: python -m extractors.extraction FILE [SOURCE_URL]", file=sys.stderr)
        return 2
    record = extract_file(Path(args[0]), source_url=args[1] if len(args) > 1 else None)
    print(json.dumps(record, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
