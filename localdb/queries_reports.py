"""Teacher and admin reports: daily active learners, usage per lesson type per day, and the per-class report.

These are the local forms of the analytics "daily active users" and "module usage" aggregates, computed
from the append-only records (C5) in the mirror instead of stored counters. A scope narrows them to one
organisation, one class (its current members), or both; with neither, the whole mirror counts.
An activity's day is the UTC date of its `started_at` (or `created_at` when a record has no start).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from localdb.queries_lessons import page_bounds

__all__ = [
    "BestScore",
    "DailyActive",
    "LearnerReport",
    "LessonTypeUsage",
    "class_report",
    "daily_active_learners",
    "lesson_type_usage",
]

log = logging.getLogger(__name__)

# Longest date range a report answers in one call: ten years of days is already more than any chart shows.
MAX_DAYS = 3660


@dataclass(frozen=True)
class DailyActive:
    day: str
    learners: int


@dataclass(frozen=True)
class LessonTypeUsage:
    """Practice on one day for one lesson type (None: sessions without a lesson, or of a lesson not here)."""

    day: str
    lesson_type: str | None
    sessions: int
    minutes: float


@dataclass(frozen=True)
class BestScore:
    test_id: str
    test_title: str | None
    best_score: float | None
    passed: bool


@dataclass(frozen=True)
class LearnerReport:
    user_id: str
    name: str
    sessions: int
    average_score: float | None
    last_activity: str | None
    best_scores: tuple[BestScore, ...]


_DAY = "substr(coalesce(a.started_at, a.created_at), 1, 10)"
_MEMBERS = "SELECT user_id FROM class_members WHERE class_id = ? AND deleted_at IS NULL"


def _scope(organisation_id: str | None, class_id: str | None) -> tuple[str, list[Any]]:
    clauses, params = ["a.deleted_at IS NULL"], []
    if organisation_id is not None:
        clauses.append("a.organisation_id = ?")
        params.append(organisation_id)
    if class_id is not None:
        clauses.append(f"a.user_id IN ({_MEMBERS})")
        params.append(class_id)
    return " AND ".join(clauses), params


def _range(start: date, end: date) -> tuple[str, str]:
    if end < start:
        raise ValueError("the report's end date is before its start date")
    if (end - start).days >= MAX_DAYS:
        raise ValueError(f"a report covers at most {MAX_DAYS} days")
    # Compare whole timestamps against [start, end + 1 day) so any time of the last day counts.
    return start.isoformat(), (end + timedelta(days=1)).isoformat()


def daily_active_learners(
    conn: sqlite3.Connection,
    *,
    start: date,
    end: date,
    organisation_id: str | None = None,
    class_id: str | None = None,
) -> tuple[DailyActive, ...]:
    """Distinct users with a practice session or test attempt on each UTC day of [start, end].

    Every day of the range is answered, days without activity as 0.
    """
    low, high = _range(start, end)
    where, params = _scope(organisation_id, class_id)
    sql = (
        f"SELECT day, count(DISTINCT user_id) FROM ("
        f" SELECT {_DAY} AS day, a.user_id FROM practice_sessions AS a WHERE {where}"
        f"  AND coalesce(a.started_at, a.created_at) >= ? AND coalesce(a.started_at, a.created_at) < ?"
        f" UNION ALL"
        f" SELECT {_DAY}, a.user_id FROM test_attempts AS a WHERE {where}"
        f"  AND coalesce(a.started_at, a.created_at) >= ? AND coalesce(a.started_at, a.created_at) < ?"
        f") GROUP BY day"
    )
    counts = dict(conn.execute(sql, [*params, low, high, *params, low, high]).fetchall())
    days = (start + timedelta(days=i) for i in range((end - start).days + 1))
    return tuple(DailyActive(d.isoformat(), int(counts.get(d.isoformat(), 0))) for d in days)


def lesson_type_usage(
    conn: sqlite3.Connection,
    *,
    start: date,
    end: date,
    organisation_id: str | None = None,
    class_id: str | None = None,
) -> tuple[LessonTypeUsage, ...]:
    """Practice sessions and minutes per lesson type per UTC day of [start, end].

    Days without practice are left out.
    """
    low, high = _range(start, end)
    where, params = _scope(organisation_id, class_id)
    rows = conn.execute(
        f"SELECT {_DAY} AS day, l.lesson_type, count(*), coalesce(sum(a.duration_seconds), 0) / 60.0"
        f" FROM practice_sessions AS a LEFT JOIN lessons AS l ON l.id = a.lesson_id"
        f" WHERE {where} AND coalesce(a.started_at, a.created_at) >= ?"
        f"  AND coalesce(a.started_at, a.created_at) < ?"
        f" GROUP BY day, l.lesson_type ORDER BY day, l.lesson_type",
        [*params, low, high],
    ).fetchall()
    return tuple(LessonTypeUsage(r[0], r[1], int(r[2]), float(r[3])) for r in rows)


_LEARNERS = """
SELECT u.id, coalesce(u.nickname, u.full_name, u.email, u.id) AS name,
       (SELECT count(*) FROM practice_sessions AS p WHERE p.user_id = u.id AND p.deleted_at IS NULL),
       (SELECT avg(p.score) FROM practice_sessions AS p
         WHERE p.user_id = u.id AND p.deleted_at IS NULL AND p.completed_at IS NOT NULL),
       max(coalesce((SELECT max(coalesce(p.completed_at, p.started_at, p.created_at))
                       FROM practice_sessions AS p
                      WHERE p.user_id = u.id AND p.deleted_at IS NULL), ''),
           coalesce((SELECT max(coalesce(t.completed_at, t.started_at, t.created_at)) FROM test_attempts AS t
                      WHERE t.user_id = u.id AND t.deleted_at IS NULL), ''))
  FROM class_members AS m JOIN users AS u ON u.id = m.user_id
 WHERE m.class_id = ? AND m.deleted_at IS NULL AND u.deleted_at IS NULL
 ORDER BY name COLLATE NOCASE, u.id
 LIMIT ? OFFSET ?
"""


def _best_scores(conn: sqlite3.Connection, user_ids: Sequence[str]) -> dict[str, list[BestScore]]:
    if not user_ids:
        return {}
    marks = ", ".join("?" for _ in user_ids)
    rows = conn.execute(
        f"SELECT a.user_id, a.test_id, t.title, max(a.score), max(coalesce(a.passed, 0))"
        f" FROM test_attempts AS a LEFT JOIN tests AS t ON t.id = a.test_id"
        f" WHERE a.user_id IN ({marks}) AND a.deleted_at IS NULL"
        f" GROUP BY a.user_id, a.test_id ORDER BY t.title COLLATE NOCASE, a.test_id",
        list(user_ids),
    ).fetchall()
    best: dict[str, list[BestScore]] = {}
    for user_id, test_id, title, score, passed in rows:
        best.setdefault(user_id, []).append(
            BestScore(test_id, title, None if score is None else float(score), bool(passed))
        )
    return best


def class_report(
    conn: sqlite3.Connection, *, class_id: str, limit: int = 50, offset: int = 0
) -> tuple[LearnerReport, ...]:
    """One page of a class's learners (by name): sessions, average score, last activity, best per test."""
    limit, offset = page_bounds(limit, offset)
    rows = conn.execute(_LEARNERS, (class_id, limit, offset)).fetchall()
    best = _best_scores(conn, [r[0] for r in rows])
    return tuple(
        LearnerReport(
            r[0],
            r[1],
            int(r[2]),
            None if r[3] is None else float(r[3]),
            r[4] or None,
            tuple(best.get(r[0], ())),
        )
        for r in rows
    )
