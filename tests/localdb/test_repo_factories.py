"""Small factories for the query and repo tests, plus the checks that the factories' writes are what the
sync layer expects: stamped and queued by the mirror's triggers, never by the repo itself.

`open_mirror(tmp_path)` gives a connection to a real migrated mirror file, opened by `Mirror.open`: the
migration runs once per test process into an in-memory template that is copied (SQLite's backup API) per test.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from localdb import repo
from localdb.migrations import migrate
from localdb.mirror import Mirror

DEVICE = "00000000-0000-4000-8000-00000000d001"
_template: sqlite3.Connection | None = None


def _migrated_template() -> sqlite3.Connection:
    global _template
    if _template is None:
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN")
        migrate(conn)
        conn.execute("INSERT INTO sync_state (key, value) VALUES ('device_id', ?)", (DEVICE,))
        conn.execute("COMMIT")
        _template = conn
    return _template


@contextmanager
def open_mirror(folder: Path) -> Iterator[sqlite3.Connection]:
    """A connection from `Mirror.connect()` to a fresh migrated mirror file in `folder`, closed afterwards."""
    path = folder / "mirror.sqlite3"
    copy = sqlite3.connect(path)
    _migrated_template().backup(copy)
    copy.close()
    mirror = Mirror.open(path, device_id=DEVICE)  # checks the copy; nothing left to migrate
    try:
        yield mirror.connect()
    finally:
        mirror.close()


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    with open_mirror(tmp_path) as connection:
        yield connection


def make_profile(conn: sqlite3.Connection, name: str = "Ada Teacher") -> repo.ProfileRows:
    return repo.ensure_local_profile(conn, full_name=name)


def make_user(conn: sqlite3.Connection, organisation_id: str, **overrides: Any) -> str:
    """A learner row (users are pulled from the server in real life; tests insert them directly)."""
    values = {"id": str(uuid.uuid4()), "organisation_id": organisation_id, "role": "learner"} | overrides
    columns = ", ".join(values)
    conn.execute(
        f"INSERT INTO users ({columns}) VALUES ({', '.join('?' * len(values))})", list(values.values())
    )
    return str(values["id"])


def make_class(conn: sqlite3.Connection, organisation_id: str, members: list[str]) -> str:
    class_id = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO classes (id, organisation_id, name) VALUES (?, ?, ?)", (class_id, organisation_id, "5B")
    )
    for user_id in members:
        conn.execute(
            "INSERT INTO class_members (id, organisation_id, class_id, user_id) VALUES (?, ?, ?, ?)",
            (str(uuid.uuid4()), organisation_id, class_id, user_id),
        )
    return class_id


def make_lesson(conn: sqlite3.Connection, **overrides: Any) -> str:
    """A lesson of the (first) profile's organisation; any create_lesson argument can be overridden."""
    if "organisation_id" not in overrides:
        profile = make_profile(conn)
        overrides = {"organisation_id": profile.organisation_id, "author_id": profile.user_id} | overrides
    values: dict[str, Any] = {"author_id": None, "title": "Fractions"} | overrides
    return repo.create_lesson(conn, **values)


def make_test(
    conn: sqlite3.Connection, lesson_id: str | None = None, **overrides: Any
) -> tuple[str, list[str]]:
    """A test with one item of each type (answers: "hello", "v2", "cat", ["a", "b", "c", "d"])."""
    test_id = repo.create_test(conn, lesson_id=lesson_id or make_lesson(conn), title="Quiz", **overrides)
    items = [
        repo.add_test_item(
            conn, test_id=test_id, test_type="vid2text", content={"video": "m1"}, correct_answer="hello"
        ),
        repo.add_test_item(
            conn, test_id=test_id, test_type="text2vid", content={"text": "hi"},
            options=[{"id": "v1"}, {"id": "v2"}], correct_answer="v2",
        ),
        repo.add_test_item(
            conn, test_id=test_id, test_type="illustration", content={"word": "cat"},
            options=["cat", "dog"], correct_answer="cat",
        ),
        repo.add_test_item(
            conn, test_id=test_id, test_type="ordering", content={"prompt": "order"},
            options=["d", "c", "b", "a"], correct_answer=["a", "b", "c", "d"],
        ),
    ]  # fmt: skip
    return test_id, items


