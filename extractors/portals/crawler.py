"""Crawl one portal: discover report documents, fetch what is new, record every fetch.

Why one run object per source: the queue, the per-host politeness, the crawl
state and the manifest belong together, and a portal's failures (dead start
URL, 503s, soft 404s, oversized files) must end up as counted, explained
manifest rows — never as an exception that loses the rest of the run.
"""

from __future__ import annotations

import heapq
import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from extractors.portals.adapters import ProxyRequest, adapter_named, adapters_for
from extractors.portals.discovery import (
    KeywordRule,
    Link,
    ParsedPage,
    canonical_url,
    date_from_url,
    is_attachment_url,
    is_pagination_link,
    parse_page,
)
from extractors.portals.fetcher import Fetcher, FetchFailed, FetchResponse, FetchTunables
from extractors.portals.manifest import ManifestRow, ManifestWriter
from extractors.portals.netguard import HostGuard, Resolver, system_resolver
from extractors.portals.rawstore import RawStore
from extractors.portals.reasons import plain_reason
from extractors.portals.registry import SourceConfig
from extractors.portals.sniff import (
    DOCUMENT_FORMATS,
    decode_html,
    filename_from_content_disposition,
    filename_from_url,
    sniff_format,
)
from extractors.portals.state import CrawlState, UrlState, recheck_due
from extractors.settings import Settings

log = logging.getLogger("extractors.portals")

# Queue priorities: documents as soon as found, then likely report pages, listings, everything else.
PRIORITY_DOCUMENT = 0
PRIORITY_REPORT_PAGE = 1
PRIORITY_LISTING = 2
PRIORITY_OTHER = 3
# A page with at least this many links dated beside them is a list of items (a listing), not a detail page.
LISTING_MIN_DATED_LINKS = 2


@dataclass(frozen=True)
class CrawlTunables:
    """Crawler limits that are not per portal."""

    state_save_every: int = 25
    max_error_message_chars: int = 1000
    fetch: FetchTunables = field(default_factory=FetchTunables)


@dataclass
class FetchedDocument:
    """A report document found on a portal this run, downloaded now or known from before."""

    source_id: str
    url: str
    referer: str | None
    title: str | None
    published_at: str | None
    file_name: str
    format: str
    sha256: str
    raw_path: str
    size: int
    fetched_at: str
    is_new: bool
    # The article page that published it: its title, 来源 / 发布机构, breadcrumb, date (or None).
    page_context: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> FetchedDocument:
        return cls(**{name: payload.get(name) for name in cls.__dataclass_fields__})


@dataclass
class CrawlStats:
    """Counts for one source and run.

    - ``pages``: page fetches attempted (listing, detail and listing-proxy
      requests, including 304s, failures and refusals); capped by ``max_pages``.
    - ``new``: documents whose bytes were stored for the first time.
    - ``unchanged``: documents known from before (304, skipped as already
      stored, the same bytes again at the same URL, or not re-checked — below).
    - ``reposts``: already-stored bytes found at a URL that had not given them.
    - ``errors``: fetches that failed — HTTP errors after retries, timeouts,
      not-found pages served with 200, oversized files, download links that
      answered with an unrelated page, refused or unreachable start URLs.
    - ``error_message``: the start-URL problems, else the error count and first error.
    - ``first_error``: the first start-URL problem, else the first error, in plain
      words with what to do about it (``extractors.portals.reasons``): what the run
      summary and the failure notification show.
    - ``start_urls_failed``: start URLs that could not be fetched at all; when it
      equals the number of start URLs the portal is unreachable (the pipeline
      fails that source's task), otherwise the crawl is usable however few
      documents it found.
    - ``start_url_failures``: one entry per failed start URL — ``url``, manifest
      ``kind``, HTTP ``status``, ``transient`` (may pass by itself: the task is
      retried) and the plain ``reason``.
    - ``not_rechecked``: detail pages and documents taken from the crawl state
      without any request, because the listing linking them was unchanged and
      their re-check (``recheck_days``) is not due yet.  Not in ``pages``: no
      fetch was made.  Such documents are still listed (and counted in
      ``unchanged``) so the extract plan sees every document the portal shows.
    """

    pages: int = 0
    new: int = 0
    unchanged: int = 0
    reposts: int = 0
    errors: int = 0
    started_at: str = ""
    finished_at: str = ""
    error_message: str | None = None
    start_urls_failed: int = 0
    not_rechecked: int = 0
    first_error: str | None = None
    start_url_failures: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CrawlResult:
    documents: list[FetchedDocument]
    stats: CrawlStats

    def to_dict(self) -> dict[str, Any]:
        return {"documents": [d.to_dict() for d in self.documents], "stats": self.stats.to_dict()}


