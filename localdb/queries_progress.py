"""A learner's own view: the practice history feed and the dashboard progress snapshot.

XP, level and streaks are never stored: they are computed here from the append-only records (C5), with the
rules of docs/data-model.md, so a push retried twice can never count twice.
An activity's day is the UTC date of its `started_at` (or `created_at` when a record has no start).
"""

from __future__ import annotations

import logging
import math
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from localdb.queries_lessons import page_bounds

__all__ = ["PracticeEntry", "ProgressSnapshot", "level_for_xp", "practice_history", "progress_snapshot"]

log = logging.getLogger(__name__)

XP_PER_PASSED_TEST = 50


@dataclass(frozen=True)
class PracticeEntry:
    """One practice session in the history feed; `lesson_title` is None when the lesson is unknown here."""

    id: str
    lesson_id: str | None
    lesson_title: str | None
    mode: str | None
    score: float | None
    started_at: str | None
    completed_at: str | None
    duration_seconds: int | None


@dataclass(frozen=True)
class ProgressSnapshot:
    xp: int
    level: int
    current_streak: int
    longest_streak: int
    sessions_this_week: int
    average_score: float | None
    tests_passed: int


def practice_history(
    conn: sqlite3.Connection, *, user_id: str, limit: int = 50, offset: int = 0
) -> tuple[PracticeEntry, ...]:
    """One page of a user's practice sessions, newest first."""
    limit, offset = page_bounds(limit, offset)
    rows = conn.execute(
        "SELECT p.id, p.lesson_id, l.title, p.mode, p.score, p.started_at, p.completed_at, p.duration_seconds"
        " FROM practice_sessions AS p LEFT JOIN lessons AS l ON l.id = p.lesson_id"
        " WHERE p.user_id = ? AND p.deleted_at IS NULL"
        " ORDER BY coalesce(p.started_at, p.created_at) DESC, p.id DESC LIMIT ? OFFSET ?",
        (user_id, limit, offset),
    ).fetchall()
    return tuple(PracticeEntry(*r) for r in rows)


def level_for_xp(xp: int) -> int:
    """level = 1 + floor(sqrt(xp / 100)); integer arithmetic so no float rounding can move a boundary."""
    return 1 + math.isqrt(max(xp, 0) // 100)


def _xp(conn: sqlite3.Connection, user_id: str) -> int:
    row = conn.execute(
        "SELECT (SELECT coalesce(sum(round(score)), 0) FROM practice_sessions"
        "        WHERE user_id = ?1 AND deleted_at IS NULL AND completed_at IS NOT NULL),"
        "       (SELECT count(*) FROM test_attempts"
        "        WHERE user_id = ?1 AND deleted_at IS NULL AND passed = 1)",
        (user_id,),
    ).fetchone()
    return int(row[0]) + XP_PER_PASSED_TEST * int(row[1])


# Gaps and islands: consecutive days share the same (julianday - row number), so each group is one streak.
_STREAKS = """
WITH days AS (
    SELECT substr(coalesce(started_at, created_at), 1, 10) AS d FROM practice_sessions
     WHERE user_id = ?1 AND deleted_at IS NULL
    UNION
    SELECT substr(coalesce(started_at, created_at), 1, 10) FROM test_attempts
     WHERE user_id = ?1 AND deleted_at IS NULL
), islands AS (
    SELECT max(d) AS last_day, count(*) AS n
      FROM (SELECT d, julianday(d) - row_number() OVER (ORDER BY d) AS grp FROM days WHERE d <= ?2)
     GROUP BY grp
)
SELECT coalesce((SELECT max(n) FROM islands), 0),
       coalesce((SELECT n FROM islands WHERE last_day >= ?3 ORDER BY last_day DESC LIMIT 1), 0)
"""


def _streaks(conn: sqlite3.Connection, user_id: str, today: date) -> tuple[int, int]:
    """(current, longest): current counts only a streak that reaches today or yesterday."""
    yesterday = today - timedelta(days=1)
    row = conn.execute(_STREAKS, (user_id, today.isoformat(), yesterday.isoformat())).fetchone()
    return int(row[1]), int(row[0])


def _week_and_scores(conn: sqlite3.Connection, user_id: str, today: date) -> tuple[int, float | None, int]:
    monday = today - timedelta(days=today.weekday())
    row = conn.execute(
        "SELECT (SELECT count(*) FROM practice_sessions WHERE user_id = ?1 AND deleted_at IS NULL"
        "        AND coalesce(started_at, created_at) >= ?2 AND coalesce(started_at, created_at) < ?3),"
        "       (SELECT avg(score) FROM practice_sessions"
        "        WHERE user_id = ?1 AND deleted_at IS NULL AND completed_at IS NOT NULL),"
        "       (SELECT count(DISTINCT test_id) FROM test_attempts"
        "        WHERE user_id = ?1 AND deleted_at IS NULL AND passed = 1)",
        (user_id, monday.isoformat(), (monday + timedelta(days=7)).isoformat()),
    ).fetchone()
    average = None if row[1] is None else float(row[1])
    return int(row[0]), average, int(row[2])


def progress_snapshot(
    conn: sqlite3.Connection, *, user_id: str, today: date | None = None
) -> ProgressSnapshot:
    """The dashboard figures for one user, as of `today` (UTC; the current UTC date when omitted).

    The week runs Monday to Sunday (UTC); the average score is over completed practice sessions;
    tests passed counts distinct tests with at least one passed attempt.
    """
    today = today or datetime.now(UTC).date()
    xp = _xp(conn, user_id)
    current, longest = _streaks(conn, user_id, today)
    this_week, average, passed = _week_and_scores(conn, user_id, today)
    return ProgressSnapshot(xp, level_for_xp(xp), current, longest, this_week, average, passed)
