"""Reading one HTML page the way a person scanning a portal would.

Why generic: hundreds of portals share a handful of CMS families but no
markup, so discovery relies on what every listing and article page has —
links with visible titles, dates beside them, "下一页" and page numbers,
attachments with file extensions or download endpoints, and titles in
``<title>``/``<h1>``/meta tags.  Keyword matching decides what is a report.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from extractors.portals.sniff import decode_html, is_undecodable

DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et")
# Download endpoints whose URL carries no file name (downfile.jsp, download.jsp?…, DownloadAttachUrl, …).
DOWNLOAD_ENDPOINT = re.compile(
    r"(downfile|download|downloadfile|getfile|fileDownload|attachment|DownloadAttachUrl)[\w]*"
    r"(\.(jsp|do|action|aspx?|php)|\?|/\d)",
    re.I,
)
NAVIGATION_WORDS = (
    "下一页",
    "下页",
    "后页",
    "下一頁",
    "next",
    ">",
    "›",
    "»",
    ">>",
    "尾页",
    "末页",
    "最后一页",
)
PAGE_NUMBER = re.compile(r"^\[?\s*(\d{1,4})\s*\]?$")
# Headers that only a performance self-evaluation table carries; two of them make a table a report.
INLINE_REPORT_MARKERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年初预算数",
    "全年预算数",
    "全年执行数",
    "年度指标值",
    "实际完成值",
    "绩效指标",
)
# Words of the outline a narrative self-evaluation walks (一、绩效目标分解下达情况 / 二、绩效目标完成情况分析
# / (一)资金投入情况分析 …): an article printing three of them and an amount is the report itself.
NARRATIVE_REPORT_MARKERS = (
    "绩效目标",
    "完成情况",
    "自评",
    "资金投入",
    "执行情况",
    "到位",
    "绩效指标",
    "产出指标",
    "效益指标",
    "满意度",
    "下达",
    "预算",
    "执行",
)
_AMOUNT = re.compile(r"\d(?:\.\d+)?\s*万?元")
NOT_FOUND_MARKERS = re.compile(
    r"(?<![\d.])404(?![\d.万元号])|not\s*found|页面不存在|页面未找到|网页不存在|找不到(该|您)?(页面|网页|文件)|"
    r"(信息|文章|内容|页面)(已被?删除|不存在)|访问的页面",
    re.I,
)
DATE_PATTERN = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
# Date labels by preference: disclosure pages print 成文日期 (when the text was signed) before
# 发布日期 in their metadata table, and the publication date is the one wanted.
DATE_LABELS_BY_PREFERENCE = (
    ("发布时间", "发布日期", "公开日期", "发文日期"),
    ("成文日期", "生成日期", "更新时间", "日期", "时间"),
)
_DATE_VALUE = r"((?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})"
DATE_LABELLED = tuple(
    re.compile(rf"({'|'.join(labels)})\s*[:：]?\s*{_DATE_VALUE}") for labels in DATE_LABELS_BY_PREFERENCE
)
URL_DATE_PATTERNS = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+\.s?html?$"),  # TRS
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),  # Hanweb
    re.compile(r"/((?:19|20)\d{2})-?(\d{2})/(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),
)
PUBLISHED_META = ("pubdate", "publishdate", "firstpublishedtime", "articlepubdate", "article:published_time")
TITLE_META = ("articletitle", "og:title", "title")


@dataclass(frozen=True)
class Link:
    """An ``<a>`` on a page: absolute URL, its words (text and title attribute) and a date beside it."""

    url: str
    text: str
    listing_date: str | None = None


@dataclass
class ParsedPage:
    url: str
    title: str | None
    title_candidates: list[str]
    published_at: str | None
    links: list[Link]
    has_report_table: bool
    looks_not_found: bool
    # The article is a narrative report in its own right (outline words and amounts, no table).
    has_report_narrative: bool = False
    # No charset made sense of the bytes: recorded as an error, not parsed into nothing.
    undecodable: bool = False
    text: str = field(repr=False, default="")
    # What the page prints around its article (title, 来源 / 发布机构, breadcrumb, date, site):
    # the context of the reports it publishes, inline or as attachments.
    context: dict[str, Any] = field(default_factory=dict)


def normalise_text(value: str) -> str:
    """NFKC and no whitespace: keywords match across full-width forms and line breaks."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


