"""Applying pulled rows to the mirror (SYNC.md P2, P3, P4, P5, C3, C6) and the re-download helpers (P7, P8).

`apply_page` runs inside the caller's transaction: the page's rows, the removals and the cursor commit
together, so a crash anywhere leaves the mirror at a page boundary (P2). While it runs `sync_state.applying`
is '1', so the triggers neither stamp nor queue what the server sent (P4); the flag is set back before the
commit, and a rollback restores it too.

Rows without a pending local edit are written in bulk (one executemany upsert per table: this is the hot
path of a first sync). A row trigger costs SQLite well over half an insert even when its WHEN clause is false
(measured on 20,000 lessons while tuning bench/bench_apply_page.py), so apply_page drops the page's tables'
triggers inside its own transaction, writes, refreshes `lessons_fts` set-based for the lessons it touched,
and re-creates the triggers before the commit. DDL is transactional in SQLite: a crash or rollback restores
them, and other connections never see them missing (they are blocked from writing by our write lock and read
the committed schema).

A download from the feed's start (a first sync, a replacement sync) can skip that refresh (`defer_search`):
the page marks the index stale in its own transaction, and `rebuild_search` writes it whole once at the end,
clearing the mark in its transaction; a crash in between leaves the mark, and the mirror repairs it
(localdb/mirror.py). Lessons and their notes arrive on different pages, so the per-page refresh indexed each
lesson twice; the rebuild indexes it once (bench/bench_apply_page.py).

A row with a pending local edit meets the pulled row through the merge function (P5); what lost of the
columns this device changed (the row's pending `changed_fields`) is kept in `conflicts` (C6), and the outbox
entries stay, so the merged row is what gets pushed next.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from localdb.conflicts import record_conflict
from localdb.outbox import own_losses, pending_changed_fields, pending_restore_of
from localdb.tables import TABLE_NAMES, data_columns
from localdb.triggers import SEARCH_REBUILD_SQL, SEARCH_REFRESH_SQL, table_triggers
from localdb.wire import codec, dump_json

__all__ = [
    "PULL_CHECKPOINT_PAGES",
    "SEARCH_STALE_KEY",
    "ApplyResult",
    "MergeFn",
    "apply_page",
    "applying",
    "defer_wanted",
    "rebuild_search",
    "reset_table",
    "search_stale",
    "table_checksum",
    "wide_checkpoints",
    "write_rows",
]

log = logging.getLogger(__name__)

#: merge(table, existing=pulled row, incoming=local row, restore_of) -> (merged row, lost fields); see
#: docs/sync-protocol.md "The merge". The real one is sync.rules.merge with the table bound in.
MergeFn = Callable[[str, Mapping[str, Any], Mapping[str, Any], str | None], tuple[dict[str, Any], list[str]]]

_CHUNK = 500
#: WAL frames (4 KiB pages) between SQLite's automatic checkpoints while a pull runs; its default is 1,000, which
#: a page of 1,000 pulled rows fills by itself, so nearly every page paid a checkpoint (writing its pages into the
#: file once more, with an fsync). 10,000 (40 MB) let a page's hot pages (index roots, the search index) reach the
#: file once per ~10 pages instead: apply_page ~20% faster on a 100,003-row first sync.
PULL_CHECKPOINT_PAGES = 10_000
_CHECKSUM_SLICE = 10_000
_ANY_LESSON = "SELECT EXISTS (SELECT 1 FROM lessons WHERE id IN (SELECT value FROM json_each(?)))"
_ORDER = {name: i for i, name in enumerate(TABLE_NAMES)}
#: sync_state key: '1' while `lessons_fts` lacks what deferred pages wrote (see apply_page's `defer_search`).
SEARCH_STALE_KEY = "search_stale"
_SEARCH_TABLES = frozenset({"lessons", "notes"})


@dataclass(frozen=True)
class ApplyResult:
    applied: int  # rows written as the server sent them
    merged: int  # rows merged with a pending local edit
    conflicts: int  # conflicts recorded (local values that lost)


@contextmanager
def applying(conn: sqlite3.Connection) -> Iterator[None]:
    """Mark the open transaction as applying server data (P4). On error the caller's rollback undoes it."""
    conn.execute("UPDATE sync_state SET value = '1' WHERE key = 'applying'")
    yield
    conn.execute("UPDATE sync_state SET value = '0' WHERE key = 'applying'")


@cache
def _upsert_sql(table: str) -> str:
    cols = codec(table).columns
    sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
    marks = ", ".join("?" * len(cols))
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET {sets}"


