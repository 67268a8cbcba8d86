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
from dataclasses import replace

from extractors.documents.furniture import PageContext, context_from_lines
from extractors.documents.model import Document, Paragraph, Table
from extractors.normalize.text import cell_text, compact

__all__ = ["PageContext", "page_context", "usable_site_name"]

_GENERIC_SITE = re.compile(r"人民政府$|^(?:政务公开|信息公开|政府信息公开|首页|门户网站)$|网$|门户$")
_FURNITURE_SCAN_BLOCKS = 25


def page_context(document: Document) -> PageContext:
    """The context the document itself carries: <meta> and furniture of a web page, and the
    header / 来源 / breadcrumb lines at the top of a printed page."""
    lines = list(document.furniture) + _top_lines(document)
    site = None
    if not (document.meta.get("SiteName") or document.meta.get("sitename")):
        if document.format == "html" and document.furniture:
            site = document.furniture[0]
        elif document.format in ("pdf", "docx", "doc"):
            site = _printed_site_header(document)
    return context_from_lines(lines, document.meta, document.title, site)


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
