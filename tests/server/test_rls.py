"""Row-level security: each role reads and writes what it may, and every forbidden read or write fails.

Callers are made as PostgREST makes them (SET LOCAL ROLE authenticated + request.jwt.claims).
"""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.server.conftest import Actor, Server, World

pytestmark = pytest.mark.pg


def visible(server: Server, actor: Actor, table: str, row_id: str) -> bool:
    query = sql.SQL("select count(*) as n from public.{} where id = %s").format(sql.Identifier(table))
    with server.as_user(actor) as conn:
        row = conn.execute(query, (row_id,)).fetchone()
    assert row is not None
    return bool(row["n"])


def write(server: Server, actor: Actor, query: str, *params: Any) -> str:
    """One write as `actor`: 'ok' when it changed a row, 'none' when RLS hid every row, else the SQLSTATE."""
    try:
        with server.as_user(actor) as conn:
            cur = conn.execute(query, params)  # type: ignore[arg-type]
            return "ok" if cur.rowcount > 0 else "none"
    except psycopg.Error as exc:
        return str(exc.sqlstate)


def practice_of(server: Server, actor: Actor) -> str:
    row = server.one("select id from practice_sessions where user_id = %s", actor.id)
    assert row is not None
    return str(row["id"])


# -- reads ---------------------------------------------------------------------------------------------------

READS = [
    # (who, which lesson, may read)
    ("learner1", "t1_published", True),
    ("learner1", "t2_published", True),
    ("learner1", "t1_draft", False),
    ("learner1", "b_published", False),
    ("teacher2", "t1_draft", True),
    ("admin", "t1_draft", True),
    ("teacher_b", "t1_published", False),
    ("learner_b", "t1_published", False),
    ("learner_b", "b_published", True),
]


@pytest.mark.parametrize(("who", "key", "allowed"), READS)
def test_lesson_reads(shared: tuple[Server, World], who: str, key: str, allowed: bool) -> None:
    server, world = shared
    assert visible(server, getattr(world, who), "lessons", world.lessons[key]) is allowed


@pytest.mark.parametrize(
    ("who", "key", "allowed"),
    [
        ("learner1", "t1_published", True),
        ("learner1", "t1_draft", False),
        ("learner1", "b_published", False),
        ("teacher2", "t1_draft", True),
        ("teacher_b", "t1_draft", False),
    ],
)
def test_notes_tests_and_items_follow_their_lesson(
    shared: tuple[Server, World], who: str, key: str, allowed: bool
) -> None:
    server, world = shared
    actor = getattr(world, who)
    lesson = world.lessons[key]
    note = server.one("select id from notes where lesson_id = %s", lesson)
    item = server.one("select id from tests_content where test_id = %s", world.tests[key])
    assert note is not None and item is not None
    assert visible(server, actor, "notes", str(note["id"])) is allowed
    assert visible(server, actor, "tests", world.tests[key]) is allowed
    assert visible(server, actor, "tests_content", str(item["id"])) is allowed


@pytest.mark.parametrize(
    ("who", "owner", "allowed"),
    [
        ("learner1", "learner1", True),
        ("learner1", "learner2", False),  # learner vs other learner
        ("learner2", "learner1", False),
        ("teacher1", "learner1", True),  # learner1 is in teacher1's class
        ("teacher1", "learner2", False),  # learner2 is in no class of teacher1
        ("teacher2", "learner1", False),
        ("admin", "learner2", True),
        ("teacher_b", "learner1", False),  # school vs school
        ("learner_b", "learner1", False),
    ],
)
def test_practice_records_reads(shared: tuple[Server, World], who: str, owner: str, allowed: bool) -> None:
    server, world = shared
    session = practice_of(server, getattr(world, owner))
    assert visible(server, getattr(world, who), "practice_sessions", session) is allowed


