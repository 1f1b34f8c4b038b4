"""tests/sync: the engine against the real devstack (see tests/sync/fixtures.py)."""

from tests.sync.fixtures import devices, school, server

__all__ = ["devices", "school", "server"]
