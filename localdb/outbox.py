"""Reading and settling the outbox the triggers fill (SYNC.md U1, U3, U4).

A row edited five times offline is pushed once, as it is now: entries are coalesced per row. The change keeps
the row's first queued position within its table, and tables go parents first, so a lesson reaches the server
no later than its notes (U4). Settling removes only the entries the server saw (`seq <= max_seq`), so an edit
made while the push was in flight stays queued (U3).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import Any, Literal

from localdb.tables import TABLE_NAMES, table_spec
from localdb.wire import codec

__all__ = ["OutboxChange", "pending_by_table", "pending_count", "read_outbox", "settle"]

log = logging.getLogger(__name__)

Op = Literal["upsert", "insert", "restore"]
_ORDER = "CASE table_name " + " ".join(f"WHEN '{t}' THEN {i}" for i, t in enumerate(TABLE_NAMES)) + " END"
_CHUNK = 500  # ids per IN (...) list, well below SQLite's parameter limit


@dataclass(frozen=True)
class OutboxChange:
    """One row to push: its current state (wire form, no row_version) and the entries it covers."""

    table: str
    row_id: str
    op: Op
    row: dict[str, Any]
    restore_of: str | None
    max_seq: int


def pending_count(conn: sqlite3.Connection) -> int:
    """Rows (not entries) with changes waiting to be pushed."""
    row = conn.execute("SELECT count(*) FROM (SELECT 1 FROM outbox GROUP BY table_name, row_id)").fetchone()
    return int(row[0])


def pending_by_table(conn: sqlite3.Connection) -> dict[str, int]:
    rows = conn.execute("SELECT table_name, count(DISTINCT row_id) FROM outbox GROUP BY table_name")
    return {str(name): int(n) for name, n in rows}


def _groups(conn: sqlite3.Connection, limit: int) -> list[sqlite3.Row]:
    # The first restore's restore_of is the deleted_at the server last showed us (C4); later restores in
    # the same group only undo local deletes the server never saw.
    return conn.execute(
        f"""SELECT table_name, row_id, min(seq) AS first_seq, max(seq) AS max_seq,
                  (SELECT o2.restore_of FROM outbox o2 WHERE o2.table_name = o.table_name
                     AND o2.row_id = o.row_id AND o2.op = 'restore' ORDER BY o2.seq LIMIT 1) AS restore_of,
                  max(op = 'restore') AS has_restore
           FROM outbox o GROUP BY table_name, row_id ORDER BY {_ORDER}, first_seq LIMIT ?""",
        (limit,),
    ).fetchall()


def _rows_by_id(conn: sqlite3.Connection, table: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    c = codec(table)
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT {c.select_list} FROM {table} WHERE id IN ({marks})", chunk):
            wire = c.to_wire(row)
            wire.pop("row_version", None)  # never sent: the server owns it
            found[wire["id"]] = wire
    return found


def read_outbox(conn: sqlite3.Connection, limit: int) -> list[OutboxChange]:
    """Up to `limit` pending rows, coalesced to one change each, in push order. Call inside a transaction."""
    groups = _groups(conn, limit)
    by_table: dict[str, list[str]] = {}
    for g in groups:
        by_table.setdefault(g["table_name"], []).append(g["row_id"])
    rows = {t: _rows_by_id(conn, t, ids) for t, ids in by_table.items()}
    changes: list[OutboxChange] = []
    for g in groups:
        table, row_id = g["table_name"], g["row_id"]
        row = rows[table].get(row_id)
        if row is None:
            # Only a pull removal or reset can delete a row (hard deletes become tombstones); nothing is left
            # to push, and keeping the entries would block nothing but would count as pending for ever.
            log.warning("outbox: %s %s no longer exists here; dropping its queued changes", table, row_id)
            settle(conn, table, row_id, g["max_seq"])
            continue
        op: Op = "upsert"
        restore_of = None
        if table_spec(table).append_only:
            op = "insert"
        elif g["has_restore"] and row["deleted_at"] is None:
            op, restore_of = "restore", g["restore_of"]
        changes.append(OutboxChange(table, row_id, op, row, restore_of, int(g["max_seq"])))
    return changes


def settle(conn: sqlite3.Connection, table: str, row_id: str, max_seq: int) -> None:
    conn.execute(
        "DELETE FROM outbox WHERE table_name = ? AND row_id = ? AND seq <= ?", (table, row_id, max_seq)
    )


def pending_restore_of(conn: sqlite3.Connection, table: str, row_id: str) -> str | None:
    """The restore_of of the row's first pending restore (what a merge with a pulled row needs, C4)."""
    row = conn.execute(
        "SELECT restore_of FROM outbox WHERE table_name = ? AND row_id = ? AND op = 'restore' "
        "ORDER BY seq LIMIT 1",
        (table, row_id),
    ).fetchone()
    return None if row is None else row[0]
