"""The mirror's SQLAlchemy Core `MetaData`, generated from the table specs, plus the local-only tables.

Mirror tables declare no foreign keys, unique or check constraints on purpose: the server is the judge of
those (C7), and a pulled page may legitimately hold a child whose parent the caller may not see (row-level
security), or swap two unique values across rows in an order the mirror cannot check step by step. Lookups get
plain indexes instead. The `lessons_fts` search table and the triggers are not expressible as Core tables;
they live in triggers.py and are created by the migrations.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Float, Index, Integer, MetaData, Table, Text, text
from sqlalchemy.types import TypeEngine

from localdb.tables import TABLES, TableSpec

__all__ = ["LIST_INDEX_NAMES", "LOCAL_TABLES", "metadata", "synced_table"]

metadata = MetaData()

_STORAGE: dict[str, type[TypeEngine[Any]]] = {
    "text": Text,
    "uuid": Text,
    "timestamp": Text,
    "date": Text,
    "json": Text,
    "int": Integer,
    "bool": Integer,  # 0/1; SQLAlchemy's Boolean would add a CHECK we do not want on pulled data
    "real": Float,
}

#: Indexes the screens' queries need (column tuples per table), beyond the primary key.
_INDEXES: dict[str, tuple[tuple[str, ...], ...]] = {
    "users": (("organisation_id",), ("email",)),
    "user_settings": (("user_id",),),
    "classes": (("organisation_id", "teacher_id"),),
    "class_members": (("class_id", "user_id"), ("user_id",)),
    "media_assets": (("owner_id",),),
    "lessons": (
        ("organisation_id", "deleted_at", "lesson_type", "difficulty_level"),
        ("organisation_id", "lesson_code"),
        ("author_id",),
        ("updated_at",),
    ),
    "notes": (("lesson_id", "position"),),
    "tests": (("lesson_id",),),
    "tests_content": (("test_id", "sequence"),),
    "test_attempts": (("user_id", "completed_at"), ("test_id",)),
    "practice_sessions": (("user_id", "completed_at"), ("lesson_id",)),
    "audit_log": (("entity_table", "entity_id"), ("actor_id",)),
}


#: Named indexes beyond the column tuples above (local migration 2; measured by bench/bench_search.py).
_LIST_INDEXES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "lessons": (
        # The list in title order, and every page after the first: a walk of the index instead of sorting
        # every matching row (queries order by `title COLLATE NOCASE, id`; "NOCASE:" marks the collation).
        ("ix_lessons_title_nocase", ("NOCASE:title", "id")),
        # The totals under the list: counted from this small covering index instead of every lesson row.
        ("ix_lessons_list", ("deleted_at", "lesson_type", "difficulty_level", "is_active", "published_at")),
    ),
}

#: The names of the indexes local migration 2 adds (it creates them from these very models).
LIST_INDEX_NAMES: tuple[str, ...] = tuple(name for named in _LIST_INDEXES.values() for name, _ in named)


def _index_column(table: Table, column: str) -> Any:
    if column.startswith("NOCASE:"):
        return table.c[column.removeprefix("NOCASE:")].collate("NOCASE")
    return table.c[column]


def _synced(spec: TableSpec) -> Table:
    columns = []
    for name, kind in spec.all_columns.items():
        if name == "id":
            columns.append(Column("id", Text, primary_key=True))
        elif name == "field_stamps":
            columns.append(Column(name, Text, nullable=False, server_default=text("'{}'")))
        else:
            columns.append(Column(name, _STORAGE[kind]))
    table = Table(spec.name, metadata, *columns)
    for cols in _INDEXES.get(spec.name, ()):
        Index(f"ix_{spec.name}_{'_'.join(cols)}", *(table.c[c] for c in cols))
    for name, cols in _LIST_INDEXES.get(spec.name, ()):
        Index(name, *(_index_column(table, c) for c in cols))
    return table


_SYNCED = {spec.name: _synced(spec) for spec in TABLES}

outbox = Table(
    "outbox",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("table_name", Text, nullable=False),
    Column("row_id", Text, nullable=False),
    Column("op", Text, nullable=False),  # insert | update | delete | restore
    Column("changed_fields", Text),  # JSON array of column names
    Column("restore_of", Text),  # the deleted_at a restore saw (C4)
    Column("queued_at", Text, nullable=False),
    Index("ix_outbox_row", "table_name", "row_id"),
    sqlite_autoincrement=True,  # seq never reused, so settle(max_seq) cannot hit a later edit (U3)
)

conflicts = Table(
    "conflicts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("table_name", Text, nullable=False),
    Column("row_id", Text, nullable=False),
    Column("fields", Text, nullable=False),  # JSON array
    Column("local_values", Text, nullable=False),  # JSON object: the values that lost
    Column("winning_values", Text, nullable=False),  # JSON object: what the row holds now
    Column("reason", Text),
    Column("kind", Text, nullable=False),  # lost | rejected | deleted
    Column("source", Text, nullable=False),  # device | server
    Column("created_at", Text, nullable=False),
    Column("resolved_at", Text),
    Column("resolution", Text),
    Index("ix_conflicts_open", "resolved_at"),
    sqlite_autoincrement=True,
)

sync_state = Table(
    "sync_state",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text),
)

local_schema_version = Table(
    "local_schema_version",
    metadata,
    Column("version", Integer, nullable=False),
)

LOCAL_TABLES: tuple[Table, ...] = (outbox, conflicts, sync_state, local_schema_version)


def synced_table(name: str) -> Table:
    """The Core `Table` of a synced table (KeyError for any other name)."""
    return _SYNCED[name]
