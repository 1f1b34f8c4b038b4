"""The ordered registry of local schema migrations, and the runner.

The file's version lives in `local_schema_version` (one row). An empty file is created straight from the
current models (schema.py, triggers.py) and stamped `LATEST`; a file at version n < LATEST gets the registry's
steps n+1 .. LATEST, each inside the caller's transaction, so a crash mid-migration leaves the old version
intact. A file above `LATEST` was written by a newer app: `migrate` refuses (we never migrate down).

To change the schema: edit tables.py/schema.py, then append `Migration(n + 1, ...)` that brings a version-n
file to the new shape (ALTER TABLE ... ADD COLUMN, new indexes) and calls `recreate_triggers(conn)` when
columns changed. tests/localdb/test_migrations.py checks that a fresh migrate equals the models; add a test
that upgrades a version-n file when adding step n+1.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from localdb.tables import TABLES
from localdb.triggers import FTS_SQL, drop_trigger_sql, outbox_trigger_sql

__all__ = [
    "LATEST",
    "MIGRATIONS",
    "Migration",
    "NewerSchema",
    "create_current",
    "current_version",
    "migrate",
    "recreate_triggers",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[sqlite3.Connection], None]


class NewerSchema(Exception):  # noqa: N818 - internal signal, turned into MirrorTooNew by the mirror
    def __init__(self, found: int) -> None:
        super().__init__(f"local schema version {found} is newer than {LATEST}")
        self.found = found


def recreate_triggers(conn: sqlite3.Connection) -> None:
    """Drop and re-create the outbox triggers (generated from the current specs)."""
    for sql in drop_trigger_sql():
        if sql.split()[-1].startswith("outbox_"):
            conn.execute(sql)
    for spec in TABLES:
        for sql in outbox_trigger_sql(spec):
            conn.execute(sql)


def create_current(conn: sqlite3.Connection) -> None:
    """Create every table, index, search table and trigger of the current models in an empty file."""
    # SQLAlchemy takes ~0.3 s to import; only creating a file needs it, not opening an existing one.
    from sqlalchemy.dialects import sqlite as sqlite_dialect  # noqa: PLC0415
    from sqlalchemy.schema import CreateIndex, CreateTable  # noqa: PLC0415

    from localdb.schema import metadata  # noqa: PLC0415

    dialect = sqlite_dialect.dialect()
    for table in metadata.sorted_tables:
        conn.execute(str(CreateTable(table).compile(dialect=dialect)))
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            conn.execute(str(CreateIndex(index).compile(dialect=dialect)))
    for sql in FTS_SQL:
        conn.execute(sql)
    recreate_triggers(conn)
    conn.execute("INSERT INTO sync_state (key, value) VALUES ('applying', '0')")


def _list_indexes_and_search_prefixes(conn: sqlite3.Connection) -> None:
    """Version 2: the lessons list's indexes (schema.LIST_INDEX_NAMES) and `lessons_fts` with prefix indexes.

    The search table cannot be altered: it is made anew from triggers.FTS_SQL and filled from the old one
    (same rowids, so the lessons keep their search rows), with its triggers re-created around it.
    """
    from sqlalchemy.dialects import sqlite as sqlite_dialect  # noqa: PLC0415 - see create_current
    from sqlalchemy.schema import CreateIndex  # noqa: PLC0415

    from localdb.schema import LIST_INDEX_NAMES, metadata  # noqa: PLC0415

    dialect = sqlite_dialect.dialect()
    for table in metadata.sorted_tables:
        for index in table.indexes:
            if index.name in LIST_INDEX_NAMES:
                conn.execute(str(CreateIndex(index).compile(dialect=dialect)))
    for sql in FTS_SQL[1:]:  # "CREATE TRIGGER <name> ..."
        conn.execute(f"DROP TRIGGER IF EXISTS {sql.split()[2]}")
    conn.execute("ALTER TABLE lessons_fts RENAME TO lessons_fts_v1")
    for sql in FTS_SQL:
        conn.execute(sql)
    conn.execute(
        "INSERT INTO lessons_fts (rowid, lesson_id, title, description, notes)"
        " SELECT rowid, lesson_id, title, description, notes FROM lessons_fts_v1 ORDER BY rowid"
    )
    conn.execute("DROP TABLE lessons_fts_v1")
    conn.execute("INSERT INTO lessons_fts (lessons_fts) VALUES ('optimize')")


#: Version 1 is the first shape; steps from 2 on upgrade existing files (an empty file skips them all).
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "create the mirror", create_current),
    Migration(2, "lesson list indexes and search prefixes", _list_indexes_and_search_prefixes),
)
LATEST = MIGRATIONS[-1].version


def current_version(conn: sqlite3.Connection) -> int:
    """The file's local schema version; 0 for an empty file."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'local_schema_version'"
    ).fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT max(version) FROM local_schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply the missing migrations inside the caller's (write) transaction; answers the versions applied."""
    found = current_version(conn)
    if found > LATEST:
        raise NewerSchema(found)
    if found == 0:
        log.info("creating a local mirror at schema version %d", LATEST)
        create_current(conn)
        applied = [LATEST]
    else:
        applied = []
        for migration in MIGRATIONS:
            if migration.version > found:
                log.info("local migration %d: %s", migration.version, migration.name)
                migration.apply(conn)
                applied.append(migration.version)
    if applied:
        conn.execute("DELETE FROM local_schema_version")
        conn.execute("INSERT INTO local_schema_version (version) VALUES (?)", (LATEST,))
    return applied
