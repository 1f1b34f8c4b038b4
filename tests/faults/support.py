"""Helpers shared by the fault, kill and convergence tests: a device (its own data folder, profile and mirror,
signed in through a given URL, e.g. the fault proxy's), a fresh school per test, and server reads.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from localdb.mirror import Mirror
from localdb.profiles import Profile
from localdb.tables import table_spec
from sync.rules import canonical
from sync.service import ProfileSync, login
from sync.status import SyncReport

PASSWORD = "secret-pass-1"
_schools = itertools.count(1)


@dataclass
class School:
    """A fresh organisation with one teacher account per device."""

    org_name: str
    org_id: str
    emails: list[str]
    user_ids: list[str]


def make_school(devstack: Any, teachers: int = 1, tag: str = "") -> School:
    name = f"School {tag} {uuid.uuid4().hex[:10]} {next(_schools)}"
    emails, ids = [], []
    for i in range(teachers):
        email = f"t{i}-{uuid.uuid4().hex[:10]}@school.test"
        ids.append(devstack.add_user(email, PASSWORD, "teacher", org=name))
        emails.append(email)
    with psycopg.connect(devstack.db_url) as conn:
        row = conn.execute(
            "select organisation_id::text from public.users where id = %s", (ids[0],)
        ).fetchone()
    assert row is not None
    return School(name, str(row[0]), emails, ids)


class Device:
    """One installation: its own data folder (so its own device id), signed in as `email` at `url`."""

    def __init__(self, root: Path, url: str, anon_key: str, email: str, **engine_options: Any) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.profile: Profile = login(root, url, anon_key, email, PASSWORD)
        self.engine_options = engine_options
        self.user_id = self.profile.user_id

    def sync(self, **options: Any) -> SyncReport:
        with ProfileSync.open(self.root, self.profile, **(self.engine_options | options)) as profile_sync:
            return profile_sync.run()

    @contextmanager
    def mirror(self) -> Iterator[Mirror]:
        mirror = Mirror.open(self.profile.mirror_path)
        try:
            yield mirror
        finally:
            mirror.close()

    @contextmanager
    def conn(self) -> Iterator[sqlite3.Connection]:
        with self.mirror() as mirror:
            yield mirror.conn

    def state(self, key: str) -> str | None:
        with self.mirror() as mirror:
            return mirror.get_state(key)


def comparable(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """The part of a row two replicas must agree on: data columns (normalised by kind) and "deleted"."""
    out = {column: normal_value(kind, row.get(column)) for column, kind in table_spec(table).columns.items()}
    out["deleted"] = row.get("deleted_at") is not None
    return out


def normal_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "timestamp":
        return canonical(str(value))
    if kind == "json":
        return json.dumps(value if not isinstance(value, str) else json.loads(value), sort_keys=True)
    if kind == "bool":
        return bool(value)
    if kind in ("int", "real"):
        return float(value)
    return str(value)


def server_rows(db_url: str, table: str, org_id: str) -> dict[str, dict[str, Any]]:
    """Every row of the school in `table`, straight from Postgres, in wire-comparable form."""
    with psycopg.connect(db_url) as conn:
        cur = conn.execute(f"select to_jsonb(t) from public.{table} t where organisation_id = %s", (org_id,))
        return {row[0]["id"]: comparable(table, row[0]) for row in cur}


def mirror_rows(device: Device, table: str) -> dict[str, dict[str, Any]]:
    with device.mirror() as mirror:
        ids = [r[0] for r in mirror.conn.execute(f"select id from {table}")]
        rows = {i: mirror.get_row(table, i) for i in ids}
    return {i: comparable(table, r) for i, r in rows.items() if r is not None}


def count_server(db_url: str, table: str, org_id: str) -> int:
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            f"select count(*) from public.{table} where organisation_id = %s", (org_id,)
        ).fetchone()
    assert row is not None
    return int(row[0])


def seed_lessons(db_url: str, school: School, n: int, *, body_size: int = 200) -> list[str]:
    """`n` lessons with a note each, written straight into Postgres as an admin would (server-stamped)."""
    ids: list[str] = []
    with psycopg.connect(db_url) as conn, conn.cursor() as cur:
        lessons = [(str(uuid.uuid4()), i) for i in range(n)]
        cur.executemany(
            "insert into public.lessons (id, organisation_id, author_id, title, description, lesson_type,"
            " difficulty_level, is_active) values (%s, %s, %s, %s, %s, 'word', %s, true)",
            [
                (lid, school.org_id, school.user_ids[0], f"Lesson {i}", "d" * body_size, 1 + i % 5)
                for lid, i in lessons
            ],
        )
        cur.executemany(
            "insert into public.notes (id, organisation_id, lesson_id, author_id, position, title, body)"
            " values (gen_random_uuid(), %s, %s, %s, 1, %s, %s)",
            [(school.org_id, lid, school.user_ids[0], f"Note {i}", "n" * body_size) for lid, i in lessons],
        )
        ids = [lid for lid, _ in lessons]
    return ids


def duplicates(values: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({v for v in values if v in seen or seen.add(v)})  # type: ignore[func-returns-value]