def at(day: str, hour: int = 10) -> datetime:
    """A UTC moment on a day given as YYYY-MM-DD."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def practise(conn: sqlite3.Connection, user_id: str, day: str, score: float = 80, **overrides: Any) -> str:
    """A completed ten-minute practice session starting at 10:00 UTC on `day` (unless overridden)."""
    start = overrides.pop("started_at", at(day))
    values: dict[str, Any] = {
        "user_id": user_id, "mode": "drill", "score": score, "started_at": start,
        "completed_at": start + timedelta(minutes=10),
    } | overrides  # fmt: skip
    return repo.record_practice_session(conn, **values)


def attempt_on(
    conn: sqlite3.Connection, test_id: str, user_id: str, day: str, answers: dict[str, Any]
) -> str:
    """A test attempt from 10:00 to 10:05 UTC on `day`."""
    start = at(day)
    result = repo.record_test_attempt(
        conn, test_id=test_id, user_id=user_id, answers=answers, started_at=start,
        completed_at=start + timedelta(minutes=5),
    )  # fmt: skip
    return result.id


def rows(conn: sqlite3.Connection, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in conn.execute(sql, params).fetchall()]


def outbox(conn: sqlite3.Connection) -> list[tuple[str, str, list[str], str | None]]:
    rows = conn.execute(
        "SELECT table_name, op, changed_fields, restore_of FROM outbox ORDER BY seq"
    ).fetchall()
    return [(r[0], r[1], json.loads(r[2]), r[3]) for r in rows]


# ---- the factories' writes are stamped and queued by the triggers ----


def test_a_created_lesson_is_stamped_by_the_trigger_and_queued(conn: sqlite3.Connection) -> None:
    lesson_id = make_lesson(conn, lesson_code="F-1")
    row = conn.execute(
        "SELECT field_stamps, writer_device, updated_at FROM lessons WHERE id = ?", (lesson_id,)
    ).fetchone()
    stamps = json.loads(row[0])
    assert stamps["title"].endswith("|" + DEVICE)
    assert row[1] == DEVICE and row[2] == stamps["title"].split("|")[0]
    assert [(t, op) for t, op, _, _ in outbox(conn)] == [
        ("organisations", "insert"),
        ("users", "insert"),
        ("lessons", "insert"),
    ]


def test_an_update_queues_only_the_changed_fields(conn: sqlite3.Connection) -> None:
    lesson_id = make_lesson(conn, description="old")
    repo.update_lesson(conn, lesson_id=lesson_id, title="Fractions", description="new", difficulty_level=2)
    assert outbox(conn)[-1] == ("lessons", "update", ["description", "difficulty_level"], None)


def test_delete_and_restore_queue_a_delete_then_a_restore_of_the_seen_tombstone(
    conn: sqlite3.Connection,
) -> None:
    lesson_id = make_lesson(conn)
    repo.delete_lesson(conn, lesson_id=lesson_id)
    deleted_at = conn.execute("SELECT deleted_at FROM lessons WHERE id = ?", (lesson_id,)).fetchone()[0]
    repo.restore_lesson(conn, lesson_id=lesson_id)
    assert outbox(conn)[-2:] == [
        ("lessons", "delete", ["deleted_at"], None),
        ("lessons", "restore", ["deleted_at"], deleted_at),
    ]


def test_the_offline_profile_rows_are_created_once(conn: sqlite3.Connection) -> None:
    first = make_profile(conn)
    again = repo.ensure_local_profile(conn, full_name="Someone Else")
    assert first.created and not again.created
    assert (again.user_id, again.organisation_id) == (first.user_id, first.organisation_id)
    assert rows(conn, "SELECT full_name, role FROM users") == [("Ada Teacher", "teacher")]


def test_an_operation_inside_a_bigger_transaction_rolls_back_alone(conn: sqlite3.Connection) -> None:
    lesson_id = make_lesson(conn)
    conn.execute("BEGIN IMMEDIATE")
    note_id = repo.add_note(conn, lesson_id=lesson_id, author_id=None, body="kept")
    with pytest.raises(repo.ValidationError):
        repo.reorder_notes(conn, lesson_id=lesson_id, note_ids=[note_id, "not-a-note"])
    assert conn.in_transaction  # the caller's transaction is still theirs to commit
    conn.execute("COMMIT")
    assert rows(conn, "SELECT body FROM notes") == [("kept",)]
