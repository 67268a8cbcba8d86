"""Legacy .doc reader: LibreOffice headless converts to .docx, then the DOCX reader reads it.

Why a fresh user profile per call: concurrent soffice processes sharing one
profile block or corrupt each other (-env:UserInstallation per conversion).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from extractors.documents.docx import read_docx
from extractors.documents.limits import DEFAULT_LIMITS, ReaderLimits
from extractors.documents.model import Document, DocumentError


def soffice_binary() -> str | None:
    """Path of the LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _run_converter(command: list[str], timeout_s: float) -> None:
    """Run soffice in its own process group and kill the whole group on timeout.

    Why the group: ``soffice`` is a wrapper that starts ``soffice.bin``; killing only the
    wrapper would leave the converter running (and holding memory) after the timeout.
    """
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise DocumentError("timeout", f"LibreOffice took longer than {timeout_s:g}s") from exc


def read_doc(path: Path, limits: ReaderLimits = DEFAULT_LIMITS) -> Document:
    """Convert a .doc to .docx in a temp dir and read that."""
    binary = soffice_binary()
    if binary is None:
        raise DocumentError("converter_missing", "LibreOffice (soffice) is not on PATH; .doc cannot be read")
    with tempfile.TemporaryDirectory(prefix="govperf-doc-") as work:
        work_dir = Path(work)
        source = work_dir / "input.doc"
        shutil.copyfile(path, source)
        profile = (work_dir / "profile").as_uri()
        command = [
            binary,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            str(work_dir / "out"),
            str(source),
        ]
        _run_converter(command, limits.soffice_timeout_s)
        converted = work_dir / "out" / "input.docx"
        if not converted.exists():
            raise DocumentError("truncated", "LibreOffice could not convert the .doc file")
        document = read_docx(converted, limits)
    document.format = "doc"
    return document
