"""extract_files reuses its worker processes across a batch, and retires them by policy."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from extractors import extraction
from extractors.extraction import WorkerPolicy, extract_files


def _only(results: object) -> list[dict]:
    """The one record each path gave (these documents hold one report, or failed)."""
    out = []
    for records in results:  # type: ignore[attr-defined]
        assert len(records) == 1, records
        out.append(records[0])
    return out


def _pid_record(path: Path, **_: object) -> list[dict]:
    return [{"path": path.name, "pid": os.getpid(), "error": None}]


def _fail_memory_on_b(path: Path, **_: object) -> list[dict]:
    if path.name == "b":
        raise MemoryError
    return _pid_record(path)


def _paths(tmp_path: Path, count: int) -> list[Path]:
    return [tmp_path / name for name in "abcdefghij"[:count]]


def test_one_worker_serves_the_whole_batch_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extraction, "extract_document", _pid_record)
    records = _only(extract_files(_paths(tmp_path, 6), workers=1, timeout_s=30))
    assert [r["path"] for r in records] == list("abcdef")
    assert len({r["pid"] for r in records}) == 1
    assert records[0]["pid"] != os.getpid()


def test_two_workers_split_the_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extraction, "extract_document", _pid_record)
    records = _only(extract_files(_paths(tmp_path, 8), workers=2, timeout_s=30))
    assert [r["path"] for r in records] == list("abcdefgh")
    assert len({r["pid"] for r in records}) <= 2


def test_a_worker_retires_after_max_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extraction, "extract_document", _pid_record)
    policy = WorkerPolicy(max_documents=2)
    records = _only(extract_files(_paths(tmp_path, 5), workers=1, timeout_s=30, policy=policy))
    pids = [r["pid"] for r in records]
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]


def test_a_worker_that_ran_out_of_memory_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extraction, "extract_document", _fail_memory_on_b)
    records = _only(extract_files(_paths(tmp_path, 3), workers=1, timeout_s=30))
    assert records[1]["error"]["kind"] == "memory"
    assert records[0]["pid"] != records[2]["pid"]
