"""Bad input at the file level: a damaged mirror, a locked one (the newer-version and full-disk cases live in
test_migrations.py and test_apply.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from localdb.errors import LocalDbError, MirrorCorrupt, MirrorLocked
from localdb.mirror import Mirror
from tests.localdb.mirror_helpers import merge_fieldwise, open_mirror, wire_row

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
