"""``python -m extractors`` keeps the contract of interfaces.md §1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "extractors", *args], capture_output=True, text=True, timeout=300, cwd=cwd
    )


def test_no_command_is_a_usage_error() -> None:
    result = _cli()
    assert result.returncode == 2
    assert "usage" in result.stderr


def test_extract_without_files_is_a_usage_error() -> None:
    assert _cli("extract", "--json").returncode == 2


def test_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    assert _cli("extract", "--no-such-option", str(tmp_path)).returncode == 2


def test_unreadable_files_give_error_records_and_exit_zero(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    html_as_pdf = tmp_path / "page.pdf"
    html_as_pdf.write_text("<html><body>404 页面不存在</body></html>", encoding="utf-8")
    missing = tmp_path / "missing.docx"
    result = _cli("extract", str(empty), str(html_as_pdf), str(missing), "--json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 3
    for record in records:
        assert record["schema_version"] == 1
        assert record["error"]["kind"] and record["error"]["message"]
        assert record["budget_facts"] == [] and record["indicators"] == []


def test_one_json_object_per_line_in_argument_order(tmp_path: Path) -> None:
    pytest.importorskip("docx")
    from docx import Document

    first = tmp_path / "first.docx"
    document = Document()
    document.add_paragraph("2023年度项目支出绩效自评报告")
    document.save(first)
    second = tmp_path / "second.pdf"
    second.write_bytes(b"not a pdf at all")
    result = _cli("extract", str(first), str(second), "--json")
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])["document"]["file_name"] == "first.docx"
    assert json.loads(lines[1])["document"]["file_name"] == "second.pdf"


def test_summary_without_a_warehouse_explains(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "extractors", "summary"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "WAREHOUSE_PATH": str(tmp_path / "none.duckdb")},
    )
    assert result.returncode == 1
    assert "run the pipeline first" in result.stderr


def test_needs_build_prints_the_decision_and_summary_repeats_it(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "DATA_DIR": str(tmp_path / "data"),
        "WAREHOUSE_PATH": str(tmp_path / "none.duckdb"),
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "extractors", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)

    decided = cli("needs-build", "--run-id", "r1")
    assert decided.returncode == 0, decided.stderr
    decision = json.loads(decided.stdout)
    assert decision["build"] is True and decision["run_id"] == "r1"
    assert "no published warehouse recorded" in decision["reasons"][0]
    summary = cli("summary")
    assert summary.returncode == 1
    assert "last run: run r1: warehouse rebuild needed" in summary.stderr
