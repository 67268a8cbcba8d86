"""Fixtures shared by every test folder."""

from __future__ import annotations

import email
import email.message
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from extractors.settings import PROJECT_ROOT, Settings, load_settings

SHARED_DIR = PROJECT_ROOT.parent / "shared"
SEEDS_DIR = SHARED_DIR / "corpus" / "seeds"


@pytest.fixture
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Point DATA_DIR and WAREHOUSE_PATH at a temp dir, as a user would with the env vars."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse" / "warehouse.duckdb"))
    return load_settings()


# ---------------------------------------------------------------- local receivers for notifications


@dataclass
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: email.message.Message

    def body(self) -> str:
        parts = self.message.walk() if self.message.is_multipart() else [self.message]
        return "".join(
            part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
            for part in parts
            if not part.is_multipart() and part.get_payload(decode=True) is not None
        )


class _SmtpSession(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: no TLS, no AUTH, every message accepted."""

    server: _SmtpReceiver

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        self._reply("220 127.0.0.1 govperf test SMTP")
        sender, recipients = "", []
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self._reply("250-127.0.0.1")
                self._reply("250 8BITMIME")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip().strip("<>"), []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 end with <CRLF>.<CRLF>")
                data = bytearray()
                while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.mails.append(
                    ReceivedMail(sender, recipients, email.message_from_bytes(bytes(data)))
                )
                self._reply("250 OK: queued")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:  # HELO, RSET, NOOP
                self._reply("250 OK")


class _SmtpReceiver(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        self.mails: list[ReceivedMail] = []

    @property
    def port(self) -> int:
        return self.server_address[1]


@pytest.fixture
def smtp_receiver() -> Iterator[_SmtpReceiver]:
    """A local SMTP server on 127.0.0.1 keeping every mail it receives (``.mails``)."""
    server = _SmtpReceiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class _HookHandler(BaseHTTPRequestHandler):
    server: _HttpReceiver

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.posts.append((self.path, dict(self.headers), self.rfile.read(length)))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


class _HttpReceiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _HookHandler)
        self.posts: list[tuple[str, dict[str, str], bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


@pytest.fixture
def http_receiver() -> Iterator[_HttpReceiver]:
    """A local HTTP server on 127.0.0.1 keeping every POST it receives (``.posts``)."""
    server = _HttpReceiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
