"""The lesson screens' one door to the mirror: localdb's queries for reading, localdb's repo for writing.

Every function takes a `sqlite3.Connection` and runs on whatever thread owns it (the database worker for saves
and searches, the GUI thread's read connection for list paging). The screens never write SQL themselves; the
mirror's triggers stamp and queue every write.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication

from desktop.i18n import fill, number
from localdb import queries, queries_lessons, repo
from localdb.repo_base import write

log = logging.getLogger(__name__)

LESSON_TYPES = {"word": "Word", "sentence": "Sentence", "freestyle": "Freestyle"}
DIFFICULTIES = (1, 2, 3, 4, 5)
TITLE_MAX = 200
CODE_MAX = 40
DESCRIPTION_MAX = 5000


#: The lean row the list shows.
LessonRow = queries.LessonRow


@dataclass(frozen=True)
class LessonFilter:
    """What the list shows: search text, filters, the trash or the live lessons."""

    text: str = ""
    lesson_type: str | None = None
    difficulty: int | None = None
    published: bool | None = None
    trash: bool = False


@dataclass(frozen=True)
class Author:
    """Who creates lessons on this profile: the tenant and the user rows new lessons and notes belong to."""

    organisation_id: str
    user_id: str | None


@dataclass
class NoteDraft:
    id: str | None
    title: str = ""
    body: str = ""


@dataclass
class LessonDraft:
    """The editor's working copy of a lesson and its notes (notes in display order)."""

    id: str | None = None
    lesson_code: str = ""
    title: str = ""
    description: str = ""
    lesson_type: str = "word"
    difficulty_level: int = 1
    is_active: bool = True
    published: bool = False
    cover_media_id: str = ""
    notes: list[NoteDraft] = field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        return {
            "lesson_code": self.lesson_code.strip() or None,
            "title": self.title.strip(),
            "description": self.description,
            "lesson_type": self.lesson_type,
            "difficulty_level": self.difficulty_level,
            "is_active": self.is_active,
            "cover_media_id": self.cover_media_id.strip() or None,
        }


def _query_filter(flt: LessonFilter) -> queries.LessonFilter:
    return queries.LessonFilter(
        search=flt.text.strip(),
        lesson_type=flt.lesson_type,
        difficulty_level=flt.difficulty,
        published=flt.published,
        trash=flt.trash,
    )


def list_lessons(conn: sqlite3.Connection, flt: LessonFilter, *, limit: int, offset: int) -> list[LessonRow]:
    return list(queries.list_lessons(conn, _query_filter(flt), limit=limit, offset=offset))


def count_lessons(conn: sqlite3.Connection, flt: LessonFilter) -> int:
    return queries.count_lessons(conn, _query_filter(flt))


def warm_lessons(conn: sqlite3.Connection) -> int:
    """Fill this connection's page cache with the lessons, so first searches do not read them page by page."""
    return queries_lessons.warm_lessons(conn)


def load_lesson(conn: sqlite3.Connection, lesson_id: str) -> LessonDraft:
    detail = queries.get_lesson(conn, lesson_id)
    if detail is None:
        raise LookupError(lesson_id)
    lesson = detail.lesson
    notes = [NoteDraft(n.id, n.title or "", n.body or "") for n in detail.notes]
    return LessonDraft(
        id=lesson.id,
        lesson_code=lesson.lesson_code or "",
        title=lesson.title or "",
        description=lesson.description or "",
        lesson_type=lesson.lesson_type or "word",
        difficulty_level=lesson.difficulty_level or 1,
        is_active=bool(lesson.is_active),
        published=bool(lesson.published_at),
        cover_media_id=lesson.cover_media_id or "",
        notes=notes,
    )


def validate(draft: LessonDraft) -> dict[str, str]:
    """Plain-words problems the editor can show before asking the database (which checks uniqueness).

    Whole translated sentences with %1 for the values, so a translation can put them where its grammar wants.
    """
    problems: dict[str, str] = {}
    title = draft.title.strip()
    if not title:
        problems["title"] = QCoreApplication.translate("LessonData", "A lesson needs a title.")
    elif len(title) > TITLE_MAX:
        problems["title"] = fill(
            QCoreApplication.translate("LessonData", "The title is too long: %1 characters, at most %2."),
            number(len(title)),
            number(TITLE_MAX),
        )
    if len(draft.lesson_code.strip()) > CODE_MAX:
        problems["lesson_code"] = fill(
            QCoreApplication.translate("LessonData", "The code is too long: at most %1 characters."),
            number(CODE_MAX),
        )
    if len(draft.description) > DESCRIPTION_MAX:
        problems["description"] = fill(
            QCoreApplication.translate("LessonData", "The description is too long: at most %1 characters."),
            number(DESCRIPTION_MAX),
        )
    cover = draft.cover_media_id.strip()
    if cover and not _is_uuid(cover):
        problems["cover_media_id"] = QCoreApplication.translate(
            "LessonData", "The cover must be a media id from the media library, or empty."
        )
    for position, note in enumerate(draft.notes, start=1):
        if not note.title.strip() and not note.body.strip():
            problems["notes"] = fill(
                QCoreApplication.translate("LessonData", "Note %1 is empty: write something or delete it."),
                position,
            )
            break
    return problems


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def save_lesson(
    conn: sqlite3.Connection, draft: LessonDraft, original: LessonDraft | None, author: Author
) -> str:
    """Create or update the lesson, its published state and its notes in ONE transaction; answers its id.

    Raises localdb's `ValidationError(field, message)` for what only the database can know (a duplicate code).
    """
    values = draft.fields()
    with write(conn):
        if draft.id is None:
            lesson_id = repo.create_lesson(
                conn, organisation_id=author.organisation_id, author_id=author.user_id, **values
            )
        else:
            lesson_id = draft.id
            before = original.fields() if original else {}
            changed = {k: v for k, v in values.items() if before.get(k, object()) != v}
            if changed:
                repo.update_lesson(conn, lesson_id=lesson_id, **changed)
        was_published = bool(original and original.published)
        if draft.published != was_published:
            if draft.published:
                repo.publish_lesson(conn, lesson_id=lesson_id)
            else:
                repo.unpublish_lesson(conn, lesson_id=lesson_id)
        _save_notes(conn, lesson_id, draft.notes, original.notes if original else [], author)
    return lesson_id


def _save_notes(
    conn: sqlite3.Connection, lesson_id: str, notes: list[NoteDraft], before: list[NoteDraft], author: Author
) -> None:
    old = {n.id: n for n in before if n.id}
    kept = {n.id for n in notes if n.id}
    for note_id in old.keys() - kept:
        repo.delete_note(conn, note_id=note_id)
    for note in notes:
        if note.id is None:
            note.id = repo.add_note(
                conn, lesson_id=lesson_id, author_id=author.user_id, title=note.title, body=note.body
            )
        elif (old[note.id].title, old[note.id].body) != (note.title, note.body):
            repo.update_note(conn, note_id=note.id, title=note.title, body=note.body)
    order = [n.id for n in notes if n.id]
    if order != [n.id for n in before if n.id in kept] + [n.id for n in notes if n.id not in old]:
        repo.reorder_notes(conn, lesson_id=lesson_id, note_ids=order)


def delete_lesson(conn: sqlite3.Connection, lesson_id: str) -> None:
    repo.delete_lesson(conn, lesson_id=lesson_id)


def restore_lesson(conn: sqlite3.Connection, lesson_id: str) -> None:
    repo.restore_lesson(conn, lesson_id=lesson_id)
