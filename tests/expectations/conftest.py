"""Fixtures of the quality-suite tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from quality_batch import RUN_ID


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """The folder of one staged run, named as the staging layout names it."""
    return tmp_path / f"run={RUN_ID}"
