"""The local schema: a fresh migrate equals the models, versions move only forward, every trigger exists."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from localdb.errors import MirrorTooNew
from localdb.migrations import LATEST, MIGRATIONS, current_version, migrate
from localdb.schema import metadata
from localdb.tables import TABLES
from localdb.triggers import trigger_names
from tests.localdb.mirror_helpers import open_mirror


def _shape(url: str) -> dict[str, object]:
    engine = create_engine(url)
    try:
        insp = inspect(engine)
        shape: dict[str, object] = {}
        for table in sorted(insp.get_table_names()):
            if table.startswith("lessons_fts"):
                continue  # the FTS5 table and its shadow tables are not Core models
            cols = [
                (c["name"], str(c["type"]), c["nullable"], c["primary_key"]) for c in insp.get_columns(table)
            ]
            idx = sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(table)
            )
            shape[table] = (cols, idx)
        return shape
    finally:
        engine.dispose()


def test_a_fresh_migrate_equals_the_models(tmp_path: Path) -> None:
    migrated = tmp_path / "migrated.sqlite3"
    open_mirror(tmp_path, "migrated.sqlite3").close()
    models = tmp_path / "models.sqlite3"
    engine = create_engine(f"sqlite:///{models}")
    metadata.create_all(engine)
    engine.dispose()
    assert _shape(f"sqlite:///{migrated}") == _shape(f"sqlite:///{models}")
    assert set(_shape(f"sqlite:///{migrated}")) >= {t.name for t in TABLES} | {"outbox", "conflicts"}


def test_every_trigger_and_the_search_table_exist(tmp_path: Path) -> None:
    with open_mirror(tmp_path) as mirror:
        found = {r[0] for r in mirror.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert found == set(trigger_names())
        assert len(found) == 3 * len(TABLES) + 6
        cols = [r[1] for r in mirror.conn.execute("PRAGMA table_info(lessons_fts)")]
        assert cols == ["lesson_id", "title", "description", "notes"]


def test_migrate_records_the_version_and_is_idempotent() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    assert current_version(conn) == 0
    assert migrate(conn) == [LATEST]
    assert current_version(conn) == LATEST == MIGRATIONS[-1].version
    assert migrate(conn) == []
    assert conn.execute("SELECT count(*) FROM local_schema_version").fetchone()[0] == 1


def test_a_newer_file_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    open_mirror(tmp_path).close()
    path = tmp_path / "mirror.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE local_schema_version SET version = ?", (LATEST + 1,))
    conn.close()
    with pytest.raises(MirrorTooNew, match="newer version of TutorDesk") as info:
        open_mirror(tmp_path)
    assert (info.value.found, info.value.known) == (LATEST + 1, LATEST)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM local_schema_version").fetchone()[0] == LATEST + 1
    conn.close()
