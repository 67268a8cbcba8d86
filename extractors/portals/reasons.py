"""A failed fetch in plain words: what went wrong and what the operator can do about it.

Why: the crawl's own messages (``FetchFailed``'s text, the manifest outcome) are
precise but written for the log — "host '127.0.0.1' resolves to non-public address
127.0.0.1 (…)", "ConnectionError: HTTPConnectionPool(…)".  The run summary and the
failure notification show one line per source; that line must say the cause and
the fix, e.g. "refused: 127.0.0.1 is a private address — set
allow_private_addresses: true for a portal on your own network".
"""

from __future__ import annotations

from urllib.parse import urlsplit

from extractors.portals.fetcher import FetchFailed

_PRIVATE_FIX = "set allow_private_addresses: true for a portal on your own network"


def plain_reason(failure: FetchFailed, url: str, *, timeout_s: float | None = None) -> str:
    """One line saying why fetching ``url`` failed, and whether it may pass by itself."""
    parts = urlsplit(url)
    host = failure.host or parts.hostname or url
    if failure.kind == "skipped_private_address":
        address = failure.address
        if address and address != host:
            return f"refused: {host} resolves to {address}, a private address — {_PRIVATE_FIX}"
        return f"refused: {host} is a private address — {_PRIVATE_FIX}"
    if failure.kind == "skipped_offhost":
        return f"refused: {host} is not in the source's allowed_hosts — add it there to crawl it"
    if failure.kind == "skipped_scheme":
        return f"refused: {url} is not an http(s) URL"
    if failure.kind == "skipped_robots":
        origin = f"{parts.scheme}://{parts.netloc}"
        if failure.problem:  # robots.txt could not be read: the site counts as disallowed until it can
            return _transient(failure, host, parts.netloc, timeout_s).replace(
                " — retried later", " (reading robots.txt) — retried later"
            )
        return f"robots.txt of {origin} disallows {parts.path or '/'} — the portal asks crawlers to keep out"
    status = failure.status
    if status is not None and not failure.transient:
        if status in (404, 410):
            return f"HTTP {status}: {url} does not exist — check start_urls"
        if status in (401, 403):
            return f"HTTP {status}: the portal refuses access to {url}"
        if 400 <= status < 500:
            return f"HTTP {status}: the portal rejects the request for {url}"
    if failure.transient:
        return _transient(failure, host, parts.netloc, timeout_s)
    text = str(failure)
    if "not-found page" in text:
        return f"{url} answers with a 'page not found' page — check start_urls"
    if "too large" in text:
        return f"{url} is larger than max_file_mb allows"
    return text


def _transient(failure: FetchFailed, host: str, netloc: str, timeout_s: float | None) -> str:
    """A failure that may pass by itself: the portal is slow, down or failing."""
    if failure.problem == "timeout":
        wait = f" within {timeout_s:g} s" if timeout_s else ""
        return f"no answer from {host}{wait} (timeout) — retried later"
    if failure.problem == "reset":
        return f"the connection to {host} was dropped mid-answer — retried later"
    if failure.problem == "connection":
        return f"cannot connect to {netloc or host}: {_connection_detail(str(failure))} — retried later"
    if failure.status is not None:
        return f"HTTP {failure.status}: the portal is failing (server error) — retried later"
    return f"{failure} — retried later"


def _connection_detail(message: str) -> str:
    lowered = message.lower()
    if "connection refused" in lowered:
        return "connection refused (the portal is down, or the port is wrong)"
    if "name or service not known" in lowered or "nodename nor servname" in lowered or "resolve" in lowered:
        return "the host name does not resolve"
    if "network is unreachable" in lowered or "no route to host" in lowered:
        return "no route to the host"
    return "network error"
