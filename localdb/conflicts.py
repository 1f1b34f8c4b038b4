"""The local record of values that lost (SYNC.md C6, C7): nothing a person typed disappears silently.

kind: `lost` (a newer value won, C1), `rejected` (the server refused the change, C7), `deleted` (the row stays
deleted: a restore lost, C4, or an edit met a delete, C3). source: `device` (decided here, while pulling) or
`server` (the push answer said so).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from localdb.errors import LocalDbError

__all__ = ["KINDS", "SOURCES", "Conflict", "conflict_count", "list_conflicts", "record_conflict"]

KINDS = frozenset({"lost", "rejected", "deleted"})
SOURCES = frozenset({"device", "server"})


@dataclass(frozen=True)
class Conflict:
    id: int
    table: str
    row_id: str
    fields: list[str]
    local_values: dict[str, Any]
    winning_values: dict[str, Any]
    reason: str | None
    kind: str
    source: str
    created_at: str
    resolved_at: str | None
    resolution: str | None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def record_conflict(
    conn: sqlite3.Connection,
    table: str,
    row_id: str,
    *,
    kind: str,
    fields: Sequence[str],
    local_values: Mapping[str, Any],
    winning_values: Mapping[str, Any],
    reason: str | None,
    source: str,
) -> int:
    if kind not in KINDS or source not in SOURCES:
        raise ValueError(
            f"conflict kind {kind!r} / source {source!r} not one of {sorted(KINDS)} / {sorted(SOURCES)}"
        )
    cur = conn.execute(
        "INSERT INTO conflicts (table_name, row_id, fields, local_values, winning_values, reason, kind,"
        " source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (table, row_id, _json(list(fields)), _json(dict(local_values)), _json(dict(winning_values)),
         reason, kind, source, _now()),
    )  # fmt: skip
    return int(cur.lastrowid or 0)


def _conflict(row: sqlite3.Row) -> Conflict:
    return Conflict(
        id=int(row["id"]),
        table=row["table_name"],
        row_id=row["row_id"],
        fields=json.loads(row["fields"]),
        local_values=json.loads(row["local_values"]),
        winning_values=json.loads(row["winning_values"]),
        reason=row["reason"],
        kind=row["kind"],
        source=row["source"],
        created_at=row["created_at"],
        resolved_at=row["resolved_at"],
        resolution=row["resolution"],
    )


def list_conflicts(conn: sqlite3.Connection, include_resolved: bool = False) -> list[Conflict]:
    """Newest first."""
    where = "" if include_resolved else "WHERE resolved_at IS NULL"
    cur = conn.execute(f"SELECT * FROM conflicts {where} ORDER BY id DESC")
    cur.row_factory = sqlite3.Row
    return [_conflict(r) for r in cur]


def resolve_conflict(conn: sqlite3.Connection, conflict_id: int, resolution: str) -> None:
    """Mark it reviewed (`resolution`: e.g. 'kept' or 're-applied'); re-resolving keeps the first answer."""
    cur = conn.execute(
        "UPDATE conflicts SET resolved_at = ?, resolution = ? WHERE id = ? AND resolved_at IS NULL",
        (_now(), resolution, conflict_id),
    )
    if (
        cur.rowcount == 0
        and conn.execute("SELECT 1 FROM conflicts WHERE id = ?", (conflict_id,)).fetchone() is None
    ):
        raise LocalDbError(f"There is no conflict number {conflict_id}.")


def conflict_count(conn: sqlite3.Connection) -> int:
    """Conflicts not yet reviewed."""
    return int(conn.execute("SELECT count(*) FROM conflicts WHERE resolved_at IS NULL").fetchone()[0])