@dataclass(order=True)
class _Task:
    priority: int
    sequence: int
    url: str = field(compare=False)
    kind: str = field(compare=False)  # "page" | "document" | "proxy"
    depth: int = field(compare=False, default=0)
    referer: str | None = field(compare=False, default=None)
    title_hint: str | None = field(compare=False, default=None)
    date_hint: str | None = field(compare=False, default=None)
    report_candidate: bool = field(compare=False, default=False)
    is_start: bool = field(compare=False, default=False)
    proxy: ProxyRequest | None = field(compare=False, default=None)
    # Linked only from listings that came back unchanged (so far): may be taken from the state.
    parent_unchanged: bool = field(compare=False, default=False)
    # For an attachment: the context of the article page that links it.
    page_context: dict[str, Any] | None = field(compare=False, default=None)

    @property
    def key(self) -> str:
        """The queue's and the state's key: the URL, or the request key of a listing-proxy request."""
        return self.proxy.key if self.proxy else self.url


class _ResponseFacts(Protocol):
    """What a manifest row reports about a response (a fetch now, or a page taken from the state)."""

    @property
    def status(self) -> int | None: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def last_modified(self) -> str | None: ...
    @property
    def sha256(self) -> str | None: ...
    @property
    def size(self) -> int: ...


@dataclass(frozen=True)
class _PageSource:
    """Where a page body came from: a response now (200 or 304), or the state without a request."""

    url: str  # the final URL: relative links resolve against it
    status: int | None
    etag: str | None
    last_modified: str | None
    sha256: str | None
    size: int
    content_type: str

    @classmethod
    def of_response(cls, response: FetchResponse, known: UrlState | None) -> _PageSource:
        """A 304 carries no body facts: the known bytes and their content type are meant."""
        return cls(
            url=response.url,
            status=response.status,
            etag=response.etag,
            last_modified=response.last_modified,
            sha256=response.sha256,
            size=response.size,
            content_type=response.content_type or (known.content_type if known else None) or "",
        )

    @classmethod
    def of_state(cls, url: str, known: UrlState) -> _PageSource:
        return cls(
            url=known.final_url or url,
            status=None,
            etag=known.etag,
            last_modified=known.last_modified,
            sha256=known.sha256,
            size=known.size or 0,
            content_type=known.content_type or "",
        )


def _utc_now() -> datetime:
    return datetime.now(UTC)


def crawl_source(
    source: SourceConfig,
    settings: Settings,
    *,
    run_id: str,
    tunables: CrawlTunables | None = None,
    resolver: Resolver = system_resolver,
    clock: Callable[[], datetime] = _utc_now,
) -> CrawlResult:
    """Crawl one source; portal problems end up in the stats and manifest, never as exceptions.

    ``clock`` (timezone-aware) dates fetches and decides which re-checks are due;
    tests pass a later one to stand for a run days after the first.
    """
    run = _SourceCrawl(source, settings, run_id, tunables or CrawlTunables(), resolver, clock)
    try:
        run.crawl()
    finally:
        run.close()
    return run.result()


