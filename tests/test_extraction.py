"""The per-file entry point and the batch runner: record shape, order, timeouts, crashes, memory."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractors import extraction
from extractors.extraction import EXTRACTOR_VERSION, extract_file, extract_files


def _only(results: object) -> list[dict]:
    """The one record each path gave (these documents hold one report, or failed)."""
    out = []
    for records in results:  # type: ignore[attr-defined]
        assert len(records) == 1, records
        out.append(records[0])
    return out


def _html_report(path: Path, year: int = 2023) -> Path:
    path.write_text(
        f"<html><body><p>{year}年度某某市某某区教育局部门整体支出绩效自评报告</p>"
        f"<p>{year}年预算安排2,753.66万元，财政下达预算指标2,597.66万元，决算支出2,395.00万元。</p></body></html>",
        encoding="utf-8",
    )
    return path


def test_record_shape_and_document_fields(tmp_path: Path) -> None:
    path = _html_report(tmp_path / "r.bin")
    record = extract_file(path, source_url="http://127.0.0.1/r", file_name="原始.html")
    assert record["schema_version"] == 1
    assert record["error"] is None
    document = record["document"]
    assert document["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert document["format"] == "html"
    assert document["file_name"] == "原始.html"
    assert document["source_url"] == "http://127.0.0.1/r"
    assert document["extractor_version"] == EXTRACTOR_VERSION
    facts = {(f["line"], f["stage"]): f["amount_wan_yuan"] for f in record["budget_facts"]}
    assert facts == {
        ("total", "initial_budget"): 2753.66,
        ("total", "adjusted_budget"): 2597.66,
        ("total", "executed"): 2395.0,
    }
    assert all(f["origin"] == "prose" for f in record["budget_facts"])
    json.dumps(record)


def test_cli_prints_one_record(tmp_path: Path) -> None:
    path = _html_report(tmp_path / "r.html")
    out = subprocess.run(
        [sys.executable, "-m", "extractors.extraction", str(path)], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout)["report"]["fiscal_year"] == 2023


def test_batch_yields_in_input_order_with_errors_in_place(tmp_path: Path) -> None:
    good_a = _html_report(tmp_path / "a.html", 2021)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    good_b = _html_report(tmp_path / "b.html", 2022)
    records = _only(extract_files([good_a, empty, good_b], workers=2, source_urls=["u1", None, "u3"]))
    assert [r["report"]["fiscal_year"] if r["report"] else None for r in records] == [2021, None, 2022]
    assert records[1]["error"]["kind"] == "empty"
    assert [r["document"]["source_url"] for r in records] == ["u1", None, "u3"]


def _hang(path: Path, **_: object) -> list[dict]:
    time.sleep(60)
    return []


def _crash(path: Path, **_: object) -> list[dict]:
    import os

    os._exit(3)


def _hog(path: Path, **_: object) -> list[dict]:
    blocks = [bytearray(64 * 1024 * 1024) for _ in range(64)]
    return [{"n": len(blocks)}]


def test_a_hanging_document_gives_a_timeout_record_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extraction, "extract_document", _hang)
    started = time.monotonic()
    records = _only(extract_files([tmp_path / "a.pdf", tmp_path / "b.pdf"], workers=2, timeout_s=0.5))
    assert [r["error"]["kind"] for r in records] == ["timeout", "timeout"]
    assert time.monotonic() - started < 10


def test_a_dying_worker_gives_an_error_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extraction, "extract_document", _crash)
    (record,) = _only(extract_files([tmp_path / "a.pdf"], timeout_s=10))
    assert record["error"]["kind"] == "crashed"
    assert record["budget_facts"] == []


def test_memory_limit_gives_a_memory_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extraction, "extract_document", _hog)
    (record,) = _only(extract_files([tmp_path / "a.pdf"], timeout_s=30, memory_mb=512))
    assert record["error"]["kind"] == "memory"


def test_source_urls_must_match_paths(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        list(extract_files([tmp_path / "a"], source_urls=[]))


def _pid(path: Path, **_: object) -> list[dict]:
    import os

    return [{"path": path.name, "pid": os.getpid(), "error": None}]


def test_a_large_parent_leaves_each_document_its_full_memory_allowance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers fork from whatever runs them (an Airflow task, a test session with dbt loaded):
    a parent already 1.6 GB virtual must neither starve documents nor retire a worker each time."""
    import mmap

    reserved = mmap.mmap(-1, 1600 * 1024 * 1024)  # address space only: nothing is touched
    try:
        monkeypatch.setattr(extraction, "extract_document", _pid)
        records = _only(extract_files([tmp_path / name for name in "abcd"], timeout_s=30, memory_mb=512))
        assert [r["error"] for r in records] == [None] * 4
        assert len({r["pid"] for r in records}) == 1
        monkeypatch.setattr(extraction, "extract_document", _hog)
        (record,) = _only(extract_files([tmp_path / "big.pdf"], timeout_s=30, memory_mb=512))
        assert record["error"]["kind"] == "memory"
    finally:
        reserved.close()


_ORPHAN_SCRIPT = """
import multiprocessing, sys, time
from pathlib import Path
from extractors.extraction import extract_files
paths = [Path(p) for p in sys.argv[1:]]
batch = extract_files(paths, workers=2)
next(batch)
print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_parent_killed_mid_batch(tmp_path: Path) -> None:
    """kill -9 of the extracting process must not leave its workers alive (they block on a pipe
    whose other end every worker still holds, so they would never see EOF)."""
    paths = []
    for number in range(4):
        path = tmp_path / f"r{number}.txt"
        text = f"某某局2023年度部门整体支出绩效自评报告\n年初预算{number + 1}万元。"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    parent = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN_SCRIPT, *paths], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert workers and all(_alive(pid) for pid in workers)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)], "workers outlived their parent"
