"""Reading and settling the outbox the triggers fill (SYNC.md U1, U3, U4).

A row edited five times offline is pushed once, as it is now: entries are coalesced per row. The change keeps
the row's first queued position within its table, and tables go parents first, so a lesson reaches the server
no later than its notes (U4). Settling removes only the entries the server saw (`seq <= max_seq`), so an edit
made while the push was in flight stays queued (U3).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from localdb.tables import TABLE_NAMES, table_spec
from localdb.wire import codec

__all__ = [
    "OutboxChange",
    "own_losses",
    "pending_by_table",
    "pending_changed_fields",
    "pending_count",
    "pending_restore_of",
    "read_outbox",
    "settle",
]

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
    #: The columns this device changed in those entries (the union of their `changed_fields`); only these can
    #: lose a conflict (docs/sync-protocol.md "The merge", step 4). None: not known, every column can.
    changed_fields: tuple[str, ...] | None = None


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
                  max(op = 'restore') AS has_restore,
                  (SELECT json_group_array(DISTINCT j.value) FROM outbox o3, json_each(o3.changed_fields) j
                     WHERE o3.table_name = o.table_name AND o3.row_id = o.row_id) AS changed
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
        changed = tuple(sorted(str(f) for f in json.loads(g["changed"] or "[]")))
        changes.append(OutboxChange(table, row_id, op, row, restore_of, int(g["max_seq"]), changed))
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


def pending_changed_fields(conn: sqlite3.Connection, table: str, row_id: str) -> list[str]:
    """The columns this device changed in the row's pending entries (`deleted_at` included), sorted."""
    rows = conn.execute(
        "SELECT DISTINCT j.value FROM outbox, json_each(outbox.changed_fields) j"
        " WHERE table_name = ? AND row_id = ?",
        (table, row_id),
    )
    return sorted(str(r[0]) for r in rows)


def own_losses(lost: Iterable[str], changed: Iterable[str], *, restoring: bool = False) -> list[str]:
    """The lost columns this device had changed; a lost restore counts as a change of `deleted_at`.

    The merge reports every column whose incoming stamp is older and whose value differs; for a column this
    device never touched, that only means someone else changed it since the last pull: nobody here lost it.
    """
    mine = set(changed)
    if restoring:
        mine.add("deleted_at")
    return [f for f in lost if f in mine]
