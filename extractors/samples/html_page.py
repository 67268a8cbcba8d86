"""Portal page chrome (header, nav, breadcrumb, footer) shared by every sample HTML page.

Why shared: an inline report is read from a full portal article page, chrome
and all, exactly like the listing and notice pages around it; one template
keeps the sample portal's pages alike, as a real CMS's are.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from extractors.samples.layout import Document, Paragraph, Table

SITE_NAME = "示例市财政局"
COLUMN_NAME = "财政预决算"
COLUMN_PATH = "/xxgk/czyjs/"


def page(title: str, main_html: str, *, meta: dict[str, str] | None = None) -> str:
    """A complete page: TRS-like header, nav and footer around ``main_html``."""
    meta_tags = "".join(
        f'<meta name="{escape(name)}" content="{escape(value)}">\n' for name, value in (meta or {}).items()
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{escape(title)}_{SITE_NAME}</title>
<meta name="SiteName" content="{SITE_NAME}">
{meta_tags}</head>
<body>
<div class="header"><div class="logo">{SITE_NAME}</div>
<ul class="nav"><li><a href="/index.html">首页</a></li>
<li><a href="{COLUMN_PATH}index.html">政府信息公开</a></li>
<li><a href="{COLUMN_PATH}index.html">{COLUMN_NAME}</a></li></ul></div>
<div class="position">当前位置：<a href="/index.html">首页</a> &gt;
<a href="{COLUMN_PATH}index.html">{COLUMN_NAME}</a></div>
<div class="main">
{main_html}
</div>
<div class="footer"><p>主办单位：{SITE_NAME}　　网站标识码：0000000000</p>
<p>地址：示例市人民路1号　　联系电话：0000-00000000</p></div>
</body>
</html>
"""


def article(title: str, published_at: dt.date, body_html: str, *, source: str | None = SITE_NAME) -> str:
    """A detail page: title, 发布时间 and 来源 line (none when ``source`` is None), then the body."""
    date_text = published_at.isoformat()
    source_span = f"　<span>来源：{escape(source)}</span>" if source else ""
    main = (
        f'<div class="article"><h1 class="title">{escape(title)}</h1>\n'
        f'<div class="info"><span>发布时间：{date_text}</span>{source_span}</div>\n'
        f'<div class="TRS_Editor">\n{body_html}\n</div></div>'
    )
    meta = {"ArticleTitle": title, "PubDate": f"{date_text} 09:30"}
    if source:
        meta["ContentSource"] = source
    return page(title, main, meta=meta)


def _table_html(block: Table) -> str:
    rows = []
    for row in block.rows:
        cells = []
        for cell in row:
            tag = "th" if cell.header else "td"
            spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
            )
            cells.append(f"<{tag}{spans}>{escape(cell.text)}</{tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<table border="1" cellspacing="0" cellpadding="4" style="border-collapse:collapse">\n'
        + "\n".join(rows)
        + "\n</table>"
    )


def _paragraph_html(block: Paragraph) -> str:
    style = ' style="text-align:center"' if block.centered else ""
    text = f"<strong>{escape(block.text)}</strong>" if block.heading else escape(block.text)
    return f"<p{style}>{text}</p>"


def document_html(document: Document) -> str:
    """The report's sections as article-body HTML (tables as real <table>s)."""
    parts = []
    for section in document.sections:
        for block in section.blocks:
            parts.append(_table_html(block) if isinstance(block, Table) else _paragraph_html(block))
    return "\n".join(parts)
