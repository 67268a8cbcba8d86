"""Serving a built sample portal over HTTP, as a gov.cn CMS would: validators, 304s, 404s.

Why a real server rather than mocked responses: the crawler's conditional GETs
(ETag / Last-Modified), its handling of ``application/octet-stream`` downloads
named only in Content-Disposition and its "download nothing twice" promise are
only tested honestly over a socket.  The request log lets tests count what the
crawler fetched.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from extractors.samples.site_format import MANIFEST_NAME, SITE_FOLDER, canonical_target

log = logging.getLogger(__name__)
NOT_FOUND_BODY = "<html><body><h1>404</h1><p>您访问的页面不存在</p></body></html>".encode()


@dataclass(frozen=True)
class _Entry:
    body: bytes
    content_type: str
    last_modified: str
    etag: str
    content_disposition: str | None


RequestRecord = tuple[str, str, int, int]  # (method, path, status, body bytes sent)


@dataclass
class SamplePortal:
    """A running portal: its base URL (no trailing slash) and the requests it has answered."""

    base_url: str
    _log: list[RequestRecord] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, entry: RequestRecord) -> None:
        with self._lock:
            self._log.append(entry)

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of (method, path, status, bytes) in arrival order."""
        with self._lock:
            return list(self._log)

    def count(self, *, path_prefix: str = "", status: int | None = None, method: str = "GET") -> int:
        """How many requests matched; downloads: ``count(path_prefix="/module/download/", status=200)``."""
        return sum(
            1
            for m, path, code, _ in self.requests
            if m == method and path.startswith(path_prefix) and (status is None or code == status)
        )

    def url(self, target: str) -> str:
        return self.base_url + target


def load_site(site_dir: Path) -> dict[str, _Entry]:
    """The built portal in memory, keyed by canonical request target."""
    manifest_path = Path(site_dir) / MANIFEST_NAME
    if not manifest_path.is_file():
        raise FileNotFoundError(
            f"{site_dir} is not a built sample portal (no {MANIFEST_NAME}); run build first"
        )
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    entries = {}
    for target, meta in manifest.items():
        body = (Path(site_dir) / SITE_FOLDER / meta["file"]).read_bytes()
        entries[target] = _Entry(
            body=body,
            content_type=meta["content_type"],
            last_modified=meta["last_modified"],
            etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
            content_disposition=meta.get("content_disposition"),
        )
    return entries


def _not_modified(headers, entry: _Entry) -> bool:  # type: ignore[no-untyped-def]
    """RFC 9110 §13.2.2: If-None-Match decides when present; else If-Modified-Since."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or entry.etag in tags
    if_modified_since = headers.get("If-Modified-Since")
    if if_modified_since:
        try:
            return parsedate_to_datetime(entry.last_modified) <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
    return False


def _handler_class(site: dict[str, _Entry], portal: SamplePortal | None) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body go out in two writes; with Nagle on, every keep-alive
        # response would wait ~40 ms for the delayed ACK
        disable_nagle_algorithm = True
        server_version = "TRS WCM sample"
        sys_version = ""

        def _respond(self, send_body: bool) -> None:
            entry = site.get(canonical_target(self.path))
            if entry is None:
                status, body = HTTPStatus.NOT_FOUND, NOT_FOUND_BODY
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
            elif _not_modified(self.headers, entry):
                status, body = HTTPStatus.NOT_MODIFIED, b""
                self.send_response(status)
                self.send_header("ETag", entry.etag)
                self.send_header("Last-Modified", entry.last_modified)
            else:
                status, body = HTTPStatus.OK, entry.body
                self.send_response(status)
                self.send_header("Content-Type", entry.content_type)
                self.send_header("ETag", entry.etag)
                self.send_header("Last-Modified", entry.last_modified)
                if entry.content_disposition:
                    self.send_header("Content-Disposition", entry.content_disposition)
            if status != HTTPStatus.NOT_MODIFIED:
                self.send_header("Content-Length", str(len(body)))
            sent = len(body) if send_body and status != HTTPStatus.NOT_MODIFIED else 0
            # recorded before the response leaves: a client that has read the whole
            # response must find it in the log (tests count requests right after)
            if portal is not None:
                portal.record((self.command, self.path, int(status), sent))
            log.info("%s %s %s %d", self.command, self.path, int(status), sent)
            self.end_headers()
            if sent:
                self.wfile.write(body)

        def do_GET(self) -> None:
            self._respond(send_body=True)

        def do_HEAD(self) -> None:
            self._respond(send_body=False)

        def log_message(self, format: str, *args: object) -> None:
            """Silenced: ``_respond`` logs one structured line per request instead."""

    return Handler


def serve_sample_portal(site_dir: Path, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve a built portal until interrupted (one log line per request)."""
    server = ThreadingHTTPServer((host, port), _handler_class(load_site(site_dir), None))
    server.daemon_threads = True
    log.info("sample portal at http://%s:%d/ from %s", host, server.server_address[1], site_dir)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("sample portal stopped")
    finally:
        server.server_close()


@contextmanager
def running_sample_portal(site_dir: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[SamplePortal]:
    """Serve ``site_dir`` on a background thread (port 0: a free one) for the ``with`` block."""
    site = load_site(site_dir)
    portal = SamplePortal(base_url="")
    server = ThreadingHTTPServer((host, port), _handler_class(site, portal))
    server.daemon_threads = True
    portal.base_url = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="sample-portal", daemon=True)
    thread.start()
    try:
        yield portal
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
