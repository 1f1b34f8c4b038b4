"""Applying pulled pages (SYNC.md P2-P5, C3, C6): page + cursor together, tombstones first, no echo."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from localdb.errors import DiskFull
from localdb.mirror import Mirror
from localdb.tables import data_columns
from tests.localdb.mirror_helpers import ORG, merge_fieldwise, open_mirror, stamp, ts, wire_row

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    with open_mirror(tmp_path) as m:
        yield m


def count(mirror: Mirror, table: str) -> int:
    return int(mirror.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_pulled_rows_are_stored_as_sent_and_never_echo(mirror: Mirror) -> None:
    rows = [wire_row("lessons", title=f"L{i}") for i in range(3)]
    result = mirror.apply_page([("lessons", r) for r in rows], "e:1:3", merge_fieldwise)
    assert (result.applied, result.merged, result.conflicts) == (3, 0, 0)
    assert mirror.get_row("lessons", rows[1]["id"]) == rows[1]  # stamps and updated_at untouched (P4)
    assert mirror.pending_count() == 0
    assert mirror.get_state("cursor") == "e:1:3" and mirror.get_state("applying") == "0"
    changed = dict(rows[1], title="server edit", row_version=2)
    mirror.apply_page([("lessons", changed)], "e:1:4", merge_fieldwise)
    assert mirror.get_row("lessons", rows[1]["id"]) == changed
    assert mirror.pending_count() == 0


def test_a_failure_inside_the_second_page_leaves_the_first_page_and_its_cursor(mirror: Mirror) -> None:
    first = [wire_row("lessons") for _ in range(3)]
    mirror.apply_page([("lessons", r) for r in first], "e:1:3", merge_fieldwise)
    local = wire_row("lessons")
    mirror.apply_page([("lessons", local)], "e:1:4", merge_fieldwise)
    mirror.conn.execute("UPDATE lessons SET title = 'mine' WHERE id = ?", (local["id"],))  # pending edit

    def exploding_merge(*args: Any) -> tuple[dict[str, Any], list[str]]:
        raise RuntimeError("boom")

    second = [wire_row("lessons") for _ in range(3)] + [dict(local, title="theirs")]
    with pytest.raises(RuntimeError, match="boom"):
        mirror.apply_page([("lessons", r) for r in second], "e:2:9", exploding_merge)
    assert mirror.get_state("cursor") == "e:1:4"
    assert mirror.get_state("applying") == "0"
    assert count(mirror, "lessons") == 4
    assert all(mirror.get_row("lessons", r["id"]) is None for r in second[:3])
    assert mirror.get_row("lessons", local["id"])["title"] == "mine"  # type: ignore[index]


CHILD = """
import os, signal, sys
from localdb.mirror import Mirror
from localdb.tables import data_columns
from tests.localdb.mirror_helpers import merge_fieldwise, wire_row

mirror = Mirror.open(sys.argv[1])
pending = wire_row("lessons", title="local")
mirror.apply_page([("lessons", pending)], "c:0", merge_fieldwise)
mirror.conn.execute("UPDATE lessons SET title = 'edited here' WHERE id = ?", (pending["id"],))
mirror.apply_page([("lessons", wire_row("lessons")) for _ in range(50)], "c:1", merge_fieldwise)

def die(*args):
    os.kill(os.getpid(), signal.SIGKILL)  # the process dies half-way through page 2, mid-transaction