def test_user_profiles(shared: tuple[Server, World]) -> None:
    server, world = shared
    w = world
    assert visible(server, w.learner1, "users", w.learner1.id)
    assert visible(server, w.learner1, "users", w.teacher1.id)  # lesson authors have names
    assert not visible(server, w.learner1, "users", w.learner2.id)
    assert visible(server, w.teacher1, "users", w.learner2.id)
    assert not visible(server, w.teacher1, "users", w.learner_b.id)
    assert not visible(server, w.admin, "users", w.teacher_b.id)
    assert visible(server, w.learner1, "organisations", w.org_a)
    assert not visible(server, w.learner1, "organisations", w.org_b)


def test_class_membership(shared: tuple[Server, World]) -> None:
    server, world = shared
    w = world
    assert visible(server, w.learner1, "classes", w.class1)
    assert not visible(server, w.learner2, "classes", w.class1)
    assert visible(server, w.teacher2, "classes", w.class1)
    assert not visible(server, w.teacher_b, "classes", w.class1)


def test_audit_log_is_for_admins(server: Server, world: World) -> None:
    w = world
    entry = str(uuid.uuid4())
    query = "insert into audit_log (id, organisation_id, actor_id, action) values (%s, %s, %s, 'sign_in')"
    assert write(server, w.teacher1, query, entry, w.org_a, w.teacher1.id) == "ok"
    assert write(server, w.teacher1, query, str(uuid.uuid4()), w.org_a, w.admin.id) == "42501"
    assert visible(server, w.admin, "audit_log", entry)
    assert not visible(server, w.teacher1, "audit_log", entry)


@pytest.mark.parametrize("relation", ["sync_change_log", "practice_metrics_daily", "lesson_type_usage_daily"])
def test_feed_and_derived_data_are_not_open_to_callers(shared: tuple[Server, World], relation: str) -> None:
    server, world = shared
    query = sql.SQL("select count(*) from public.{}").format(sql.Identifier(relation))
    with pytest.raises(psycopg.errors.InsufficientPrivilege), server.as_user(world.admin) as conn:
        conn.execute(query)


def test_anon_reads_nothing(shared: tuple[Server, World]) -> None:
    server, _ = shared
    conn = server.admin
    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
        conn.execute("set local role anon")
        conn.execute("select count(*) from public.lessons")


def test_a_token_without_school_sees_nothing(shared: tuple[Server, World]) -> None:
    server, world = shared
    stranger = Actor(world.learner1.id, None, None, "no claims")
    assert not visible(server, stranger, "lessons", world.lessons["t1_published"])
    assert not visible(server, stranger, "practice_sessions", practice_of(server, world.learner1))


# -- writes --------------------------------------------------------------------------------------------------

SESSION = (
    "insert into practice_sessions (id, organisation_id, user_id, score) "
    "values (gen_random_uuid(), %s, %s, 50)"
)


def test_learners_write_only_their_own_records(server: Server, world: World) -> None:
    w = world
    assert write(server, w.learner1, SESSION, w.org_a, w.learner1.id) == "ok"
    assert write(server, w.learner1, SESSION, w.org_a, w.learner2.id) == "42501"
    assert write(server, w.learner1, SESSION, w.org_b, w.learner1.id) == "42501"
    attempt = (
        "insert into test_attempts (id, organisation_id, test_id, user_id, passed) "
        "values (%s, %s, %s, %s, true)"
    )
    test = w.tests["t1_published"]
    assert write(server, w.learner1, attempt, str(uuid.uuid4()), w.org_a, test, w.learner1.id) == "ok"
    assert write(server, w.learner1, attempt, str(uuid.uuid4()), w.org_a, test, w.learner2.id) == "42501"
    # Append-only: not even the owner rewrites history.
    own = practice_of(server, w.learner1)
    assert write(server, w.learner1, "update practice_sessions set score = 100 where id = %s", own) == "42501"
    assert write(server, w.learner1, "delete from practice_sessions where id = %s", own) == "42501"


