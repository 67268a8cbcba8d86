"""Zip bomb checks for DOCX/XLSX before any member is inflated.

Why: a 40 KB DOCX can inflate to gigabytes; the declared sizes in the central
directory are checked first, and inflation is then capped while reading.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from extractors.documents.limits import DEFAULT_LIMITS, ReaderLimits
from extractors.documents.model import DocumentError


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
    except zipfile.BadZipFile as exc:
        raise DocumentError("truncated", f"broken zip container: {exc}") from exc
    except zipfile.LargeZipFile as exc:
        raise DocumentError("zip_bomb", str(exc)) from exc
