"""Bad inputs give one specific error kind each and never an exception out of extract_file."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from extractors.documents import doc as doc_reader
from extractors.extraction import extract_file

from .builders import build_pdf


def _error_kind(path: Path) -> str | None:
    record = extract_file(path)
    assert record["budget_facts"] == [] and record["indicators"] == []
    return record["error"]["kind"] if record["error"] else None


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert _error_kind(path) == "empty"


def test_missing_file(tmp_path: Path) -> None:
    record = extract_file(tmp_path / "nope.pdf")
    assert record["error"]["kind"] == "missing"


def test_truncated_pdf(tmp_path: Path) -> None:
    whole = build_pdf(tmp_path / "whole.pdf", ["2023年度某某局部门整体支出绩效自评报告"] * 30)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole.read_bytes()[:900])
    assert _error_kind(cut) in {"truncated", "empty"}


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = build_pdf(tmp_path / "locked.pdf", ["机密"], encrypt_password="secret")
    assert _error_kind(path) == "encrypted"


def test_html_saved_as_pdf_is_read_as_html(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_text(
        "<html><body><p>2023年度某某局部门整体支出绩效自评报告</p></body></html>", encoding="utf-8"
    )
    record = extract_file(path)
    assert record["error"] is None
    assert record["document"]["format"] == "html"
    assert record["report"]["fiscal_year"] == 2023


def test_zip_bomb_docx(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(24):
                member.write(chunk)
    assert _error_kind(path) == "zip_bomb"


def test_zip_without_office_parts_is_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert _error_kind(path) == "not_a_report_format"


def test_binary_garbage_is_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(bytes(range(256)) * 8)
    assert _error_kind(path) == "not_a_report_format"


def test_broken_docx(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<not-closed")
    assert _error_kind(path) == "truncated"


def test_doc_without_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doc_reader, "soffice_binary", lambda: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 512)
    assert _error_kind(path) == "converter_missing"


def test_scanned_pdf_with_nothing_legible(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    png = tmp_path / "scan.png"
    _write_grey_png(png)
    path = tmp_path / "scan.pdf"
    sheet = canvas.Canvas(str(path), pagesize=A4)
    sheet.drawImage(ImageReader(str(png)), 50, 50, width=400, height=600)
    sheet.showPage()
    sheet.save()
    from extractors.documents.ocr import tesseract_binary

    assert _error_kind(path) == ("ocr_no_text" if tesseract_binary() else "ocr_unavailable")


def _write_grey_png(path: Path) -> None:
    import struct
    import zlib

    width = height = 8
    raw = b"".join(b"\0" + b"\x80" * width for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_a_portal_error_page_is_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "download.pdf"
    path.write_text("<html><body>404 页面不存在</body></html>", encoding="utf-8")
    assert _error_kind(path) == "not_a_report"


def _office_with_entity_bomb(tmp_path: Path, fmt: str) -> Path:
    """A generated report whose main XML part is replaced by a "billion laughs" document."""
    import io
    import random

    from extractors.samples import random_report_spec, render_report

    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10)
    )
    bomb = f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><root>&lol9;</root>'.encode()
    member = "word/document.xml" if fmt == "docx" else "xl/worksheets/sheet1.xml"
    source = zipfile.ZipFile(io.BytesIO(render_report(random_report_spec(random.Random(1)), fmt)))
    path = tmp_path / f"bomb.{fmt}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, bomb if info.filename == member else source.read(info.filename))
    return path


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_xml_entity_bomb_in_office_file(tmp_path: Path, fmt: str) -> None:
    assert _error_kind(_office_with_entity_bomb(tmp_path, fmt)) == "xml_bomb"


def test_four_thousand_page_pdf_is_refused_cheaply(tmp_path: Path) -> None:
    """Bounded outcome, not a timing: the page limit is applied before any page is parsed."""
    import resource

    from .builders import build_many_page_pdf

    path = build_many_page_pdf(tmp_path / "huge.pdf", 4000)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    record = extract_file(path)
    assert record["error"]["kind"] == "too_large"
    assert "4000 pages" in record["error"]["message"]
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 200 * 1024


def test_a_report_page_saved_in_gbk_reads_like_the_utf8_one(tmp_path: Path) -> None:
    import random

    from extractors.samples import random_report_spec, render_report

    spec = random_report_spec(random.Random(4), kind="department_overall")
    page = render_report(spec, "html").decode("utf-8")
    assert 'charset="utf-8"' in page.lower() or "charset=utf-8" in page.lower()
    gbk_page = re.sub(r"(?i)charset=\"?utf-8\"?", 'charset="gbk"', page)
    utf8_path, gbk_path = tmp_path / "utf8.html", tmp_path / "gbk.html"
    utf8_path.write_text(page, encoding="utf-8")
    gbk_path.write_bytes(gbk_page.encode("gbk", errors="strict"))
    from_utf8, from_gbk = extract_file(utf8_path), extract_file(gbk_path)
    assert from_gbk["error"] is None
    assert from_gbk["report"] == from_utf8["report"]
    assert from_gbk["budget_facts"] == from_utf8["budget_facts"]
    assert from_gbk["indicators"] == from_utf8["indicators"]


def test_a_hanging_converter_is_killed_with_its_children(tmp_path: Path) -> None:
    """The .doc converter runs in its own process group; on timeout nothing of it survives."""

    from extractors.documents.doc import _run_converter
    from extractors.documents.model import DocumentError

    marker = tmp_path / "child.pid"
    script = f"sleep 30 & echo $! > {marker}; wait"
    with pytest.raises(DocumentError) as caught:
        _run_converter(["sh", "-c", script], timeout_s=0.5)
    assert caught.value.kind == "timeout"
    child = int(marker.read_text())
    assert _gone_within(child, seconds=2.5)


def _gone_within(pid: int, seconds: float) -> bool:
    """Whether process ``pid`` no longer exists (or is a zombie awaiting its reaper) within ``seconds``."""
    import os
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        status = Path(f"/proc/{pid}/status")
        if status.exists() and "\nState:\tZ" in status.read_text():
            return True
        time.sleep(0.05)
    return False
