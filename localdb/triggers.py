"""SQL generated from the table specs: outbox capture with stamping (U1, P4), and the `lessons_fts` table.

Outbox capture, per synced table, while `sync_state.applying` is not '1' (P4: pulled rows never echo):

- AFTER INSERT: a row written without `updated_at` gets `created_at`/`updated_at`, a stamp on every data
  column and `writer_device`; the insert is queued with all data columns as changed fields.
- AFTER UPDATE that changes a data column or `deleted_at`: when the write left `updated_at` as it was, the
  changed data columns get fresh stamps (never earlier than the row's `updated_at` + 2 ms, so an edit wins
  over what it changed even on a clock that runs behind) and `updated_at`/`writer_device` follow; the change
  is queued as `update`, `delete` (deleted_at set) or `restore` (deleted_at cleared; `restore_of` = old
  deleted_at, C4).
- BEFORE DELETE: a hard delete becomes a soft delete (deleted_at = now, queued as `delete`) and the row stays,
  because a row that vanished could never be pushed and would come back at the next pull. Under `applying`
  (pull removals, reset_table) rows really are deleted.

Stamps are `<strftime(now, clock_offset_modifier)>|<device_id>` from `sync_state` (data-model.md). The
triggers work on any connection, even a plain `sqlite3` one that knows nothing of the app.

`lessons_fts` is an FTS5 table, one row per lesson (rowid = the lesson's rowid; deleted lessons included, so
queries filter on `lessons.deleted_at`): `lesson_id UNINDEXED, title, description, notes`, where `notes` holds
the bodies of the lesson's live notes in position order. Its triggers run always, pulled rows included.
It keeps a prefix index of 2 characters (the list searches from the second letter; one term of 2 characters
no longer scans every term that starts with them). Prefix index choice measured by bench/bench_search.py.
"""

from __future__ import annotations

from localdb.tables import TABLES, TableSpec

__all__ = [
    "FTS_SQL",
    "SEARCH_REBUILD_SQL",
    "SEARCH_REFRESH_SQL",
    "drop_trigger_sql",
    "outbox_trigger_sql",
    "table_triggers",
    "trigger_names",
]

_STATE = "(SELECT value FROM sync_state WHERE key = '{}')"
NOT_APPLYING = f"coalesce({_STATE.format('applying')}, '0') <> '1'"
NOW = (
    "strftime('%Y-%m-%dT%H:%M:%f', 'now', "
    f"coalesce({_STATE.format('clock_offset_modifier')}, '+0 seconds')) || '000Z'"
)
DEVICE = f"coalesce({_STATE.format('device_id')}, '')"
# One sub-select computes the stamp once per trigger run; s.st = '<time>|<device>', substr(.., 1, 27) = time.
STAMP_FROM = f"(SELECT {NOW} || '|' || {DEVICE} AS st, {DEVICE} AS dev) AS s"
# An edit is never stamped earlier than the row it changes (a clock behind the server's, or not yet corrected,
# must not make a person's edit lose to the value they just edited over): at least updated_at + 2 ms. Stamps
# are millisecond text, and julianday's double is only ~50 us precise, so 2 ms is the smallest safe step.
AFTER_OLD = (
    "coalesce(strftime('%Y-%m-%dT%H:%M:%f', julianday(NEW.updated_at) + 2.0 / 86400000) || '000Z', '')"
)
EDIT_STAMP_FROM = f"(SELECT max({NOW}, {AFTER_OLD}) || '|' || {DEVICE} AS st, {DEVICE} AS dev) AS s"


