"""Rebuild a real corpus page as the DOCX and PDF a person would save or print from the portal.

Usage: python tests/corpus/rebuild_formats.py tests/corpus/real/r22.html [more.html ...]

Why LibreOffice HTML -> DOCX -> PDF: it is how the shared development corpus was
rebuilt, so a page in this folder reaches the extractor in the same three shapes
(an inline HTML article, a Word attachment, a printed PDF) as the shared ones.
Each conversion gets a fresh LibreOffice profile, so parallel runs do not collide.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def convert(source: Path, target_filter: str, out_dir: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is not installed: run `make setup` first")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                target_filter,
                "--outdir",
                str(out_dir),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def rebuild(html: Path) -> list[Path]:
    out_dir = html.parent
    convert(html, "docx:MS Word 2007 XML", out_dir)
    docx = html.with_suffix(".docx")
    convert(docx, "pdf", out_dir)
    pdf = html.with_suffix(".pdf")
    for made in (docx, pdf):
        if not made.is_file() or made.stat().st_size == 0:
            raise SystemExit(f"LibreOffice did not write {made}")
    return [docx, pdf]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    for name in argv:
        html = Path(name)
        if html.suffix != ".html" or not html.is_file():
            print(f"not an .html file: {html}", file=sys.stderr)
            return 2
        for made in rebuild(html):
            print(made)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
