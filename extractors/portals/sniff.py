"""What a response really is: format from its bytes, name from its headers, text from its charset.

Why not trust headers: gov portals serve PDFs as ``application/octet-stream``
or ``text/html``, name files only in ``Content-Disposition`` (sometimes in
raw GBK bytes), and label GBK pages as GB2312.  The bytes are the only
reliable witness.
"""

from __future__ import annotations

import re
import zipfile
from email.message import Message
from pathlib import Path
from urllib.parse import unquote, urlsplit

PDF_MAGIC = b"%PDF"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
DOCUMENT_FORMATS = ("pdf", "docx", "doc", "xlsx", "xls", "html")

_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|table|script|style|link|p|a)\b",
    re.I | re.S,
)
_CHARSET_IN_TYPE = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_CHARSET_IN_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
# GB2312 and GBK are subsets of GB18030; pages labelled with them routinely contain GBK-only characters.
_CHINESE_CHARSETS = {"gb2312", "gbk", "gb18030", "x-gbk", "gb_2312-80", "cp936", "euc-cn", "hz-gb-2312"}


def sniff_format(head: bytes, path: Path | None = None, content_type: str = "") -> str | None:
    """pdf/docx/doc/xlsx/xls/html from the leading bytes (and the file for containers), else None."""
    if head.startswith(PDF_MAGIC) or head[:1024].lstrip().startswith(PDF_MAGIC):
        return "pdf"
    if head.startswith(OLE2_MAGIC):
        return _ole2_kind(path)
    if head.startswith(ZIP_MAGIC):
        return _zip_kind(path)
    body = head.lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(body) or ("html" in content_type.lower() and b"<" in body[:2048]):
        return "html"
    return None


def _ole2_kind(path: Path | None) -> str | None:
    """Word and Excel binaries are both OLE2 containers; the stream names tell them apart."""
    if path is None:
        return "doc"
    data = path.read_bytes()
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    return None


def _zip_kind(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return None
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    return None


def filename_from_content_disposition(header: str | None) -> str | None:
    """The file name in a Content-Disposition header: RFC 5987 ``filename*`` first, then ``filename``.

    requests hands header values over as latin-1 text; portals put raw UTF-8
    or GBK bytes (or percent-encoding) in plain ``filename=``, so it is repaired.
    """
    if not header:
        return None
    message = Message()
    message["content-disposition"] = header
    extended = re.search(r"filename\*\s*=\s*([^;]+)", header, re.I)
    if extended:
        value = extended.group(1).strip().strip('"')
        charset, _, encoded = value.partition("'")
        _language, _, encoded = encoded.partition("'")
        if encoded:
            try:
                return _clean_name(unquote(encoded, encoding=charset or "utf-8", errors="strict"))
            except (LookupError, UnicodeDecodeError):
                return _clean_name(unquote(encoded, encoding="gb18030", errors="replace"))
    plain = message.get_param("filename", header="content-disposition")
    if isinstance(plain, tuple):  # email's RFC 2231 decoding result
        plain = plain[2]
    if not plain:
        return None
    return _clean_name(_repair_mojibake(unquote(str(plain))))


def _repair_mojibake(value: str) -> str:
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        return value
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return value


# C0 and C1 control characters (CR, LF, NUL, ESC …), DEL, and the Unicode line and paragraph
# separators: none belongs in a file name, and a CR/LF stored verbatim forges a log line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean_header_text(value: str | None) -> str | None:
    """A header value (or anything a server chose) fit to store and log: control characters
    become spaces, runs of white space one space; None when nothing is left."""
    if value is None:
        return None
    cleaned = re.sub(r"\s+", " ", _CONTROL.sub(" ", value)).strip()
    return cleaned or None


def _clean_name(name: str) -> str | None:
    # Never let a header choose a path: keep only the last component.
    name = clean_header_text(name) or ""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name if name not in ("", ".", "..") else None


def filename_from_url(url: str) -> str | None:
    return _clean_name(unquote(urlsplit(url).path.rsplit("/", 1)[-1]))


def html_charset(body: bytes, content_type: str) -> str:
    """The Python codec to decode a page with (GB family → gb18030)."""
    # A byte-order mark says how the page is encoded whatever its label claims (a UTF-16 page
    # labelled gb2312 decoded as GB is garbage, its links lost).  UTF-32 first: its LE mark
    # begins with UTF-16's.
    if body.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if body.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    declared = None
    match = _CHARSET_IN_META.search(body[:4096])
    if match:
        declared = match.group(1).decode("ascii", errors="ignore")
    type_match = _CHARSET_IN_TYPE.search(content_type or "")
    if type_match:
        declared = type_match.group(1)
    if declared:
        label = declared.lower()
        if label in _CHINESE_CHARSETS:
            return "gb18030"
        try:
            "".encode(label)
        except LookupError:
            declared = None
        else:
            return label
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def decode_html(body: bytes, content_type: str = "") -> str:
    """Page text; a wrong declared charset degrades to replacement characters, never an exception."""
    charset = html_charset(body, content_type)
    text = body.decode(charset, errors="replace")
    if charset not in ("utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-32") and "\ufffd" in text:
        for fallback in ("utf-8", "gb18030"):
            try:
                return body.decode(fallback)
            except UnicodeDecodeError:
                continue
    if charset == "utf-8" and text.count("\ufffd") > 10:
        try:
            return body.decode("gb18030")
        except UnicodeDecodeError:
            pass
    return text


# Above this share of replacement characters a decoded page is not text: recorded as an error
# rather than parsed into nothing.
UNDECODABLE_SHARE = 0.05


def is_undecodable(text: str) -> bool:
    """Whether a decoded page is mostly replacement characters (no charset made sense of it)."""
    return bool(text) and text.count("\ufffd") / len(text) > UNDECODABLE_SHARE