def _insert_trigger(spec: TableSpec) -> str:
    t, cols = spec.name, list(spec.columns)
    stamps = "json_object(" + ", ".join(f"'{c}', s.st" for c in cols) + ")"
    changed = "'[" + ",".join(f'"{c}"' for c in cols) + "]'"
    return f"""
CREATE TRIGGER outbox_{t}_insert AFTER INSERT ON {t} WHEN {NOT_APPLYING}
BEGIN
  UPDATE {t} SET (created_at, updated_at, field_stamps, writer_device) =
    (SELECT coalesce(NEW.created_at, substr(s.st, 1, 27)), substr(s.st, 1, 27), {stamps}, s.dev
     FROM {STAMP_FROM})
  WHERE rowid = NEW.rowid AND NEW.updated_at IS NULL;
  INSERT INTO outbox (table_name, row_id, op, changed_fields, restore_of, queued_at)
  VALUES ('{t}', NEW.id, 'insert', {changed}, NULL, {NOW});
END"""


def _update_trigger(spec: TableSpec) -> str:
    t, cols = spec.name, list(spec.columns)
    any_change = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in [*cols, "deleted_at"])
    stamp_parts = " || ".join(
        f"""CASE WHEN NEW.{c} IS NOT OLD.{c} THEN '"{c}":"' || s.st || '",' ELSE '' END""" for c in cols
    )
    changed_parts = " || ".join(
        f"""CASE WHEN NEW.{c} IS NOT OLD.{c} THEN '"{c}",' ELSE '' END""" for c in [*cols, "deleted_at"]
    )
    op = (
        "CASE WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN 'delete' "
        "WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN 'restore' ELSE 'update' END"
    )
    restore_of = "CASE WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN OLD.deleted_at END"
    return f"""
CREATE TRIGGER outbox_{t}_update AFTER UPDATE ON {t} WHEN {NOT_APPLYING} AND ({any_change})
BEGIN
  UPDATE {t} SET (updated_at, field_stamps, writer_device) =
    (SELECT substr(s.st, 1, 27),
            json_patch(coalesce(NEW.field_stamps, '{{}}'), '{{' || rtrim({stamp_parts}, ',') || '}}'),
            s.dev FROM {EDIT_STAMP_FROM})
  WHERE rowid = NEW.rowid AND NEW.updated_at IS OLD.updated_at;
  INSERT INTO outbox (table_name, row_id, op, changed_fields, restore_of, queued_at)
  VALUES ('{t}', NEW.id, {op}, '[' || rtrim({changed_parts}, ',') || ']', {restore_of}, {NOW});
END"""


def _delete_trigger(spec: TableSpec) -> str:
    t = spec.name
    return f"""
CREATE TRIGGER outbox_{t}_delete BEFORE DELETE ON {t} WHEN {NOT_APPLYING}
BEGIN
  UPDATE {t} SET deleted_at = {NOW} WHERE rowid = OLD.rowid AND deleted_at IS NULL;
  SELECT RAISE(IGNORE);
END"""


def outbox_trigger_sql(spec: TableSpec) -> list[str]:
    """CREATE TRIGGER statements capturing every write of one synced table into the outbox."""
    return [_insert_trigger(spec), _update_trigger(spec), _delete_trigger(spec)]


def trigger_names() -> list[str]:
    """Every trigger the migrations create (outbox and search), for checks and for re-creation."""
    names = [f"outbox_{s.name}_{op}" for s in TABLES for op in ("insert", "update", "delete")]
    return [*names, *_FTS_TRIGGERS]


def drop_trigger_sql() -> list[str]:
    """DROP statements for every generated trigger: a migration that changes columns re-creates them all."""
    return [f"DROP TRIGGER IF EXISTS {name}" for name in trigger_names()]


_NOTES_OF = (
    "(SELECT group_concat(body, ' ') FROM (SELECT body FROM notes "
    "WHERE lesson_id = {lesson} AND deleted_at IS NULL ORDER BY position))"
)
_REFRESH_NOTES = (
    "UPDATE lessons_fts SET notes = "
    + _NOTES_OF
    + " WHERE rowid = (SELECT rowid FROM lessons WHERE id = {lesson});"
)
_FTS_TRIGGERS = (
    "lessons_fts_insert",
    "lessons_fts_update",
    "lessons_fts_delete",
    "notes_fts_insert",
    "notes_fts_update",
    "notes_fts_delete",
)

