"""What a source's previous runs learned: validators and document identity per URL.

Why kept per source under ``crawl_state_dir``: conditional GETs need the
ETag/Last-Modified of the last fetch, and a rerun must know which URLs already
gave which bytes so it can skip or 304 them instead of downloading again.
Pages answered with 304 are replayed from a small page cache so their links
can still be followed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from extractors.atomic import write_bytes_atomic

log = logging.getLogger("extractors.portals")

STATE_VERSION = 1


@dataclass
class UrlState:
    """Last known facts about one URL.  ``kind`` is "page" or "document"."""

    kind: str
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    size: int | None = None
    format: str | None = None
    file_name: str | None = None
    title: str | None = None
    published_at: str | None = None
    referer: str | None = None
    fetched_at: str | None = None

    @property
    def has_validators(self) -> bool:
        return bool(self.etag or self.last_modified)


class CrawlState:
    """JSON state of one source, written atomically (a torn write is never read back)."""

    def __init__(self, root: Path, source_id: str) -> None:
        self.directory = root / source_id
        self.path = self.directory / "state.json"
        self.pages_dir = self.directory / "pages"
        self.urls: dict[str, UrlState] = {}
        self._dirty = False

    def load(self) -> CrawlState:
        if not self.path.is_file():
            return self
        try:
            payload = json.loads(self.path.read_text(encoding="utf-8"))
            if payload.get("version") != STATE_VERSION:
                raise ValueError(f"unsupported state version {payload.get('version')!r}")
            self.urls = {url: UrlState(**entry) for url, entry in payload["urls"].items()}
        except (OSError, ValueError, TypeError, KeyError) as exc:
            # Losing state only costs re-downloads (the raw store dedupes); refusing to crawl would cost data.
            log.warning("crawl state %s unreadable (%s): starting without it", self.path, exc)
            self.urls = {}
        return self

    def get(self, url: str) -> UrlState | None:
        return self.urls.get(url)

    def record(self, url: str, entry: UrlState) -> None:
        self.urls[url] = entry
        self._dirty = True

    def save(self) -> None:
        if not self._dirty:
            return
        payload: dict[str, Any] = {
            "version": STATE_VERSION,
            "urls": {url: asdict(entry) for url, entry in sorted(self.urls.items())},
        }
        write_bytes_atomic(self.path, json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"))
        self._dirty = False

    def cache_page(self, sha256: str, body: bytes) -> None:
        path = self.pages_dir / sha256
        if not path.is_file():
            write_bytes_atomic(path, body)

    def cached_page(self, sha256: str | None) -> bytes | None:
        if not sha256:
            return None
        path = self.pages_dir / sha256
        return path.read_bytes() if path.is_file() else None
