"""One entry point from a file to the neutral document model, dispatching on the detected format."""

from __future__ import annotations

from pathlib import Path

from extractors.documents.detect import detect_format
from extractors.documents.furniture import set_printed_footer_aside
from extractors.documents.limits import DEFAULT_LIMITS, ReaderLimits
from extractors.documents.model import Document, DocumentError, Paragraph


def read_text_file(path: Path) -> Document:
    """Plain text: one paragraph per non-blank line (GB18030 when not UTF-8)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    blocks = [Paragraph(text=line.strip()) for line in text.splitlines() if line.strip()]
    if not blocks:
        raise DocumentError("empty", "the text file is blank")
    return Document(format="txt", blocks=list(blocks), page_count=None)


def read_document(path: Path, limits: ReaderLimits = DEFAULT_LIMITS) -> Document:
    """Read any supported file; raises DocumentError with a specific kind otherwise.

    A web page printed or saved as PDF / Word ends in the site's footer (打印本页, 网站地图, 主办单位):
    those lines become the document's furniture, as an HTML reader keeps them, never the report's
    last paragraph."""
    document = _read_by_format(path, limits)
    if document.format in ("pdf", "docx", "doc"):
        set_printed_footer_aside(document)
    return document


def _read_by_format(path: Path, limits: ReaderLimits) -> Document:
    kind = detect_format(path)
    if kind == "empty":
        raise DocumentError("empty", "the file has no content")
    if kind == "pdf":
        from extractors.documents.pdf import read_pdf

        return read_pdf(path, limits)
    if kind == "docx":
        from extractors.documents.docx import read_docx

        return read_docx(path, limits)
    if kind == "xlsx":
        from extractors.documents.spreadsheet import read_xlsx

        return read_xlsx(path, limits)
    if kind == "xls":
        from extractors.documents.spreadsheet import read_xls

        return read_xls(path, limits)
    if kind == "doc":
        from extractors.documents.doc import read_doc

        return read_doc(path, limits)
    if kind == "html":
        from extractors.documents.html import read_html

        return read_html(path, limits)
    if kind == "txt":
        return read_text_file(path)
    raise DocumentError("not_a_report_format", f"unsupported file type ({kind})")
