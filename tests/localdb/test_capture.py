"""Outbox capture by triggers (SYNC.md U1, C4, P4): any write, even through a plain sqlite3 connection."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from localdb.mirror import Mirror
from localdb.tables import TABLES, data_columns
from tests.localdb.mirror_helpers import DEVICE, ORG, new_id, open_mirror

CANONICAL = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    with open_mirror(tmp_path) as m:
        yield m


@pytest.fixture
def plain(mirror: Mirror) -> Iterator[sqlite3.Connection]:
    """A connection that knows nothing of the app: no pragmas, no row factory, default transactions."""
    conn = sqlite3.connect(mirror.path)
    yield conn
    conn.close()


def outbox(mirror: Mirror) -> list[tuple[str, str, str, list[str], str | None]]:
    rows = mirror.conn.execute(
        "SELECT table_name, row_id, op, changed_fields, restore_of FROM outbox ORDER BY seq"
    )
    return [(t, r, op, json.loads(ch), ro) for t, r, op, ch, ro in rows]


def test_a_plain_sqlite3_insert_and_update_of_lessons_are_queued_with_their_fields(
    mirror: Mirror, plain: sqlite3.Connection
) -> None:
    lesson = new_id()
    plain.execute(
        "INSERT INTO lessons (id, organisation_id, title, difficulty_level) VALUES (?, ?, 'Fractions', 2)",
        (lesson, ORG),
    )
    plain.commit()
    plain.execute(
        "UPDATE lessons SET title = 'Fractions and decimals', is_active = 1 WHERE id = ?", (lesson,)
    )
    plain.commit()
    assert outbox(mirror) == [
        ("lessons", lesson, "insert", list(data_columns("lessons")), None),
        ("lessons", lesson, "update", ["title", "is_active"], None),
    ]


def test_the_trigger_stamps_only_the_changed_columns(mirror: Mirror, plain: sqlite3.Connection) -> None:
    lesson = new_id()
    plain.execute("INSERT INTO lessons (id, organisation_id, title) VALUES (?, ?, 'A')", (lesson, ORG))
    plain.commit()
    first = mirror.get_row("lessons", lesson)
    assert first is not None
    assert first["created_at"] == first["updated_at"]
    assert first["updated_at"] is not None and first["writer_device"] == DEVICE
    assert set(first["field_stamps"]) == set(data_columns("lessons"))
    assert all(s == f"{first['updated_at']}|{DEVICE}" for s in first["field_stamps"].values())

    mirror.set_clock_offset(3600)  # an hour ahead: the new stamp is later whatever the clock's resolution
    plain.execute("UPDATE lessons SET description = 'new' WHERE id = ?", (lesson,))
    plain.commit()
    second = mirror.get_row("lessons", lesson)
    assert second is not None
    changed = {c for c in data_columns("lessons") if second["field_stamps"][c] != first["field_stamps"][c]}
    assert changed == {"description"}
    assert second["field_stamps"]["description"] == f"{second['updated_at']}|{DEVICE}"
    assert second["updated_at"] > first["updated_at"]
    assert re.match(CANONICAL, second["updated_at"])


def test_a_write_that_sets_updated_at_itself_keeps_its_own_stamps(
    mirror: Mirror, plain: sqlite3.Connection
) -> None:
    lesson = new_id()
    plain.execute("INSERT INTO lessons (id, organisation_id, title) VALUES (?, ?, 'A')", (lesson, ORG))
    stamps = json.dumps({"title": "2030-01-01T00:00:00.000000Z|x"})
    plain.execute(
        "UPDATE lessons SET title = 'B', updated_at = '2030-01-01T00:00:00.000000Z', field_stamps = ? "
        "WHERE id = ?",
        (stamps, lesson),
    )
    plain.commit()
    row = mirror.get_row("lessons", lesson)
    assert row is not None
    assert row["field_stamps"] == {"title": "2030-01-01T00:00:00.000000Z|x"}
    assert [op for _, _, op, _, _ in outbox(mirror)] == ["insert", "update"]


def test_delete_and_restore_are_queued_as_such(mirror: Mirror, plain: sqlite3.Connection) -> None:
    lesson = new_id()
    plain.execute("INSERT INTO lessons (id, organisation_id, title) VALUES (?, ?, 'A')", (lesson, ORG))
    plain.execute("UPDATE lessons SET deleted_at = '2025-01-01T00:00:00.000000Z' WHERE id = ?", (lesson,))
    plain.execute("UPDATE lessons SET deleted_at = NULL WHERE id = ?", (lesson,))
    plain.commit()
    assert [(op, ro) for _, _, op, _, ro in outbox(mirror)] == [
        ("insert", None),
        ("delete", None),
        ("restore", "2025-01-01T00:00:00.000000Z"),
    ]


def test_a_hard_delete_becomes_a_queued_tombstone(mirror: Mirror, plain: sqlite3.Connection) -> None:
    lesson = new_id()
    plain.execute("INSERT INTO lessons (id, organisation_id, title) VALUES (?, ?, 'A')", (lesson, ORG))
    plain.execute("DELETE FROM lessons WHERE id = ?", (lesson,))
    plain.commit()
    row = mirror.get_row("lessons", lesson)
    assert row is not None and row["deleted_at"] is not None
    assert outbox(mirror)[-1][2:4] == ("delete", ["deleted_at"])


@pytest.mark.parametrize("spec", TABLES, ids=lambda s: s.name)
def test_every_synced_table_is_captured(mirror: Mirror, plain: sqlite3.Connection, spec: object) -> None:
    name = spec.name  # type: ignore[attr-defined]
    row_id = new_id()
    plain.execute(f"INSERT INTO {name} (id) VALUES (?)", (row_id,))
    first = data_columns(name)[0]
    plain.execute(f"UPDATE {name} SET {first} = 'v' WHERE id = ?", (row_id,))
    plain.commit()
    assert [(t, r, op, ch) for t, r, op, ch, _ in outbox(mirror)] == [
        (name, row_id, "insert", list(data_columns(name))),
        (name, row_id, "update", [first]),
    ]


def test_while_applying_nothing_is_stamped_or_queued(mirror: Mirror, plain: sqlite3.Connection) -> None:
    plain.execute("UPDATE sync_state SET value = '1' WHERE key = 'applying'")
    lesson = new_id()
    plain.execute("INSERT INTO lessons (id, organisation_id, title) VALUES (?, ?, 'A')", (lesson, ORG))
    plain.execute("UPDATE lessons SET title = 'B' WHERE id = ?", (lesson,))
    plain.execute("DELETE FROM lessons WHERE id = ?", (lesson,))
    plain.commit()
    assert outbox(mirror) == []
    assert mirror.get_row("lessons", lesson) is None  # really deleted: a pull removal


def test_an_unchanged_update_queues_nothing(mirror: Mirror, plain: sqlite3.Connection) -> None:
    lesson = new_id()
    plain.execute("INSERT INTO lessons (id, organisation_id, title) VALUES (?, ?, 'A')", (lesson, ORG))
    plain.execute("UPDATE lessons SET title = 'A' WHERE id = ?", (lesson,))
    plain.commit()
    assert len(outbox(mirror)) == 1


def test_the_clock_offset_moves_the_stamps(mirror: Mirror, plain: sqlite3.Connection) -> None:
    mirror.set_clock_offset(-86400 * 365 * 10)  # the server says our clock is ten years fast
    lesson = new_id()
    plain.execute("INSERT INTO lessons (id, organisation_id, title) VALUES (?, ?, 'A')", (lesson, ORG))
    plain.commit()
    row = mirror.get_row("lessons", lesson)
    assert row is not None
    queued_at = mirror.conn.execute("SELECT queued_at FROM outbox").fetchone()[0]
    assert row["updated_at"] < "2020" and queued_at < "2020"


def search(mirror: Mirror, words: str) -> list[str]:
    return [
        r[0]
        for r in mirror.conn.execute("SELECT lesson_id FROM lessons_fts WHERE lessons_fts MATCH ?", (words,))
    ]


def test_the_search_table_follows_lessons_and_notes(mirror: Mirror, plain: sqlite3.Connection) -> None:
    lesson = new_id()
    plain.execute(
        "INSERT INTO lessons (id, organisation_id, title, description) VALUES (?, ?, 'Fractions', 'halves')",
        (lesson, ORG),
    )
    note = new_id()
    plain.execute(
        "INSERT INTO notes (id, lesson_id, position, body) VALUES (?, ?, 1, 'Numérateur et dénominateur')",
        (note, lesson),
    )
    plain.commit()
    assert search(mirror, "fractions") == [lesson]
    assert search(mirror, "numerateur") == [lesson]  # diacritics removed
    plain.execute("UPDATE lessons SET title = 'Decimals' WHERE id = ?", (lesson,))
    plain.execute("UPDATE notes SET body = 'tenths' WHERE id = ?", (note,))
    plain.commit()
    assert search(mirror, "fractions") == [] and search(mirror, "decimals") == [lesson]
    assert search(mirror, "tenths") == [lesson] and search(mirror, "numerateur") == []
    plain.execute("DELETE FROM notes WHERE id = ?", (note,))  # a soft delete: the body leaves the index
    plain.commit()
    assert search(mirror, "tenths") == []


def test_an_edit_on_a_clock_that_runs_behind_still_outranks_the_value_it_changed(
    mirror: Mirror, plain: sqlite3.Connection
) -> None:
    from tests.localdb.mirror_helpers import merge_fieldwise, wire_row

    pulled = wire_row("lessons", updated_at="2025-03-01T10:00:00.123456Z")
    pulled["field_stamps"]["title"] = "2025-03-01T10:00:00.123456Z|ffffffff-ffff-4fff-8fff-ffffffffffff"
    mirror.apply_page([("lessons", pulled)], "e:1", merge_fieldwise)
    mirror.set_clock_offset(-86400 * 365 * 20)  # this PC thinks it is twenty years earlier
    plain.execute("UPDATE lessons SET title = 'corrected' WHERE id = ?", (pulled["id"],))
    plain.commit()
    row = mirror.get_row("lessons", pulled["id"])
    assert row is not None
    assert row["updated_at"] == "2025-03-01T10:00:00.125000Z"  # the row's time + 2 ms, at millisecond steps
    assert row["field_stamps"]["title"] == f"2025-03-01T10:00:00.125000Z|{DEVICE}"
    merged, lost = merge_fieldwise("lessons", pulled, row, None)  # what the server will decide (C1)
    assert merged["title"] == "corrected" and lost == []
