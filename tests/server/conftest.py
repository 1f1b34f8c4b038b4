"""The server schema under test: a migrated database, callers made as PostgREST makes them, a school world.

`Server.rpc(actor, name, **args)` runs one function the way PostgREST does for a request: one transaction,
`SET LOCAL ROLE authenticated` and the JWT's claims in `request.jwt.claims`. `Server.as_user(actor)` opens
such a transaction for direct table reads and writes (the data API's table endpoints run the same way).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from devstack.bootstrap import bootstrap_supabase
from devstack.pgcluster import PgCluster
from server_migrations.runner import discover, migrate

DEVICE = "d0000000-0000-4000-8000-000000000001"
# The schema version every answer carries: each migration sets its own number (docs/server.md).
LATEST_SCHEMA = discover()[-1].version


@dataclass(frozen=True)
class Actor:
    id: str
    org: str | None
    role: str | None
    name: str = ""

    def claims(self) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        if self.role:
            meta["tutordesk_role"] = self.role
        if self.org:
            meta["organisation_id"] = self.org
        return {"sub": self.id, "role": "authenticated", "aud": "authenticated", "app_metadata": meta}


class Server:
    """One migrated database; a superuser connection for set-up and checks, and per-request sessions."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.admin = psycopg.connect(dsn, autocommit=True, row_factory=dict_row)
        self._user_conn = psycopg.connect(dsn, autocommit=True, row_factory=dict_row)

    def close(self) -> None:
        self.admin.close()
        self._user_conn.close()

    @contextmanager
    def as_user(
        self, actor: Actor, conn: psycopg.Connection[Any] | None = None
    ) -> Iterator[psycopg.Connection[Any]]:
        conn = conn or self._user_conn
        with conn.transaction():
            conn.execute("set local role authenticated")
            conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(actor.claims()),))
            yield conn

    def rpc(self, actor: Actor, name: str, **args: Any) -> Any:
        params = sql.SQL(", ").join(
            sql.SQL("{} => {}").format(sql.Identifier(key), sql.Placeholder(key)) for key in args
        )
        query = sql.SQL("select public.{}({}) as answer").format(sql.Identifier(name), params)
        values = {k: Jsonb(v) if isinstance(v, dict) or k == "p_changes" else v for k, v in args.items()}
        with self.as_user(actor) as conn:
            row = conn.execute(query, values).fetchone()
        assert row is not None
        return row["answer"]

    def one(self, query: str, *params: Any) -> dict[str, Any] | None:
        return self.admin.execute(query, params).fetchone()  # type: ignore[arg-type]

    def row(self, table: str, row_id: str) -> dict[str, Any] | None:
        query = sql.SQL("select * from public.{} where id = %s").format(sql.Identifier(table))
        return self.admin.execute(query, (row_id,)).fetchone()

    def insert(self, table: str, **values: Any) -> str:
        """A plain SQL insert as the superuser (the path of Studio and other services): stamped by trigger."""
        values.setdefault("id", str(uuid.uuid4()))
        values = {k: Jsonb(v) if isinstance(v, dict | list) else v for k, v in values.items()}
        query = sql.SQL("insert into public.{} ({}) values ({})").format(
            sql.Identifier(table),
            sql.SQL(", ").join(map(sql.Identifier, values)),
            sql.SQL(", ").join(sql.Placeholder() * len(values)),
        )
        self.admin.execute(query, list(values.values()))
        return str(values["id"])

    def add_user(self, org: str, role: str, name: str) -> Actor:
        user_id = str(uuid.uuid4())
        self.admin.execute(
            "insert into auth.users (id, email, raw_app_meta_data) values (%s, %s, %s)",
            (user_id, f"{name}@example.org", json.dumps({"tutordesk_role": role, "organisation_id": org})),
        )
        self.insert("users", id=user_id, organisation_id=org, role=role, nickname=name, full_name=name)
        return Actor(user_id, org, role, name)


@dataclass
class World:
    """Two schools. School A: an admin, two teachers, two learners (learner1 in teacher1's class)."""

    org_a: str
    org_b: str
    admin: Actor
    teacher1: Actor
    teacher2: Actor
    learner1: Actor
    learner2: Actor
    teacher_b: Actor
    learner_b: Actor
    class1: str = ""
    lessons: dict[str, str] = field(default_factory=dict)
    tests: dict[str, str] = field(default_factory=dict)