def test_learners_cannot_write_lessons(server: Server, world: World) -> None:
    w = world
    lesson = w.lessons["t1_published"]
    assert write(server, w.learner1, "update lessons set title = 'mine' where id = %s", lesson) == "none"
    insert = (
        "insert into lessons (id, organisation_id, author_id, title) values (gen_random_uuid(), %s, %s, 'x')"
    )
    assert write(server, w.learner1, insert, w.org_a, w.learner1.id) == "42501"
    assert server.row("lessons", lesson)["title"] != "mine"  # type: ignore[index]


def test_teachers_write_their_own_lessons_notes_and_tests(server: Server, world: World) -> None:
    w = world
    own, other = w.lessons["t1_draft"], w.lessons["t2_published"]
    update = "update lessons set title = 'edited' where id = %s"
    assert write(server, w.teacher1, update, own) == "ok"
    assert write(server, w.teacher1, update, other) == "none"  # teacher vs other teacher's lesson
    assert write(server, w.teacher_b, update, own) == "none"  # school vs school
    insert = (
        "insert into lessons (id, organisation_id, author_id, title) values (gen_random_uuid(), %s, %s, 'x')"
    )
    assert write(server, w.teacher1, insert, w.org_a, w.teacher1.id) == "ok"
    assert write(server, w.teacher1, insert, w.org_a, w.teacher2.id) == "42501"
    assert write(server, w.teacher1, insert, w.org_b, w.teacher1.id) == "42501"
    note = (
        "insert into notes (id, organisation_id, lesson_id, author_id, title) "
        "values (gen_random_uuid(), %s, %s, %s, 'n')"
    )
    assert write(server, w.teacher1, note, w.org_a, own, w.teacher1.id) == "ok"
    assert write(server, w.teacher1, note, w.org_a, other, w.teacher1.id) == "42501"
    test_update = "update tests set passing_score = 90 where id = %s"
    assert write(server, w.teacher1, test_update, w.tests["t1_draft"]) == "ok"
    assert write(server, w.teacher1, test_update, w.tests["t2_published"]) == "none"
    # Deleting is setting deleted_at (C3): a hard delete would never reach the devices.
    assert write(server, w.teacher1, "delete from lessons where id = %s", own) == "42501"
    assert write(server, w.teacher1, "update lessons set deleted_at = now() where id = %s", own) == "ok"
    assert write(server, w.teacher1, "update lessons set deleted_at = now() where id = %s", other) == "none"


def test_admins_manage_their_own_school_only(server: Server, world: World) -> None:
    w = world
    update = "update lessons set is_active = false where id = %s"
    assert write(server, w.admin, update, w.lessons["t2_published"]) == "ok"
    assert write(server, w.admin, update, w.lessons["b_published"]) == "none"
    assert write(server, w.admin, "update users set role = 'teacher' where id = %s", w.learner2.id) == "ok"
    assert write(server, w.admin, "update users set nickname = 'xyz' where id = %s", w.learner_b.id) == "none"
    assert write(server, w.admin, "update organisations set name = 'A!' where id = %s", w.org_a) == "ok"
    assert write(server, w.admin, "update organisations set name = 'B!' where id = %s", w.org_b) == "none"
    assert write(server, w.teacher1, "update organisations set name = 'A?' where id = %s", w.org_a) == "none"


def test_nobody_promotes_themself(server: Server, world: World) -> None:
    w = world
    assert write(server, w.learner1, "update users set nickname = 'lea' where id = %s", w.learner1.id) == "ok"
    assert (
        write(server, w.learner1, "update users set role = 'admin' where id = %s", w.learner1.id) == "42501"
    )
    assert (
        write(server, w.learner1, "update users set nickname = 'zzz' where id = %s", w.learner2.id) == "none"
    )


def test_class_rosters_belong_to_their_teacher(server: Server, world: World) -> None:
    w = world
    add = (
        "insert into class_members (id, organisation_id, class_id, user_id) "
        "values (gen_random_uuid(), %s, %s, %s)"
    )
    assert write(server, w.teacher2, add, w.org_a, w.class1, w.learner2.id) == "42501"
    assert write(server, w.learner2, add, w.org_a, w.class1, w.learner2.id) == "42501"
    assert write(server, w.teacher1, add, w.org_a, w.class1, w.learner2.id) == "ok"
    # Now learner2 is teacher1's learner: their records become readable to teacher1.
    assert visible(server, w.teacher1, "practice_sessions", practice_of(server, w.learner2))


