"""Write operations on lessons and their notes: one small function per user action, keyword-only arguments.

Each runs in one short transaction (see `repo_base.write`) and validates what a person typed, raising
`ValidationError(field, message)` with plain words.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from typing import Any

from localdb.repo_base import (
    UNSET,
    RecordNotFoundError,
    Unset,
    ValidationError,
    check_title,
    given,
    new_id,
    now_text,
    set_columns,
    write,
)

__all__ = [
    "LESSON_TYPES",
    "add_note",
    "create_lesson",
    "delete_lesson",
    "delete_note",
    "publish_lesson",
    "reorder_notes",
    "restore_lesson",
    "unpublish_lesson",
    "update_lesson",
    "update_note",
]

log = logging.getLogger(__name__)

LESSON_TYPES = ("word", "sentence", "freestyle")
DIFFICULTY_RANGE = range(1, 6)
MAX_CODE = 50


def _lesson_type(value: Any) -> str:
    if value not in LESSON_TYPES:
        raise ValidationError("lesson_type", "The lesson type must be word, sentence or freestyle.")
    return str(value)


def _difficulty(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in DIFFICULTY_RANGE:
        raise ValidationError("difficulty_level", "The difficulty must be a whole number from 1 to 5.")
    return value


def _code(conn: sqlite3.Connection, value: Any, organisation_id: str | None, lesson_id: str) -> str | None:
    """A lesson code, unique (ignoring case) among the organisation's lessons that are not deleted."""
    code = str(value or "").strip() or None
    if code is None:
        return None
    if len(code) > MAX_CODE:
        raise ValidationError("lesson_code", f"The lesson code is too long: at most {MAX_CODE} characters.")
    taken = conn.execute(
        "SELECT title FROM lessons WHERE organisation_id IS ? AND lesson_code = ? COLLATE NOCASE"
        " AND deleted_at IS NULL AND id != ? LIMIT 1",
        (organisation_id, code, lesson_id),
    ).fetchone()
    if taken is not None:
        raise ValidationError("lesson_code", f"The lesson code {code} is already used by “{taken[0]}”.")
    return code


def _lesson_row(conn: sqlite3.Connection, lesson_id: str) -> sqlite3.Row | tuple[Any, ...]:
    row = conn.execute(
        "SELECT organisation_id, lesson_code, deleted_at FROM lessons WHERE id = ?", (lesson_id,)
    ).fetchone()
    if row is None:
        raise RecordNotFoundError("lesson", lesson_id)
    return row  # type: ignore[no-any-return]


def create_lesson(
    conn: sqlite3.Connection,
    *,
    organisation_id: str,
    author_id: str | None,
    title: str,
    lesson_code: str | None = None,
    description: str | None = None,
    lesson_type: str = "word",
    difficulty_level: int = 1,
    is_active: bool = True,
    cover_media_id: str | None = None,
) -> str:
    """Create a lesson (not yet published); answers its new id."""
    lesson_id = new_id()
    values = {
        "id": lesson_id,
        "organisation_id": organisation_id,
        "author_id": author_id,
        "lesson_code": None,
        "title": check_title(title),
        "description": description,
        "lesson_type": _lesson_type(lesson_type),
        "difficulty_level": _difficulty(difficulty_level),
        "is_active": 1 if is_active else 0,
        "cover_media_id": cover_media_id,
    }
    with write(conn):
        values["lesson_code"] = _code(conn, lesson_code, organisation_id, lesson_id)
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        conn.execute(f"INSERT INTO lessons ({columns}) VALUES ({marks})", list(values.values()))
    log.info("lesson created")
    return lesson_id


def update_lesson(
    conn: sqlite3.Connection,
    *,
    lesson_id: str,
    title: str | Unset = UNSET,
    lesson_code: str | Unset | None = UNSET,
    description: str | Unset | None = UNSET,
    lesson_type: str | Unset = UNSET,
    difficulty_level: int | Unset = UNSET,
    is_active: bool | Unset = UNSET,
    cover_media_id: str | Unset | None = UNSET,
) -> None:
    """Change the given fields of a lesson (the others stay as they are)."""
    changes = given(
        title=title,
        description=description,
        lesson_type=lesson_type,
        difficulty_level=difficulty_level,
        is_active=is_active,
        cover_media_id=cover_media_id,
    )
    if "title" in changes:
        changes["title"] = check_title(changes["title"])
    if "lesson_type" in changes:
        changes["lesson_type"] = _lesson_type(changes["lesson_type"])
    if "difficulty_level" in changes:
        changes["difficulty_level"] = _difficulty(changes["difficulty_level"])
    if "is_active" in changes:
        changes["is_active"] = 1 if changes["is_active"] else 0
    with write(conn):
        row = _lesson_row(conn, lesson_id)
        if not isinstance(lesson_code, Unset):
            changes["lesson_code"] = _code(conn, lesson_code, row[0], lesson_id)
        set_columns(conn, "lessons", lesson_id, changes)


