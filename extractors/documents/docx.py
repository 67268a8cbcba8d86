"""DOCX reader (python-docx): paragraphs and tables in body order, merged cells as None.

Why walk the body XML: python-docx lists paragraphs and tables separately;
the interpreters need them interleaved (a table's caption is the paragraph
before it).  python-docx's own parser does not resolve external entities.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extractors.documents.limits import DEFAULT_LIMITS, ReaderLimits
from extractors.documents.model import Block, Document, DocumentError, Paragraph, Table
from extractors.documents.zipguard import check_zip


def read_docx(path: Path, limits: ReaderLimits = DEFAULT_LIMITS) -> Document:
    """Read a .docx into paragraphs and tables in body order."""
    check_zip(path, limits)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        word = docx.Document(str(path))
    except PackageNotFoundError as exc:
        raise DocumentError("truncated", f"not a Word package: {exc}") from exc
    except KeyError as exc:
        raise DocumentError("truncated", f"Word package lacks a part: {exc}") from exc
    except Exception as exc:
        raise DocumentError("truncated", f"unreadable Word file ({type(exc).__name__}: {exc})") from exc
    blocks: list[Block] = []
    _walk(word.element.body, word, blocks)
    document = Document(format="docx", blocks=blocks, page_count=_page_count(word))
    if not blocks:
        raise DocumentError("empty", "the Word file has no text")
    return document


def _walk(container: Any, parent: Any, blocks: list[Block]) -> None:
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    for child in container.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = DocxParagraph(child, parent).text.strip()
            if text:
                blocks.append(Paragraph(text=text))
        elif tag == "tbl":
            table = DocxTable(child, parent)
            blocks.append(Table(rows=_grid(table)))
            for nested in child.iter(child.tag):
                if nested is not child:
                    blocks.append(Table(rows=_grid(DocxTable(nested, parent))))
        elif tag in ("sdt", "customXml"):
            content = child.find("{*}sdtContent") if tag == "sdt" else child
            if content is not None:
                _walk(content, parent, blocks)


def _grid(table: Any) -> list[list[str | None]]:
    """Cell texts on the layout grid; a cell repeated by a horizontal or vertical merge becomes None."""
    rows: list[list[str | None]] = []
    previous_tcs: list[Any] = []
    for row in table.rows:
        try:
            cells = list(row.cells)
        except Exception:
            continue
        out: list[str | None] = []
        tcs: list[Any] = []
        for index, cell in enumerate(cells):
            tc = cell._tc
            covered = (index > 0 and tcs[index - 1] is tc) or (
                index < len(previous_tcs) and previous_tcs[index] is tc
            )
            if not covered and _is_vmerge_continuation(tc):
                covered = True
            tcs.append(tc)
            out.append(None if covered else "\n".join(p.text for p in cell.paragraphs).strip())
        rows.append(out)
        previous_tcs = tcs
    return rows


def _is_vmerge_continuation(tc: Any) -> bool:
    tc_pr = tc.tcPr
    if tc_pr is None:
        return False
    vmerge = tc_pr.find("{*}vMerge")
    if vmerge is None:
        return False
    value = vmerge.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val")
    return value in (None, "continue")


def _page_count(word: Any) -> int | None:
    """Pages as last saved by Word (docProps/app.xml); None when not recorded."""
    try:
        app = [p for p in word.part.package.parts if str(p.partname) == "/docProps/app.xml"]
        if not app:
            return None
        from defusedxml import ElementTree

        root = ElementTree.fromstring(app[0].blob)
        for element in root.iter():
            if element.tag.endswith("Pages") and element.text and element.text.isdigit():
                return int(element.text)
    except Exception:
        return None
    return None
