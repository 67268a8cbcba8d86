"""Format detection from the bytes, never from the extension.

Why: portals serve HTML error pages as ".pdf", DOCX as "download.jsp", and
XLS as ".doc"; the extension lies more often than the magic bytes.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_HINT = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|table|div|p|meta)\b", re.IGNORECASE)


def detect_format(path: Path) -> str:
    """One of pdf, docx, xlsx, doc, xls, html, txt, zip, empty, unknown."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    if not head.strip():
        return "empty"
    if b"%PDF" in head[:1024]:
        return "pdf"
    if head.startswith(_OLE2_MAGIC):
        return _ole2_kind(path)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path)
    sample = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _HTML_HINT.search(sample[:4096]):
        return "html"
    if b"\x00" not in head:
        return "txt"
    return "unknown"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return "zip"
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return "zip"


def _ole2_kind(path: Path) -> str:
    """Word and Excel binaries share the OLE2 container; their stream names tell them apart.

    Why parse directory entries instead of searching for the names: a Word file's text or
    fonts may contain "Book" in UTF-16 too; a directory entry is a 128-byte record with the
    name's byte length (terminator included) at offset 64 and an object type at 66.
    """
    data = path.read_bytes()[:8_000_000]
    names = _ole2_stream_names(data)
    if not names:
        # No directory found (a damaged or minimal container): fall back to the names' bytes anywhere.
        names = {n for n in ("WordDocument", "Workbook", "Book") if n.encode("utf-16-le") in data}
    if "WordDocument" in names:
        return "doc"
    if "Workbook" in names or "Book" in names:
        return "xls"
    return "doc"


def _ole2_stream_names(data: bytes) -> set[str]:
    names: set[str] = set()
    for offset in range(512, len(data) - 128 + 1, 128):
        length = int.from_bytes(data[offset + 64 : offset + 66], "little")
        if not (2 <= length <= 64 and length % 2 == 0) or data[offset + 66] not in (1, 2, 5):
            continue
        raw = data[offset : offset + length - 2]
        if data[offset + length - 2 : offset + length] != b"\0\0":
            continue
        try:
            name = raw.decode("utf-16-le")
        except UnicodeDecodeError:
            continue
        if name.isprintable():
            names.add(name)
    return names
