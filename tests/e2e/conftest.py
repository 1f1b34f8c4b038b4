"""tests/e2e: two devices and one server (see tests/sync/fixtures.py)."""

from tests.sync.fixtures import devices, school, server

__all__ = ["devices", "school", "server"]
