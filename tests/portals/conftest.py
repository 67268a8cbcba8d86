"""A tiny fixture portal server on 127.0.0.1 with a request log, for crawler tests.

Routes are declared per test (static bodies, or bodies computed from the query like a
list API); the server answers conditional GETs, can fail
the first N requests with 503, stall (timeout trap), omit Content-Length, and
records every request with the status and body size it sent, so tests can
prove from the server's side what the crawler downloaded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from extractors.settings import Settings


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay_s: float = 0.0
    fail_first: int = 0
    omit_length: bool = False
    # Seconds between single bytes of the body (a server dripping its answer under an honest
    # Content-Length); 0 writes the body at once.
    drip_s: float = 0.0
    # Computes the body from the query and form parameters (list APIs); None answers 404.
    dynamic: Callable[[dict[str, str]], bytes | str | None] | None = None
    served: int = 0


@dataclass
class LoggedRequest:
    method: str
    target: str
    status: int
    body_bytes: int
    form: dict[str, str]
    headers: dict[str, str]

    def param(self, name: str) -> str | None:
        """A request parameter from the POST form or, failing that, the query string."""
        if name in self.form:
            return self.form[name]
        return dict(parse_qsl(urlsplit(self.target).query, keep_blank_values=True)).get(name)


class FixturePortal:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[LoggedRequest] = []
        self._lock = threading.Lock()
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle on, every keep-alive response
            # would wait ~40 ms for the client's delayed ACK.
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                portal._serve(self, {})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode("utf-8")))
                portal._serve(self, form)

        class QuietServer(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients that time out and hang up are part of the tests

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes | str = b"", **options: object) -> Route:
        data = body.encode("utf-8") if isinstance(body, str) else body
        route = Route(body=data, **options)  # type: ignore[arg-type]
        self.routes[path] = route
        return route

    def requests_for(self, target: str, status: int | None = None) -> list[LoggedRequest]:
        return [r for r in self.log if r.target == target and (status is None or r.status == status)]

    def _serve(self, handler: BaseHTTPRequestHandler, form: dict[str, str]) -> None:
        target = handler.path
        route = self.routes.get(target) or self.routes.get(urlsplit(target).path)
        status, body, headers = 404, b"not found", {"Content-Type": "text/plain"}
        # Logged on arrival (status filled in below), so a stalled handler is already counted.
        entry = LoggedRequest(handler.command, target, 0, 0, form, dict(handler.headers))
        with self._lock:
            self.log.append(entry)
        if route is not None:
            with self._lock:
                route.served += 1
                attempt = route.served
            if route.delay_s:
                time.sleep(route.delay_s)
            if attempt <= route.fail_first:
                status, body = 503, b"busy"
            elif self._not_modified(route, handler):
                status, body, headers = 304, b"", {}
            else:
                status, body = route.status, route.body
                headers = {"Content-Type": route.content_type, **route.headers}
                if route.dynamic is not None:
                    params = {**dict(parse_qsl(urlsplit(target).query, keep_blank_values=True)), **form}
                    produced = route.dynamic(params)
                    if produced is None:
                        status, body, headers = 404, b"not found", {"Content-Type": "text/plain"}
                    else:
                        body = produced.encode("utf-8") if isinstance(produced, str) else produced
                if route.etag:
                    headers["ETag"] = route.etag
                if route.last_modified:
                    headers["Last-Modified"] = route.last_modified
        entry.status, entry.body_bytes = status, (len(body) if status != 304 else 0)
        try:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            if route is not None and route.omit_length and status == 200:
                handler.send_header("Connection", "close")
                handler.close_connection = True
            else:
                handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if status != 304 and route is not None and route.drip_s:
                for index in range(len(body)):
                    handler.wfile.write(body[index : index + 1])
                    handler.wfile.flush()
                    time.sleep(route.drip_s)
            elif status != 304:
                handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    @staticmethod
    def _not_modified(route: Route, handler: BaseHTTPRequestHandler) -> bool:
        etag_matches = route.etag is not None and handler.headers.get("If-None-Match") == route.etag
        date_matches = (
            route.last_modified is not None
            and handler.headers.get("If-Modified-Since") == route.last_modified
        )
        return etag_matches or date_matches

    def __enter__(self) -> FixturePortal:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def portal() -> Iterator[FixturePortal]:
    with FixturePortal() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        sources_file=tmp_path / "sources.yaml",
        data_dir=tmp_path / "data",
        warehouse_path=tmp_path / "warehouse" / "warehouse.duckdb",
    )
