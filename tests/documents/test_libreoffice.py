"""Legacy binaries: a .doc and an .xls made by LibreOffice from generated reports read like the originals."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path
from typing import Any

import pytest

from extractors.documents.doc import soffice_binary
from extractors.extraction import extract_file
from extractors.samples import random_report_spec, render_report, spec_to_record

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        soffice_binary() is None,
        reason="LibreOffice is not installed (apt-packages.txt: libreoffice-*-nogui)",
    ),
]


def _convert(source: Path, target_format: str) -> Path:
    """LibreOffice headless conversion with a throwaway profile, as a portal's author would save it."""
    out_dir = source.parent / "converted"
    profile = (source.parent / "profile").as_uri()
    subprocess.run(
        [soffice_binary(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", target_format, "--outdir", str(out_dir), str(source)],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    converted = out_dir / f"{source.stem}.{target_format.split(':')[0]}"
    assert converted.is_file(), f"LibreOffice did not write {converted.name}"
    return converted


def _content(record: dict[str, Any]) -> tuple[Any, ...]:
    facts = sorted(
        (f["line"], f["stage"], f["item"] or "", f["amount_wan_yuan"]) for f in record["budget_facts"]
    )
    fields = ("name", "level1", "level2", "target_op", "target_value", "actual_value", "weight", "score")
    indicators = sorted(tuple(str(i[f]) for f in fields) for i in record["indicators"])
    return record["report"], facts, indicators


@pytest.mark.parametrize(
    ("source_format", "legacy_format", "kind"),
    [("docx", "doc", "department_overall"), ("xlsx", "xls", "project")],
)
def test_legacy_binary_reads_like_its_original(
    tmp_path: Path, source_format: str, legacy_format: str, kind: str
) -> None:
    spec = random_report_spec(random.Random(5), kind=kind)
    original = tmp_path / f"report.{source_format}"
    original.write_bytes(render_report(spec, source_format))
    legacy = _convert(original, legacy_format if legacy_format == "doc" else "xls:MS Excel 97")
    from_original = extract_file(original)
    from_legacy = extract_file(legacy)
    assert from_legacy["error"] is None, from_legacy["error"]
    assert from_legacy["document"]["format"] == legacy_format
    assert _content(from_legacy) == _content(from_original)
    truth = spec_to_record(spec)
    assert {k: from_legacy["report"].get(k) for k in truth["report"]} == truth["report"]
