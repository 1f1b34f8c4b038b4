"""Shared test setup: offscreen Qt, a throwaway data folder per test, no real OS keyring, the --slow switch."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never touch the developer's real keyring; the app's own file fallback is exercised explicitly.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

pytest_plugins = ["tests.fixtures.devstack"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="run the long property and soak tests too")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip_slow = pytest.mark.skip(reason="long-running; run with --slow (nightly)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test gets its own data and config folder, so nothing reads or writes the user's real ones."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("TUTORDESK_DATA_DIR", str(folder))
    monkeypatch.setenv("TUTORDESK_CONFIG_DIR", str(tmp_path / "config"))
    yield folder
