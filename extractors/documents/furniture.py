"""What a web page prints around its article: title, site, 发布机构 / 来源, breadcrumb, date.

Why in documents: the crawler reads it from the article page that links an attachment, and the
report reader from an HTML article (or a page printed to PDF) itself; both read the same labels.
``PageContext`` is what travels with a document from the crawl to its extraction record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from extractors.documents.model import Document, Paragraph, Table
from extractors.normalize.text import compact, fold_space

# Labels that introduce the publishing unit on an article page, most specific first.
_PUBLISHER_LABELS = (
    r"发布机构",
    r"信息来源",
    r"文章来源",
    r"来源单位",
    r"来\s*源",
    r"责任部门",
    r"发文机关",
)
_PUBLISHER = re.compile(
    r"(?:\[\s*)?(?P<label>" + "|".join(_PUBLISHER_LABELS) + r")(?:\s*\])?\s*[:：]?\s*"
    r"(?P<value>[\u4e00-\u9fff（）()·]{2,40}?)(?=\s|$|[|｜,，;；]|作者|时间|发布|日期|浏览|点击|字号|责任|关键|【|\[)"
)
_HOST_LABEL = re.compile(r"(?:主办单位|主办|网站主办)\s*[:：]\s*(?P<value>[\u4e00-\u9fff（）()]{2,40})")
_DATE = re.compile(
    r"(?:发布时间|发布日期|生成日期|成文日期|日期|时间)\s*[:：\]]?\s*(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})"
    r"\s*[-/.月]\s*(?P<d>\d{1,2})"
)
# The footer every portal prints under an article, and so every page printed or saved from one.
_FOOTER_LINE = re.compile(
    r"网站地图|联系我们|使用帮助|打印本页|关闭窗口|【\s*打印\s*】|【\s*关闭\s*】|分辨率|版权所有|ICP\s*备|"
    r"网站标识码|公网安备|主办单位\s*[:：]|承办单位\s*[:：]|技术支持\s*[:：]|政府网站找错"
)
_BREADCRUMB = re.compile(r"(?:您(?:当前)?(?:的|所在的?)?位置|当前位置)\s*[:：]?\s*(?P<path>.+)$")


@dataclass(frozen=True)
class PageContext:
    """What the page around a report says of it; every field None when not printed."""

    title: str | None = None
    site_name: str | None = None
    publisher: str | None = None  # 发布机构 / 来源 / 信息来源 / 责任部门
    host: str | None = None  # 主办单位 in the footer
    breadcrumb: tuple[str, ...] = field(default_factory=tuple)
    published: str | None = None  # YYYY-MM-DD
    url: str | None = None

    def merged_with(self, lower: PageContext) -> PageContext:
        """This context, its gaps filled from ``lower`` (e.g. the article page of an attachment)."""
        values = {}
        for name in ("title", "site_name", "publisher", "host", "published", "url"):
            values[name] = getattr(self, name) or getattr(lower, name)
        values["breadcrumb"] = self.breadcrumb or lower.breadcrumb
        return PageContext(**values)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "site_name": self.site_name,
            "publisher": self.publisher,
            "host": self.host,
            "breadcrumb": list(self.breadcrumb),
            "published": self.published,
            "url": self.url,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> PageContext:
        if not data:
            return cls()
        crumbs = data.get("breadcrumb") or ()
        if isinstance(crumbs, str):
            crumbs = tuple(p.strip() for p in re.split(r"\s*(?:>>|>|›|»|/)\s*", crumbs) if p.strip())
        return cls(
            title=_text(data.get("title")),
            site_name=_text(data.get("site_name")),
            publisher=_text(data.get("publisher")),
            host=_text(data.get("host")),
            breadcrumb=tuple(str(p) for p in crumbs),
            published=_text(data.get("published")),
            url=_text(data.get("url")),
        )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = compact(str(value))
    return text or None


def context_from_lines(
    lines: list[str], meta: dict[str, str], title: str | None, site: str | None = None
) -> PageContext:
    """The context a page's text lines (furniture first) and <meta> state."""
    site = site or meta.get("SiteName") or meta.get("sitename") or meta.get("og:site_name")
    publisher = _text(meta.get("ContentSource") or meta.get("contentsource") or meta.get("Author") or None)
    host = None
    published = None
    breadcrumb: tuple[str, ...] = ()
    for line in lines:
        text = fold_space(line)
        if publisher is None:
            match = _PUBLISHER.search(text)
            if match:
                publisher = match.group("value")
        if host is None:
            match = _HOST_LABEL.search(text)
            if match:
                host = match.group("value")
        if published is None:
            match = _DATE.search(text)
            if match:
                published = f"{match.group('y')}-{int(match.group('m')):02d}-{int(match.group('d')):02d}"
        if not breadcrumb:
            match = _BREADCRUMB.search(text)
            if match:
                parts = re.split(r"\s*(?:>>|>|›|»)\s*", match.group("path"))
                breadcrumb = tuple(p for p in (compact(x) for x in parts) if p)
    title = _text(meta.get("ArticleTitle") or meta.get("articletitle") or title)
    if title:
        title = re.split(r"[_|]|\s[-—–]\s", title)[0].strip() or None
    return PageContext(
        title=title,
        site_name=_text(site) if site and len(compact(site)) <= 40 else None,
        publisher=publisher,
        host=host,
        breadcrumb=breadcrumb,
        published=published,
    )


def set_printed_footer_aside(document: Document) -> None:
    """Move the site footer that closes a printed web page (and everything after its first line)
    from the document's blocks to its furniture: a report's last heading must not take "网站地图 |
    联系我们" for its text.  Only a run of blocks that starts with a footer line and holds nothing
    but short lines is moved, so a report that merely mentions 联系我们 keeps its text."""
    blocks = document.blocks
    start = len(blocks)
    for index in range(len(blocks) - 1, max(len(blocks) - _FOOTER_SCAN_BLOCKS, -1), -1):
        lines = _block_lines(blocks[index])
        if any(len(compact(line)) > _FOOTER_LINE_MAX for line in lines):
            break
        if any(_FOOTER_LINE.search(line) and not line.rstrip().endswith("。") for line in lines):
            start = index
    if start == len(blocks):
        return
    for block in blocks[start:]:
        document.furniture.extend(_block_lines(block))
    del blocks[start:]


_FOOTER_SCAN_BLOCKS = 8
_FOOTER_LINE_MAX = 40


def _block_lines(block: Paragraph | Table) -> list[str]:
    if isinstance(block, Paragraph):
        return [line for line in block.text.splitlines() if line.strip()] or [block.text]
    return [" | ".join(compact(c) for c in row if c) for row in block.rows]


def context_of_soup(soup: Any, title: str | None = None) -> PageContext:
    """The context of a parsed HTML page (BeautifulSoup): its <meta> and every block's text line."""
    from extractors.documents.html import block_lines, meta_of

    body = soup.body or soup
    return context_from_lines(block_lines(body), meta_of(soup), title)
