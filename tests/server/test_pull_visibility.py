"""What each caller receives through sync_pull, against an oracle written from the rules (not from the policies).

Migration 0007 rewrote the read policies of notes, tests, test items and the learners' records (set-based, once
per statement) and split the `for all` write policies; these tests fail if that widened or narrowed anyone's
view: a learner receiving a draft's, a future lesson's or an inactive lesson's items, a teacher receiving the
records of learners outside their live classes, anyone receiving another school's rows. Small pages, so the
per-statement sets are built again on every page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import psycopg
import pytest
from psycopg import sql

from tests.server.conftest import Actor, Server, World, add_lesson, ids_of, pull_all, register

pytestmark = pytest.mark.pg

CHILD_TABLES = ("notes", "tests", "tests_content")
RECORD_TABLES = ("practice_sessions", "test_attempts")


@dataclass
class Lessons:
    """Every lesson of the world by key, which are open to learners, and each lesson's child rows by table."""

    org: dict[str, str] = field(default_factory=dict)  # lesson key -> school
    open: set[str] = field(default_factory=set)  # keys of lessons learners may open
    rows: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # key -> table -> ids


@dataclass
class Records:
    """Each learner's practice sessions and test attempts by table."""

    by_user: dict[str, dict[str, set[str]]] = field(default_factory=dict)


def child_rows(server: Server, org: str, lesson: str) -> dict[str, set[str]]:
    note = server.insert("notes", organisation_id=org, lesson_id=lesson, title="a note", body="...")
    test = server.insert("tests", organisation_id=org, lesson_id=lesson, title="a test", passing_score=50)
    items = {
        server.insert("tests_content", organisation_id=org, test_id=test, sequence=n, test_type="ordering")
        for n in (1, 2)
    }
    return {"notes": {note}, "tests": {test}, "tests_content": items}


def extend_lessons(server: Server, w: World) -> Lessons:
    """The world's lessons, plus one published in the future, an inactive one and a deleted published one."""
    lessons = Lessons()
    for key, lesson in w.lessons.items():
        org = w.org_b if key.startswith("b_") else w.org_a
        lessons.org[key] = org
        test = w.tests[key]
        rows = {
            "notes": {r["id"] for r in server.admin.execute("select id::text from notes where lesson_id = %s",
                                                            (lesson,))},
            "tests": {test},
            "tests_content": {r["id"] for r in server.admin.execute(
                "select id::text from tests_content where test_id = %s", (test,))},
        }
        lessons.rows[key] = rows
    lessons.open = {"t1_published", "t2_published", "b_published"}
    future = server.insert(
        "lessons", organisation_id=w.org_a, author_id=w.teacher1.id, title="next term", lesson_type="word",
        difficulty_level=1, is_active=True, published_at="2999-01-01T00:00:00Z",
    )
    inactive = add_lesson(server, w.org_a, w.teacher2, active=False)
    deleted = add_lesson(server, w.org_a, w.teacher2)
    for key, lesson in (("t1_future", future), ("t2_inactive", inactive), ("t2_deleted", deleted)):
        w.lessons[key] = lesson
        lessons.org[key] = w.org_a
        lessons.rows[key] = child_rows(server, w.org_a, lesson)
    # A deleted lesson stays open, so its tombstone and its items reach the devices (C3).
    server.admin.execute("update lessons set deleted_at = now() where id = %s", (deleted,))
    lessons.open.add("t2_deleted")
    return lessons


def extend_records(server: Server, w: World) -> Records:
    """A practice session and a test attempt per learner. learner2 joins teacher2's class, then leaves it."""
    records = Records()
    for learner in (w.learner1, w.learner2, w.learner_b):
        key = "b_published" if learner is w.learner_b else "t1_published"
        org = w.org_b if learner is w.learner_b else w.org_a
        sessions = server.admin.execute("select id::text from practice_sessions where user_id = %s", (learner.id,))
        attempt = server.insert("test_attempts", organisation_id=org, test_id=w.tests[key], user_id=learner.id,
                                passed=True)
        records.by_user[learner.id] = {
            "practice_sessions": {r["id"] for r in sessions},
            "test_attempts": {attempt},
        }
    class2 = server.insert("classes", organisation_id=w.org_a, teacher_id=w.teacher2.id, name="Class 2")
    member = server.insert("class_members", organisation_id=w.org_a, class_id=class2, user_id=w.learner2.id)
    server.admin.execute("update class_members set deleted_at = now() where id = %s", (member,))
    # teacher_b's class in the other school holds learner_b; their records stay in school B.
    class_b = server.insert("classes", organisation_id=w.org_b, teacher_id=w.teacher_b.id, name="Class B")
    server.insert("class_members", organisation_id=w.org_b, class_id=class_b, user_id=w.learner_b.id)
    return records


