"""Fixtures shared by every test folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.settings import PROJECT_ROOT, Settings, load_settings

SHARED_DIR = PROJECT_ROOT.parent / "shared"
SEEDS_DIR = SHARED_DIR / "corpus" / "seeds"


@pytest.fixture
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Point DATA_DIR and WAREHOUSE_PATH at a temp dir, as a user would with the env vars."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "warehouse" / "warehouse.duckdb"))
    return load_settings()
