"""CMS-family knowledge: what generic link-following cannot see on its own.

Why families, not sites: a few CMS products (TRS WCM, Hanweb JCMS and JPaaS, VSB,
the Anhui disclosure platform) build most gov.cn portals.  Each hides part of
its listing from plain ``<a>`` links — TRS writes page links from a script
(``createPageHTML``), Hanweb delivers records through an XML ``dataproxy.jsp``,
JPaaS through a JSON unit API, the Anhui platform through a label endpoint.
An adapter recognises its family from URL/page signatures and supplies the
missing listing URLs or records; everything else stays generic.
"""

from __future__ import annotations

import ast
import html
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from extractors.portals.discovery import Link, canonical_url, links_in_fragment


@dataclass(frozen=True)
class ProxyRequest:
    """A request for listing records outside the HTML (Hanweb jpage POST, JPaaS unit GET).

    ``start`` is the first record (Hanweb) or page number (JPaaS) asked for; ``window`` the
    records per request.  ``form`` is sent as the POST body; GET requests carry everything
    in ``url``.
    """

    url: str
    form: tuple[tuple[str, str], ...]
    start: int
    window: int
    adapter: str
    method: str = "POST"

    @property
    def key(self) -> str:
        return f"{self.method} {self.url} " + "&".join(f"{k}={v}" for k, v in self.form)


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
            first = canonical_url(urljoin(page_url, f"{prefix}.{extension}"))
            urls.append(first)
            if re.fullmatch(r"[\w-]+", prefix):
                # Every page of the column sits beside the first: one join, not one per page (a
                # 250-page column repeats this on each of its 250 listing pages).
                directory = first.rsplit("/", 1)[0]
                urls.extend(f"{directory}/{prefix}_{page}.{extension}" for page in range(1, total))
            else:
                names = (f"{prefix}_{page}.{extension}" for page in range(1, total))
                urls.extend(canonical_url(urljoin(page_url, name)) for name in names)
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
    """Anhui 政务公开 platforms, two generations.

    - ``public/column/<organId>?type=4&action=list&catId=…`` columns with ``public/<organId>/<id>.html``
      details: the column page renders at most its first page; the rest come from the label
      endpoint ``/site/label/8888?labelName=publicInfoList&…&pageIndex=N`` (an HTML fragment),
      whose parameters the page's script holds as an object (``{labelName: "publicInfoList",
      siteId: …, pageIndex: pageIndex, …}``) or as a URL, next to the pager's ``pageCount: N``.
    - ``OpennessContent/showList/<site>/<col>/page_N.html`` listings with
      ``OpennessContent/show/<id>.html`` details, whose pager may be drawn by script from
      "共N页"; every ``page_K.html`` is implied.

    Attachments (``/group<N>/M00/…/x.pdf``, download endpoints) are found generically.
    """

    name = "anhui"
    LABEL_PATH = "/site/label/8888"
    _SIGNATURE = re.compile(
        r"/public/\d+/\d+\.html|/(?:Branch)?OpennessContent/show(?:List)?/|/public/column/\d+|/site/label/\d+"
    )
    _PAGE_COUNT = re.compile(r"pageCount\s*[:=]\s*[\"']?(\d+)")
    _LABEL_OBJECT = re.compile(r"\{[^{}]*labelName\s*:\s*[\"']publicInfoList[\"'][^{}]*\}", re.S)
    _LABEL_URL = re.compile(
        r"[\"']([^\"'\s]*/site/label/\d+\?[^\"'\s]*labelName=publicInfoList[^\"'\s]*)[\"']"
    )
    _PAIR = re.compile(r"[\"']?(\w+)[\"']?\s*:\s*(?:\"([^\"]*)\"|'([^']*)'|([\w.-]+))")
    _VAR = re.compile(r"var\s+(\w+)\s*=\s*([\"']?)([^\"';\s]*)\2")
    _META_SITE_ID = re.compile(r"<meta[^>]+name=[\"']SiteId[\"'][^>]+content=[\"'](\w+)", re.I)
    _OPENNESS_PAGE = re.compile(r"^(.*/(?:Branch)?OpennessContent/showList/[\w/]+/)page_\d+\.html$")
    _TOTAL_PAGES = re.compile(r"共\s*(\d+)\s*页")
    # Where the label fragment's page number goes; everything else is passed through as the page has it.
    _PAGE_PARAMETER = "pageIndex"
    # jQuery's cache-buster: a fresh random number on every real request, so never part of a URL we keep.
    _VOLATILE_PARAMETERS = ("_",)

    def matches(self, url: str, text: str) -> bool:
        return bool(self._SIGNATURE.search(url)) or "publicInfoList" in text or "OpennessContent" in text

    def listing_urls(self, page_url: str, text: str) -> list[str]:
        return self._label_pages(page_url, text) + self._openness_pages(page_url, text)

    def _label_pages(self, page_url: str, text: str) -> list[str]:
        page_count = _first(self._PAGE_COUNT, text)
        if page_count is None:
            return []
        parameters = self._label_parameters(page_url, text)
        if parameters is None:
            return []
        endpoint, values = parameters
        urls = []
        for page in range(1, int(page_count) + 1):
            query = urlencode({**values, self._PAGE_PARAMETER: str(page)})
            urls.append(canonical_url(f"{endpoint}?{query}"))
        return urls

    def _label_parameters(self, page_url: str, text: str) -> tuple[str, dict[str, str]] | None:
        """The label endpoint and its parameters (page number left out), or None if not all are known."""
        literal = self._LABEL_URL.search(text)
        if literal:
            target = urljoin(page_url, html.unescape(literal.group(1)))
            parts = urlsplit(target)
            values = dict(parse_qsl(parts.query, keep_blank_values=True))
            endpoint = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        else:
            block = self._LABEL_OBJECT.search(text)
            if not block:
                return None
            known = self._known_names(page_url, text)
            values = {}
            for key, double, single, bare in self._PAIR.findall(block.group(0)):
                if key == self._PAGE_PARAMETER:
                    continue
                if bare and not re.fullmatch(r"-?\d+(\.\d+)?|true|false|null", bare):
                    if bare not in known:
                        return None  # a variable the page does not define: the request would be wrong
                    values[key] = known[bare]
                else:
                    values[key] = double or single or ("" if bare == "null" else bare)
            endpoint = urljoin(page_url, self.LABEL_PATH)
        for volatile in self._VOLATILE_PARAMETERS:
            values.pop(volatile, None)
        values.pop(self._PAGE_PARAMETER, None)
        return endpoint, values

    def _known_names(self, page_url: str, text: str) -> dict[str, str]:
        """Values a label object may name by variable: ``var x = …``, the page URL's query, meta SiteId."""
        known = {name: value for name, _quote, value in self._VAR.findall(text)}
        known.update(
            {k: v for k, v in parse_qsl(urlsplit(page_url).query, keep_blank_values=True) if k not in known}
        )
        site_id = _first(self._META_SITE_ID, text)
        if site_id:
            known.setdefault("siteId", site_id)
        return known

    def _openness_pages(self, page_url: str, text: str) -> list[str]:
        listing = self._OPENNESS_PAGE.match(urlsplit(page_url).path)
        total = _first(self._TOTAL_PAGES, text)
        if not listing or total is None:
            return []
        directory = urljoin(page_url, listing.group(1))
        return [canonical_url(f"{directory}page_{page}.html") for page in range(1, int(total) + 1)]


