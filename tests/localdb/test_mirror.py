"""The mirror's outbox reading and settling (U3, U4), conflicts (C6), connections and state."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from localdb.errors import LocalDbError
from localdb.mirror import Mirror
from tests.localdb.mirror_helpers import DEVICE, ORG, merge_fieldwise, new_id, open_mirror, ts, wire_row


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    with open_mirror(tmp_path) as m:
        yield m


def insert(mirror: Mirror, table: str, **values: object) -> str:
    row_id = new_id()
    cols = ["id", *values]
    mirror.conn.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [row_id, *values.values()],
    )
    return row_id


def test_open_sets_wal_foreign_keys_and_the_device(mirror: Mirror) -> None:
    assert mirror.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert mirror.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert mirror.device_id == DEVICE
    other = "00000000-0000-4000-8000-0000000000d2"
    mirror.set_device_id(other)
    assert mirror.get_state("device_id") == other


def test_each_thread_gets_its_own_connection(mirror: Mirror) -> None:
    seen: list[sqlite3.Connection] = []
    thread = threading.Thread(target=lambda: seen.append(mirror.conn))
    thread.start()
    thread.join()
    assert seen and seen[0] is not mirror.conn
    assert mirror.conn is mirror.conn


def test_nested_transactions_roll_back_only_the_inner_part(mirror: Mirror) -> None:
    with mirror.transaction() as conn:
        conn.execute("INSERT INTO sync_state VALUES ('a', '1')")
        with pytest.raises(ValueError), mirror.transaction():
            conn.execute("INSERT INTO sync_state VALUES ('b', '1')")
            raise ValueError
    assert (mirror.get_state("a"), mirror.get_state("b")) == ("1", None)


def test_read_outbox_coalesces_each_row_in_push_order(mirror: Mirror) -> None:
    note = insert(mirror, "notes", organisation_id=ORG, body="child first")
    lesson = insert(mirror, "lessons", organisation_id=ORG, title="parent")
    mirror.conn.execute("UPDATE notes SET body = 'edited' WHERE id = ?", (note,))
    mirror.conn.execute("UPDATE lessons SET title = 'parent v2' WHERE id = ?", (lesson,))
    org = insert(mirror, "organisations", name="School")
    changes = mirror.read_outbox(10)
    assert [(c.table, c.row_id, c.op) for c in changes] == [
        ("organisations", org, "upsert"),
        ("lessons", lesson, "upsert"),
        ("notes", note, "upsert"),
    ]
    assert changes[2].row["body"] == "edited" and "row_version" not in changes[2].row
    assert changes[1].max_seq == 4
    assert mirror.pending_count() == 3
    assert mirror.pending_by_table() == {"organisations": 1, "lessons": 1, "notes": 1}
    assert len(mirror.read_outbox(2)) == 2


def test_append_only_rows_go_up_as_inserts(mirror: Mirror) -> None:
    session = insert(mirror, "practice_sessions", organisation_id=ORG, score=42.5, raw_metrics='{"wpm": 30}')
    [change] = mirror.read_outbox(10)
    assert (change.row_id, change.op, change.row["raw_metrics"]) == (session, "insert", {"wpm": 30})


def test_a_restore_carries_the_deleted_at_the_server_showed(mirror: Mirror) -> None:
    row = wire_row("lessons", deleted_at=ts(10))
    mirror.apply_page([("lessons", row)], "e:1", merge_fieldwise)
    conn = mirror.conn
    conn.execute("UPDATE lessons SET deleted_at = NULL WHERE id = ?", (row["id"],))
    conn.execute("UPDATE lessons SET deleted_at = '2025-06-01T00:00:00.000000Z' WHERE id = ?", (row["id"],))
    conn.execute("UPDATE lessons SET deleted_at = NULL WHERE id = ?", (row["id"],))
    [change] = mirror.read_outbox(10)
    assert (change.op, change.restore_of) == ("restore", ts(10))
    conn.execute("UPDATE lessons SET deleted_at = '2025-07-01T00:00:00.000000Z' WHERE id = ?", (row["id"],))
    [change] = mirror.read_outbox(10)
    assert (change.op, change.restore_of, change.row["deleted_at"]) == (
        "upsert",
        None,
        "2025-07-01T00:00:00.000000Z",
    )


def test_settle_keeps_an_edit_made_while_the_push_was_in_flight(mirror: Mirror) -> None:
    lesson = insert(mirror, "lessons", organisation_id=ORG, title="v1")
    [sent] = mirror.read_outbox(10)
    mirror.conn.execute("UPDATE lessons SET title = 'v2' WHERE id = ?", (lesson,))
    mirror.settle("lessons", lesson, sent.max_seq)
    [again] = mirror.read_outbox(10)
    assert again.row["title"] == "v2" and again.max_seq > sent.max_seq
    mirror.settle("lessons", lesson, again.max_seq)
    assert mirror.read_outbox(10) == [] and mirror.pending_count() == 0


def test_outbox_entries_of_a_row_that_is_gone_are_dropped(mirror: Mirror) -> None:
    lesson = insert(mirror, "lessons", organisation_id=ORG, title="v1")
    mirror.drop_row("lessons", lesson)
    assert mirror.pending_count() == 1
    assert mirror.read_outbox(10) == []
    assert mirror.pending_count() == 0


def test_conflicts_are_listed_resolved_and_counted(mirror: Mirror) -> None:
    first = mirror.record_conflict(
        "lessons", "r1", "rejected", ["title"], {"title": "é"}, {"title": "b"}, "no", "server"
    )
    second = mirror.record_conflict("notes", "r2", "lost", ["body"], {"body": 1}, {"body": 2})
    assert mirror.conflict_count() == 2
    assert [c.id for c in mirror.list_conflicts()] == [second, first]
    mirror.resolve_conflict(first, "re-applied")
    assert mirror.conflict_count() == 1
    [open_one] = mirror.list_conflicts()
    assert open_one.id == second and open_one.local_values == {"body": 1}
    resolved = [c for c in mirror.list_conflicts(include_resolved=True) if c.id == first]
    assert resolved[0].resolution == "re-applied" and resolved[0].local_values == {"title": "é"}
    with pytest.raises(LocalDbError, match="no conflict number 999"):
        mirror.resolve_conflict(999, "kept")
    with pytest.raises(ValueError):
        mirror.record_conflict("notes", "r3", "oops", [], {}, {})
