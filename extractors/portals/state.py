"""What a source's previous runs learned: validators and document identity per URL.

Why kept per source under ``crawl_state_dir``: conditional GETs need the
ETag/Last-Modified of the last fetch, and a rerun must know which URLs already
gave which bytes so it can skip or 304 them instead of downloading again.
Pages answered with 304 are replayed from a small page cache so their links
can still be followed, and so are detail pages not re-checked at all because
the listing linking them was unchanged and their re-check is not yet due
(``recheck_due``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from extractors.atomic import write_bytes_atomic

log = logging.getLogger("extractors.portals")

STATE_VERSION = 1


@dataclass
class UrlState:
    """Last known facts about one URL.  ``kind`` is "page" or "document".

    ``fetched_at`` is when its bytes were last received; ``checked_at`` when the
    portal last confirmed them (a 200 or a 304) — a URL taken from the state
    without a request keeps both, so its re-check still comes due.
    ``content_type`` and ``final_url`` (after redirects) let a cached page be
    decoded and its relative links resolved exactly as when it was fetched.
    ``listing`` says whether a page looked like a listing (pagination, a list of
    dated items, a CMS listing mechanism) when last read: listings are always
    fetched, since that is where new reports appear.
    Listing-proxy responses are keyed by their request key, not a URL.
    """

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
    checked_at: str | None = None
    content_type: str | None = None
    final_url: str | None = None
    listing: bool | None = None
    page_context: dict[str, Any] | None = None

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
        """Write the state if it changed.  Unset fields are left out and the JSON is not indented:
        the file is rewritten several times a run and holds every URL a portal ever showed, and
        ``asdict`` plus an indented (pure-Python) encoder made saving most of a quiet rerun's CPU."""
        if not self._dirty:
            return
        payload: dict[str, Any] = {
            "version": STATE_VERSION,
            "urls": {
                url: {name: value for name, value in vars(entry).items() if value is not None}
                for url, entry in sorted(self.urls.items())
            },
        }
        write_bytes_atomic(self.path, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        self._dirty = False

    def cache_page(self, sha256: str, body: bytes) -> None:
        path = self.pages_dir / sha256
        if not path.is_file():
            write_bytes_atomic(path, body)

    def prune_pages(self) -> int:
        """Delete cached page bodies no URL refers to any more.

        Listings change, and every version was cached: without this the cache would grow forever.
        """
        if not self.pages_dir.is_dir():
            return 0
        wanted = {entry.sha256 for entry in self.urls.values() if entry.kind == "page" and entry.sha256}
        removed = 0
        for path in self.pages_dir.iterdir():
            if path.name not in wanted and not path.name.startswith("."):
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def cached_page(self, sha256: str | None) -> bytes | None:
        if not sha256:
            return None
        path = self.pages_dir / sha256
        return path.read_bytes() if path.is_file() else None


# A URL checked less than this long ago is never due (capped at half the period): a rerun the
# same night or morning asks the portal nothing it has just answered.
MIN_RECHECK_AGE = timedelta(hours=12)


def recheck_due(key: str, checked_at: str | None, now: datetime, period_days: float) -> bool:
    """Whether a URL last confirmed at ``checked_at`` must be asked again at ``now``.

    Each URL has a fixed phase within the period (from a hash of ``key``) and is
    due once a phase point has passed since its last check (and that check is at
    least ``MIN_RECHECK_AGE`` old): every URL is re-checked at least once per
    period, by the first run after its phase point, and on any night about one
    period-th of the known URLs fall due — whether they were first seen together
    or not — instead of all on one night.  Unknown or unreadable check times, a
    period of 0 and a clock that went backwards all mean "due": when in doubt,
    ask the portal.
    """
    if period_days <= 0 or not checked_at:
        return True
    try:
        checked = datetime.fromisoformat(checked_at)
    except ValueError:
        return True
    if checked.tzinfo is None or checked > now:
        return True
    period_s = period_days * 86400.0
    if now - checked < min(MIN_RECHECK_AGE, timedelta(seconds=period_s / 2)):
        return False
    phase_s = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") / 2.0**64 * period_s
    return math.floor((now.timestamp() - phase_s) / period_s) > math.floor(
        (checked.timestamp() - phase_s) / period_s
    )