class JpaasAdapter(Adapter):
    """Hanweb JPaaS: the column page is an empty shell; lists come from a JSON "unit" API.

    The page names its list unit in a ``queryData="{'webId': …, 'tplSetId': …, 'tagId': …,
    'pageId': …}"`` attribute (``unitbuild.js``); ``GET /api-gateway/jpaas-publish-server/front/
    page/build/unit?…&paramJson={"pageNo":N,"pageSize":S}`` answers ``{"data": {"html": …}}``,
    an HTML fragment whose pager carries the record total as ``count="T"``.
    """

    name = "jpaas"
    UNIT_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"
    DEFAULT_PAGE_SIZE = 15
    REQUIRED_KEYS = ("webId", "tplSetId", "tagId", "pageId")
    _QUERY_DATA = re.compile(r"queryData\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
    _PAIR = re.compile(r"[\"']?(\w+)[\"']?\s*:\s*[\"']([^\"']*)[\"']")
    _TOTAL = re.compile(r"\bcount\s*=\s*[\"']?(\d+)")

    def matches(self, url: str, text: str) -> bool:
        return "jpaas-publish-server" in text or ("queryData" in text and "tplSetId" in text)

    def proxy_requests(self, page_url: str, text: str) -> list[ProxyRequest]:
        requests_: list[ProxyRequest] = []
        for double, single in self._QUERY_DATA.findall(text):
            unit = self._read_query_data(html.unescape(double or single))
            if not all(unit.get(key) for key in self.REQUIRED_KEYS):
                continue
            page_size = int(unit.pop("pageSize", "") or self.DEFAULT_PAGE_SIZE)
            parameters = {
                "parseType": unit.pop("parseType", "bulidstatic"),  # sic: the API's own spelling
                "webId": unit.pop("webId"),
                "tplSetId": unit.pop("tplSetId"),
                "pageType": unit.pop("pageType", "column"),
                "tagId": unit.pop("tagId"),
                "editType": unit.pop("editType", "null"),
                "pageId": unit.pop("pageId"),
            }
            endpoint = urljoin(page_url, self.UNIT_PATH)
            requests_.append(self._request(endpoint, parameters, page=1, page_size=page_size))
        return requests_

    def read_proxy_response(self, request: ProxyRequest, body: str) -> ProxyListing:
        try:
            payload: Any = json.loads(body)
        except ValueError:
            return ProxyListing()
        data = payload.get("data") if isinstance(payload, dict) else None
        fragment = data.get("html") if isinstance(data, dict) else None
        if not isinstance(fragment, str) or not fragment.strip():
            return ProxyListing()
        links = links_in_fragment(request.url, fragment)
        total = _first(self._TOTAL, fragment)
        if total is not None:
            has_more = request.start * request.window < int(total)
        else:
            has_more = len(links) >= request.window
        next_request = None
        if links and has_more:
            query = dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True))
            query.pop("paramJson", None)
            endpoint = request.url.split("?", 1)[0]
            next_request = self._request(endpoint, query, page=request.start + 1, page_size=request.window)
        return ProxyListing(links=links, next_request=next_request)

    def _read_query_data(self, value: str) -> dict[str, str]:
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            parsed = None
        if isinstance(parsed, dict):
            return {str(k): str(v) for k, v in parsed.items()}
        return dict(self._PAIR.findall(value))

    def _request(
        self, endpoint: str, parameters: dict[str, str], *, page: int, page_size: int
    ) -> ProxyRequest:
        paging = json.dumps({"pageNo": page, "pageSize": page_size}, separators=(",", ":"))
        url = f"{endpoint}?{urlencode({**parameters, 'paramJson': paging})}"
        return ProxyRequest(url=url, form=(), start=page, window=page_size, adapter=self.name, method="GET")


FAMILY_ADAPTERS: tuple[Adapter, ...] = (
    TrsAdapter(),
    HanwebAdapter(),
    VsbAdapter(),
    AnhuiDisclosureAdapter(),
    JpaasAdapter(),
)
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