def expected_lesson_keys(w: World, lessons: Lessons, actor: Actor) -> set[str]:
    school = {key for key, org in lessons.org.items() if org == actor.org}
    return school if actor.role in ("teacher", "admin") else school & lessons.open


def expected_record_owners(w: World, actor: Actor) -> set[str]:
    """Whose records the actor may read: their own; a teacher's live class members; an admin's whole school."""
    by_role = {
        w.admin.id: {w.learner1.id, w.learner2.id},
        w.teacher1.id: {w.learner1.id},  # class1; learner2 is in no class of theirs
        w.teacher2.id: set(),  # learner2 left class2: the membership is deleted
        w.teacher_b.id: {w.learner_b.id},
    }
    return by_role.get(actor.id, {actor.id})


ACTORS = ("learner1", "learner2", "learner_b", "teacher1", "teacher2", "teacher_b", "admin")


@pytest.mark.parametrize("who", ACTORS)
def test_sync_pull_serves_each_caller_exactly_their_rows(server: Server, world: World, who: str) -> None:
    w = world
    lessons = extend_lessons(server, w)
    records = extend_records(server, w)
    actor: Actor = getattr(w, who)
    register(server, actor)
    rows, _ = pull_all(server, actor, limit=7)
    keys = expected_lesson_keys(w, lessons, actor)
    assert ids_of(rows, "lessons") == {w.lessons[k] for k in keys}
    for table in CHILD_TABLES:
        assert ids_of(rows, table) == set().union(*(lessons.rows[k][table] for k in keys)), table
    owners = expected_record_owners(w, actor)
    for table in RECORD_TABLES:
        wanted = set().union(*(records.by_user.get(u, {}).get(table, set()) for u in owners))
        assert ids_of(rows, table) == wanted, table
    assert len({(r["t"], r["r"]["id"]) for r in rows}) == len(rows)


def test_a_lesson_published_later_opens_its_items_to_learners(server: Server, world: World) -> None:
    """The sets are read at each statement, not cached: publishing shows the items on the next pull."""
    w = world
    lessons = extend_lessons(server, w)
    register(server, w.learner1)
    _, cursor = pull_all(server, w.learner1, limit=5)
    server.admin.execute("update lessons set published_at = now() - interval '1 minute' where id = %s",
                         (w.lessons["t1_future"],))
    server.admin.execute("update notes set title = 'now open' where lesson_id = %s", (w.lessons["t1_future"],))
    rows, _ = pull_all(server, w.learner1, cursor=cursor, limit=5)
    assert ids_of(rows, "notes") == lessons.rows["t1_future"]["notes"]
    assert ids_of(rows, "lessons") == {w.lessons["t1_future"]}


# The per-row helpers these reads used to call (a SECURITY DEFINER query per row). A read plan naming one of
# them means a `for all` policy or a per-row read policy came back, and with it the cost 0007 removed.
PER_ROW_HELPERS = ("owns_lesson", "owns_test", "lesson_open_to_learners", "test_open_to_learners",
                   "is_teacher_of", "is_class_teacher")


@pytest.mark.parametrize("who", ["teacher1", "learner1", "admin"])
@pytest.mark.parametrize("table", [*CHILD_TABLES, *RECORD_TABLES, "lessons", "class_members"])
def test_reads_call_no_per_row_helper(server: Server, world: World, who: str, table: str) -> None:
    query = sql.SQL("explain (verbose, costs off) select x.* from unnest(%s::uuid[]) e(id) "
                    "join public.{} x on x.id = e.id").format(sql.Identifier(table))
    ids = [str(uuid.uuid4()) for _ in range(50)]
    with server.as_user(getattr(world, who)) as conn:
        plan = "\n".join(r["QUERY PLAN"] for r in conn.execute(query, (ids,)))
    assert table in plan and not [h for h in PER_ROW_HELPERS if h in plan], plan


def test_writes_are_still_checked_row_by_row(server: Server, world: World) -> None:
    """The split write policies still refuse another teacher's lesson (update) and note (insert)."""
    w = world
    lesson = w.lessons["t1_published"]
    with server.as_user(w.teacher2) as conn:
        assert conn.execute("update notes set title = 'mine now' where lesson_id = %s", (lesson,)).rowcount == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege), server.as_user(w.teacher2) as conn:
        conn.execute(
            "insert into notes (id, organisation_id, lesson_id, title) values (%s, %s, %s, 'sneaked in')",
            (str(uuid.uuid4()), w.org_a, lesson),
        )
    with server.as_user(w.teacher1) as conn:
        assert conn.execute("update notes set title = 'edited' where lesson_id = %s", (lesson,)).rowcount == 1
