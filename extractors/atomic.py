"""Crash-safe file writes: raw store, crawl state, records, run files and the published warehouse.

Why: a file that a later run trusts (a raw document named by its sha256, the
validators that let it skip a download) must either be complete or absent.
Write to a temp file in the same directory, fsync, ``os.replace``, fsync the
directory: a crash at any point leaves at most a ``*.part`` file nobody reads.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform lets a directory be opened
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def replace_into(temp_path: Path, final_path: Path) -> None:
    """Move a fully written temp file to its final name atomically and durably."""
    final_path.parent.mkdir(parents=True, exist_ok=True)
    fsync_file(temp_path)
    os.replace(temp_path, final_path)
    fsync_directory(final_path.parent)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


def swap_symlink(link: Path, target_name: str) -> None:
    """Point ``link`` at ``target_name`` (a sibling's name) in one atomic rename.

    Why a link: a folder of files cannot be replaced by rename while it exists, so a reader
    listing it mid-swap would see some new files and some old.  Readers resolve the link once
    and read one whole version; the link is relative, so it resolves in any mount of the folder.
    """
    staged = link.with_name(f".{link.name}.link.part")
    staged.unlink(missing_ok=True)
    os.symlink(target_name, staged)
    os.replace(staged, link)
    fsync_directory(link.parent)