class KeywordRule:
    """A source's include/exclude keywords: a text is a report if it has an include and no exclude."""

    def __init__(self, include: Iterable[str], exclude: Iterable[str]) -> None:
        self.include = [normalise_text(k) for k in include if k.strip()]
        self.exclude = [normalise_text(k) for k in exclude if k.strip()]

    def includes(self, *texts: str | None) -> bool:
        joined = [normalise_text(t) for t in texts if t]
        return any(k in t for k in self.include for t in joined)

    def excludes(self, *texts: str | None) -> bool:
        joined = [normalise_text(t) for t in texts if t]
        return any(k in t for k in self.exclude for t in joined)

    def is_report(self, *texts: str | None) -> bool:
        return self.includes(*texts) and not self.excludes(*texts)


def canonical_url(url: str) -> str:
    """Drop the fragment and any ``user:password@``, normalise the host case; the query is kept.

    Why drop the userinfo: every URL the crawler stores (state, manifest, records, staging, the
    warehouse's source_url) and logs passes through here, and credentials must reach none of
    them (a portal that needs them gets them from the environment, registry.portal_credentials).
    """
    parts = urlsplit(url.strip())
    netloc = without_userinfo(parts.netloc).lower()
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, ""))


def without_userinfo(netloc: str) -> str:
    """``user:pass@host:port`` → ``host:port``."""
    return netloc.rpartition("@")[2]


def is_attachment_url(url: str) -> bool:
    path = unquote(urlsplit(url).path).lower()
    return path.endswith(DOCUMENT_EXTENSIONS) or bool(DOWNLOAD_ENDPOINT.search(url))


def is_pagination_link(link: Link, page_url: str) -> bool:
    """'下一页'-style words, or a bare page number pointing into the same directory."""
    text = link.text.strip().lower()
    if not text:
        return False
    if any(text == word or text.startswith(word) for word in NAVIGATION_WORDS):
        return True
    if PAGE_NUMBER.match(text):
        return _directory(link.url) == _directory(page_url) or _directory(link.url).startswith(
            _directory(page_url)
        )
    return False


def _directory(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path.rsplit('/', 1)[0]}/"


def iso_date(year: str, month: str, day: str) -> str | None:
    y, m, d = int(year), int(month), int(day)
    if 1 <= m <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return None


def find_date(text: str | None) -> str | None:
    if not text:
        return None
    match = DATE_PATTERN.search(text)
    return iso_date(*match.groups()) if match else None


def date_from_url(url: str) -> str | None:
    path = urlsplit(url).path
    for pattern in URL_DATE_PATTERNS:
        match = pattern.search(path)
        if match:
            found = iso_date(*match.groups())
            if found:
                return found
    return None


def parse_page(url: str, body: bytes, content_type: str = "") -> ParsedPage:
    """Decode (GB family as GB18030) and read titles, date, links, inline tables and 404-ness."""
    text = decode_html(body, content_type)
    soup = BeautifulSoup(text, "lxml")
    base = url
    base_tag = soup.find("base", href=True)
    if isinstance(base_tag, Tag):
        base = urljoin(url, str(base_tag["href"]))
    candidates = _title_candidates(soup)
    visible = soup.get_text(" ", strip=True)
    headline = " ".join(candidates[:3])
    return ParsedPage(
        url=url,
        title=candidates[0] if candidates else None,
        title_candidates=candidates,
        published_at=_published_date(soup, visible),
        links=links_in(soup, base),
        has_report_table=any(_is_report_table(table) for table in soup.find_all("table")),
        has_report_narrative=_is_report_narrative(visible),
        undecodable=is_undecodable(text),
        looks_not_found=bool(
            NOT_FOUND_MARKERS.search(headline) or (len(visible) < 600 and NOT_FOUND_MARKERS.search(visible))
        ),
        text=text,
        context=_page_context(soup, candidates[0] if candidates else None, url),
    )