#: The search table and the triggers keeping it up to date (also while applying pulled rows).
FTS_SQL: tuple[str, ...] = (
    "CREATE VIRTUAL TABLE lessons_fts USING fts5("
    "lesson_id UNINDEXED, title, description, notes, tokenize = 'unicode61 remove_diacritics 2', prefix = '2')",
    f"""CREATE TRIGGER lessons_fts_insert AFTER INSERT ON lessons BEGIN
  INSERT INTO lessons_fts (rowid, lesson_id, title, description, notes)
  VALUES (NEW.rowid, NEW.id, NEW.title, NEW.description, {_NOTES_OF.format(lesson="NEW.id")});
END""",
    """CREATE TRIGGER lessons_fts_update AFTER UPDATE OF title, description ON lessons
WHEN NEW.title IS NOT OLD.title OR NEW.description IS NOT OLD.description BEGIN
  UPDATE lessons_fts SET title = NEW.title, description = NEW.description WHERE rowid = NEW.rowid;
END""",
    """CREATE TRIGGER lessons_fts_delete AFTER DELETE ON lessons BEGIN
  DELETE FROM lessons_fts WHERE rowid = OLD.rowid;
END""",
    f"""CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
  {_REFRESH_NOTES.format(lesson="NEW.lesson_id")}
END""",
    f"""CREATE TRIGGER notes_fts_update AFTER UPDATE OF body, lesson_id, deleted_at, position ON notes
WHEN NEW.body IS NOT OLD.body OR NEW.lesson_id IS NOT OLD.lesson_id OR NEW.deleted_at IS NOT OLD.deleted_at
  OR NEW.position IS NOT OLD.position BEGIN
  {_REFRESH_NOTES.format(lesson="OLD.lesson_id")}
  {_REFRESH_NOTES.format(lesson="NEW.lesson_id")}
END""",
    f"""CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
  {_REFRESH_NOTES.format(lesson="OLD.lesson_id")}
END""",
)


def table_triggers(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of every trigger on `table`: apply.py suspends and re-creates them."""
    found = []
    spec = next(s for s in TABLES if s.name == table)
    for name, sql in zip(("insert", "update", "delete"), outbox_trigger_sql(spec), strict=True):
        found.append((f"outbox_{table}_{name}", sql))
    for sql in FTS_SQL[1:]:
        name = sql.split()[2]
        if sql.split(" ON ", 1)[1].split()[0] == table:
            found.append((name, sql))
    return found


#: Set-based refresh of the search rows of the lessons whose ids are in the JSON array parameter (used by
#: apply.py while the per-row triggers are suspended; upserts keep a lesson's rowid).
SEARCH_REFRESH_SQL: tuple[str, ...] = (
    "DELETE FROM lessons_fts WHERE rowid IN "
    "(SELECT rowid FROM lessons WHERE id IN (SELECT value FROM json_each(?)))",
    "INSERT INTO lessons_fts (rowid, lesson_id, title, description, notes) "
    f"SELECT rowid, id, title, description, {_NOTES_OF.format(lesson='lessons.id')} FROM lessons "
    # In rowid order: FTS5 flushes its pending terms whenever a rowid is lower than the one before, and
    # ids come in uuid order; unsorted, each page would cost several times as much (bench_apply_page).
    "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY rowid",
)

#: The whole search index from scratch, one row per lesson (used once at the end of a download that skipped the
#: per-page refresh, and to repair a mirror left with `sync_state.search_stale` by a crash). Dropping the table
#: frees its pages at once, where deleting its rows would read every row back to remove its terms; the insert
#: goes in rowid order for the reason given above. Run inside the caller's transaction (DDL is transactional).
SEARCH_REBUILD_SQL: tuple[str, ...] = (
    "DROP TABLE lessons_fts",
    FTS_SQL[0],
    "INSERT INTO lessons_fts (rowid, lesson_id, title, description, notes) "
    f"SELECT rowid, id, title, description, {_NOTES_OF.format(lesson='lessons.id')} FROM lessons ORDER BY rowid",
)
