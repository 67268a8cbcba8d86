"""The note (expectations/README.md) lists every expectation of the suites with its severity."""

from __future__ import annotations

import re
from pathlib import Path

from expectations.settings import QualitySettings
from expectations.suites import build_suites

README = Path(__file__).resolve().parents[2] / "expectations" / "README.md"
TABLE_ROW = re.compile(r"^\| (\w+) \| `(\w+)` \| (error|warn) \|", re.MULTILINE)


def test_readme_lists_every_expectation_with_its_severity() -> None:
    listed = sorted(TABLE_ROW.findall(README.read_text(encoding="utf-8")))
    suites = sorted(
        (suite.name, rule.name, rule.severity)
        for suite in build_suites(QualitySettings())
        for rule in suite.rules
    )
    assert listed == suites
