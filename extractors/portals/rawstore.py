"""Content-addressed store of downloaded documents: ``raw_dir/<sha[:2]>/<sha256>``.

Why content addressing: the same bytes reposted under a new URL are stored
once, ids derive from the bytes (report_id = sha256[:16]), and "have we seen
this document" is a file-existence check that needs no database.
"""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path

from extractors.atomic import replace_into, write_bytes_atomic

log = logging.getLogger("extractors.portals")

SPOOL_DIR_NAME = ".spool"
STALE_SPOOL_AGE_S = 24 * 3600


class RawStore:
    """Immutable files named by their sha256; writes arrive as finished spool files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.spool_dir = root / SPOOL_DIR_NAME

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def commit(self, spool_path: Path, sha256: str) -> bool:
        """Move a spooled download into place; False (and the spool removed) when already stored."""
        final = self.path_for(sha256)
        if final.is_file():
            spool_path.unlink(missing_ok=True)
            return False
        replace_into(spool_path, final)
        return True

    def commit_bytes(self, data: bytes, sha256: str) -> bool:
        """Store bytes already in memory (inline HTML reports); False when already stored."""
        final = self.path_for(sha256)
        if final.is_file():
            return False
        write_bytes_atomic(final, data)
        return True

    def verify(self, sha256: str) -> bool:
        """Re-hash a stored file (used when a later run must trust an older one)."""
        path = self.path_for(sha256)
        if not path.is_file():
            return False
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest() == sha256

    def sweep_spool(self, older_than_s: float = STALE_SPOOL_AGE_S) -> int:
        """Delete spool files left by crashed runs; they are never trusted, only cleaned."""
        if not self.spool_dir.is_dir():
            return 0
        cutoff = time.time() - older_than_s
        removed = 0
        for leftover in self.spool_dir.glob("*.part"):
            try:
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()
                    removed += 1
            except OSError:
                continue
        if removed:
            log.info("removed %d stale spool files from %s", removed, self.spool_dir)
        return removed
