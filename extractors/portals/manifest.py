"""The fetch manifest: one JSON line per fetch (or deliberate skip), per source.

Why append-only JSONL: it is the audit trail of what the crawler saw on each
portal, run after run, and it must survive a crash mid-run with every earlier
row intact.  Readers skip a torn last line.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

OUTCOMES = ("new", "unchanged", "repost", "not_modified", "error")


@dataclass
class ManifestRow:
    """One fetch.  ``kind`` ("page"|"document") is an addition to the contract's columns."""

    run_id: str
    source_id: str
    url: str
    referer: str | None
    title: str | None
    published_at: str | None
    http_status: int | None
    etag: str | None
    last_modified: str | None
    sha256: str | None
    size: int | None
    fetched_at: str
    outcome: str
    error: str | None
    kind: str = "document"
    format: str | None = None
    file_name: str | None = None
    # The article page that published the document (title, 来源 / 发布机构, breadcrumb, date).
    page_context: dict[str, Any] | None = None


class ManifestWriter:
    """Appends rows to ``manifest_dir/<source_id>.jsonl``; each row is one write of one whole line."""

    def __init__(self, manifest_dir: Path, source_id: str) -> None:
        manifest_dir.mkdir(parents=True, exist_ok=True)
        self.path = manifest_dir / f"{source_id}.jsonl"
        self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - held for the crawl

    def append(self, row: ManifestRow) -> None:
        self._handle.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
        self._handle.flush()

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()


def read_manifest(path: Path) -> list[dict[str, Any]]:
    """All intact rows of a manifest file (a torn final line from a crash is ignored)."""
    rows: list[dict[str, Any]] = []
    if not path.is_file():
        return rows
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return rows
