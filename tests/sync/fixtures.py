"""Fixtures of tests/sync and tests/e2e: the session's devstack, a fresh school and devices per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sync.support import DevicePark, School, unique


@pytest.fixture(scope="session")
def server(devstack: Any) -> Any:
    """The devstack (real PostgreSQL 15 behind the Supabase-compatible HTTP front), one per session."""
    return devstack


@pytest.fixture
def school(server: Any) -> School:
    """A new organisation per test, so tests never see each other's rows."""
    return School(server, unique("school"))


@pytest.fixture
def devices(server: Any, tmp_path: Path) -> Iterator[DevicePark]:
    park = DevicePark(server, tmp_path / "devices")
    yield park
    park.close()
