"""Zip bomb checks for DOCX/XLSX before any member is inflated.

Why: a 40 KB DOCX can inflate to gigabytes; the declared sizes in the central
directory are checked first, and inflation is then capped while reading.  Office
Open XML parts never carry a DTD, so a part that declares one (entity expansion,
"billion laughs", external entities) is refused before any XML parser sees it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from extractors.documents.limits import DEFAULT_LIMITS, ReaderLimits
from extractors.documents.model import DocumentError

_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"), "<!ENTITY".encode("utf-16-le"))


def check_zip(path: Path, limits: ReaderLimits = DEFAULT_LIMITS) -> None:
    """Raise DocumentError(zip_bomb | truncated) when the container is unsafe or broken."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > limits.max_zip_members:
                raise DocumentError("zip_bomb", f"{len(infos)} members in the container")
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > limits.max_zip_member_bytes:
                    raise DocumentError(
                        "zip_bomb", f"member {info.filename} inflates to {info.file_size} bytes"
                    )
                if info.file_size > limits.zip_ratio_floor_bytes and info.compress_size > 0:
                    ratio = info.file_size / info.compress_size
                    if ratio > limits.max_zip_ratio:
                        raise DocumentError(
                            "zip_bomb", f"member {info.filename} compression ratio {ratio:.0f} exceeds limit"
                        )
            if total > limits.max_zip_total_bytes:
                raise DocumentError("zip_bomb", f"container inflates to {total} bytes")
            for info in infos:
                _check_no_dtd(archive, info, limits)
    except zipfile.BadZipFile as exc:
        raise DocumentError("truncated", f"broken zip container: {exc}") from exc
    except zipfile.LargeZipFile as exc:
        raise DocumentError("zip_bomb", str(exc)) from exc


def _check_no_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ReaderLimits) -> None:
    """A DTD must precede the root element, so the head of each XML part is enough to look at."""
    if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
        return
    with archive.open(info) as member:
        head = member.read(limits.xml_head_bytes)
    if any(marker in head.upper() for marker in _DTD_MARKERS):
        raise DocumentError(
            "xml_bomb", f"part {info.filename} declares a DTD (entity expansion is refused in Office files)"
        )