def publish_lesson(conn: sqlite3.Connection, *, lesson_id: str) -> None:
    """Publish a lesson so learners see it (publishing again keeps the first publication time)."""
    with write(conn):
        _lesson_row(conn, lesson_id)
        conn.execute(
            "UPDATE lessons SET published_at = ? WHERE id = ? AND published_at IS NULL",
            (now_text(conn), lesson_id),
        )


def unpublish_lesson(conn: sqlite3.Connection, *, lesson_id: str) -> None:
    with write(conn):
        _lesson_row(conn, lesson_id)
        conn.execute(
            "UPDATE lessons SET published_at = NULL WHERE id = ? AND published_at IS NOT NULL", (lesson_id,)
        )


def delete_lesson(conn: sqlite3.Connection, *, lesson_id: str) -> None:
    """Move a lesson to the trash (soft delete: `deleted_at` is set; its notes and tests stay with it)."""
    with write(conn):
        _lesson_row(conn, lesson_id)
        conn.execute(
            "UPDATE lessons SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
            (now_text(conn), lesson_id),
        )


def restore_lesson(conn: sqlite3.Connection, *, lesson_id: str) -> None:
    """Take a lesson out of the trash; refused when another lesson took its code meanwhile."""
    with write(conn):
        organisation_id, code, deleted_at = _lesson_row(conn, lesson_id)
        if deleted_at is None:
            return
        if code is not None:
            _code(conn, code, organisation_id, lesson_id)
        conn.execute("UPDATE lessons SET deleted_at = NULL WHERE id = ?", (lesson_id,))


def _note_lesson(conn: sqlite3.Connection, note_id: str) -> str:
    row = conn.execute(
        "SELECT lesson_id FROM notes WHERE id = ? AND deleted_at IS NULL", (note_id,)
    ).fetchone()
    if row is None:
        raise RecordNotFoundError("note", note_id)
    return str(row[0])


def add_note(
    conn: sqlite3.Connection,
    *,
    lesson_id: str,
    author_id: str | None,
    body: str,
    title: str | None = None,
) -> str:
    """Add a note at the end of a lesson's notes; answers its id."""
    note_id = new_id()
    with write(conn):
        organisation_id = _lesson_row(conn, lesson_id)[0]
        position = conn.execute(
            "SELECT coalesce(max(position) + 1, 0) FROM notes WHERE lesson_id = ? AND deleted_at IS NULL",
            (lesson_id,),
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO notes (id, organisation_id, lesson_id, author_id, position, title, body)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (note_id, organisation_id, lesson_id, author_id, position, title, body),
        )
    return note_id


def update_note(
    conn: sqlite3.Connection,
    *,
    note_id: str,
    title: str | Unset | None = UNSET,
    body: str | Unset = UNSET,
) -> None:
    with write(conn):
        _note_lesson(conn, note_id)
        set_columns(conn, "notes", note_id, given(title=title, body=body))


def reorder_notes(conn: sqlite3.Connection, *, lesson_id: str, note_ids: Sequence[str]) -> None:
    """Put a lesson's notes in the given order; `note_ids` must be exactly its notes (not deleted)."""
    with write(conn):
        current = dict(
            conn.execute(
                "SELECT id, position FROM notes WHERE lesson_id = ? AND deleted_at IS NULL", (lesson_id,)
            ).fetchall()
        )
        if sorted(current) != sorted(note_ids):
            raise ValidationError(
                "note_ids", "The notes changed meanwhile; please reopen the lesson and try again."
            )
        for position, note_id in enumerate(note_ids):
            # Only moved notes are written, so only they are stamped and sent.
            if current[note_id] != position:
                conn.execute("UPDATE notes SET position = ? WHERE id = ?", (position, note_id))


def delete_note(conn: sqlite3.Connection, *, note_id: str) -> None:
    with write(conn):
        _note_lesson(conn, note_id)
        conn.execute("UPDATE notes SET deleted_at = ? WHERE id = ?", (now_text(conn), note_id))
