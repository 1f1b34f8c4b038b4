"""Which tables to back-fill after a pull (P7), from the column hashes a pull's last page carries.

The mirror's sync state remembers, per table, the server's column hash of the last completed pull together with
this app's own columns of that table (`COLUMNS_KEY`, JSON `{table: [server hash, local columns]}`). A table is
back-filled when either changed since: a column added on the server, or an app update that gave the mirror a
column the server already had. Tables whose columns did not change are not read again, whatever
`schema_version` says.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from localdb.mirror import Mirror
from localdb.tables import TABLE_NAMES, table_spec

__all__ = ["COLUMNS_KEY", "changed_tables", "local_columns", "remember_columns", "remembered_columns"]

log = logging.getLogger(__name__)

#: Sync state: `{table: [server column hash, this app's columns]}` from the last completed pull.
COLUMNS_KEY = "column_hashes"

Remembered = dict[str, list[str]]


def local_columns(table: str) -> str:
    """This app's columns of `table` with their kinds, in storage order (localdb's table spec)."""
    return ",".join(f"{name} {kind}" for name, kind in table_spec(table).all_columns.items())


def remembered_columns(mirror: Mirror) -> Remembered | None:
    """The remembered entries; None when there are none yet (the first sync of this app version)."""
    raw = mirror.get_state(COLUMNS_KEY)
    if raw is None:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not all(
        isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v) for v in data.values()
    ):
        log.warning("the remembered column hashes are unreadable; treating them as not remembered")
        return None
    return data


def changed_tables(remembered: Remembered, server: Mapping[str, str]) -> list[str]:
    """Tables (of those the server hashed) whose server hash or local columns differ from the remembered ones."""
    return [
        table for table in TABLE_NAMES
        if table in server and remembered.get(table) != [server[table], local_columns(table)]
    ]


def remember_columns(mirror: Mirror, server: Mapping[str, str], before: Remembered | None) -> None:
    """Remember `server`'s hashes with this app's columns; a table missing from `server` keeps its entry."""
    entries: Remembered = dict(before or {})
    for table in TABLE_NAMES:
        if table in server:
            entries[table] = [server[table], local_columns(table)]
    mirror.set_state(COLUMNS_KEY, json.dumps(entries, sort_keys=True))