def _page_context(soup: BeautifulSoup, title: str | None, url: str) -> dict[str, Any]:
    """The page's context as the extraction record carries it (documents.furniture)."""
    from extractors.documents.furniture import context_of_soup

    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    context = context_of_soup(soup, title).as_dict()
    context["url"] = url
    return context


def links_in_fragment(base_url: str, fragment: str) -> list[Link]:
    """Links of an HTML fragment (e.g. a Hanweb ``<record>`` CDATA)."""
    return links_in(BeautifulSoup(fragment, "lxml"), base_url)


def links_in(soup: BeautifulSoup, base_url: str) -> list[Link]:
    links: list[Link] = []
    seen: set[str] = set()
    for anchor in soup.find_all("a", href=True):
        href = str(anchor["href"]).strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        absolute = canonical_url(urljoin(base_url, href))
        if not absolute.startswith(("http://", "https://")):
            continue
        visible = anchor.get_text(" ", strip=True)
        title_attribute = str(anchor.get("title") or "").strip()
        # Listings truncate visible titles ("…绩效自…"); the title attribute often holds the full one.
        if title_attribute in visible:
            words = visible
        elif visible.rstrip(".…") in title_attribute:
            words = title_attribute
        else:
            words = f"{visible} {title_attribute}".strip()
        key = f"{absolute}\x00{words}"
        if key in seen:
            continue
        seen.add(key)
        links.append(Link(url=absolute, text=words, listing_date=_date_beside(anchor)))
    return links


def _date_beside(anchor: Tag) -> str | None:
    """A date in the anchor's own row (li/tr/dd/div holding just this link), as listings print it."""
    own = find_date(anchor.get_text(" ", strip=True))
    node: Tag | None = anchor.parent if isinstance(anchor.parent, Tag) else None
    for _level in range(3):
        if node is None or node.name in ("body", "html", "ul", "ol", "table", "tbody"):
            break
        if len(node.find_all("a", href=True)) > 2:
            break
        found = find_date(node.get_text(" ", strip=True))
        if found:
            return found
        node = node.parent if isinstance(node.parent, Tag) else None
    return own


def _title_candidates(soup: BeautifulSoup) -> list[str]:
    titles: list[str] = []
    for meta in soup.find_all("meta"):
        name = str(meta.get("name") or meta.get("property") or "").lower()
        content = str(meta.get("content") or "").strip()
        if name in TITLE_META and content:
            titles.append(content)
    titles.extend(_headings(soup, "h1"))
    if soup.title:
        raw_title = soup.title.get_text(" ", strip=True)
        first = re.split(r"\s*(?:_|\||--|—| - )\s*", raw_title)[0]
        titles.append(first if len(first) >= 4 else raw_title)
    if len(titles) <= 1:
        # Sidebars use h2 for column names ("通知公告"), so h2 counts only when nothing better exists.
        titles.extend(_headings(soup, "h2"))
    return list(dict.fromkeys(t for t in titles if t))


def _headings(soup: BeautifulSoup, tag: str) -> list[str]:
    found = []
    for heading in soup.find_all(tag, limit=3):
        heading_text = heading.get_text(" ", strip=True)
        if 4 <= len(heading_text) <= 200:
            found.append(heading_text)
    return found


def _published_date(soup: BeautifulSoup, visible: str) -> str | None:
    for meta in soup.find_all("meta"):
        name = str(meta.get("name") or meta.get("property") or "").lower()
        if name in PUBLISHED_META:
            found = find_date(str(meta.get("content") or ""))
            if found:
                return found
    for pattern in DATE_LABELLED:
        labelled = pattern.search(visible)
        if labelled:
            return find_date(labelled.group(2))
    return None


def _is_report_narrative(visible: str) -> bool:
    text = normalise_text(visible)
    return sum(marker in text for marker in NARRATIVE_REPORT_MARKERS) >= 3 and bool(_AMOUNT.search(text))


def _is_report_table(table: Tag) -> bool:
    cells = normalise_text(table.get_text(" ", strip=True))
    return sum(marker in cells for marker in INLINE_REPORT_MARKERS) >= 2