def _pending_ids(conn: sqlite3.Connection, table: str, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT DISTINCT row_id FROM outbox WHERE table_name = ? AND row_id IN ({marks})"
        found.update(r[0] for r in conn.execute(sql, [table, *chunk]))
    return found


def _has_pending(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM outbox LIMIT 1").fetchone() is not None


def _ordered(rows: Iterable[tuple[str, Mapping[str, Any]]]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """Tombstones first (C3), then the rest; within each, tables in push order (parents first)."""
    buckets: dict[tuple[int, int], tuple[str, list[Mapping[str, Any]]]] = {}
    for table, row in rows:
        order = _ORDER.get(table)
        if order is None:  # a table this app version does not know (P7): nothing to store it in
            log.warning("pull: skipping a row of unknown table %r", table)
            continue
        key = (0 if row.get("deleted_at") is not None else 1, order)
        buckets.setdefault(key, (table, []))[1].append(row)
    return [buckets[k] for k in sorted(buckets)]


def _merge_one(conn: sqlite3.Connection, table: str, pulled: Mapping[str, Any], merge: MergeFn) -> int:
    """Merge a pulled row with the pending local one; answers the number of conflicts recorded."""
    c = codec(table)
    stored = conn.execute(f"SELECT {c.select_list} FROM {table} WHERE id = ?", (pulled["id"],)).fetchone()
    if stored is None:
        conn.execute(_upsert_sql(table), c.to_storage(pulled))
        return 0
    local = c.to_wire(stored)
    restore_of = pending_restore_of(conn, table, local["id"])
    result, lost = merge(table, pulled, local, restore_of)
    # Only what this device changed can lose here (C6): an older stamp on an untouched column only means
    # someone else edited it since the last pull (docs/sync-protocol.md "The merge", step 4).
    changed = pending_changed_fields(conn, table, local["id"])
    lost = own_losses(lost, changed, restoring=restore_of is not None)
    final = {**pulled, **result}  # the merge speaks of data and stamp columns; keep the server's others
    conn.execute(_upsert_sql(table), c.to_storage(final))
    if lost:
        kind = "deleted" if "deleted_at" in lost else "lost"
        reason = "a newer value from the server won" if kind == "lost" else "the row stays deleted (C4)"
        record_conflict(
            conn, table, local["id"], kind=kind, fields=lost, reason=reason, source="device",
            local_values={f: local.get(f) for f in lost}, winning_values={f: final.get(f) for f in lost},
        )  # fmt: skip
        return 1
    if pulled.get("deleted_at") is not None and local.get("deleted_at") is None:
        # C3: the edit merged into a row someone deleted; keep what was typed visible for review.
        fields = sorted(set(changed) & set(data_columns(table))) or ["deleted_at"]
        record_conflict(
            conn, table, local["id"], kind="deleted", fields=fields, source="device",
            local_values={f: local.get(f) for f in fields},
            winning_values={"deleted_at": final.get("deleted_at")}, reason="the row was deleted elsewhere",
        )  # fmt: skip
        return 1
    return 0


def write_rows(
    conn: sqlite3.Connection, table: str, rows: Sequence[Mapping[str, Any]], merge: MergeFn | None
) -> tuple[int, int, int]:
    """Write server rows of one table (inside `applying`); answers (applied, merged, conflicts)."""
    c = codec(table)
    pending = _pending_ids(conn, table, [r["id"] for r in rows]) if merge and _has_pending(conn) else set()
    plain = [r for r in rows if r["id"] not in pending] if pending else rows
    conn.executemany(_upsert_sql(table), [c.to_storage(r) for r in plain])
    conflicts = 0
    if pending and merge is not None:
        for row in rows:
            if row["id"] in pending:
                conflicts += _merge_one(conn, table, row, merge)
    return len(plain), len(rows) - len(plain), conflicts


def _remove(conn: sqlite3.Connection, removed: Sequence[tuple[str, str]]) -> None:
    by_table: dict[str, list[str]] = {}
    for table, row_id in removed:
        if table in _ORDER:
            by_table.setdefault(table, []).append(row_id)
    for table, ids in by_table.items():
        keep = _pending_ids(conn, table, ids)
        if keep:  # a local edit waits for the push; the server will reject it (C7) and then we drop it
            log.info("pull: %d removed %s rows still have local changes; kept until pushed", len(keep), table)
        conn.executemany(f"DELETE FROM {table} WHERE id = ?", [(i,) for i in ids if i not in keep])


@contextmanager
def _triggers_suspended(conn: sqlite3.Connection, tables: Iterable[str]) -> Iterator[None]:
    """Drop the tables' triggers for the rest of the open transaction's body, then re-create them."""
    triggers = [t for table in sorted(set(tables)) for t in table_triggers(table)]
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    yield  # on error no re-creation: the caller's rollback brings them back
    for _, sql in triggers:
        conn.execute(sql)


def _search_ids(conn: sqlite3.Connection, ordered: list[tuple[str, list[Mapping[str, Any]]]]) -> set[str]:
    """Lessons whose search row the page changes: its lessons, and the old and new lessons of its notes."""
    ids: set[str] = set()
    for table, batch in ordered:
        if table == "lessons":
            ids.update(r["id"] for r in batch)
        elif table == "notes":
            ids.update(r["lesson_id"] for r in batch if r.get("lesson_id"))
            old = "SELECT DISTINCT lesson_id FROM notes WHERE id IN (SELECT value FROM json_each(?))"
            ids.update(r[0] for r in conn.execute(old, (dump_json([r["id"] for r in batch]),)) if r[0])
    return ids


def _refresh_search(conn: sqlite3.Connection, search: str, indexed: bool) -> None:
    delete, insert = SEARCH_REFRESH_SQL
    if indexed:
        conn.execute(delete, (search,))
    conn.execute(insert, (search,))


def apply_page(
    conn: sqlite3.Connection,
    rows: Sequence[tuple[str, Mapping[str, Any]]],
    cursor: str | None,
    merge: MergeFn,
    removed: Sequence[tuple[str, str]] = (),
    *,
    defer_search: bool = False,
) -> ApplyResult:
    """Apply a page inside the caller's transaction: tombstones first, merges, removals, then the cursor.

    `defer_search`: leave `lessons_fts` as it is and, when the page holds lessons or notes, mark it stale
    (`sync_state.search_stale = '1'`) in the same transaction; `rebuild_search` later writes it whole once.
    """
    applied = merged = conflicts = 0
    ordered = _ordered(rows)
    with applying(conn):
        search, indexed = "[]", False
        if not defer_search:
            search = dump_json(sorted(_search_ids(conn, ordered)))
            # A first sync writes only new lessons: they have no search rows yet, so there is nothing to delete.
            indexed = bool(conn.execute(_ANY_LESSON, (search,)).fetchone()[0])
        with _triggers_suspended(conn, (table for table, _ in ordered)):
            for table, batch in ordered:
                a, m, k = write_rows(conn, table, batch, merge)
                applied, merged, conflicts = applied + a, merged + m, conflicts + k
            if not defer_search:
                _refresh_search(conn, search, indexed)
        if defer_search and any(table in _SEARCH_TABLES for table, _ in ordered):
            _set_state(conn, SEARCH_STALE_KEY, "1")
        _remove(conn, removed)
        _set_state(conn, "cursor", cursor)
    return ApplyResult(applied, merged, conflicts)


def _set_state(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def search_stale(conn: sqlite3.Connection) -> bool:
    """`lessons_fts` may lack rows: a deferred download has not rebuilt it yet (or was killed before it did)."""
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (SEARCH_STALE_KEY,)).fetchone()
    return row is not None and row[0] == "1"


def defer_wanted(conn: sqlite3.Connection) -> bool:
    """Whether a pull's next page should skip the search refresh: the feed is read from its start (no cursor:
    a first sync or a replacement sync, P6), so every lesson comes again and one rebuild at the end costs less
    than refreshing each page (lessons and their notes arrive on different pages, so each lesson would be
    indexed twice); or the index is stale already, so the rebuild is owed anyway."""
    row = conn.execute("SELECT value FROM sync_state WHERE key = 'cursor'").fetchone()
    return row is None or not row[0] or search_stale(conn)


def rebuild_search(conn: sqlite3.Connection) -> None:
    """Write `lessons_fts` whole from the lessons and their notes and clear the stale mark, in the caller's
    transaction (a crash leaves the mark, so the repair runs again)."""
    for sql in SEARCH_REBUILD_SQL:
        conn.execute(sql)
    conn.execute("DELETE FROM sync_state WHERE key = ?", (SEARCH_STALE_KEY,))


@contextmanager
def wide_checkpoints(conn: sqlite3.Connection, pages: int = PULL_CHECKPOINT_PAGES) -> Iterator[None]:
    """Let `conn`'s WAL grow to `pages` frames between automatic checkpoints for the length of the block.

    Durability is unchanged: every page is committed to the WAL as before (a killed process loses nothing, P2),
    and a power cut can undo at most the pages since the last checkpoint, each whole, with its cursor.
    """
    before = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    conn.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA wal_autocheckpoint = {before}")


def reset_table(conn: sqlite3.Connection, table: str) -> int:
    """Delete the table's rows without a pending change, not queued; answers how many went."""
    name = codec(table).table
    with applying(conn):
        cur = conn.execute(
            f"DELETE FROM {name} WHERE id NOT IN (SELECT row_id FROM outbox WHERE table_name = ?)", (name,)
        )
    return cur.rowcount


def table_checksum(conn: sqlite3.Connection, table: str) -> tuple[int, str]:
    """(count, md5 of ids sorted and joined by ','), tombstones included; an empty table hashes ''."""
    name = codec(table).table
    digest, count = hashlib.md5(), 0
    # Fed to the hash in slices: a million ids held as one list and one joined text cost ~100 MB at once.
    cursor = conn.execute(f"SELECT id FROM {name} ORDER BY id")  # BINARY order = uuid order
    while batch := cursor.fetchmany(_CHECKSUM_SLICE):
        digest.update(("," if count else "").encode("ascii") + ",".join(r[0] for r in batch).encode("ascii"))
        count += len(batch)
    return count, digest.hexdigest()
