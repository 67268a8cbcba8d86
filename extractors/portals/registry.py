"""The portal registry (contracts/interfaces.md §2): YAML → validated ``SourceConfig`` list.

Why strict: the registry is edited by hand and read at 2 a.m. by the nightly
run.  A typo such as ``max_page`` silently falling back to a default would
crawl the wrong amount for months, so every unknown key, missing field and
ill-typed value is an error naming the source id and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from extractors.failures import PermanentError

SOURCE_ID_PATTERN = re.compile(r"^[a-z0-9-]+$")
KNOWN_ADAPTERS = ("auto", "generic", "trs", "hanweb", "vsb", "anhui", "jpaas")
# Used when a source gives no ``exclude``: notices about the self-evaluation work
# ("关于开展…绩效自评工作的通知") and rules ("…绩效自评管理办法") carry the include words
# but are not reports, so a three-line source must not download them.  ``exclude: []`` turns it off.
DEFAULT_EXCLUDE = ("通知", "办法")


class RegistryError(PermanentError, ValueError):
    """The registry file cannot be used as written; the message names the source id and field.

    Permanent: the same file fails the same way on every attempt, so a run stops at once
    rather than retrying (``extractors.failures``).
    """


@dataclass(frozen=True)
class SourceConfig:
    """One portal to crawl.  Only ``id``, ``start_urls`` and ``include`` are required.

    ``retries`` and ``backoff_s`` bound the retry loop on 5xx and timeouts; they
    are per source because a slow provincial portal and a test fixture want very
    different patience.

    ``recheck_days`` (an extension of the contract's keys): a detail page or
    attachment linked from a page that came back unchanged (304, or the same
    bytes as last time) is taken from the crawl state without a request unless it
    is due — each known URL is re-checked once per ``recheck_days``, by the first
    run after a moment of the period set by a hash of its URL, so about one
    ``recheck_days``-th of the known URLs are re-checked each night instead of all
    on one (and none by a rerun within hours of its last check).  Why:
    on a rerun nearly every request is a 304 for something whose listing already
    said "nothing changed"; at a polite request rate those 304s are most of the
    night's crawl.  The window bounds how late a report corrected in place (same
    detail URL, new attachment bytes or link) is noticed.  Listings are always
    fetched.  ``0`` re-checks everything on every run.
    """

    id: str
    name: str = ""
    start_urls: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    max_pages: int = 500
    max_depth: int = 3
    requests_per_second: float = 1.0
    adapter: str = "auto"
    respect_robots: bool = True
    allow_private_addresses: bool = False
    max_file_mb: float = 50
    timeout_s: float = 30
    retries: int = 3
    backoff_s: float = 1.0
    recheck_days: float = 7.0
    # Caps per run (extensions of the contract's keys), far above what a real portal needs: a
    # listing of ten thousand attachments, or a page of ever-growing links, stops at a cap and
    # says so as a crawl error instead of filling the disk.
    max_documents: int = 5000
    max_run_mb: float = 4096
    max_page_mb: float = 10
    # A Retry-After longer than this is not waited out: the URL fails (transient) at once.
    max_retry_after_s: float = 120

    def __post_init__(self) -> None:
        # Lists are accepted for convenience but stored as tuples so the config stays hashable/frozen.
        for name in ("start_urls", "include", "exclude", "allowed_hosts"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(value))
        if not self.start_urls or not self.include:
            raise RegistryError(f"source '{self.id}': fields 'start_urls' and 'include' must not be empty")
        if not self.allowed_hosts:
            hosts = tuple(dict.fromkeys(_host_of(url) for url in self.start_urls))
            object.__setattr__(self, "allowed_hosts", hosts)
        else:
            object.__setattr__(self, "allowed_hosts", tuple(h.lower() for h in self.allowed_hosts))
        if not self.name:
            object.__setattr__(self, "name", self.id)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def max_run_bytes(self) -> int:
        return int(self.max_run_mb * 1024 * 1024)

    @property
    def max_page_bytes(self) -> int:
        return int(self.max_page_mb * 1024 * 1024)


def portal_credentials(source_id: str) -> tuple[str, str] | None:
    """HTTP basic credentials for a portal that needs them, from the environment only:
    ``GOVPERF_PORTAL_AUTH_<ID>`` = ``user:password`` (the id upper-cased, ``-`` as ``_``).

    Why not in the registry: a registry is a file people share and commit, and a URL's
    ``user:pass@`` ends up in logs, manifests and the warehouse; the environment keeps the
    secret where the deployment keeps its others.  The value is sent as written (case kept).
    """
    import os

    value = os.environ.get(f"GOVPERF_PORTAL_AUTH_{source_id.upper().replace('-', '_')}")
    if not value or ":" not in value:
        return None
    user, _, password = value.partition(":")
    return user, password


def _host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


_INT_FIELDS = {"max_pages": 1, "max_depth": 0, "retries": 0, "max_documents": 1}
_FLOAT_FIELDS = {
    "requests_per_second": 0.0, "max_file_mb": 0.0, "timeout_s": 0.0, "backoff_s": -1.0,
    "max_run_mb": 0.0, "max_page_mb": 0.0, "max_retry_after_s": -1.0,
}  # fmt: skip
# Numbers where 0 is meaningful (re-check on every run) but a negative value is a typo.
_NON_NEGATIVE_FIELDS = ("recheck_days",)
_BOOL_FIELDS = ("respect_robots", "allow_private_addresses")
_LIST_FIELDS = ("start_urls", "include", "exclude", "allowed_hosts")
_KNOWN_KEYS = {f.name for f in fields(SourceConfig)}


def load_registry(path: Path) -> list[SourceConfig]:
    """Read and validate the registry; raise ``RegistryError`` on the first problem found."""
    path = Path(path)
    if not path.is_file():
        raise RegistryError(f"registry file not found: {path}")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RegistryError(f"registry {path}: invalid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise RegistryError(f"registry {path}: not UTF-8 text: {exc}") from exc
    if not isinstance(document, dict) or "sources" not in document:
        raise RegistryError(f"registry {path}: top level must be a mapping with a 'sources' list")
    unknown_top = sorted(set(document) - {"sources"})
    if unknown_top:
        raise RegistryError(f"registry {path}: unknown top-level key(s): {', '.join(unknown_top)}")
    entries = document["sources"]
    if not isinstance(entries, list):
        raise RegistryError(f"registry {path}: 'sources' must be a list, got {type(entries).__name__}")
    if not entries:
        # A run over no portal would crawl nothing and publish nothing new while saying it
        # succeeded; an emptied registry is a mistake to report, not a quiet night.
        raise RegistryError(f"registry {path}: 'sources' is empty: list at least one portal")
    sources: list[SourceConfig] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        source = parse_source(entry, where=f"registry {path}, source #{position}")
        if source.id in seen:
            raise RegistryError(f"registry {path}: source '{source.id}': field 'id': duplicate id")
        seen.add(source.id)
        sources.append(source)
    return sources


def parse_source(entry: Any, *, where: str = "source") -> SourceConfig:
    """Validate one registry entry (a mapping) into a ``SourceConfig``."""
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: must be a mapping, got {type(entry).__name__}")
    raw_id = entry.get("id")
    if raw_id is None or raw_id == "":
        raise RegistryError(f"{where}: field 'id': missing")
    if not isinstance(raw_id, str) or not SOURCE_ID_PATTERN.match(raw_id):
        raise RegistryError(f"{where}: source '{raw_id}': field 'id': must match [a-z0-9-]+")
    label = f"{where}: source '{raw_id}'"

    def fail(field_name: str, problem: str) -> RegistryError:
        return RegistryError(f"{label}: field '{field_name}': {problem}")

    unknown = sorted(set(entry) - _KNOWN_KEYS)
    if unknown:
        raise RegistryError(f"{label}: unknown key(s): {', '.join(map(str, unknown))}")

    values: dict[str, Any] = {"id": raw_id}
    for name in _LIST_FIELDS:
        if name not in entry or entry[name] is None:
            if name in ("start_urls", "include"):
                raise fail(name, "missing (a non-empty list is required)")
            continue
        value = entry[name]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(name, "must be a list of non-empty strings")
        if name in ("start_urls", "include") and not value:
            raise fail(name, "must not be empty")
        values[name] = tuple(v.strip() for v in value)
    for url in values["start_urls"]:
        parts = urlsplit(url)
        if parts.username is not None or parts.password is not None:
            # Never echo the URL: it holds the password.
            raise fail(
                "start_urls",
                f"a start URL on {parts.hostname or 'its host'} carries credentials (user:password@); remove"
                f" them and set GOVPERF_PORTAL_AUTH_{raw_id.upper().replace('-', '_')}=user:password instead",
            )
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise fail("start_urls", f"not an absolute http(s) URL: {url!r}")
    for name, minimum in _INT_FIELDS.items():
        if name in entry:
            value = entry[name]
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise fail(name, f"must be an integer >= {minimum}, got {value!r}")
            values[name] = value
    for name, lower in _FLOAT_FIELDS.items():
        if name in entry:
            value = entry[name]
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= lower:
                raise fail(name, f"must be a number > {lower:g}, got {value!r}")
            values[name] = float(value)
    for name in _NON_NEGATIVE_FIELDS:
        if name in entry:
            value = entry[name]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise fail(name, f"must be a number >= 0, got {value!r}")
            values[name] = float(value)
    for name in _BOOL_FIELDS:
        if name in entry:
            if not isinstance(entry[name], bool):
                raise fail(name, f"must be true or false, got {entry[name]!r}")
            values[name] = entry[name]
    if "name" in entry:
        if not isinstance(entry["name"], str):
            raise fail("name", "must be a string")
        values["name"] = entry["name"]
    if "adapter" in entry:
        if entry["adapter"] not in KNOWN_ADAPTERS:
            raise fail("adapter", f"unknown adapter {entry['adapter']!r}; known: {', '.join(KNOWN_ADAPTERS)}")
        values["adapter"] = entry["adapter"]
    return SourceConfig(**values)
