"""CMS-family knowledge: what generic link-following cannot see on its own.

Why families, not sites: a few CMS products (TRS WCM, Hanweb JCMS, VSB,
the Anhui disclosure platform) build most gov.cn portals.  Each hides part of
its listing from plain ``<a>`` links — TRS writes page links from a script
(``createPageHTML``), Hanweb delivers records through an XML ``dataproxy.jsp``.
An adapter recognises its family from URL/page signatures and supplies the
missing listing URLs or records; everything else stays generic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

from extractors.portals.discovery import Link, canonical_url, links_in_fragment


@dataclass(frozen=True)
class ProxyRequest:
    """A POST for listing records (Hanweb jpage).  ``window`` = records per request."""

    url: str
    form: tuple[tuple[str, str], ...]
    start: int
    window: int
    adapter: str

    @property
    def key(self) -> str:
        return f"POST {self.url} " + "&".join(f"{k}={v}" for k, v in self.form)


@dataclass
class ProxyListing:
    """What one proxy response yielded: record links and the follow-up request, if any."""

    links: list[Link] = field(default_factory=list)
    next_request: ProxyRequest | None = None


class Adapter:
    """The generic fallback: plain links and pagination only."""

    name = "generic"

    def matches(self, url: str, text: str) -> bool:
        return True

    def listing_urls(self, page_url: str, text: str) -> list[str]:
        """Listing pages the page implies but does not link (script-built pagination)."""
        return []

    def listing_links(self, page_url: str, text: str) -> list[Link]:
        """Record links embedded outside ``<a>`` markup the HTML parser sees (e.g. XML datastores)."""
        return []

    def proxy_requests(self, page_url: str, text: str) -> list[ProxyRequest]:
        return []

    def read_proxy_response(self, request: ProxyRequest, body: str) -> ProxyListing:
        return ProxyListing()


class TrsAdapter(Adapter):
    """TRS WCM: ``index.html``, ``index_1.html`` … counted by ``createPageHTML(total, current, …)``."""

    name = "trs"
    _CALL = re.compile(r"createPageHTML\s*\(([^)]*)\)")
    _VAR = re.compile(r"var\s+(\w+)\s*=\s*([\"']?)([\w.]+)\2")
    _DETAIL = re.compile(r"/t(19|20)\d{6}_\d+\.s?html?$")

    def matches(self, url: str, text: str) -> bool:
        return "createPageHTML" in text or bool(self._DETAIL.search(urlsplit(url).path))

    def listing_urls(self, page_url: str, text: str) -> list[str]:
        variables = {name: value for name, _quote, value in self._VAR.findall(text)}
        urls: list[str] = []
        for call in self._CALL.finditer(text):
            args = [self._resolve(arg, variables) for arg in _split_args(call.group(1))]
            numbers = [int(a) for a in args if a.isdigit()]
            words = [a for a in args if a and not a.isdigit()]
            extension = next((w for w in reversed(words) if w.lower() in ("html", "shtml", "htm")), None)
            if not numbers or extension is None:
                continue
            index_at = words.index(extension) - 1
            prefix = words[index_at] if index_at >= 0 else "index"
            total = numbers[0]
            urls.append(canonical_url(urljoin(page_url, f"{prefix}.{extension}")))
            urls.extend(
                canonical_url(urljoin(page_url, f"{prefix}_{page}.{extension}")) for page in range(1, total)
            )
        return list(dict.fromkeys(urls))

    @staticmethod
    def _resolve(arg: str, variables: dict[str, str]) -> str:
        arg = arg.strip()
        if len(arg) >= 2 and arg[0] == arg[-1] and arg[0] in "\"'":
            return arg[1:-1]
        return variables.get(arg, arg)


class HanwebAdapter(Adapter):
    """Hanweb JCMS: records in ``<datastore><recordset><record><![CDATA[…]]>`` and more via dataproxy.jsp."""

    name = "hanweb"
    DEFAULT_PER_PAGE = 15
    DEFAULT_GROUP_SIZE = 3
    _RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
    _NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S)
    _HREF = re.compile(r"href\s*=\s*[\"']([^\"']+)[\"']")
    _TOTAL_RECORD = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>")
    _PER_PAGE = re.compile(r"perPage\s*:\s*['\"]?(\d+)")
    _GROUP = re.compile(r"groupSize\s*:\s*['\"]?(\d+)")
    _PROXY_URL = re.compile(r"proxyUrl\s*:\s*['\"]([^'\"]+)['\"]")

    def matches(self, url: str, text: str) -> bool:
        path = urlsplit(url).path
        return (
            "dataproxy.jsp" in text
            or "<datastore>" in text
            or bool(re.search(r"/col/col\d+/|/art/\d{4}/\d+/\d+/art_", path))
        )

    def listing_links(self, page_url: str, text: str) -> list[Link]:
        links: list[Link] = []
        for record in self._RECORD.findall(text):
            links.extend(links_in_fragment(page_url, record))
        return links

    def proxy_requests(self, page_url: str, text: str) -> list[ProxyRequest]:
        nextgroup = self._NEXTGROUP.search(text)
        if not nextgroup:
            return []
        href = self._HREF.search(nextgroup.group(1))
        if not href:
            return []
        proxy_target = urljoin(page_url, href.group(1).replace("&amp;", "&"))
        declared_proxy = self._PROXY_URL.search(text)
        endpoint = (
            urljoin(page_url, declared_proxy.group(1)) if declared_proxy else proxy_target.split("?")[0]
        )
        form = dict(parse_qsl(urlsplit(proxy_target).query, keep_blank_values=True))
        form.pop("page", None)
        form.setdefault("col", "1")
        form.setdefault("sourceContentType", "1")
        per_page = int(_first(self._PER_PAGE, text) or self.DEFAULT_PER_PAGE)
        group = int(_first(self._GROUP, text) or self.DEFAULT_GROUP_SIZE)
        window = max(1, per_page * group)
        inline_records = len(self._RECORD.findall(text))
        return [self._request(endpoint, form, start=inline_records + 1, window=window, per_page=per_page)]

    def read_proxy_response(self, request: ProxyRequest, body: str) -> ProxyListing:
        records = self._RECORD.findall(body)
        links: list[Link] = []
        for record in records:
            links.extend(links_in_fragment(request.url, record))
        total = _first(self._TOTAL_RECORD, body)
        after = request.start + request.window
        has_more = (int(total) >= after) if total else len(records) >= request.window
        next_request = None
        if records and has_more:
            per_page = dict(request.form).get("perpage") or str(self.DEFAULT_PER_PAGE)
            form = {k: v for k, v in request.form if k != "perpage"}
            next_request = self._request(
                request.url.split("?")[0], form, start=after, window=request.window, per_page=int(per_page)
            )
        return ProxyListing(links=links, next_request=next_request)

    def _request(
        self, endpoint: str, form: dict[str, str], *, start: int, window: int, per_page: int
    ) -> ProxyRequest:
        url = f"{endpoint}?startrecord={start}&endrecord={start + window - 1}&perpage={per_page}"
        return ProxyRequest(
            url=url,
            form=tuple(sorted({**form, "perpage": str(per_page)}.items())),
            start=start,
            window=window,
            adapter=self.name,
        )


class VsbAdapter(Adapter):
    """VSB (博达): ``info/{tree}/{news}.htm`` details, ``{col}/N.htm`` pages; plain links suffice.

    Recognised so logs and manifests name the family; its pagination and
    ``download.jsp?…DownloadAttachUrl`` attachments are handled generically.
    """

    name = "vsb"

    def matches(self, url: str, text: str) -> bool:
        return bool(re.search(r"/info/\d+/\d+\.htm|wbtreeid=", url)) or "_content/download.jsp" in text


class AnhuiDisclosureAdapter(Adapter):
    """Anhui 政务公开 platforms (``public/N/N.html``, ``OpennessContent/show/N.html``).

    Recognised by URL; their listings are plain links, so generic discovery suffices.
    """

    name = "anhui"

    def matches(self, url: str, text: str) -> bool:
        return bool(re.search(r"/public/\d+/\d+\.html|/OpennessContent/show/\d+\.html|/public/column/", url))


FAMILY_ADAPTERS: tuple[Adapter, ...] = (TrsAdapter(), HanwebAdapter(), VsbAdapter(), AnhuiDisclosureAdapter())
GENERIC = Adapter()


def adapters_for(configured: str, url: str, text: str) -> list[Adapter]:
    """The adapters to apply to one page: the named one, or (auto) every family whose signature matches."""
    if configured == "generic":
        return [GENERIC]
    if configured != "auto":
        return [GENERIC, *(a for a in FAMILY_ADAPTERS if a.name == configured)]
    return [GENERIC, *(a for a in FAMILY_ADAPTERS if a.matches(url, text))]


def adapter_named(name: str) -> Adapter:
    for adapter in FAMILY_ADAPTERS:
        if adapter.name == name:
            return adapter
    return GENERIC


def _split_args(arguments: str) -> list[str]:
    return [part.strip() for part in re.findall(r"\"[^\"]*\"|'[^']*'|[^,]+", arguments)]


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None