class _SourceCrawl:
    def __init__(
        self,
        source: SourceConfig,
        settings: Settings,
        run_id: str,
        tunables: CrawlTunables,
        resolver: Resolver,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.source = source
        self._clock = clock
        self.run_id = run_id
        self.tunables = tunables
        self.rule = KeywordRule(source.include, source.exclude)
        self.store = RawStore(settings.raw_dir)
        self.store.sweep_spool()
        self.state = CrawlState(settings.crawl_state_dir, source.id).load()
        self.manifest = ManifestWriter(settings.manifest_dir, source.id)
        self.guard = HostGuard(
            source.allowed_hosts, allow_private_addresses=source.allow_private_addresses, resolver=resolver
        )
        self.fetcher = Fetcher(source, self.guard, self.store.spool_dir, tunables=tunables.fetch)
        self.stats = CrawlStats(started_at=self._now())
        self.documents: dict[str, FetchedDocument] = {}
        self.new_shas: set[str] = set()
        self._queue: list[_Task] = []
        self._queued: set[str] = set()
        self._pending: dict[str, _Task] = {}
        self._sequence = 0
        self._page_shas: set[str] = set()
        self._item_urls: set[str] = set()
        self._start_problems: list[str] = []
        self._first_error: str | None = None
        self._first_reason: str | None = None
        self._fetches_since_save = 0
        self._requests_counted = 0
        self._start_columns = [canonical_url(url) for url in source.start_urls]
        # What this run downloaded (the per-run caps), and whether hitting one was reported.
        self._downloaded_documents = 0
        self._downloaded_bytes = 0
        self._cap_reported = False

    # -- lifecycle ----------------------------------------------------------------------------

    def crawl(self) -> None:
        log.info("[%s] crawl starts: %s", self.source.id, ", ".join(self.source.start_urls))
        for url in self.source.start_urls:
            self._enqueue(canonical_url(url), "page", PRIORITY_LISTING, depth=0, is_start=True)
        while self._queue:
            task = heapq.heappop(self._queue)
            self._pending.pop(task.key, None)
            if task.kind == "document":
                self._crawl_document(task)
            elif self.stats.pages >= self.source.max_pages:
                remaining = 1 + sum(1 for t in self._queue if t.kind != "document")
                log.warning(
                    "[%s] max_pages=%d reached; %d queued pages not fetched",
                    self.source.id,
                    self.source.max_pages,
                    remaining,
                )
                self._queue = [t for t in self._queue if t.kind == "document"]
                heapq.heapify(self._queue)
            else:
                self._crawl_page(task)
            if self.fetcher.requests_made > self._requests_counted:
                self._fetches_since_save += 1  # tasks taken from the state change nothing worth saving
                self._requests_counted = self.fetcher.requests_made
            if self._fetches_since_save >= self.tunables.state_save_every:
                self.state.save()
                self._fetches_since_save = 0

    def close(self) -> None:
        self.stats.finished_at = self._now()
        self.stats.error_message = self._error_message()
        self.stats.start_urls_failed = len(self._start_problems)
        start_reasons = [failure["reason"] for failure in self.stats.start_url_failures]
        self.stats.first_error = start_reasons[0] if start_reasons else self._first_reason
        try:
            self.state.save()
            self.state.prune_pages()
        finally:
            self.manifest.close()
            self.fetcher.close()
        s = self.stats
        log.info(
            "[%s] crawl done: pages=%d documents=%d new=%d unchanged=%d reposts=%d errors=%d"
            " not_rechecked=%d requests=%d%s",
            self.source.id,
            s.pages,
            len(self.documents),
            s.new,
            s.unchanged,
            s.reposts,
            s.errors,
            s.not_rechecked,
            self.fetcher.requests_made,
            f" ({s.error_message})" if s.error_message else "",
        )

    def _now(self) -> str:
        return self._clock().isoformat(timespec="seconds")

    def result(self) -> CrawlResult:
        return CrawlResult(documents=list(self.documents.values()), stats=self.stats)

    def _error_message(self) -> str | None:
        if self._start_problems:
            message = "; ".join(self._start_problems)
        elif self.stats.errors:
            message = f"{self.stats.errors} fetch error(s); first: {self._first_error}"
        else:
            return None
        return message[: self.tunables.max_error_message_chars]

    # -- queue --------------------------------------------------------------------------------

    def _enqueue(self, url: str, kind: str, priority: int, **details: Any) -> None:
        proxy: ProxyRequest | None = details.get("proxy")
        key = proxy.key if proxy else url
        if key in self._queued:
            pending = self._pending.get(key)
            if pending is not None and not details.get("parent_unchanged", False):
                # A changed listing links it too: it is checked as today, whatever else links it.
                pending.parent_unchanged = False
            return
        self._queued.add(key)
        self._sequence += 1
        task = _Task(priority, self._sequence, url, kind, **details)
        self._pending[key] = task
        heapq.heappush(self._queue, task)

    # -- not re-checking what an unchanged listing vouches for -----------------------------------

    def _replayed(self, task: _Task, known: UrlState | None) -> bool:
        """Take a detail page or document from the state, without a request, when allowed.

        Allowed when every listing that linked it this run came back unchanged, it
        was itself no listing when last read, the state holds what it gave last
        time (the document in the raw store, the page in the page cache) and its
        re-check is not due.  A replayed page's links are followed from the cached
        copy, so its documents are listed as on any other night; the state is left
        as it was, so the re-check comes due.
        """
        if known is None or not task.parent_unchanged or task.proxy is not None or task.is_start:
            return False
        if task.priority == PRIORITY_LISTING or (known.kind == "page" and known.listing is not False):
            return False  # listings are always fetched: they are where new reports appear
        due = recheck_due(task.url, known.checked_at, self._clock(), self.source.recheck_days)
        if due or not known.sha256:
            return False
        if (known.kind == "document" or known.format) and not self.store.has(known.sha256):
            return False  # the stored bytes are gone: fetch them again
        if known.kind == "document":
            self._known_document(task, known, "not_rechecked", http_status=None)
        else:
            body = self.state.cached_page(known.sha256)
            if body is None:
                return False
            self._handle_page_body(
                task, _PageSource.of_state(task.url, known), body, known, outcome="not_rechecked"
            )
        self.stats.not_rechecked += 1
        return True

    # -- pages --------------------------------------------------------------------------------

    def _crawl_page(self, task: _Task) -> None:
        known = self.state.get(task.key)
        if self._replayed(task, known):
            return
        if known is not None and known.kind != "page":
            known = None  # a link followed as a page gave a document last time: fetch it in full, as then
        self.stats.pages += 1
        conditional = task.proxy is None and known is not None and known.has_validators
        cached = self.state.cached_page(known.sha256) if conditional and known else None
        try:
            response = self.fetcher.fetch(
                task.url,
                referer=task.referer,
                etag=known.etag if cached is not None and known else None,
                last_modified=known.last_modified if cached is not None and known else None,
                method=task.proxy.method if task.proxy else "GET",
                data=dict(task.proxy.form) if task.proxy and task.proxy.method == "POST" else None,
            )
        except FetchFailed as failure:
            self._record_failure(task, failure, kind="page")
            return
        if response.not_modified and cached is not None and known is not None:
            source = _PageSource.of_response(response, known)
            self._handle_page_body(task, source, cached, known, outcome="not_modified")
            return
        found_format = sniff_format(response.head, response.temp_path, response.content_type)
        if found_format not in (None, "html"):
            # A link followed as a page answered with a document (download endpoint without extension).
            if task.report_candidate or self.rule.includes(task.title_hint):
                self._store_document(task, response, found_format)
            else:
                response.discard()
                self._row(task, "skipped_not_report", kind="document", response=response, fmt=found_format)
            return
        body = response.read_body()
        response.discard()
        outcome = "unchanged" if known and known.sha256 == response.sha256 else "new"
        self._handle_page_body(task, _PageSource.of_response(response, known), body, known, outcome=outcome)

    def _handle_page_body(
        self, task: _Task, source: _PageSource, body: bytes, known: UrlState | None, *, outcome: str
    ) -> None:
        """Read a page's body — fetched now, answered 304, or not re-checked — and follow its links.

        ``outcome`` says which: "new" (first seen or changed), "unchanged" (same bytes),
        "not_modified" (304) or "not_rechecked" (from the state, no request).  Links of a
        page in any of the last three inherit "listing unchanged".
        """
        sha = source.sha256 or (known.sha256 if known else None) or ""
        unchanged = outcome in ("unchanged", "not_modified", "not_rechecked")
        if task.proxy is not None:
            self._handle_proxy_body(task, source, body, outcome, unchanged=unchanged)
            return
        if len(body) > self.source.max_page_bytes:
            failure = FetchFailed(
                "error",
                f"{task.url}: page of {len(body) / 1048576:.1f} MB is larger than max_page_mb"
                f" ({self.source.max_page_mb:g} MB): not parsed",
                status=source.status,
            )
            self._record_failure(task, failure, kind="page", response=source)
            return
        page = parse_page(source.url, body, source.content_type)
        if page.undecodable:
            failure = FetchFailed(
                "error",
                f"{task.url}: undecodable page: no charset reads its bytes (declared:"
                f" {source.content_type or 'none'}); its links are unknown",
                status=source.status,
            )
            self._record_failure(task, failure, kind="page", response=source)
            return
        if page.looks_not_found:
            failure = FetchFailed("error", f"{task.url}: not-found page served with HTTP {source.status}")
            self._record_failure(task, failure, kind="page", response=source)
            return
        if sha in self._page_shas:
            self._row(task, "skipped_duplicate_page", kind="page", response=source, title=page.title)
            return
        self._page_shas.add(sha)
        page_title = self._report_title(page, task)
        published = page.published_at or task.date_hint or date_from_url(task.url)
        inline_report = self._is_inline_report(page) and self._page_is_report(page, task)
        report_title = page_title if self._page_is_report(page, task) else None
        listing = self._follow_page(task, page, published, report_title, unchanged=unchanged)
        if inline_report and outcome == "not_rechecked" and known is not None:
            self._known_document(task, known, outcome, http_status=None)
        elif inline_report:
            self._store_inline_report(
                task, source, body, page_title, published, known, outcome, listing, page.context
            )
        else:
            self._row(task, outcome, kind="page", response=source, title=page.title, published=published)
            log.info("[%s] page %s %s", self.source.id, outcome, task.url)
            if outcome != "not_rechecked":
                self._remember_page(task, source, body, sha, known, outcome, listing)

    def _remember_page(
        self,
        task: _Task,
        source: _PageSource,
        body: bytes,
        sha: str,
        known: UrlState | None,
        outcome: str,
        listing: bool,
    ) -> None:
        """Keep a checked page's identity and body: its next fetch can be conditional, a
        later run can tell "same bytes" from "changed", and a detail page can be
        replayed without a request while its re-check is not due."""
        replayed_304 = outcome == "not_modified" and known is not None
        now = self._now()
        self.state.cache_page(sha, body)
        self.state.record(
            task.url,
            UrlState(
                kind="page",
                etag=source.etag or (known.etag if replayed_304 and known else None),
                last_modified=source.last_modified
                or (known.last_modified if replayed_304 and known else None),
                sha256=sha,
                size=len(body),
                fetched_at=(known.fetched_at if replayed_304 and known else None) or now,
                checked_at=now,
                content_type=source.content_type or None,
                final_url=source.url if source.url != task.url else None,
                listing=listing or task.is_start or task.priority == PRIORITY_LISTING,
            ),
        )

    def _handle_proxy_body(
        self, task: _Task, source: _PageSource, body: bytes, outcome: str, *, unchanged: bool
    ) -> None:
        assert task.proxy is not None
        adapter = adapter_named(task.proxy.adapter)
        listing = adapter.read_proxy_response(task.proxy, decode_html(body, source.content_type))
        self._row(task, outcome, kind="page", response=source)
        log.info("[%s] listing-proxy %s %s (%d links)", self.source.id, outcome, task.url, len(listing.links))
        # Only the identity: "same records as last time" is all a rerun needs to know of a proxy answer.
        now = self._now()
        entry = UrlState(kind="page", sha256=source.sha256, size=len(body), fetched_at=now, checked_at=now)
        self.state.record(task.key, entry)
        unseen, _ = self._follow_links(
            task, listing.links, page=None, page_date=None, report_title=None, unchanged=unchanged
        )
        # A proxy page that lists nothing new is the same loop trap as an endless "next page".
        if listing.next_request is not None and unseen:
            self._enqueue_proxy(task, listing.next_request)
        elif listing.next_request is not None:
            log.info("[%s] not following %s: no new items on it", self.source.id, listing.next_request.url)

    def _enqueue_proxy(self, task: _Task, request: ProxyRequest) -> None:
        self._enqueue(
            request.url, "proxy", PRIORITY_LISTING, depth=task.depth, referer=task.url, proxy=request
        )

    def _follow_page(
        self,
        task: _Task,
        page: ParsedPage,
        published: str | None,
        report_title: str | None,
        *,
        unchanged: bool,
    ) -> bool:
        """Queue what the page links to; return whether the page looks like a listing.

        A listing: it pages on (pagination links, a CMS listing mechanism) or lists
        dated items.  A rerun always fetches listings and may take the others from
        the state (``_replayed``).
        """
        links = list(page.links)
        mechanism = False
        for adapter in adapters_for(self.source.adapter, task.url, page.text):
            extra = adapter.listing_links(task.url, page.text)
            listing_urls = adapter.listing_urls(task.url, page.text)
            requests = adapter.proxy_requests(task.url, page.text)
            mechanism = mechanism or bool(extra or listing_urls or requests)
            links.extend(extra)
            for listing_url in listing_urls:
                # Each listing page of a column names all of them: check each only once.
                if listing_url not in self._queued and self.guard.host_allowed(listing_url):
                    self._enqueue(listing_url, "page", PRIORITY_LISTING, depth=task.depth, referer=task.url)
            for request in requests:
                if self.guard.host_allowed(request.url):
                    self._enqueue_proxy(task, request)
        _, paginated = self._follow_links(
            task, links, page=page, page_date=published, report_title=report_title, unchanged=unchanged
        )
        dated = sum(1 for link in page.links if link.listing_date)
        return mechanism or paginated or dated >= LISTING_MIN_DATED_LINKS

    def _follow_links(
        self,
        task: _Task,
        links: list[Link],
        *,
        page: ParsedPage | None,
        page_date: str | None,
        report_title: str | None,
        unchanged: bool = False,
    ) -> tuple[int, bool]:
        """Queue attachments, pagination, report pages and (within the start columns) other pages.

        ``unchanged``: the linking page came back unchanged, so the detail pages and
        documents it links may be taken from the state (``_replayed``).  Listings are
        always fetched.  Returns how many of ``links`` were not seen before this run
        (0 means a repeated listing) and whether any was a pagination link.
        """
        next_depth = task.depth + 1
        pagination: list[Link] = []
        unseen_items = 0
        for link in links:
            if not self.guard.host_allowed(link.url):
                continue
            if page is not None and not is_attachment_url(link.url) and is_pagination_link(link, task.url):
                pagination.append(link)
                continue
            if link.url not in self._item_urls:
                self._item_urls.add(link.url)
                unseen_items += 1
            name_in_url = filename_from_url(link.url)
            if self.rule.excludes(link.text, name_in_url if is_attachment_url(link.url) else None):
                continue
            if is_attachment_url(link.url):
                # Attachments never widen the crawl, so max_depth does not apply to them.
                link_is_report = self.rule.includes(link.text, name_in_url)
                if link_is_report or report_title:
                    # The page's report title names the report; attachment link words are often "附件1".
                    self._enqueue(
                        link.url,
                        "document",
                        PRIORITY_DOCUMENT,
                        depth=next_depth,
                        referer=task.url,
                        title_hint=report_title or _clean_link_title(link.text),
                        date_hint=page_date or link.listing_date or task.date_hint,
                        report_candidate=True,
                        parent_unchanged=unchanged,
                        page_context=page.context if page is not None else None,
                    )
                continue
            if next_depth > self.source.max_depth:
                continue
            elif self.rule.includes(link.text):
                self._enqueue(
                    link.url,
                    "page",
                    PRIORITY_REPORT_PAGE,
                    depth=next_depth,
                    referer=task.url,
                    title_hint=_clean_link_title(link.text),
                    date_hint=link.listing_date,
                    report_candidate=True,
                    parent_unchanged=unchanged,
                )
            elif self._within_start_columns(link.url):
                self._enqueue(
                    link.url,
                    "page",
                    PRIORITY_OTHER,
                    depth=next_depth,
                    referer=task.url,
                    date_hint=link.listing_date,
                    parent_unchanged=unchanged,
                )
        # A "next page" that shows nothing new is a pagination loop (index_N → index_N+1 forever).
        if unseen_items or task.is_start:
            for link in pagination:
                self._enqueue(link.url, "page", PRIORITY_LISTING, depth=task.depth, referer=task.url)
        elif pagination:
            log.info("[%s] not following pagination of %s: no new items on it", self.source.id, task.url)
        return unseen_items, bool(pagination)

    def _within_start_columns(self, url: str) -> bool:
        """Under a start URL's directory — or, for a start URL named by its query, the same column.

        Disclosure platforms serve every column from one path (``public/column/1681?catId=…``),
        so there the directory says nothing and the query's column parameters decide.
        """
        return any(_column_contains(start, url) for start in self._start_columns)

    @staticmethod
    def _is_inline_report(page: ParsedPage) -> bool:
        """The page prints a report: a self-evaluation table, or a narrative report with no attachment
        beside it (a page that links its report as a file is only the file's cover)."""
        if page.has_report_table:
            return True
        return page.has_report_narrative and not any(is_attachment_url(link.url) for link in page.links)

    def _page_is_report(self, page: ParsedPage, task: _Task) -> bool:
        primary = page.title_candidates[:1]
        return self.rule.includes(*page.title_candidates, task.title_hint) and not self.rule.excludes(
            *primary, task.title_hint
        )

    def _report_title(self, page: ParsedPage, task: _Task) -> str | None:
        for candidate in page.title_candidates:
            if self.rule.includes(candidate):
                return candidate
        return task.title_hint or page.title

    # -- documents ----------------------------------------------------------------------------

    def _crawl_document(self, task: _Task) -> None:
        known = self.state.get(task.url)
        stored = known is not None and known.kind == "document" and bool(known.sha256)
        stored = stored and self.store.has(known.sha256 or "")
        if stored and known is not None and not known.has_validators:
            # Attachment URLs on these portals are immutable once published; re-downloading proves nothing.
            self._known_document(task, known, "skipped_known", http_status=None)
            return
        if self._replayed(task, known):
            return
        cap = self._run_cap_reached()
        if cap is not None:
            self._refuse_over_cap(task, cap)
            return
        try:
            response = self.fetcher.fetch(
                task.url,
                referer=task.referer,
                etag=known.etag if stored and known else None,
                last_modified=known.last_modified if stored and known else None,
            )
        except FetchFailed as failure:
            self._record_failure(task, failure, kind="document")
            return
        if not response.not_modified:
            self._downloaded_documents += 1
            self._downloaded_bytes += response.size
        if response.not_modified and stored and known is not None:
            self.state.record(task.url, replace(known, checked_at=self._now()))
            self._known_document(task, known, "not_modified", http_status=304)
            return
        found_format = sniff_format(response.head, response.temp_path, response.content_type)
        if found_format == "html":
            # A download link answering with a page: an interstitial, an inline report, or a soft 404.
            self.stats.pages += 1
            body = response.read_body()
            response.discard()
            page = parse_page(response.url, body, response.content_type)
            leads_on = self._is_inline_report(page) or any(is_attachment_url(link.url) for link in page.links)
            if not page.looks_not_found and not leads_on:
                failure = FetchFailed(
                    "error",
                    f"{task.url}: expected a document, got an HTML page ({page.title or 'untitled'})",
                    status=response.status,
                )
                self._record_failure(task, failure, kind="document", response=response)
                return
            self._handle_page_body(task, _PageSource.of_response(response, None), body, None, outcome="new")
            return
        if found_format is None:
            response.discard()
            message = (
                f"unsupported content ({response.content_type or 'no type'}; starts {response.head[:8]!r})"
            )
            self._row(task, "skipped_unsupported_format", kind="document", response=response, error=message)
            log.info("[%s] document skipped_unsupported_format %s", self.source.id, task.url)
            return
        self._store_document(task, response, found_format)

    def _store_document(self, task: _Task, response: FetchResponse, found_format: str) -> None:
        sha = response.sha256 or ""
        previous = self.state.get(task.url)
        assert response.temp_path is not None
        if self.store.commit(response.temp_path, sha):
            self.new_shas.add(sha)
            outcome = "new"
        else:
            outcome = "unchanged" if previous and previous.sha256 == sha else "repost"
        response.temp_path = None
        file_name = self._file_name(task, response, found_format, sha)
        published = task.date_hint or date_from_url(task.referer or "") or date_from_url(task.url)
        self._register_document(
            task,
            UrlState(
                kind="document",
                etag=response.etag,
                last_modified=response.last_modified,
                sha256=sha,
                size=response.size,
                format=found_format,
                file_name=file_name,
                title=task.title_hint,
                published_at=published,
                referer=task.referer,
                fetched_at=self._now(),
                checked_at=self._now(),
                page_context=task.page_context,
            ),
            outcome,
            http_status=response.status,
        )

    def _store_inline_report(
        self,
        task: _Task,
        response: _PageSource,
        body: bytes,
        title: str | None,
        published: str | None,
        known: UrlState | None,
        outcome: str,
        listing: bool = False,
        page_context: dict[str, Any] | None = None,
    ) -> None:
        """A detail page whose report is its own HTML table: the page bytes are the document."""
        sha = response.sha256 or (known.sha256 if known else None) or ""
        if self.store.commit_bytes(body, sha):
            self.new_shas.add(sha)
            outcome = "new"
        elif outcome != "not_modified":
            outcome = "unchanged" if known and known.sha256 == sha else "repost"
        replayed_304 = known is not None and outcome == "not_modified"
        self.state.cache_page(sha, body)
        self._register_document(
            task,
            UrlState(
                kind="page",
                etag=response.etag or (known.etag if known and outcome == "not_modified" else None),
                last_modified=response.last_modified
                or (known.last_modified if known and outcome == "not_modified" else None),
                sha256=sha,
                size=len(body),
                format="html",
                file_name=filename_from_url(task.url) or f"{sha[:16]}.html",
                title=title,
                published_at=published,
                referer=task.referer,
                fetched_at=(known.fetched_at if replayed_304 and known else None) or self._now(),
                checked_at=self._now(),
                content_type=response.content_type or None,
                final_url=response.url if response.url != task.url else None,
                listing=listing,
                page_context=page_context,
            ),
            outcome,
            http_status=response.status,
        )

    def _known_document(self, task: _Task, known: UrlState, outcome: str, *, http_status: int | None) -> None:
        self._register_document(task, known, outcome, http_status=http_status, keep_state=True)

    def _register_document(
        self,
        task: _Task,
        entry: UrlState,
        outcome: str,
        *,
        http_status: int | None,
        keep_state: bool = False,
    ) -> None:
        sha = entry.sha256 or ""
        fetched_at = self._now() if not keep_state else (entry.fetched_at or self._now())
        if not keep_state:
            self.state.record(task.url, entry)
        document = FetchedDocument(
            source_id=self.source.id,
            url=task.url,
            referer=task.referer if not keep_state else (task.referer or entry.referer),
            title=entry.title or task.title_hint,
            published_at=entry.published_at or task.date_hint,
            file_name=entry.file_name or f"{sha[:16]}.{entry.format}",
            format=entry.format or "html",
            sha256=sha,
            raw_path=str(self.store.path_for(sha)),
            size=entry.size or 0,
            fetched_at=fetched_at,
            is_new=sha in self.new_shas,
            page_context=task.page_context or entry.page_context,
        )
        self.documents[task.url] = document
        if outcome == "new":
            self.stats.new += 1
        elif outcome == "repost":
            self.stats.reposts += 1
        else:
            self.stats.unchanged += 1
        self.manifest.append(
            ManifestRow(
                run_id=self.run_id,
                source_id=self.source.id,
                url=task.url,
                referer=document.referer,
                title=document.title,
                published_at=document.published_at,
                http_status=http_status,
                etag=entry.etag,
                last_modified=entry.last_modified,
                sha256=sha,
                size=document.size,
                fetched_at=self._now(),
                outcome=outcome,
                error=None,
                kind="document",
                format=document.format,
                file_name=document.file_name,
                page_context=document.page_context,
            )
        )
        log.info("[%s] document %s %s %s", self.source.id, outcome, document.format, task.url)

    def _file_name(self, task: _Task, response: FetchResponse, found_format: str, sha: str) -> str:
        from_header = filename_from_content_disposition(response.content_disposition)
        if from_header:
            return from_header
        from_url = filename_from_url(response.url) or ""
        if from_url.lower().endswith((*(f".{f}" for f in DOCUMENT_FORMATS), ".wps", ".et")):
            return from_url
        stem = re.sub(r'[\\/:*?"<>|\s]+', "_", task.title_hint or "").strip("_") or sha[:16]
        return f"{stem}.{found_format}"

    # -- failures and rows --------------------------------------------------------------------

    def _run_cap_reached(self) -> str | None:
        """Which per-run cap of the source this run has reached, in words; None while under both."""
        if self._downloaded_documents >= self.source.max_documents:
            return f"max_documents reached: {self._downloaded_documents} documents downloaded this run"
        if self._downloaded_bytes >= self.source.max_run_bytes:
            return (
                f"max_run_mb reached: {self._downloaded_bytes / 1048576:.1f} MB downloaded this run"
                f" (max {self.source.max_run_mb:g} MB)"
            )
        return None

    def _refuse_over_cap(self, task: _Task, cap: str) -> None:
        """The first document over a cap is the run's crawl error; the others are only listed."""
        if not self._cap_reported:
            self._cap_reported = True
            message = f"{cap}; the rest of this source's new documents wait for the next run"
            self._record_failure(task, FetchFailed("error", message), kind="document")
        else:
            self._row(task, "skipped_cap", kind="document", error=cap)

    def _record_failure(
        self, task: _Task, failure: FetchFailed, *, kind: str, response: _ResponseFacts | None = None
    ) -> None:
        message = str(failure)
        counts_as_error = failure.kind == "error" or task.is_start
        if counts_as_error:
            self.stats.errors += 1
            self._first_error = self._first_error or message
            if self._first_reason is None:
                self._first_reason = plain_reason(failure, task.url, timeout_s=self.source.timeout_s)
        if task.is_start:
            self._start_problems.append(f"start URL {task.url}: {message}")
            self.stats.start_url_failures.append(
                {
                    "url": task.url,
                    "kind": failure.kind,
                    "status": failure.status,
                    "transient": failure.transient,
                    "reason": plain_reason(failure, task.url, timeout_s=self.source.timeout_s),
                }
            )
        self._row(task, failure.kind, kind=kind, response=response, error=message, status=failure.status)
        level = logging.WARNING if counts_as_error else logging.INFO
        log.log(level, "[%s] %s %s: %s", self.source.id, kind, failure.kind, message)

    def _row(
        self,
        task: _Task,
        outcome: str,
        *,
        kind: str,
        response: _ResponseFacts | None = None,
        title: str | None = None,
        published: str | None = None,
        error: str | None = None,
        status: int | None = None,
        fmt: str | None = None,
    ) -> None:
        self.manifest.append(
            ManifestRow(
                run_id=self.run_id,
                source_id=self.source.id,
                url=task.url,
                referer=task.referer,
                title=title or task.title_hint,
                published_at=published or task.date_hint,
                http_status=response.status if response else status,
                etag=response.etag if response else None,
                last_modified=response.last_modified if response else None,
                sha256=response.sha256 if response else None,
                size=response.size if response else None,
                fetched_at=self._now(),
                outcome=outcome,
                error=error,
                kind=kind,
                format=fmt,
            )
        )


def _directory_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc.lower()}{parts.path.rsplit('/', 1)[0]}/"


# Query parameters that only page through a column; any other parameter of a start URL names the column.
PAGE_PARAMETERS = frozenset(
    {"page", "pageindex", "pageno", "pagenum", "currentpage", "curpage", "p", "start"}
)


def _column_contains(start_url: str, url: str) -> bool:
    start, candidate = urlsplit(start_url), urlsplit(url)
    if not start.query:
        return _directory_of(url).startswith(_directory_of(start_url))
    if (candidate.netloc.lower(), candidate.path) != (start.netloc.lower(), start.path):
        return False
    wanted = {
        k: v for k, v in parse_qsl(start.query, keep_blank_values=True) if k.lower() not in PAGE_PARAMETERS
    }
    have = dict(parse_qsl(candidate.query, keep_blank_values=True))
    return all(have.get(key) == value for key, value in wanted.items())


def _clean_link_title(text: str) -> str:
    """Link words without a trailing file extension or size note ('报告.pdf (1.2MB)')."""
    cleaned = re.sub(r"\s*[(（]\s*[\d.]+\s*[KMG]?B\s*[)）]\s*$", "", text, flags=re.I)
    cleaned = re.sub(r"\.(pdf|docx?|xlsx?|wps|et)\s*$", "", cleaned, flags=re.I)
    return cleaned.strip()
