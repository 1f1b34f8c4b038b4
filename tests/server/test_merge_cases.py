"""The shared table of merge cases (tests/cases/merge_cases.json) through the server's SQL `sync_merge_row`.

The device's Python merge (sync/rules.py) is checked against the same file, so the two cannot drift apart.
A case's optional `changed_fields` (the columns the pushing device changed) goes in as `p_changed_fields`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from devstack.bootstrap import bootstrap_supabase
from devstack.pgcluster import PgCluster
from server_migrations.runner import migrate

pytestmark = pytest.mark.pg

CASES_FILE = Path(__file__).resolve().parents[1] / "cases" / "merge_cases.json"
CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))
TIMESTAMP_COLUMNS = {"created_at", "updated_at", "deleted_at", "published_at"}


@pytest.fixture(scope="module")
def merge_db(pg_cluster: PgCluster) -> Iterator[psycopg.Connection[Any]]:
    """One migrated database for every case: the merge is a pure function, no case changes any table."""
    name = "merge_cases"
    with psycopg.connect(pg_cluster.dsn(), autocommit=True) as admin:
        admin.execute(f"drop database if exists {name} with (force)")
        admin.execute(f"create database {name}")
    try:
        bootstrap_supabase(pg_cluster.dsn(name))
        migrate(pg_cluster.dsn(name))
        with psycopg.connect(pg_cluster.dsn(name), autocommit=True, row_factory=dict_row) as conn:
            yield conn
    finally:
        with psycopg.connect(pg_cluster.dsn(), autocommit=True) as admin:
            admin.execute(f"drop database if exists {name} with (force)")


def same_time(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return bool(
        datetime.fromisoformat(a.replace("Z", "+00:00")).astimezone(UTC)
        == datetime.fromisoformat(b.replace("Z", "+00:00")).astimezone(UTC)
    )


def test_the_case_file_is_not_empty() -> None:
    assert len(CASES) >= 20
    assert {case["table"] for case in CASES} >= {"lessons", "practice_sessions"}


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_sql_merge_follows_the_shared_cases(merge_db: psycopg.Connection[Any], case: dict[str, Any]) -> None:
    existing = Jsonb(case["existing"]) if case["existing"] is not None else None
    row = merge_db.execute(
        "select m.merged, m.lost_fields, m.clamped "
        "from sync_merge_row(%s, %s::jsonb, %s::jsonb, %s::timestamptz, %s::timestamptz,"
        " p_changed_fields => %s::text[]) m",
        (case["table"], existing, Jsonb(case["incoming"]), case["restore_of"], case["now"],
         case.get("changed_fields")),
    ).fetchone()
    assert row is not None
    merged = row["merged"]
    for column, expected in case["expected_row"].items():
        if column in TIMESTAMP_COLUMNS:
            assert same_time(merged.get(column), expected), (
                f"{column}: {merged.get(column)!r} != {expected!r}"
            )
        else:
            assert merged.get(column) == expected, f"{column}: {merged.get(column)!r} != {expected!r}"
    assert sorted(row["lost_fields"]) == sorted(case["expected_lost"])
    assert row["clamped"] is bool(case.get("expected_clamped", False))
