"""Page context: what the portal page around a report prints about it (title, 来源, 发布机构, site).

Why a second, lower-priority source: an attachment ("2023年度项目支出绩效自评表.xlsx") often
names neither its unit nor its year, and a narrative published inline names itself only in the
article title or the "来源：XX局" line.  labelling.md lets a reader take the unit and the year
from there when the report body does not print them - never over what the body prints.

The context comes from the document itself (an HTML page's furniture and <meta>, the header
and 来源 lines a printed page carries at its top) and, for an attachment, from the article
page the crawler found it on (``PageContext`` passed in by the pipeline or the CLI).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from extractors.documents.model import Document, Paragraph, Table
from extractors.normalize.text import cell_text, compact, fold_space

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
_BREADCRUMB = re.compile(r"(?:您(?:当前)?(?:的|所在的?)?位置|当前位置)\s*[:：]?\s*(?P<path>.+)$")
_GENERIC_SITE = re.compile(r"人民政府$|^(?:政务公开|信息公开|政府信息公开|首页|门户网站)$|网$|门户$")
_FURNITURE_SCAN_BLOCKS = 25


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


def page_context(document: Document) -> PageContext:
    """The context the document itself carries: <meta> and furniture of a web page, and the
    header / 来源 / breadcrumb lines at the top of a printed page."""
    lines = list(document.furniture) + _top_lines(document)
    meta = document.meta
    site = meta.get("SiteName") or meta.get("sitename") or meta.get("og:site_name")
    if not site and document.furniture:
        site = document.furniture[0]
    if not site and document.format in ("pdf", "docx", "doc"):
        site = _printed_site_header(document)
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
    title = _text(meta.get("ArticleTitle") or meta.get("articletitle") or document.title)
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


def _top_lines(document: Document) -> list[str]:
    """The first blocks of the body as lines (a table row's cells joined), where a printed page
    or an inline article keeps its 发布机构 / 来源 / 发布时间 metadata."""
    lines: list[str] = []
    for block in document.blocks[:_FURNITURE_SCAN_BLOCKS]:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines += [" ".join(cell_text(c) for c in row if c) for row in block.rows[:8]]
    for block in document.blocks[-8:]:
        if isinstance(block, Paragraph):
            lines.append(block.text)
    return lines


def _printed_site_header(document: Document) -> str | None:
    """The site's name printed as the first line of a page saved or printed from a portal."""
    first = next((b for b in document.blocks if isinstance(b, Paragraph)), None)
    if first is None or document.blocks.index(first) > 1:
        return None
    text = compact(first.text).replace(" ", "")
    return text if 2 <= len(text) <= 30 and not re.search(r"\d|绩效|自评|报告|附件", text) else None


def usable_site_name(context: PageContext) -> str | None:
    """The site's name when it names one body (河北省水利厅), not a government portal or a section."""
    site = context.site_name
    if not site or _GENERIC_SITE.search(site):
        return None
    return site


def with_origin(context: PageContext, url: str | None) -> PageContext:
    return replace(context, url=url) if url and not context.url else context
