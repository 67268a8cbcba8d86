"""Which URLs a crawl may touch at all: allowed hosts and the SSRF guard.

Why a module of its own: every request and every redirect hop must pass the
same two checks, and a registry entry (or a hostile redirect) must never turn
the nightly crawler into a probe of the machine's own network.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

Resolver = Callable[[str], list[str]]


class RefusedURL(Exception):
    """The URL is outside what this source may fetch; ``kind`` becomes the manifest outcome.

    ``host`` and ``address`` (the refused host and the non-public address it reached)
    let the crawl explain the refusal in plain words.
    """

    def __init__(
        self, kind: str, message: str, *, host: str | None = None, address: str | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.host = host
        self.address = address


def system_resolver(host: str) -> list[str]:
    """All addresses ``host`` resolves to (A and AAAA)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({info[4][0] for info in infos})


def is_public_address(address: str) -> bool:
    """True only for globally routable unicast addresses (IPv4-mapped IPv6 unwrapped)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class HostGuard:
    """Checks a URL against the allowed hosts and, unless allowed, refuses private addresses.

    Resolutions are cached for the crawl so the check costs one lookup per host.
    """

    def __init__(
        self,
        allowed_hosts: Iterable[str],
        *,
        allow_private_addresses: bool,
        resolver: Resolver = system_resolver,
    ) -> None:
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.allow_private_addresses = allow_private_addresses
        self._resolver = resolver
        self._verdicts: dict[str, tuple[str, str] | None] = {}

    def host_allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and (parts.hostname or "").lower() in self.allowed_hosts

    def check(self, url: str) -> None:
        """Raise ``RefusedURL`` when ``url`` must not be fetched."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise RefusedURL("skipped_scheme", f"not an http(s) URL: {url}")
        host = (parts.hostname or "").lower()
        if host not in self.allowed_hosts:
            raise RefusedURL("skipped_offhost", f"host {host!r} is not in allowed_hosts", host=host)
        if self.allow_private_addresses:
            return
        if host not in self._verdicts:
            self._verdicts[host] = self._private_reason(host)
        verdict = self._verdicts[host]
        if verdict:
            reason, address = verdict
            raise RefusedURL("skipped_private_address", reason, host=host, address=address)

    def _private_reason(self, host: str) -> tuple[str, str] | None:
        """(message, address) when ``host`` resolves to a non-public address, else None."""
        try:
            addresses = [host] if _is_ip_literal(host) else self._resolver(host)
        except OSError as exc:
            # Not a refusal: the request itself will fail and be reported as a network error.
            del exc
            return None
        for address in addresses:
            if not is_public_address(address):
                message = (
                    f"host {host!r} resolves to non-public address {address} "
                    "(set allow_private_addresses: true to permit)"
                )
                return message, address
        return None


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class _PeerCheckedConnectionMixin:
    """Checks the address a socket actually connected to.

    Why after connecting: the resolver answer checked by ``HostGuard`` and the
    address requests connects to come from two lookups; a DNS-rebinding host
    can answer public first and private second.  The peer address is the truth.
    """

    host: str

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        peer = sock.getpeername()[0]
        if not is_public_address(peer):
            sock.close()
            raise RefusedURL(
                "skipped_private_address",
                f"connection to {self.host!r} reached non-public address {peer} "
                "(set allow_private_addresses: true to permit)",
                host=self.host,
                address=peer,
            )
        return sock


class _PeerCheckedHTTPConnection(_PeerCheckedConnectionMixin, HTTPConnection):
    pass


class _PeerCheckedHTTPSConnection(_PeerCheckedConnectionMixin, HTTPSConnection):
    pass


class _PeerCheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PeerCheckedHTTPConnection


class _PeerCheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PeerCheckedHTTPSConnection


class PublicOnlyAdapter(HTTPAdapter):
    """A requests transport that refuses connections landing on non-public addresses."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PeerCheckedHTTPPool,
            "https": _PeerCheckedHTTPSPool,
        }
