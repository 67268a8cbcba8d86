"""Byte-identical output for a given seed: fixed document dates and zip entry times.

Why: the crawler and the warehouse key documents by sha256; a sample portal
whose files changed bytes at every build would look like a portal re-publishing
everything, and the ground truth's sha256 could not be checked.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

# The moment every sample document claims to have been written (docx/xlsx core properties, zip entries).
FIXED_TIMESTAMP = dt.datetime(2024, 1, 1, 8, 0, 0)
_ZIP_DATE = FIXED_TIMESTAMP.timetuple()[:6]
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def normalize_ooxml(data: bytes) -> bytes:
    """Re-pack an OOXML zip with fixed entry times and core-property dates, keeping member order."""
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            payload = source.read(info)
            if info.filename == "docProps/core.xml":
                payload = _CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<2>", payload)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, payload)
    return out.getvalue()