def test_settings_are_private(server: Server, world: World) -> None:
    w = world
    settings = server.insert(
        "user_settings", organisation_id=w.org_a, user_id=w.learner1.id, app_theme="dark"
    )
    assert visible(server, w.learner1, "user_settings", settings)
    assert not visible(server, w.learner2, "user_settings", settings)
    assert not visible(server, w.teacher1, "user_settings", settings)
    assert visible(server, w.admin, "user_settings", settings)
    assert (
        write(server, w.learner2, "update user_settings set app_theme = 'light' where id = %s", settings)
        == "none"
    )


def test_every_public_table_has_row_security(shared: tuple[Server, World]) -> None:
    server, _ = shared
    rows = server.admin.execute(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = 'public' and c.relkind = 'r' and not c.relrowsecurity"
    ).fetchall()
    assert rows == []


@pytest.mark.parametrize(
    "call",
    [
        "select sync_server_info()",
        "select sync_pull(gen_random_uuid(), null, 10)",
        "select sync_push(gen_random_uuid(), gen_random_uuid(), '[]')",
        "select sync_counts()",
    ],
)
def test_anon_cannot_call_the_sync_functions(shared: tuple[Server, World], call: str) -> None:
    server, _ = shared
    conn = server.admin
    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
        conn.execute("set local role anon")
        conn.execute(call)  # type: ignore[arg-type]


def test_media_and_classes_belong_to_their_owner(server: Server, world: World) -> None:
    w = world
    media = server.insert("media_assets", organisation_id=w.org_a, owner_id=w.teacher2.id, kind="image")
    assert visible(server, w.learner1, "media_assets", media)
    assert not visible(server, w.learner_b, "media_assets", media)
    rename = "update media_assets set title = 'x' where id = %s"
    assert write(server, w.teacher1, rename, media) == "none"
    assert write(server, w.teacher2, rename, media) == "ok"
    assert write(server, w.learner1, rename, media) == "none"
    rename_class = "update classes set name = 'renamed' where id = %s"
    assert write(server, w.teacher2, rename_class, w.class1) == "none"
    assert write(server, w.learner1, rename_class, w.class1) == "none"
    assert write(server, w.teacher1, rename_class, w.class1) == "ok"
    assert write(server, w.admin, rename_class, w.class1) == "ok"


def test_devices_and_conflicts(server: Server, world: World) -> None:
    w = world
    device = str(uuid.uuid4())
    for actor in (w.learner1, w.learner2):
        server.rpc(actor, "sync_register_device", p_device_id=device, p_name="PC", p_app_version="1")
    own = "select count(*) as n from devices where id = %s"
    for actor, expected in ((w.learner1, 1), (w.admin, 2), (w.teacher1, 0), (w.teacher_b, 0)):
        with server.as_user(actor) as conn:
            assert conn.execute(own, (device,)).fetchone()["n"] == expected  # type: ignore[index]
    hijack = "update devices set active = false where id = %s and user_id = %s"
    assert write(server, w.learner1, hijack, device, w.learner2.id) == "none"
    assert write(server, w.admin, hijack, device, w.learner2.id) == "ok"
    conflict = server.insert(
        "sync_conflicts", organisation_id=w.org_a, user_id=w.learner1.id, table_name="lessons", kind="lost"
    )
    assert visible(server, w.learner1, "sync_conflicts", conflict)
    assert not visible(server, w.learner2, "sync_conflicts", conflict)
    assert not visible(server, w.teacher_b, "sync_conflicts", conflict)
    resolve = "update sync_conflicts set resolution = 'kept', resolved_at = now() where id = %s"
    assert write(server, w.learner1, resolve, conflict) == "none"
    assert write(server, w.teacher1, resolve, conflict) == "ok"