page2 = [("lessons", wire_row("lessons")) for _ in range(50)] + [("lessons", dict(pending, title="theirs"))]
mirror.apply_page(page2, "c:2", die)
"""


def test_a_process_killed_inside_a_page_leaves_the_mirror_at_a_page_boundary(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite3"
    child = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), str(path)], cwd=ROOT, capture_output=True, check=False
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    with Mirror.open(path) as mirror:
        assert mirror.get_state("cursor") == "c:1"
        assert mirror.get_state("applying") == "0"
        assert count(mirror, "lessons") == 51  # the pending row + page 1; nothing of page 2
        assert mirror.pending_count() == 1


def test_tombstones_are_applied_before_the_other_rows_of_a_page(mirror: Mirror) -> None:
    mirror.conn.execute("CREATE TEMP TABLE seen (id TEXT, deleted INTEGER)")
    mirror.conn.execute(
        "CREATE TEMP TRIGGER log_order AFTER INSERT ON main.lessons "
        "BEGIN INSERT INTO seen VALUES (NEW.id, NEW.deleted_at IS NOT NULL); END"
    )
    rows = [wire_row("lessons", deleted_at=ts(9) if i % 3 == 0 else None) for i in range(9)]
    mirror.apply_page([("lessons", r) for r in rows], "e:1", merge_fieldwise)
    order = [bool(d) for _, d in mirror.conn.execute("SELECT id, deleted FROM seen ORDER BY rowid")]
    assert order == [True] * 3 + [False] * 6


def test_parents_are_written_before_children_within_a_page(mirror: Mirror) -> None:
    mirror.conn.execute("CREATE TEMP TABLE seen (t TEXT)")
    for table in ("lessons", "notes"):
        mirror.conn.execute(
            f"CREATE TEMP TRIGGER log_{table} AFTER INSERT ON main.{table} "
            f"BEGIN INSERT INTO seen VALUES ('{table}'); END"
        )
    lesson = wire_row("lessons")
    note = wire_row("notes", lesson_id=lesson["id"], body="about halves")
    mirror.apply_page([("notes", note), ("lessons", lesson)], "e:1", merge_fieldwise)
    assert [r[0] for r in mirror.conn.execute("SELECT t FROM seen ORDER BY rowid")] == ["lessons", "notes"]
    hits = mirror.conn.execute(
        "SELECT lesson_id FROM lessons_fts WHERE lessons_fts MATCH 'halves'"
    ).fetchall()
    assert [h[0] for h in hits] == [lesson["id"]]


def test_a_pending_local_edit_meets_the_pulled_row_and_the_loser_is_kept(mirror: Mirror) -> None:
    base = wire_row("lessons", second=1, title="Old", description="Old text")
    mirror.apply_page([("lessons", base)], "e:1", merge_fieldwise)
    # Offline, this device edits both fields (stamped now: later than any server stamp below but one).
    mirror.conn.execute(
        "UPDATE lessons SET title = 'Mine', description = 'My text' WHERE id = ?", (base["id"],)
    )
    local = mirror.get_row("lessons", base["id"])
    assert local is not None
    # Meanwhile someone changed the title with a later stamp (clock far ahead) and the description earlier.
    future = "2999-01-01T00:00:00.000000Z|00000000-0000-4000-8000-0000000000e9"
    stamps = {**base["field_stamps"], "title": future, "description": stamp(2)}
    pulled = dict(base, title="Theirs", description="Their text", row_version=2, field_stamps=stamps)
    result = mirror.apply_page([("lessons", pulled)], "e:2", merge_fieldwise)
    assert (result.applied, result.merged, result.conflicts) == (0, 1, 1)
    row = mirror.get_row("lessons", base["id"])
    assert row is not None
    assert (row["title"], row["description"]) == ("Theirs", "My text")
    assert row["row_version"] == 2
    [conflict] = mirror.list_conflicts()
    assert (conflict.table, conflict.row_id, conflict.kind, conflict.source) == (
        "lessons",
        base["id"],
        "lost",
        "device",
    )
    assert conflict.fields == ["title"]
    assert conflict.local_values == {"title": "Mine"} and conflict.winning_values == {"title": "Theirs"}
    # The merged row is still queued, as it is now, so the winning local description reaches the server.
    [change] = mirror.read_outbox(10)
    assert change.row["description"] == "My text" and change.row["title"] == "Theirs"


def test_a_pulled_edit_of_a_column_this_device_did_not_touch_is_no_conflict(mirror: Mirror) -> None:
    base = wire_row("lessons", second=1, title="Old", description="Old text")
    mirror.apply_page([("lessons", base)], "e:1", merge_fieldwise)
    mirror.conn.execute("UPDATE lessons SET title = 'Mine' WHERE id = ?", (base["id"],))
    # Someone else changed the description: the local row still has the old one under an older stamp, which
    # the merge reports as lost; this device never touched it, so nobody here lost anything.
    stamps = {**base["field_stamps"], "description": stamp(2)}
    pulled = dict(base, description="Their text", row_version=2, field_stamps=stamps)
    assert merge_fieldwise("lessons", pulled, mirror.get_row("lessons", base["id"]) or {}, None)[1] == [
        "description"
    ]
    result = mirror.apply_page([("lessons", pulled)], "e:2", merge_fieldwise)
    assert (result.applied, result.merged, result.conflicts) == (0, 1, 0)
    row = mirror.get_row("lessons", base["id"])
    assert row is not None and (row["title"], row["description"]) == ("Mine", "Their text")
    assert mirror.list_conflicts() == []
    [change] = mirror.read_outbox(10)
    assert change.changed_fields == ("title",)


def test_read_outbox_gives_the_union_of_the_rows_changed_fields(mirror: Mirror) -> None:
    base = wire_row("lessons", title="Old")
    mirror.apply_page([("lessons", base)], "e:1", merge_fieldwise)
    mirror.conn.execute("UPDATE lessons SET title = 'A' WHERE id = ?", (base["id"],))
    mirror.conn.execute("UPDATE lessons SET description = 'B' WHERE id = ?", (base["id"],))
    mirror.conn.execute("UPDATE lessons SET title = 'C' WHERE id = ?", (base["id"],))
    fresh = wire_row("notes", lesson_id=base["id"])
    fresh.pop("updated_at")
    mirror.conn.execute(
        f"INSERT INTO notes ({', '.join(k for k in fresh if k not in {'field_stamps', 'row_version'})}) "
        f"VALUES ({', '.join('?' * (len(fresh) - 2))})",
        [json.dumps(v) if isinstance(v, dict | list) else v
         for k, v in fresh.items() if k not in {"field_stamps", "row_version"}],
    )
    by_table = {c.table: c for c in mirror.read_outbox(10)}
    assert by_table["lessons"].changed_fields == ("description", "title")
    assert set(by_table["notes"].changed_fields or ()) == set(data_columns("notes"))


def test_an_edit_meeting_a_pulled_delete_merges_into_the_tombstone_and_is_kept_for_review(
    mirror: Mirror,
) -> None:
    base = wire_row("lessons", title="Old")
    mirror.apply_page([("lessons", base)], "e:1", merge_fieldwise)
    mirror.conn.execute("UPDATE lessons SET title = 'Mine' WHERE id = ?", (base["id"],))
    tomb = dict(base, deleted_at=ts(30), row_version=2)
    result = mirror.apply_page([("lessons", tomb)], "e:2", merge_fieldwise)
    row = mirror.get_row("lessons", base["id"])
    assert row is not None and row["deleted_at"] == ts(30) and row["title"] == "Mine"  # C3: sticky, merged
    assert result.conflicts == 1
    [conflict] = mirror.list_conflicts()
    assert (conflict.kind, conflict.fields, conflict.local_values) == (
        "deleted",
        ["title"],
        {"title": "Mine"},
    )


def test_a_restore_that_lost_is_recorded(mirror: Mirror) -> None:
    base = wire_row("lessons", deleted_at=ts(10))
    mirror.apply_page([("lessons", base)], "e:1", merge_fieldwise)
    mirror.conn.execute("UPDATE lessons SET deleted_at = NULL WHERE id = ?", (base["id"],))
    [change] = mirror.read_outbox(10)
    assert (change.op, change.restore_of) == ("restore", ts(10))
    # The server's tombstone moved on (deleted again at another time): the restore no longer applies (C4).
    mirror.apply_page([("lessons", dict(base, deleted_at=ts(5), row_version=3))], "e:2", merge_fieldwise)
    row = mirror.get_row("lessons", base["id"])
    assert row is not None and row["deleted_at"] == ts(5)
    [conflict] = mirror.list_conflicts()
    assert conflict.kind == "deleted" and conflict.fields == ["deleted_at"]


def test_removed_rows_leave_the_mirror_unless_a_local_edit_waits(mirror: Mirror) -> None:
    rows = [wire_row("lessons") for _ in range(3)]
    mirror.apply_page([("lessons", r) for r in rows], "e:1", merge_fieldwise)
    mirror.conn.execute("UPDATE lessons SET title = 'mine' WHERE id = ?", (rows[2]["id"],))
    removed = [("lessons", r["id"]) for r in rows]
    mirror.apply_page([], "e:2", merge_fieldwise, removed=removed)
    assert [mirror.get_row("lessons", r["id"]) is None for r in rows] == [True, True, False]
    assert mirror.pending_count() == 1 and mirror.get_state("cursor") == "e:2"


def test_a_row_of_an_unknown_table_is_skipped(mirror: Mirror) -> None:
    result = mirror.apply_page([("future_table", {"id": "x"}), ("lessons", wire_row("lessons"))], "e:1",
                               merge_fieldwise)  # fmt: skip
    assert result.applied == 1


def test_a_full_disk_rolls_the_whole_page_back(mirror: Mirror) -> None:
    mirror.apply_page([("lessons", wire_row("lessons"))], "e:1", merge_fieldwise)
    pages = mirror.conn.execute("PRAGMA page_count").fetchone()[0]
    mirror.conn.execute(f"PRAGMA max_page_count = {pages + 20}")  # a disk with 80 KB left
    big = [("lessons", wire_row("lessons", description="x" * 20_000)) for _ in range(30)]
    with pytest.raises(DiskFull, match=r"disk holding mirror\.sqlite3 is full") as info:
        mirror.apply_page(big, "e:2", merge_fieldwise)
    assert "Traceback" not in str(info.value)
    assert mirror.get_state("cursor") == "e:1" and mirror.get_state("applying") == "0"
    assert count(mirror, "lessons") == 1
    assert mirror.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    mirror.conn.execute("PRAGMA max_page_count = 1073741823")  # space freed: the same page now applies
    assert mirror.apply_page(big, "e:2", merge_fieldwise).applied == 30


def test_accept_server_row_writes_without_queuing_and_merges_a_later_edit(mirror: Mirror) -> None:
    row = wire_row("notes", body="first")
    mirror.accept_server_row("notes", row)
    assert mirror.get_row("notes", row["id"]) == row and mirror.pending_count() == 0
    mirror.conn.execute("UPDATE notes SET body = 'edited after the push' WHERE id = ?", (row["id"],))
    mirror.accept_server_row("notes", dict(row, title="server title", row_version=2), merge_fieldwise)
    now = mirror.get_row("notes", row["id"])
    assert now is not None and now["body"] == "edited after the push" and now["row_version"] == 2
    mirror.drop_row("notes", row["id"])
    assert mirror.get_row("notes", row["id"]) is None


def test_reset_table_keeps_rows_with_pending_changes_and_the_checksum_matches_the_server_form(
    mirror: Mirror,
) -> None:
    ids = sorted([wire_row("classes") for _ in range(4)], key=lambda r: r["id"])
    mirror.apply_page([("classes", r) for r in ids], "e:1", merge_fieldwise)
    import hashlib

    expected = hashlib.md5(",".join(r["id"] for r in ids).encode()).hexdigest()
    assert mirror.table_checksum("classes") == (4, expected)
    mirror.conn.execute("UPDATE classes SET name = 'mine' WHERE id = ?", (ids[0]["id"],))
    assert mirror.reset_table("classes") == 3
    assert mirror.table_checksum("classes") == (1, hashlib.md5(ids[0]["id"].encode()).hexdigest())
    assert mirror.table_checksum("notes") == (0, hashlib.md5(b"").hexdigest())
    assert mirror.pending_count() == 1


def _as_json(row: Mapping[str, Any]) -> str:
    return json.dumps(row, sort_keys=True)


def test_normalises_pulled_timestamps_to_the_canonical_form(mirror: Mirror) -> None:
    row = wire_row("lessons", published_at="2025-03-01T12:00:00.5+02:00", created_at="2025-03-01 10:00:00+00")
    mirror.apply_page([("lessons", row)], "e:1", merge_fieldwise)
    stored = mirror.get_row("lessons", row["id"])
    assert stored is not None
    assert stored["published_at"] == "2025-03-01T10:00:00.500000Z"
    assert stored["created_at"] == "2025-03-01T10:00:00.000000Z"
    assert ORG in _as_json(stored)


def triggers(mirror: Mirror) -> set[str]:
    return {r[0] for r in mirror.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}


def test_the_triggers_are_back_after_a_page_and_after_a_failed_page(mirror: Mirror) -> None:
    before = triggers(mirror)
    row = wire_row("lessons")
    mirror.apply_page([("lessons", row), ("notes", wire_row("notes"))], "e:1", merge_fieldwise)
    assert triggers(mirror) == before
    mirror.conn.execute("UPDATE lessons SET title = 'local' WHERE id = ?", (row["id"],))
    assert mirror.pending_count() == 1  # capture works again at once

    def exploding_merge(*args: Any) -> tuple[dict[str, Any], list[str]]:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        mirror.apply_page([("lessons", dict(row, title="theirs"))], "e:2", exploding_merge)
    assert triggers(mirror) == before


def search(mirror: Mirror, words: str) -> list[str]:
    sql = "SELECT lesson_id FROM lessons_fts WHERE lessons_fts MATCH ? ORDER BY lesson_id"
    return [r[0] for r in mirror.conn.execute(sql, (words,))]


def test_the_search_index_follows_pulled_lessons_and_notes(mirror: Mirror) -> None:
    a, b = wire_row("lessons", title="Fractions"), wire_row("lessons", title="Verbs")
    note = wire_row("notes", lesson_id=a["id"], body="numerator", position=1)
    mirror.apply_page([("lessons", a), ("lessons", b), ("notes", note)], "e:1", merge_fieldwise)
    assert search(mirror, "numerator") == [a["id"]] and search(mirror, "verbs") == [b["id"]]
    moved = dict(note, lesson_id=b["id"], body="denominator")
    mirror.apply_page([("lessons", dict(a, title="Decimals")), ("notes", moved)], "e:2", merge_fieldwise)
    assert search(mirror, "fractions") == [] and search(mirror, "decimals") == [a["id"]]
    assert search(mirror, "numerator") == [] and search(mirror, "denominator") == [b["id"]]
    mirror.apply_page([("notes", dict(moved, deleted_at=ts(9)))], "e:3", merge_fieldwise)
    assert search(mirror, "denominator") == []
    mirror.apply_page([], "e:4", merge_fieldwise, removed=[("lessons", b["id"])])
    assert search(mirror, "verbs") == []
    rows = mirror.conn.execute("SELECT count(*) FROM lessons_fts").fetchone()[0]
    assert rows == 1