def add_lesson(
    server: Server, org: str, author: Actor, *, published: bool = True, active: bool = True
) -> str:
    return server.insert(
        "lessons",
        organisation_id=org,
        author_id=author.id,
        title=f"lesson by {author.name}",
        lesson_type="word",
        difficulty_level=2,
        is_active=active,
        published_at="2026-01-01T00:00:00Z" if published else None,
    )


def build_world(server: Server) -> World:
    org_a = server.insert("organisations", name="School A", slug="school-a")
    org_b = server.insert("organisations", name="School B", slug="school-b")
    w = World(
        org_a=org_a,
        org_b=org_b,
        admin=server.add_user(org_a, "admin", "admin_a"),
        teacher1=server.add_user(org_a, "teacher", "teacher1"),
        teacher2=server.add_user(org_a, "teacher", "teacher2"),
        learner1=server.add_user(org_a, "learner", "learner1"),
        learner2=server.add_user(org_a, "learner", "learner2"),
        teacher_b=server.add_user(org_b, "teacher", "teacher_b"),
        learner_b=server.add_user(org_b, "learner", "learner_b"),
    )
    w.class1 = server.insert("classes", organisation_id=org_a, teacher_id=w.teacher1.id, name="Class 1")
    server.insert("class_members", organisation_id=org_a, class_id=w.class1, user_id=w.learner1.id)
    w.lessons["t1_published"] = add_lesson(server, org_a, w.teacher1)
    w.lessons["t1_draft"] = add_lesson(server, org_a, w.teacher1, published=False)
    w.lessons["t2_published"] = add_lesson(server, org_a, w.teacher2)
    w.lessons["b_published"] = add_lesson(server, org_b, w.teacher_b)
    for key, lesson in w.lessons.items():
        org = org_b if key.startswith("b_") else org_a
        server.insert("notes", organisation_id=org, lesson_id=lesson, title=f"note of {key}", body="...")
        test = server.insert(
            "tests", organisation_id=org, lesson_id=lesson, title=f"test of {key}", passing_score=50
        )
        w.tests[key] = test
        server.insert("tests_content", organisation_id=org, test_id=test, sequence=1, test_type="ordering")
    for learner, org, lesson in (
        (w.learner1, org_a, w.lessons["t1_published"]),
        (w.learner2, org_a, w.lessons["t1_published"]),
        (w.learner_b, org_b, w.lessons["b_published"]),
    ):
        server.insert(
            "practice_sessions", organisation_id=org, user_id=learner.id, lesson_id=lesson, score=80
        )
    return w


@pytest.fixture
def server(migrated_db: str) -> Iterator[Server]:
    srv = Server(migrated_db)
    try:
        yield srv
    finally:
        srv.close()


@pytest.fixture
def world(server: Server) -> World:
    return build_world(server)


@pytest.fixture(scope="module")
def shared(pg_cluster: PgCluster, request: pytest.FixtureRequest) -> Iterator[tuple[Server, World]]:
    """One migrated database and world for a module's read-only tests (a test that writes uses `world`)."""
    name = f"shared_{request.module.__name__.rsplit('.', 1)[-1]}"
    with psycopg.connect(pg_cluster.dsn(), autocommit=True) as admin:
        admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    srv = None
    try:
        bootstrap_supabase(pg_cluster.dsn(name))
        migrate(pg_cluster.dsn(name))
        srv = Server(pg_cluster.dsn(name))
        yield srv, build_world(srv)
    finally:
        if srv is not None:
            srv.close()
        with psycopg.connect(pg_cluster.dsn(), autocommit=True) as admin:
            admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def register(server: Server, actor: Actor, device: str = DEVICE) -> None:
    server.rpc(actor, "sync_register_device", p_device_id=device, p_name="test PC", p_app_version="0.1.0")


def pull_all(
    server: Server,
    actor: Actor,
    *,
    cursor: str | None = None,
    limit: int = 1000,
    device: str = DEVICE,
    tables: list[str] | None = None,
) -> tuple[list[dict[str, Any]], str]:
    """Pulls pages until has_more is false; returns the rows and the last cursor."""
    rows: list[dict[str, Any]] = []
    while True:
        answer = server.rpc(
            actor, "sync_pull", p_device_id=device, p_cursor=cursor, p_limit=limit, p_tables=tables
        )
        assert answer["reset"] is False
        rows.extend(answer["rows"])
        cursor = answer["cursor"]
        if not answer["has_more"]:
            assert cursor is not None
            return rows, cursor


def ids_of(rows: list[dict[str, Any]], table: str) -> set[str]:
    return {r["r"]["id"] for r in rows if r["t"] == table}
