"""Lesson queries for the screens: the filtered, searchable, paged list; one lesson with its notes and tests.

All list queries are paged (limit/offset); nothing loads a whole table. Rows come back as frozen dataclasses.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from localdb.queries_search import fts_query

__all__ = [
    "MAX_PAGE",
    "Lesson",
    "LessonDetail",
    "LessonFilter",
    "LessonRow",
    "Note",
    "TestDetail",
    "TestInfo",
    "TestItem",
    "count_lessons",
    "get_lesson",
    "get_test_items",
    "list_lessons",
    "warm_lessons",
]

log = logging.getLogger(__name__)

# The largest page any list query answers, whatever the caller asks: a screen never needs more at once.
MAX_PAGE = 500

SortKey = Literal["title", "updated_at"]


@dataclass(frozen=True)
class LessonFilter:
    """What the lessons list shows. None means "any"; `trash=True` shows deleted lessons only."""

    search: str = ""
    lesson_type: str | None = None
    difficulty_level: int | None = None
    active: bool | None = None
    published: bool | None = None
    trash: bool = False
    organisation_id: str | None = None
    sort: SortKey = "title"
    descending: bool = False


@dataclass(frozen=True)
class LessonRow:
    """One line of the lessons list: only what the list shows."""

    id: str
    lesson_code: str | None
    title: str
    lesson_type: str | None
    difficulty_level: int | None
    is_active: bool
    published_at: str | None
    updated_at: str | None
    deleted_at: str | None


@dataclass(frozen=True)
class Lesson:
    id: str
    organisation_id: str | None
    author_id: str | None
    lesson_code: str | None
    title: str
    description: str | None
    lesson_type: str | None
    difficulty_level: int | None
    is_active: bool
    published_at: str | None
    cover_media_id: str | None
    created_at: str | None
    updated_at: str | None
    deleted_at: str | None


@dataclass(frozen=True)
class Note:
    id: str
    lesson_id: str
    author_id: str | None
    position: int | None
    title: str | None
    body: str | None
    updated_at: str | None


@dataclass(frozen=True)
class TestInfo:
    id: str
    lesson_id: str
    title: str
    passing_score: int | None
    time_limit_seconds: int | None
    shuffle_items: bool
    updated_at: str | None


@dataclass(frozen=True)
class TestItem:
    """One test item; `content`, `options` and `correct_answer` are the parsed JSON values."""

    id: str
    test_id: str
    sequence: int | None
    test_type: str | None
    content: Any
    options: Any
    correct_answer: Any


@dataclass(frozen=True)
class TestDetail:
    test: TestInfo
    items: tuple[TestItem, ...]


@dataclass(frozen=True)
class LessonDetail:
    lesson: Lesson
    notes: tuple[Note, ...]
    tests: tuple[TestDetail, ...]


def page_bounds(limit: int, offset: int) -> tuple[int, int]:
    """Clamp a requested page to [0, MAX_PAGE] rows from a non-negative offset."""
    return max(0, min(limit, MAX_PAGE)), max(0, offset)


def parse_json(text: str | None) -> Any:
    # A value the mirror cannot parse is shown as its raw text rather than breaking the whole screen.
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        log.warning("stored JSON value could not be parsed; showing it as text")
        return text


# A search with at least this many hits walks the title index instead of sorting its hits: looking up and
# sorting 89,000 hits of "re" took 45 ms for a page of 50 at 100,000 lessons, the walk about 20 ms (the hits
# are dense, so the page fills after a few hundred titles). Below it the hits are cheaper to sort.
DENSE_HITS = 20_000


def _from_where(flt: LessonFilter, *, walk_titles: bool = False) -> tuple[str, list[Any]]:
    """The FROM and WHERE clauses (and their parameters) for a filter, search included.

    A search starts from the search table's hits and looks each one up by rowid (CROSS JOIN fixes that
    order): the planner would otherwise pick it only with full statistics (`Mirror.refresh_stats`); with
    none, or with `PRAGMA optimize`'s, it walked the list index over every live lesson and probed the hits,
    5x slower at 100,000 lessons (bench/bench_search.py, "planner statistics").
    """
    source = "lessons AS l"
    # likely()/unlikely(): "live" is nearly every lesson and "in the trash" few. Without statistics (a mirror
    # filled by local edits, or `PRAGMA optimize`'s partial ones) the planner took `deleted_at IS NULL` for a
    # selective index term and sorted every live lesson: 258 ms for the first page of 100,000 (0.4 ms now).
    clauses = ["unlikely(l.deleted_at IS NOT NULL)" if flt.trash else "likely(l.deleted_at IS NULL)"]
    params: list[Any] = []
    match = fts_query(flt.search)
    if match is not None and walk_titles:
        source = "lessons AS l INDEXED BY ix_lessons_title_nocase"
        clauses.append("l.rowid IN (SELECT rowid FROM lessons_fts WHERE lessons_fts MATCH ?)")
        params.append(match)
    elif match is not None:
        source = "lessons_fts CROSS JOIN lessons AS l ON l.rowid = lessons_fts.rowid"
        clauses.insert(0, "lessons_fts MATCH ?")
        params.append(match)
    for column, value in (
        ("l.lesson_type", flt.lesson_type),
        ("l.difficulty_level", flt.difficulty_level),
        ("l.organisation_id", flt.organisation_id),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if flt.active is not None:
        clauses.append("l.is_active = 1" if flt.active else "coalesce(l.is_active, 0) = 0")
    if flt.published is not None:
        clauses.append("l.published_at IS NOT NULL" if flt.published else "l.published_at IS NULL")
    return f"{source} WHERE " + " AND ".join(clauses), params


def _order(flt: LessonFilter) -> str:
    direction = "DESC" if flt.descending else "ASC"
    if flt.sort == "updated_at":
        return f"l.updated_at {direction}, l.id {direction}"
    return f"l.title COLLATE NOCASE {direction}, l.id {direction}"


_LIST_COLUMNS = (
    "l.id, l.lesson_code, l.title, l.lesson_type, l.difficulty_level, l.is_active, l.published_at, "
    "l.updated_at, l.deleted_at"
)


def list_lessons(
    conn: sqlite3.Connection, flt: LessonFilter | None = None, *, limit: int = 50, offset: int = 0
) -> tuple[LessonRow, ...]:
    """One page of the lessons list for `flt`, in its sort order."""
    flt = flt or LessonFilter()
    limit, offset = page_bounds(limit, offset)
    walk = flt.sort == "title" and _dense_search(conn, flt.search)
    from_where, params = _from_where(flt, walk_titles=walk)
    sql = f"SELECT {_LIST_COLUMNS} FROM {from_where} ORDER BY {_order(flt)} LIMIT ? OFFSET ?"
    rows = conn.execute(sql, [*params, limit, offset]).fetchall()
    return tuple(LessonRow(r[0], r[1], r[2] or "", r[3], r[4], bool(r[5]), r[6], r[7], r[8]) for r in rows)


def _dense_search(conn: sqlite3.Connection, search: str) -> bool:
    """The search has at least DENSE_HITS hits (counted up to there only: 1 ms at most) and the title index
    to walk is there (a file of local schema version 1 has none)."""
    match = fts_query(search)
    if match is None:
        return False
    row = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM lessons_fts WHERE lessons_fts MATCH ? LIMIT ?)", (match, DENSE_HITS)
    ).fetchone()
    if int(row[0]) < DENSE_HITS:
        return False
    return conn.execute("SELECT 1 FROM sqlite_schema WHERE name = 'ix_lessons_title_nocase'").fetchone() is not None


def warm_lessons(conn: sqlite3.Connection, max_rows: int = 100_000) -> int:
    """Read the lessons' rows once, so this connection's page cache holds them; answers the rows read.

    A search looks up each hit's row: the first search of a prefix on a fresh connection read ~3,000 pages
    one by one (25-55 ms at 100,000 lessons, 10-15 ms once they are cached). One pass in row order costs
    about 40 ms. `description` is read because no index holds it (a title-only pass reads an index).
    """
    row = conn.execute(
        "SELECT count(*), sum(length(description)) FROM (SELECT description FROM lessons LIMIT ?)", (max_rows,)
    ).fetchone()
    return int(row[0])


def count_lessons(conn: sqlite3.Connection, flt: LessonFilter | None = None) -> int:
    """How many lessons the list for `flt` holds in all pages."""
    from_where, params = _from_where(flt or LessonFilter())
    row = conn.execute(f"SELECT count(*) FROM {from_where}", params).fetchone()
    return int(row[0])


def _lesson(row: Sequence[Any]) -> Lesson:
    return Lesson(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4] or "",
        row[5],
        row[6],
        row[7],
        bool(row[8]),
        row[9],
        row[10],
        row[11],
        row[12],
        row[13],
    )


def _tests(conn: sqlite3.Connection, lesson_id: str) -> tuple[TestDetail, ...]:
    tests = conn.execute(
        "SELECT id, lesson_id, title, passing_score, time_limit_seconds, shuffle_items, updated_at FROM tests"
        " WHERE lesson_id = ? AND deleted_at IS NULL ORDER BY created_at, id",
        (lesson_id,),
    ).fetchall()
    details = []
    for t in tests:
        info = TestInfo(t[0], t[1], t[2] or "", t[3], t[4], bool(t[5]), t[6])
        details.append(TestDetail(info, get_test_items(conn, info.id)))
    return tuple(details)


def get_test_items(conn: sqlite3.Connection, test_id: str) -> tuple[TestItem, ...]:
    """The live items of one test, in sequence order."""
    rows = conn.execute(
        "SELECT id, test_id, sequence, test_type, test_content, test_options, correct_answer"
        " FROM tests_content WHERE test_id = ? AND deleted_at IS NULL ORDER BY sequence, id",
        (test_id,),
    ).fetchall()
    return tuple(
        TestItem(r[0], r[1], r[2], r[3], parse_json(r[4]), parse_json(r[5]), parse_json(r[6])) for r in rows
    )


def get_lesson(conn: sqlite3.Connection, lesson_id: str) -> LessonDetail | None:
    """One lesson (deleted or not) with its live notes by position and its live tests with their items."""
    row = conn.execute(
        "SELECT id, organisation_id, author_id, lesson_code, title, description, lesson_type,"
        " difficulty_level, is_active, published_at, cover_media_id, created_at, updated_at, deleted_at"
        " FROM lessons WHERE id = ?",
        (lesson_id,),
    ).fetchone()
    if row is None:
        return None
    notes = conn.execute(
        "SELECT id, lesson_id, author_id, position, title, body, updated_at FROM notes"
        " WHERE lesson_id = ? AND deleted_at IS NULL ORDER BY position, id",
        (lesson_id,),
    ).fetchall()
    return LessonDetail(_lesson(row), tuple(Note(*n) for n in notes), _tests(conn, lesson_id))
