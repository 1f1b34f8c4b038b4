"""Make a database look like a fresh Supabase project: roles, extensions, the auth schema, its functions."""

from __future__ import annotations

import logging
from importlib import resources

import psycopg

log = logging.getLogger(__name__)


def bootstrap_sql() -> str:
    return resources.files("devstack").joinpath("sql/bootstrap.sql").read_text(encoding="utf-8")


def bootstrap_supabase(dsn: str) -> None:
    """Run the bootstrap script on the database of `dsn` (a superuser connection string). Idempotent."""
    # One transaction: a half-made auth schema never survives a failure.
    with psycopg.connect(dsn, autocommit=True) as conn, conn.transaction():
        conn.execute(bootstrap_sql().encode())
    log.info("Supabase roles and auth schema ready")
