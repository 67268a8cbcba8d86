"""Fixtures for the sample generator and portal tests: one built site per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from extractors.samples import SamplePortal, build_sample_portal, running_sample_portal


@pytest.fixture(scope="session")
def built_portal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default sample portal (seed 2023, 8 reports), built once."""
    return build_sample_portal(tmp_path_factory.mktemp("sample_portal"))


@pytest.fixture
def portal(built_portal: Path) -> Iterator[SamplePortal]:
    """The built portal served on a free loopback port, with a fresh request log per test."""
    with running_sample_portal(built_portal) as running:
        yield running
