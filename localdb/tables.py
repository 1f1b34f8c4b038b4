"""The synced tables of docs/data-model.md as data: names, columns with their kinds, push order, append-only.

Everything else (the SQLAlchemy schema, the outbox triggers, wire conversion, push order) is generated from
these specs, so a column added here is added everywhere at once (plus a local migration, see migrations.py).

Kinds: "text", "int", "real", "bool", "json", "timestamp", "date", "uuid".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "KINDS",
    "SYNC_COLUMNS",
    "TABLES",
    "TABLE_NAMES",
    "TableSpec",
    "data_columns",
    "push_order",
    "table_spec",
]

KINDS = frozenset({"text", "int", "real", "bool", "json", "timestamp", "date", "uuid"})

#: The eight sync columns, in storage order (data-model.md "Sync columns"). `organisations` has no
#: `organisation_id`: its own `id` is the tenant.
SYNC_COLUMNS: Mapping[str, str] = MappingProxyType(
    {
        "id": "uuid",
        "organisation_id": "uuid",
        "created_at": "timestamp",
        "updated_at": "timestamp",
        "deleted_at": "timestamp",
        "field_stamps": "json",
        "writer_device": "uuid",
        "row_version": "int",
    }
)


@dataclass(frozen=True)
class TableSpec:
    """One synced table: its data columns (beyond the sync columns) with their kinds."""

    name: str
    columns: Mapping[str, str]
    append_only: bool = False

    @property
    def sync_columns(self) -> Mapping[str, str]:
        if self.name == "organisations":
            return {k: v for k, v in SYNC_COLUMNS.items() if k != "organisation_id"}
        return SYNC_COLUMNS

    @property
    def all_columns(self) -> dict[str, str]:
        """Sync columns first, then data columns: the storage order of the table."""
        return {**self.sync_columns, **self.columns}


def _spec(table: str, append_only: bool = False, /, **columns: str) -> TableSpec:
    unknown = set(columns.values()) - KINDS
    if unknown:  # a typo here would silently store the wrong type
        raise ValueError(f"{table}: unknown kinds {unknown}")
    return TableSpec(table, MappingProxyType(dict(columns)), append_only)


#: Parents before children: this is the push order (U4) and the order pulled rows are grouped in.
TABLES: tuple[TableSpec, ...] = (
    _spec("organisations", name="text", slug="text", country="text", settings="json"),
    _spec(
        "users",
        email="text",
        full_name="text",
        nickname="text",
        role="text",
        avatar_url="text",
        pin_hash="text",
        date_of_birth="date",
    ),
    _spec(
        "user_settings",
        user_id="uuid",
        app_theme="text",
        language="text",
        notifications_enabled="bool",
        daily_goal_minutes="int",
        sync_interval_minutes="int",
    ),
    _spec("classes", teacher_id="uuid", name="text", grade="text", description="text"),
    _spec("class_members", class_id="uuid", user_id="uuid", joined_at="timestamp"),
    _spec(
        "media_assets",
        owner_id="uuid",
        kind="text",
        storage_path="text",
        mime_type="text",
        size_bytes="int",
        checksum="text",
        title="text",
    ),
    _spec(
        "lessons",
        author_id="uuid",
        lesson_code="text",
        title="text",
        description="text",
        lesson_type="text",
        difficulty_level="int",
        is_active="bool",
        published_at="timestamp",
        cover_media_id="uuid",
    ),
    _spec("notes", lesson_id="uuid", author_id="uuid", position="int", title="text", body="text"),
    _spec(
        "tests",
        lesson_id="uuid",
        title="text",
        passing_score="int",
        time_limit_seconds="int",
        shuffle_items="bool",
    ),
    _spec(
        "tests_content",
        test_id="uuid",
        sequence="int",
        test_type="text",
        test_content="json",
        test_options="json",
        correct_answer="json",
    ),
    _spec(
        "test_attempts",
        True,
        test_id="uuid",
        user_id="uuid",
        answers="json",
        score="real",
        passed="bool",
        started_at="timestamp",
        completed_at="timestamp",
    ),
    _spec(
        "practice_sessions",
        True,
        user_id="uuid",
        lesson_id="uuid",
        mode="text",
        score="real",
        raw_metrics="json",
        feedback="json",
        started_at="timestamp",
        completed_at="timestamp",
        duration_seconds="int",
    ),
    _spec(
        "audit_log",
        True,
        actor_id="uuid",
        action="text",
        entity_table="text",
        entity_id="uuid",
        details="json",
    ),
)

TABLE_NAMES: tuple[str, ...] = tuple(t.name for t in TABLES)
_BY_NAME = {t.name: t for t in TABLES}


def table_spec(name: str) -> TableSpec:
    """The spec of a synced table; KeyError when it is not one (so SQL is never built from other names)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"not a synced table: {name!r}") from None


def data_columns(name: str) -> tuple[str, ...]:
    return tuple(table_spec(name).columns)


def push_order(name: str) -> int:
    """Position of the table in push order (parents first)."""
    return TABLE_NAMES.index(table_spec(name).name)
