"""What every write operation shares: its errors, its short transaction, ids, timestamps and partial updates.

    LocalDbError (localdb.errors)
    ├── ValidationError       a value a person entered is not acceptable (`field`, plain-words `message`)
    └── RecordNotFoundError   the row to change does not exist (or was removed by a sync meanwhile)

Writes never set `created_at`, `updated_at`, `field_stamps` or `writer_device`: the mirror's triggers
stamp the changed columns and queue the row for sync.
"""

from __future__ import annotations

import enum
import logging
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from localdb.errors import DiskFull, LocalDbError, MirrorLocked

__all__ = [
    "UNSET",
    "RecordNotFoundError",
    "Unset",
    "ValidationError",
    "canonical",
    "check_title",
    "given",
    "new_id",
    "now_text",
    "set_columns",
    "write",
]

log = logging.getLogger(__name__)

MAX_TITLE = 200


class ValidationError(LocalDbError):
    """A value a person entered is not acceptable; `message` is plain words for them, `field` says where."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class RecordNotFoundError(LocalDbError):
    """The row to change does not exist here (it may have been removed by a sync meanwhile)."""

    def __init__(self, what: str, row_id: str) -> None:
        super().__init__(f"This {what} no longer exists on this PC.")
        self.what = what
        self.row_id = row_id


class Unset(enum.Enum):
    """Marks an update argument that was not given: "leave as it is" (None means "clear it")."""

    UNSET = 0


UNSET = Unset.UNSET


def new_id() -> str:
    return str(uuid.uuid4())


def canonical(moment: datetime) -> str:
    """The canonical timestamp text of data-model.md (UTC, six fraction digits); naive means UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_text(conn: sqlite3.Connection) -> str:
    """Now, on the corrected clock the triggers stamp with (C2), as canonical text."""
    row = conn.execute("SELECT value FROM sync_state WHERE key = 'clock_offset_modifier'").fetchone()
    modifier = row[0] if row and row[0] else "+0 seconds"
    stamp = conn.execute("SELECT strftime('%Y-%m-%dT%H:%M:%f', 'now', ?) || '000Z'", (modifier,)).fetchone()[
        0
    ]
    return str(stamp)


_savepoints = 0
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


def _translated(conn: sqlite3.Connection, exc: sqlite3.DatabaseError) -> LocalDbError | None:
    """DiskFull / MirrorLocked (plain words for the person) for the SQLite errors they stand for."""
    code = int(getattr(exc, "sqlite_errorcode", -1)) & 0xFF  # the primary code is the low byte
    if code not in {sqlite3.SQLITE_FULL, *_BUSY_CODES}:
        return None
    try:
        path = Path(conn.execute("PRAGMA database_list").fetchone()[2] or "mirror")
        waited = int(conn.execute("PRAGMA busy_timeout").fetchone()[0]) / 1000
    except sqlite3.Error:  # the connection itself may be unusable now; the message still helps
        path, waited = Path("mirror"), 0.0
    return DiskFull(path) if code == sqlite3.SQLITE_FULL else MirrorLocked(path, waited)


@contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    global _savepoints  # noqa: PLW0603 - a counter only to name savepoints uniquely
    _savepoints += 1
    name = f"repo_write_{_savepoints}"
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield conn
    except BaseException:
        conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")
        raise
    conn.execute(f"RELEASE {name}")


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One short write transaction (BEGIN IMMEDIATE, so two writers queue instead of deadlocking); a savepoint
    when the caller already has a transaction open, so an operation can be part of a bigger one.

    A full disk or a file held too long by another program becomes `DiskFull` / `MirrorLocked`.
    """
    try:
        with _savepoint(conn) if conn.in_transaction else _transaction(conn):
            yield conn
    except sqlite3.DatabaseError as exc:
        translated = _translated(conn, exc)
        if translated is None:
            raise
        log.warning("a write could not be saved: %s", type(translated).__name__)
        raise translated from exc


def set_columns(conn: sqlite3.Connection, table: str, row_id: str, values: Mapping[str, Any]) -> None:
    """UPDATE only the given columns of one row (the triggers then stamp just those that changed).

    `table` and the column names come from this package's code, never from user input.
    """
    if not values:
        return
    assignments = ", ".join(f"{column} = ?" for column in values)
    conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*values.values(), row_id])


def check_title(value: Any, what: str = "lesson") -> str:
    """A trimmed, non-empty title of at most MAX_TITLE characters."""
    title = str(value or "").strip()
    if not title:
        raise ValidationError("title", f"Please give the {what} a title.")
    if len(title) > MAX_TITLE:
        raise ValidationError("title", f"The title is too long: at most {MAX_TITLE} characters.")
    return title


def given(**values: Any) -> dict[str, Any]:
    """The keyword arguments that were actually given (not UNSET)."""
    return {k: v for k, v in values.items() if v is not UNSET}
