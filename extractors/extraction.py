"""Per-file entry point: one file in, one extraction record (contract v1) out — never an exception.

Why worker processes: pdfplumber can hang or balloon on malformed PDFs; every
document of a batch runs in a worker process with a wall-time limit and an
address-space limit (resource.setrlimit), so one bad file yields an error
record and the batch goes on.  Workers are reused across the documents of a
batch (a process per document took 1.5-1.8x as long on the bench corpus of
25 PDFs) and replaced after a timeout, a crash or an out-of-memory document.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import sys
import time
import traceback
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

EXTRACTOR_VERSION = "2.1.0"
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
    """The record of a document's first (or only) report; ``extract_document`` gives them all."""
    return extract_document(path, source_url=source_url, file_name=file_name)[0]


def extract_document(
    path: Path,
    *,
    source_url: str | None = None,
    file_name: str | None = None,
    context: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Read one file into one extraction record per report it holds, in document order; a file
    that cannot be read gives one record with "error" set - never an exception.

    ``context`` is what the article page that linked the file says of it (title, 来源 / 发布机构,
    breadcrumb, date: ``PageContext`` fields), a lower-priority source for unit, year and kind.
    """
    from extractors.documents.model import DocumentError

    path = Path(path)
    fmt: str | None = None
    try:
        from extractors.documents.detect import detect_format
        from extractors.documents.reader import read_document
        from extractors.reports.context import PageContext
        from extractors.reports.record import build_reports

        if not path.is_file():
            return [
                error_record(
                    path, "missing", f"no such file: {path}", source_url=source_url, file_name=file_name
                )
            ]
        fmt = detect_format(path)
        base = _empty_record(
            path, source_url, file_name, fmt if fmt not in ("empty", "unknown", "zip") else None
        )
        document = read_document(path)
        base["document"]["format"] = document.format
        base["document"]["page_count"] = document.page_count
        page = PageContext.from_dict(context) if context else None
        reports = build_reports(document, page)
        if not any(r.facts or r.indicators for r in reports) and not _mentions_performance(document):
            base["error"] = {
                "kind": "not_a_report",
                "message": "readable, but no budget figures, indicators or 绩效/自评/预算 wording",
            }
            return [base]
        records = []
        for part in reports:
            record = copy.deepcopy(base)
            record["document"].update(
                {
                    "report_index": part.index,
                    "report_count": part.count,
                    "pages": part.pages or None,
                    "sheets": part.sheets or None,
                }
            )
            if page is not None:
                record["document"]["page_context"] = page.as_dict()
            _flag_ocr(part.facts + part.indicators, document.ocr_pages, document.page_count)
            record["report"] = part.report
            record["budget_facts"] = part.facts
            record["indicators"] = part.indicators
            record["warnings"] = document.warnings
            records.append(record)
        return records
    except DocumentError as exc:
        kind, message = exc.kind, exc.message
    except MemoryError:
        kind, message = "memory", "the document needs more memory than allowed"
    except RecursionError:
        kind, message = "malformed", "the document nests too deeply to read"
    except Exception as exc:
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        kind, message = "internal", f"extractor failed: {detail}"
    known = fmt if fmt not in (None, "empty", "unknown", "zip") else None
    return [error_record(path, kind, message, source_url=source_url, file_name=file_name, fmt=known)]


def _flag_ocr(values: list[dict[str, Any]], ocr_pages: list[int], page_count: int | None) -> None:
    """Mark each fact and indicator with whether it was read by OCR (its page had no text layer).

    Why per value: a report may mix text pages and one scanned page; only figures from the
    scanned page carry the risk of a misread digit.  A value without a page is OCR'd only
    when every page was.
    """
    read_by_ocr = set(ocr_pages)
    every_page = bool(ocr_pages) and len(read_by_ocr) == page_count
    for value in values:
        page = value.get("page")
        value["ocr"] = page in read_by_ocr if page is not None else every_page


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


@dataclass(frozen=True)
class WorkerPolicy:
    """When a reused worker process retires, so that every document still gets the limits it was promised.

    Why reuse at all: a fresh process per document pays a fork, re-imports of
    the lazily loaded readers and cold caches every time (and the old 50 ms
    polling loop); on the bench corpus that made extraction 1.5-1.8x slower.
    Why retire: the address-space cap applies to the whole process, and a
    worker that once read a large document keeps part of that memory mapped,
    so it retires once its free address space drops
    below ``min_headroom_fraction`` of what a fresh worker had, after
    ``max_documents`` documents, and after any document that ran out of memory.
    """

    max_documents: int = 200
    min_headroom_fraction: float = 0.75


DEFAULT_WORKER_POLICY = WorkerPolicy()


def _address_space_bytes() -> int | None:
    """This process's virtual size (what RLIMIT_AS counts), or None where /proc is missing."""
    import resource

    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return None


_PARENT_CHECK_S = 1.0


def _die_with_parent(parent_pid: int) -> None:
    """Make this worker end when the process that started it ends, however it ends (kill -9
    included).  Why: a worker blocked on ``conn.recv()`` never sees EOF after its parent dies,
    because every forked worker holds copies of the pipe ends; it would live for ever.  On Linux
    the kernel kills it (PR_SET_PDEATHSIG); elsewhere the receive loop checks the parent."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(0)


def _receive(conn: Connection, parent_pid: int) -> Any:
    """The parent's next message; None once the parent is gone."""
    while not conn.poll(_PARENT_CHECK_S):
        if os.getppid() != parent_pid:
            return None
    return conn.recv()


def _worker(memory_mb: int, policy: WorkerPolicy, conn: Connection, parent_pid: int) -> None:
    """Child process: cap the address space, then extract documents sent by the parent until told
    to stop or until ``policy`` retires it.  Replies ``(index, records, keep_going)`` per document.

    The cap is ``memory_mb`` *on top of* the size the worker was forked at.  Why not an absolute
    cap: a forked worker inherits its parent's address space, and an Airflow task or a test run
    that has loaded dbt and DuckDB can be most of 1.5 GB virtual before reading anything; an
    absolute cap then left a document no room, or retired the worker after every document.
    """
    import resource

    _die_with_parent(parent_pid)
    start_size = _address_space_bytes()
    start_headroom = memory_mb * 1024 * 1024
    limit = (start_size or 0) + start_headroom
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    served = 0
    try:
        while True:
            try:
                task = _receive(conn, parent_pid)
            except (EOFError, OSError):
                return
            if task is None:
                return
            index, path, source_url, context = task
            out_of_memory = False
            try:
                records = extract_document(Path(path), source_url=source_url, context=context)
            except MemoryError:
                records = [
                    error_record(Path(path), "memory", f"exceeded {memory_mb} MB", source_url=source_url)
                ]
            if any((record.get("error") or {}).get("kind") == "memory" for record in records):
                out_of_memory = True
            served += 1
            keep_going = not out_of_memory and served < policy.max_documents
            size = _address_space_bytes()
            if keep_going and start_size is not None and size is not None:
                keep_going = limit - size >= policy.min_headroom_fraction * start_headroom
            try:
                conn.send((index, records, keep_going))
            except MemoryError:
                memory = error_record(Path(path), "memory", f"exceeded {memory_mb} MB", source_url=source_url)
                conn.send((index, [memory], False))
                return
            if not keep_going:
                return
    finally:
        conn.close()


@dataclass
class _Slot:
    """A live worker process, the pipe to it, and the document it is working on (if any)."""

    process: Any
    conn: Connection
    index: int | None = None
    started: float = 0.0


def extract_files(
    paths: Sequence[Path],
    *,
    workers: int = 1,
    timeout_s: float = 120,
    memory_mb: int = 1536,
    source_urls: Sequence[str | None] | None = None,
    policy: WorkerPolicy = DEFAULT_WORKER_POLICY,
    contexts: Sequence[dict[str, Any] | None] | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """Extract many files on ``workers`` limited worker processes; yields, per path and in input
    order, the records of the reports it holds (one error record for a file that failed).

    Each document keeps its own wall-time limit (its worker is killed and
    replaced) and memory limit (the worker's address-space cap, see
    ``WorkerPolicy``); a crash or a kill costs only that document's record.
    """
    if source_urls is not None and len(source_urls) != len(paths):
        raise ValueError("source_urls must have one entry per path")
    urls = list(source_urls) if source_urls is not None else [None] * len(paths)
    if contexts is not None and len(contexts) != len(paths):
        raise ValueError("contexts must have one entry per path")
    page_contexts = list(contexts) if contexts is not None else [None] * len(paths)
    fork = sys.platform.startswith("linux")
    if fork and paths:
        _warm_up()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    pending = deque(range(len(paths)))
    slots: list[_Slot] = []
    done: dict[int, list[dict[str, Any]]] = {}
    next_to_yield = 0
    workers = max(1, min(workers, len(paths) or 1))

    def start_slot() -> _Slot:
        parent_end, child_end = context.Pipe(duplex=True)
        process = context.Process(
            target=_worker, args=(memory_mb, policy, child_end, os.getpid()), daemon=True
        )
        process.start()
        child_end.close()
        slot = _Slot(process, parent_end)
        slots.append(slot)
        return slot

    def retire(slot: _Slot, *, kill: bool = False) -> None:
        if kill:
            process_kill(slot.process)
        slot.process.join(1)
        slot.conn.close()
        slots.remove(slot)

    def finish(slot: _Slot, records: dict[str, Any] | list[dict[str, Any]]) -> None:
        assert slot.index is not None
        done[slot.index] = records if isinstance(records, list) else [records]
        slot.index = None

    try:
        while next_to_yield < len(paths):
            idle = [slot for slot in slots if slot.index is None]
            while pending and (idle or len(slots) < workers):
                slot = idle.pop() if idle else start_slot()
                index = pending.popleft()
                slot.index, slot.started = index, time.monotonic()
                try:
                    slot.conn.send((index, str(paths[index]), urls[index], page_contexts[index]))
                except (BrokenPipeError, OSError):
                    finish(slot, _death_record(Path(paths[index]), slot.process, urls[index], memory_mb))
                    retire(slot, kill=True)
            busy = [slot for slot in slots if slot.index is not None]
            if busy:
                deadline = min(slot.started for slot in busy) + timeout_s
                wait_s = min(max(0.0, deadline - time.monotonic()), _POLL_S * 20)
                multiprocessing.connection.wait(
                    [slot.conn for slot in busy] + [slot.process.sentinel for slot in busy], timeout=wait_s
                )
            for slot in busy:
                index = slot.index
                assert index is not None
                if slot.conn.poll():
                    try:
                        _, records, keep_going = slot.conn.recv()
                    except (EOFError, OSError):
                        slot.process.join(1)
                        finish(slot, _death_record(Path(paths[index]), slot.process, urls[index], memory_mb))
                        retire(slot, kill=True)
                        continue
                    finish(slot, records)
                    if not keep_going:
                        retire(slot)
                elif not slot.process.is_alive():
                    slot.process.join(0.1)
                    if slot.conn.poll():
                        continue  # its last words arrived after all: read them next round
                    finish(slot, _death_record(Path(paths[index]), slot.process, urls[index], memory_mb))
                    retire(slot)
                elif time.monotonic() - slot.started > timeout_s:
                    finish(
                        slot,
                        error_record(
                            Path(paths[index]),
                            "timeout",
                            f"extraction exceeded {timeout_s:g}s",
                            source_url=urls[index],
                        ),
                    )
                    retire(slot, kill=True)
            while next_to_yield in done:
                yield done.pop(next_to_yield)
                next_to_yield += 1
    finally:
        for slot in list(slots):
            if slot.index is None:
                with contextlib.suppress(OSError):
                    slot.conn.send(None)
                retire(slot)
            else:
                retire(slot, kill=True)


def process_kill(process: Any) -> None:
    """Kill a worker that may already be gone."""
    with contextlib.suppress(OSError, ValueError):
        process.kill()


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
    for record in extract_document(Path(args[0]), source_url=args[1] if len(args) > 1 else None):
        print(json.dumps(record, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
