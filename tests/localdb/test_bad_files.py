"""Bad input at the file level: a damaged mirror, a locked one (the newer-version and full-disk cases live in
test_migrations.py and test_apply.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from localdb import repo
from localdb.errors import LocalDbError, MirrorCorrupt, MirrorLocked
from localdb.mirror import Mirror
from tests.localdb.mirror_helpers import ORG, merge_fieldwise, open_mirror, wire_row

GARBAGE = b"this is not a database, it is a shopping list\n" * 200


def test_a_file_that_is_not_a_database_is_moved_aside_then_replaced(tmp_path: Path) -> None:
    path = tmp_path / "mirror.sqlite3"
    path.write_bytes(GARBAGE)
    with pytest.raises(MirrorCorrupt, match="damaged") as info:
        open_mirror(tmp_path)
    kept = info.value.moved_to
    assert kept.name.startswith("mirror.sqlite3.corrupt-") and kept.read_bytes() == GARBAGE
    assert not path.exists()
    with open_mirror(tmp_path) as fresh:  # a second call starts fresh
        assert fresh.pending_count() == 0
    assert kept.read_bytes() == GARBAGE


def test_fresh_if_corrupt_gives_a_fresh_mirror_and_keeps_every_damaged_copy(tmp_path: Path) -> None:
    kept = []
    for _ in range(2):
        (tmp_path / "mirror.sqlite3").write_bytes(GARBAGE)
        with open_mirror(tmp_path, fresh_if_corrupt=True) as mirror:
            assert mirror.moved_aside is not None
            kept.append(mirror.moved_aside)
            assert mirror.get_state("applying") == "0"
    assert kept[0] != kept[1] and all(k.read_bytes() == GARBAGE for k in kept)


def test_a_mirror_with_damaged_pages_is_detected(tmp_path: Path) -> None:
    """The default open checks the whole file before anything else."""
    with open_mirror(tmp_path) as mirror:
        rows = [("lessons", wire_row("lessons", description="d" * 3000)) for _ in range(40)]
        mirror.apply_page(rows, "e:1", merge_fieldwise)
        mirror.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = tmp_path / "mirror.sqlite3"
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(
        page * 3, len(data) - page, page * 2
    ):  # scribble over every other page after the schema
        data[offset : offset + page] = b"\xa5" * page
    path.write_bytes(bytes(data))
    with pytest.raises(MirrorCorrupt) as info:
        open_mirror(tmp_path)
    assert info.value.moved_to.read_bytes() == bytes(data)


def damage_lesson_pages(folder: Path) -> bytes:
    """A mirror whose lesson pages are scribbled over, while the pages an open reads (schema, state) are
    intact: only the whole-file check can tell. Answers the damaged file's bytes."""
    with open_mirror(folder) as mirror:
        rows = [("lessons", wire_row("lessons", description="d" * 3000)) for _ in range(40)]
        mirror.apply_page(rows, "e:1", merge_fieldwise)
        mirror.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = folder / "mirror.sqlite3"
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page, len(data), page):
        if b"d" * 2000 in data[offset : offset + page]:  # a lesson (or its search row) lives here
            data[offset : offset + page] = b"\xa5" * page
    path.write_bytes(bytes(data))
    return bytes(data)


def assert_untouched(folder: Path, damaged: bytes) -> None:
    assert (folder / "mirror.sqlite3").read_bytes() == damaged
    wal = folder / "mirror.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # not even a page waiting in the WAL


def test_a_deferred_check_finds_the_damage_and_nothing_more_is_written(tmp_path: Path) -> None:
    damaged = damage_lesson_pages(tmp_path)
    mirror = open_mirror(tmp_path, defer_check=True)  # opens: what an open reads is intact
    try:
        assert not mirror.checked and mirror.damage is None
        problem = mirror.check()
        assert problem is not None and "malformed" in problem
        assert mirror.checked and mirror.damage == problem
        assert mirror.check() == problem  # asked again: the same answer, no second pass
        other = mirror.connect()  # connections made before and after the check are both refused
        for conn in (mirror.conn, other):
            with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
                repo.create_lesson(conn, organisation_id=ORG, author_id=None, title="Lost")
        with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
            mirror.set_state("cursor", "e:2")
        assert other.execute("SELECT count(*) FROM sync_state").fetchone()[0] > 0  # reading still works
    finally:
        mirror.close()
    assert_untouched(tmp_path, damaged)
    assert (tmp_path / "mirror.sqlite3.check-failed").exists()
    # The next open, deferred or not, checks first and moves the file aside (kept, never deleted).
    with pytest.raises(MirrorCorrupt) as info:
        open_mirror(tmp_path, defer_check=True)
    assert info.value.moved_to.read_bytes() == damaged
    assert not (tmp_path / "mirror.sqlite3.check-failed").exists()
    with open_mirror(tmp_path, defer_check=True) as fresh:
        assert fresh.pending_count() == 0


def test_a_write_before_the_deferred_check_runs_it_first(tmp_path: Path) -> None:
    damaged = damage_lesson_pages(tmp_path)
    with open_mirror(tmp_path, defer_check=True) as mirror:
        with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
            mirror.apply_page([("lessons", wire_row("lessons"))], "e:2", merge_fieldwise)
        assert mirror.checked and mirror.damage is not None
    assert_untouched(tmp_path, damaged)


def test_a_sound_mirror_opened_with_a_deferred_check_writes_as_usual(tmp_path: Path) -> None:
    open_mirror(tmp_path).close()
    with open_mirror(tmp_path, defer_check=True) as mirror:
        assert not mirror.checked
        conn = mirror.connect()
        assert conn.execute("SELECT count(*) FROM lessons").fetchone()[0] == 0  # a read does not check
        assert not mirror.checked
        repo.create_lesson(conn, organisation_id=ORG, author_id=None, title="Kept")  # the first write checks
        assert mirror.checked and mirror.damage is None
        assert mirror.check() is None
        assert mirror.pending_count() == 1
    assert not (tmp_path / "mirror.sqlite3.check-failed").exists()


def test_a_locked_file_waits_then_says_so_in_plain_words(tmp_path: Path) -> None:
    open_mirror(tmp_path).close()
    holder = sqlite3.connect(tmp_path / "mirror.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program writing and not letting go
    try:
        with pytest.raises(MirrorLocked, match="in use by another program") as info:
            open_mirror(tmp_path, busy_timeout=0.05)
        assert isinstance(info.value, LocalDbError)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with open_mirror(tmp_path, busy_timeout=0.05) as mirror:  # once released, it opens
        assert mirror.get_state("applying") == "0"


def test_a_write_blocked_by_another_writer_is_mirror_locked(tmp_path: Path) -> None:
    with open_mirror(tmp_path, busy_timeout=0.05) as mirror:
        holder = sqlite3.connect(mirror.path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(MirrorLocked):
                mirror.apply_page([("lessons", wire_row("lessons"))], "e:1", merge_fieldwise)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert mirror.apply_page([("lessons", wire_row("lessons"))], "e:1", merge_fieldwise).applied == 1


def test_open_creates_missing_folders(tmp_path: Path) -> None:
    with Mirror.open(tmp_path / "a" / "b" / "mirror.sqlite3") as mirror:
        assert mirror.path.exists() and len(mirror.device_id) == 36
