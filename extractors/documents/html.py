"""HTML reader (BeautifulSoup + lxml): the article body and its tables, portal chrome removed.

Why: most portals publish the self-evaluation table inline in the article page,
surrounded by navigation, breadcrumbs, share buttons and footers.  We keep the
smallest element that still holds most of the page's non-link text, then walk
it in order, expanding rowspan/colspan into a grid with None for covered cells.
Pages declared GBK/GB2312 are decoded as GB18030 (its superset).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from extractors.documents.limits import DEFAULT_LIMITS, ReaderLimits
from extractors.documents.model import Block, Document, DocumentError, Paragraph, Table

_INVISIBLE_TAGS = ("script", "style", "noscript", "template", "svg")
# Page furniture proper: kept as context (site name, breadcrumb, 来源 / 发布机构), never as the article.
_FURNITURE_TAGS = ("nav", "header", "footer")
_MAX_FURNITURE_LINES = 200
_MAX_META = 100
_CHROME_TAGS = (
    "iframe",
    "form",
    "button",
    "select",
    "input",
    "object",
    "embed",
)
_BLOCK_TAGS = {
    "table",
    "tbody",
    "thead",
    "tfoot",
    "td",
    "th",
    "p",
    "div",
    "section",
    "article",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "center",
    "main",
    "dd",
    "dt",
    "dl",
    "tr",
    "br",
    "hr",
    "font",
}
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_CONTENT_SHARE = 0.8


def decode_html(data: bytes) -> str:
    """Bytes → text: BOM, then the declared charset (GBK family → GB18030), then UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    match = _CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii").lower() if match else None
    if declared in ("gbk", "gb2312", "gb_2312-80", "gb18030", "x-gbk", "cp936"):
        return data.decode("gb18030", errors="replace")
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def read_html(path: Path, limits: ReaderLimits = DEFAULT_LIMITS) -> Document:
    """Read an HTML page into the article's paragraphs and tables."""
    from bs4 import BeautifulSoup

    data = path.read_bytes()
    if len(data) > limits.max_html_bytes:
        raise DocumentError("too_large", f"{len(data)} bytes of HTML exceed the limit")
    soup = BeautifulSoup(decode_html(data), "lxml")
    title = soup.title.get_text(strip=True) if soup.title else None
    meta = meta_of(soup)
    for tag in soup(_INVISIBLE_TAGS):
        tag.decompose()
    furniture: list[str] = []
    for tag in soup(_FURNITURE_TAGS):
        furniture += block_lines(tag)
        tag.decompose()
    for tag in soup(_CHROME_TAGS):
        tag.decompose()
    body = soup.body or soup
    root = _content_root(body)
    if root is not body:
        furniture = _text_around(body, root) + furniture
    blocks: list[Block] = []
    buffer: list[str] = []
    heading = body.find(["h1", "h2"])
    if heading is not None and root is not body and heading not in root.descendants:
        # The article's title often sits beside the content box we keep; it names the unit and year.
        title_text = re.sub(r"\s+", " ", heading.get_text()).strip()
        if title_text:
            blocks.append(Paragraph(text=title_text))
    _walk(root, blocks, buffer)
    _flush(blocks, buffer)
    if not blocks:
        raise DocumentError("empty", "the page has no article text")
    return Document(
        format="html",
        blocks=blocks,
        page_count=1,
        title=title,
        furniture=furniture[:_MAX_FURNITURE_LINES],
        meta=meta,
    )


def meta_of(soup: Any) -> dict[str, str]:
    """<meta name=… content=…> pairs (SiteName, ArticleTitle, ContentSource, PubDate … on CMS pages)."""
    out: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        name = tag.get("name") or tag.get("property")
        content = tag.get("content")
        if name and content and len(out) < _MAX_META:
            out.setdefault(str(name).strip(), re.sub(r"\s+", " ", str(content)).strip()[:300])
    return out


def block_lines(element: Any) -> list[str]:
    """An element's text as the lines a reader sees: one per block, a table row's cells joined."""
    blocks: list[Block] = []
    buffer: list[str] = []
    _walk(element, blocks, buffer)
    _flush(blocks, buffer)
    lines = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines += [" ".join(c for c in row if c) for row in block.rows if any(row)]
    return lines


def _text_around(body: Any, root: Any) -> list[str]:
    """The page's text outside the article box, in page order (the box itself left out)."""
    from bs4 import NavigableString

    stand_in = NavigableString("")
    root.replace_with(stand_in)
    try:
        return block_lines(body)
    finally:
        stand_in.replace_with(root)


def _own_text_length(element: Any) -> int:
    """Length of the text outside links: navigation is mostly links, articles mostly are not."""
    total = len(re.sub(r"\s+", "", element.get_text()))
    links = sum(len(re.sub(r"\s+", "", a.get_text())) for a in element.find_all("a"))
    return max(0, total - links)


def _content_root(body: Any) -> Any:
    """The deepest element that still holds most of the page's non-link text."""
    whole = _own_text_length(body)
    if whole == 0:
        return body
    node = body
    while True:
        children = [c for c in node.find_all(recursive=False) if c.name not in ("table",)]
        best = None
        for child in children:
            if _own_text_length(child) >= _CONTENT_SHARE * whole:
                best = child
                break
        if best is None:
            return node
        node = best


def _flush(blocks: list[Block], buffer: list[str]) -> None:
    text = re.sub(r"\s+", " ", "".join(buffer)).strip()
    buffer.clear()
    if text:
        blocks.append(Paragraph(text=text))


def _walk(element: Any, blocks: list[Block], buffer: list[str]) -> None:
    from bs4 import NavigableString, Tag

    for child in element.children:
        if isinstance(child, NavigableString):
            if type(child).__name__ in ("Comment", "Doctype", "Declaration", "ProcessingInstruction"):
                continue
            buffer.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        if child.name == "table" and child.find("table") is None:
            _flush(blocks, buffer)
            blocks.append(Table(rows=_table_grid(child)))
            continue
        # A table holding tables is page layout (old portals): its cells are containers, walked below.
        if child.name == "br":
            _flush(blocks, buffer)
            continue
        if child.name in _BLOCK_TAGS:
            _flush(blocks, buffer)
            _walk(child, blocks, buffer)
            _flush(blocks, buffer)
        else:
            _walk(child, blocks, buffer)


def _cell_text(cell: Any) -> str:
    for br in cell.find_all("br"):
        br.replace_with("\n")
    parts = []
    for block in cell.find_all(["p", "div"]) or [cell]:
        if block.find(["p", "div"]):
            continue
        parts.append(block.get_text())
    text = "\n".join(parts) if parts else cell.get_text()
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _table_grid(table: Any) -> list[list[str | None]]:
    """Expand rowspan/colspan: the spanning cell's text sits top-left, covered positions are None."""
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    grid: dict[tuple[int, int], str | None] = {}
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in grid:
                c += 1
            rowspan = _span(cell.get("rowspan"))
            colspan = _span(cell.get("colspan"))
            text = _cell_text(cell)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text if dr == 0 and dc == 0 else None
            c += colspan
            width = max(width, c)
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def _span(value: Any) -> int:
    try:
        return max(1, min(int(str(value).strip()), 200))
    except (TypeError, ValueError):
        return 1
