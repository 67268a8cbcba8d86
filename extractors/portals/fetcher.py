"""HTTP for the crawler: polite, bounded and safe.

Why hand-rolled around ``requests`` instead of its defaults: every redirect
hop must pass the host and SSRF checks (so redirects are followed here, not by
requests), bodies are streamed to disk with a size cap (a 2 GB "PDF" must not
fill memory), and retries/backoff/rate limits come from the source config so a
slow portal and a test fixture can each get the patience they need.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

from extractors import __version__
from extractors.portals.netguard import HostGuard, PublicOnlyAdapter, RefusedURL
from extractors.portals.registry import SourceConfig, portal_credentials

log = logging.getLogger("extractors.portals")

USER_AGENT = f"govperf/{__version__} (+https://github.com/govperf/govperf)"
ROBOTS_AGENT = "govperf"


@dataclass(frozen=True)
class FetchTunables:
    """Limits that are not per portal (per-portal ones live in ``SourceConfig``)."""

    max_redirects: int = 5
    retry_statuses: tuple[int, ...] = (429, 500, 502, 503, 504)
    max_backoff_s: float = 60.0
    chunk_bytes: int = 64 * 1024
    # A body must arrive within timeout_s × this factor: stops slow-drip responses
    # that never trip the per-read timeout.
    transfer_deadline_factor: float = 10.0
    robots_max_bytes: int = 512 * 1024
    # robots.txt Crawl-delay is honoured up to this many seconds (longer ones would stall the run).
    max_crawl_delay_s: float = 10.0
    head_bytes: int = 8192


class FetchFailed(Exception):
    """A fetch that produced no usable body; ``kind`` is the manifest outcome.

    ``transient`` says whether asking again later may succeed: true for timeouts,
    dropped connections and the retryable statuses (5xx, 429) once this fetch's own
    retries are spent, and for a robots.txt that could not be read; false for
    refusals, robots.txt rules, other 4xx and malformed responses.  ``problem`` names
    the network failure of a transient one ("timeout", "connection", "reset", "http"),
    ``host``/``address`` the refused host and address, for ``extractors.portals.reasons``.
    """

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        status: int | None = None,
        transient: bool = False,
        problem: str | None = None,
        host: str | None = None,
        address: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.transient = transient
        self.problem = problem
        self.host = host
        self.address = address

    @classmethod
    def refused(cls, url: str, refused: RefusedURL) -> FetchFailed:
        return cls(refused.kind, f"{url}: {refused}", host=refused.host, address=refused.address)


@dataclass
class FetchResponse:
    """A completed fetch.  ``temp_path`` holds the body (caller moves or deletes it); None on 304."""

    url: str
    status: int
    etag: str | None
    last_modified: str | None
    content_type: str
    content_disposition: str | None
    temp_path: Path | None
    size: int
    sha256: str | None
    head: bytes
    location: str | None = None
    retry_after_s: float | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def read_body(self) -> bytes:
        return self.temp_path.read_bytes() if self.temp_path else b""

    def discard(self) -> None:
        if self.temp_path is not None:
            self.temp_path.unlink(missing_ok=True)
            self.temp_path = None


class HostRateLimiter:
    """At most ``requests_per_second`` request starts per host (threads share it)."""

    def __init__(
        self,
        requests_per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        # clock and sleep are injectable so tests check the spacing exactly, not by timing
        self._clock = clock
        self._sleep = sleep
        self.interval = 1.0 / requests_per_second if requests_per_second > 0 else 0.0
        self._host_interval: dict[str, float] = {}
        self._last_start: dict[str, float] = {}
        self._lock = threading.Lock()

    def slow_down(self, host: str, interval_s: float) -> None:
        """Space requests to ``host`` at least ``interval_s`` apart (robots.txt Crawl-delay)."""
        with self._lock:
            self._host_interval[host] = max(interval_s, self._host_interval.get(host, 0.0))

    def wait(self, host: str) -> None:
        with self._lock:
            now = self._clock()
            interval = max(self.interval, self._host_interval.get(host, 0.0))
            last = self._last_start.get(host)
            slot = now if last is None else max(now, last + interval)
            self._last_start[host] = slot
        if slot > now:
            self._sleep(slot - now)


class Fetcher:
    """Fetches URLs for one source, streaming bodies into ``spool_dir``."""

    def __init__(
        self,
        source: SourceConfig,
        guard: HostGuard,
        spool_dir: Path,
        *,
        tunables: FetchTunables | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.source = source
        self.guard = guard
        self.spool_dir = spool_dir
        self.tunables = tunables or FetchTunables()
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.trust_env = False  # no proxies from the environment: the guard checks the real target
        if not source.allow_private_addresses:
            for scheme in ("http://", "https://"):
                self.session.mount(scheme, PublicOnlyAdapter())
        self.rate_limiter = HostRateLimiter(source.requests_per_second)
        # Sent only to the source's own hosts (redirects are followed by hand, so requests would
        # not strip it on the way to another host).
        self._credentials = portal_credentials(source.id)
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        # origin -> why its robots.txt could not be read (the host is then treated as disallowed)
        self._robots_unreachable: dict[str, FetchFailed] = {}
        self.requests_made = 0

    def close(self) -> None:
        self.session.close()

    # -- public -------------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        referer: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        method: str = "GET",
        data: dict[str, str] | None = None,
    ) -> FetchResponse:
        """Fetch ``url`` following allowed redirects; raise ``FetchFailed`` on any refusal or failure."""
        headers: dict[str, str] = {}
        if referer:
            headers["Referer"] = referer
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(self.tunables.max_redirects + 1):
            self._admit(current)
            response = self._request_with_retries(method, current, headers, data)
            if response.status in (301, 302, 303, 307, 308):
                response.discard()
                if not response.location:
                    raise FetchFailed(
                        "error", f"redirect {response.status} without Location", status=response.status
                    )
                current = urljoin(current, response.location)
                if response.status in (301, 302, 303) and method == "POST":
                    method, data = "GET", None
                continue
            conditional = bool(etag or last_modified)
            if (response.status == 304 and not conditional) or (
                300 <= response.status < 400 and response.status != 304
            ):
                raise FetchFailed(
                    "error", f"{current}: unexpected HTTP {response.status}", status=response.status
                )
            return response
        raise FetchFailed("error", f"more than {self.tunables.max_redirects} redirects from {url}")

    def allowed_by_robots(self, url: str) -> bool:
        if not self.source.respect_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            parser = self._load_robots(origin)
            self._robots[origin] = parser
            delay = parser.crawl_delay(ROBOTS_AGENT) if parser is not None else None
            if delay:
                self.rate_limiter.slow_down(
                    parts.hostname or "", min(float(delay), self.tunables.max_crawl_delay_s)
                )
        parser = self._robots[origin]
        return True if parser is None else parser.can_fetch(ROBOTS_AGENT, url)

    # -- internals ----------------------------------------------------------------------------

    def _admit(self, url: str) -> None:
        try:
            self.guard.check(url)
        except RefusedURL as refused:
            raise FetchFailed.refused(url, refused) from None
        if not self.allowed_by_robots(url):
            parts = urlsplit(url)
            unreachable = self._robots_unreachable.get(f"{parts.scheme}://{parts.netloc}")
            if unreachable is not None:
                raise FetchFailed(
                    "skipped_robots",
                    f"{url}: robots.txt unreachable ({unreachable}): host treated as disallowed",
                    status=unreachable.status,
                    transient=unreachable.transient,
                    problem=unreachable.problem,
                )
            raise FetchFailed("skipped_robots", f"{url}: disallowed by robots.txt")

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        """Parsed robots.txt, or None for "no rules".

        RFC 9309: a 4xx means no rules; an unreachable robots.txt means disallow all.
        """
        parser = urllib.robotparser.RobotFileParser()
        robots_url = f"{origin}/robots.txt"
        try:
            self.guard.check(robots_url)
            response = self._request_with_retries(
                "GET", robots_url, {}, None, max_bytes=self.tunables.robots_max_bytes
            )
        except (FetchFailed, RefusedURL) as exc:
            status = getattr(exc, "status", None)
            if status is not None and 400 <= status < 500:
                return None
            log.warning("robots.txt at %s unreachable (%s): treating the host as disallowed", origin, exc)
            failure = exc if isinstance(exc, FetchFailed) else FetchFailed.refused(robots_url, exc)
            self._robots_unreachable[origin] = failure
            parser.disallow_all = True
            return parser
        try:
            if response.status in (301, 302, 303, 307, 308) or response.status >= 400:
                return None
            text = response.read_body().decode("utf-8", errors="replace")
        finally:
            response.discard()
        parser.parse(text.splitlines())
        return parser

    def _request_with_retries(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        data: dict[str, str] | None,
        *,
        max_bytes: int | None = None,
    ) -> FetchResponse:
        attempts = self.source.retries + 1
        last_problem = ""
        problem = "http"
        for attempt in range(attempts):
            retry_after: float | None = None
            try:
                response = self._request_once(method, url, headers, data, max_bytes=max_bytes)
            except RefusedURL as refused:
                raise FetchFailed.refused(url, refused) from None
            except (
                requests.Timeout,
                requests.ConnectionError,
                requests.exceptions.ChunkedEncodingError,
            ) as exc:
                last_problem = f"{type(exc).__name__}: {exc}"
                problem = _network_problem(exc)
            except (requests.RequestException, ValueError) as exc:
                # Malformed URL, header or encoding: retrying cannot help.
                raise FetchFailed("error", f"{url}: {type(exc).__name__}: {exc}") from None
            else:
                if response.status not in self.tunables.retry_statuses:
                    if response.status >= 400:
                        response.discard()
                        raise FetchFailed(
                            "error", f"HTTP {response.status} for {url}", status=response.status
                        )
                    return response
                last_problem = f"HTTP {response.status}"
                problem = "http"
                retry_after = response.retry_after_s
                response.discard()
                if retry_after is not None and retry_after > self.source.max_retry_after_s:
                    raise FetchFailed(
                        "error",
                        f"{url}: HTTP {response.status} asks to retry after {retry_after:g} s, more than"
                        f" max_retry_after_s ({self.source.max_retry_after_s:g} s): not waited out",
                        status=response.status,
                        transient=True,
                        problem="http",
                    )
            if attempt + 1 < attempts:
                delay = min(self.source.backoff_s * (2**attempt), self.tunables.max_backoff_s)
                if retry_after is not None:
                    delay = min(max(delay, retry_after), self.tunables.max_backoff_s)
                log.info("retrying %s in %.2fs after %s", url, delay, last_problem)
                time.sleep(delay)
        status = None
        if last_problem.startswith("HTTP "):
            status = int(last_problem.split()[1])
        raise FetchFailed(
            "error",
            f"{url}: {last_problem} (after {attempts} attempts)",
            status=status,
            transient=True,
            problem=problem,
        )

    def _request_once(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        data: dict[str, str] | None,
        *,
        max_bytes: int | None = None,
    ) -> FetchResponse:
        limit = max_bytes if max_bytes is not None else self.source.max_file_bytes
        host = urlsplit(url).hostname or ""
        self.rate_limiter.wait(host)
        self.requests_made += 1
        timeout = self.source.timeout_s
        own_host = host.lower() in self.source.allowed_hosts
        with self.session.request(
            method,
            url,
            headers=headers,
            data=data,
            timeout=(timeout, timeout),
            stream=True,
            allow_redirects=False,
            auth=self._credentials if own_host and self._credentials else None,
        ) as raw:
            status = raw.status_code
            response = FetchResponse(
                url=url,
                status=status,
                etag=raw.headers.get("ETag"),
                last_modified=raw.headers.get("Last-Modified"),
                content_type=raw.headers.get("Content-Type", ""),
                content_disposition=raw.headers.get("Content-Disposition"),
                temp_path=None,
                size=0,
                sha256=None,
                head=b"",
                location=raw.headers.get("Location"),
                retry_after_s=_parse_retry_after(raw.headers.get("Retry-After")),
            )
            if status == 304 or status >= 300:
                return response
            declared = raw.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchFailed(
                    "error", f"{url}: too large: Content-Length {declared} > {limit} bytes", status=status
                )
            self._stream_body(raw, response, limit)
            return response

    def _stream_body(self, raw: requests.Response, response: FetchResponse, limit: int) -> None:
        """Copy the body to a spool file while hashing; abort past ``limit`` bytes or the deadline."""
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        head = bytearray()
        size = 0
        allowed_s = self.source.timeout_s * self.tunables.transfer_deadline_factor
        deadline = time.monotonic() + allowed_s
        handle, name = tempfile.mkstemp(prefix="fetch-", suffix=".part", dir=self.spool_dir)
        path = Path(name)
        try:
            with os.fdopen(handle, "wb") as out:
                # read1: at most one socket read per call, so the deadline is checked as often as
                # bytes arrive.  iter_content waits for a whole chunk, and a body dripping a byte
                # at a time under an honest Content-Length never completed one before the deadline.
                while chunk := raw.raw.read1(self.tunables.chunk_bytes, decode_content=True):
                    if time.monotonic() > deadline:
                        raise requests.Timeout(
                            f"transfer of {response.url} exceeded its {allowed_s:g} s deadline"
                            f" ({size} bytes received)"
                        )
                    size += len(chunk)
                    if size > limit:
                        raise FetchFailed(
                            "error",
                            f"{response.url}: too large: more than {limit} bytes",
                            status=raw.status_code,
                        )
                    digest.update(chunk)
                    if len(head) < self.tunables.head_bytes:
                        head.extend(chunk[: self.tunables.head_bytes - len(head)])
                    out.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        response.temp_path = path
        response.size = size
        response.sha256 = digest.hexdigest()
        response.head = bytes(head)


def _network_problem(exc: Exception) -> str:
    """What kind of network failure ``exc`` is: "timeout", "reset" or "connection"."""
    if isinstance(exc, requests.Timeout):
        return "timeout"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "reset"
    text = str(exc).lower()
    if "timed out" in text:  # a connect timeout raised as ConnectionError by urllib3
        return "timeout"
    if "reset by peer" in text or "remotedisconnected" in text or "aborted" in text:
        return "reset"
    return "connection"


def _parse_retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None
