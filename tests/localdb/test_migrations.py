"""The local schema: a fresh migrate equals the models, versions move only forward, every trigger exists."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from localdb.errors import MirrorTooNew
from localdb.migrations import LATEST, MIGRATIONS, current_version, migrate
from localdb.queries_search import fts_query
from localdb.schema import LIST_INDEX_NAMES, metadata
from localdb.tables import TABLES
from localdb.triggers import FTS_SQL, trigger_names
from tests.localdb.mirror_helpers import merge_fieldwise, open_mirror, wire_row


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


V1_FTS = (
    "CREATE VIRTUAL TABLE lessons_fts USING fts5("
    "lesson_id UNINDEXED, title, description, notes, tokenize = 'unicode61 remove_diacritics 2')"
)


def _as_version_1(path: Path) -> None:
    """Turn a current file into what version 1 made: no list indexes, a search table without prefixes."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        for name in LIST_INDEX_NAMES:
            conn.execute(f"DROP INDEX {name}")
        for sql in FTS_SQL[1:]:
            conn.execute(f"DROP TRIGGER {sql.split()[2]}")
        conn.execute("ALTER TABLE lessons_fts RENAME TO fts_now")
        conn.execute(V1_FTS)
        conn.execute(
            "INSERT INTO lessons_fts (rowid, lesson_id, title, description, notes) SELECT rowid, * FROM fts_now"
        )
        conn.execute("DROP TABLE fts_now")
        for sql in FTS_SQL[1:]:
            conn.execute(sql)
        conn.execute("UPDATE local_schema_version SET version = 1")
        conn.execute("COMMIT")
    finally:
        conn.close()


def _search(conn: sqlite3.Connection, words: str) -> list[str]:
    sql = "SELECT lesson_id FROM lessons_fts WHERE lessons_fts MATCH ? ORDER BY rowid"
    return [r[0] for r in conn.execute(sql, (fts_query(words),))]


def test_version_1_file_gets_the_list_indexes_and_search_prefixes(tmp_path: Path) -> None:
    assert LATEST == 2
    with open_mirror(tmp_path) as mirror:
        pulled = [wire_row("lessons", title=f"{word} {n}") for n, word in enumerate(["Fractions", "Frogs", "Maps"])]
        mirror.apply_page([("lessons", r) for r in pulled], "e:1", merge_fieldwise)
    path = tmp_path / "mirror.sqlite3"
    _as_version_1(path)
    with sqlite3.connect(path) as old:
        assert _search(old, "fr") == [pulled[0]["id"], pulled[1]["id"]]
        before = old.execute("SELECT sql FROM sqlite_master WHERE name = 'lessons_fts'").fetchone()[0]
    old.close()
    assert "prefix" not in before

    with open_mirror(tmp_path) as mirror:  # opening migrates
        conn = mirror.conn
        assert current_version(conn) == 2
        fts = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'lessons_fts'").fetchone()[0]
        assert fts == FTS_SQL[0] and "prefix = '2'" in fts
        conn.execute("INSERT INTO lessons_fts (lessons_fts) VALUES ('integrity-check')")
        assert _search(conn, "fr") == [pulled[0]["id"], pulled[1]["id"]]
        found = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert found == set(trigger_names())
        plan = " ".join(
            str(r[3])
            for r in conn.execute("EXPLAIN QUERY PLAN SELECT id FROM lessons ORDER BY title COLLATE NOCASE, id")
        )
        assert "ix_lessons_title_nocase" in plan
        # Upgraded with data: the new indexes got planner statistics when the file was opened.
        stats = {r[0] for r in conn.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'lessons'")}
        assert set(LIST_INDEX_NAMES) <= stats
        # The search triggers work again: a new lesson is found by a two-letter prefix.
        mirror.apply_page([("lessons", wire_row("lessons", title="Frames"))], "e:2", merge_fieldwise)
        assert len(_search(conn, "fr")) == 3
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    open_mirror(fresh).close()
    assert _shape(f"sqlite:///{path}") == _shape(f"sqlite:///{fresh / 'mirror.sqlite3'}")
