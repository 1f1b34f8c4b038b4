"""Append-only records (a practice session, a graded test attempt) and the offline profile's own rows.

Records are written once and never edited (C5); XP, levels and streaks are computed from them by the queries.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from localdb.queries_lessons import get_test_items
from localdb.repo_base import RecordNotFoundError, ValidationError, canonical, new_id, now_text, write
from localdb.repo_grading import Grade, GradedItem, grade

__all__ = [
    "AttemptResult",
    "ProfileRows",
    "ensure_local_profile",
    "record_practice_session",
    "record_test_attempt",
]

log = logging.getLogger(__name__)

USER_ROLES = ("learner", "teacher", "admin")


@dataclass(frozen=True)
class AttemptResult:
    """A recorded attempt: its id, score 0-100, pass/fail, and the credit (0-1) each item earned."""

    id: str
    score: float
    passed: bool
    credits: Mapping[str, float]


@dataclass(frozen=True)
class ProfileRows:
    user_id: str
    organisation_id: str
    created: bool


def _user_org(conn: sqlite3.Connection, user_id: str) -> str:
    row = conn.execute(
        "SELECT organisation_id FROM users WHERE id = ? AND deleted_at IS NULL", (user_id,)
    ).fetchone()
    if row is None or row[0] is None:
        raise RecordNotFoundError("user", user_id)
    return str(row[0])


def _json(value: Any, field: str) -> str | None:
    if value is None:
        return None
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise ValidationError(
            field, "This value cannot be saved (it is not plain text, numbers or lists)."
        ) from None


def _score(value: float | None) -> float | None:
    if value is not None and not 0 <= value <= 100:
        raise ValidationError("score", "A score must be from 0 to 100.")
    return value


def _duration(started: datetime, completed: datetime | None, given: int | None) -> int | None:
    if given is not None:
        if given < 0:
            raise ValidationError("duration_seconds", "A duration cannot be negative.")
        return given
    if completed is None:
        return None
    if completed < started:
        raise ValidationError("completed_at", "A session cannot end before it starts.")
    return round((completed - started).total_seconds())


def record_practice_session(
    conn: sqlite3.Connection,
    *,
    user_id: str,
    mode: str,
    started_at: datetime,
    lesson_id: str | None = None,
    score: float | None = None,
    completed_at: datetime | None = None,
    duration_seconds: int | None = None,
    raw_metrics: Mapping[str, Any] | None = None,
    feedback: Mapping[str, Any] | None = None,
) -> str:
    """Record one practice session; answers its id.

    The duration is computed from start and end when not given.
    """
    session_id = new_id()
    values = (
        session_id,
        user_id,
        lesson_id,
        mode,
        _score(score),
        _json(raw_metrics, "raw_metrics"),
        _json(feedback, "feedback"),
        canonical(started_at),
        None if completed_at is None else canonical(completed_at),
        _duration(started_at, completed_at, duration_seconds),
    )
    with write(conn):
        organisation_id = _user_org(conn, user_id)
        conn.execute(
            "INSERT INTO practice_sessions (id, user_id, lesson_id, mode, score, raw_metrics, feedback,"
            " started_at, completed_at, duration_seconds, organisation_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*values, organisation_id),
        )
    return session_id


def _grade_live(conn: sqlite3.Connection, test_id: str, answers: Mapping[str, Any]) -> Grade:
    """Grade against the test's live items, as they are inside this transaction."""
    test = conn.execute(
        "SELECT passing_score FROM tests WHERE id = ? AND deleted_at IS NULL", (test_id,)
    ).fetchone()
    if test is None:
        raise RecordNotFoundError("test", test_id)
    items = [GradedItem(i.id, i.test_type or "", i.correct_answer) for i in get_test_items(conn, test_id)]
    if not items:
        raise ValidationError("test_id", "This test has no questions yet.")
    return grade(items, answers, test[0])


def record_test_attempt(
    conn: sqlite3.Connection,
    *,
    test_id: str,
    user_id: str,
    answers: Mapping[str, Any],
    started_at: datetime | None = None,
    completed_at: datetime | None = None,
) -> AttemptResult:
    """Grade `answers` (item id -> answer) against the test's items and record the attempt.

    Without times the attempt is stamped now (completed at once); the score and pass/fail are stored with it.
    """
    answers_json = _json(dict(answers), "answers")
    attempt_id = new_id()
    with write(conn):
        result = _grade_live(conn, test_id, answers)
        now = now_text(conn)
        row = (
            attempt_id, _user_org(conn, user_id), test_id, user_id, answers_json, result.score,
            1 if result.passed else 0, now if started_at is None else canonical(started_at),
            now if completed_at is None else canonical(completed_at),
        )  # fmt: skip
        conn.execute(
            "INSERT INTO test_attempts (id, organisation_id, test_id, user_id, answers, score, passed,"
            " started_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )
    return AttemptResult(attempt_id, result.score, result.passed, result.credits)


def ensure_local_profile(
    conn: sqlite3.Connection,
    *,
    full_name: str,
    role: str = "teacher",
    organisation_name: str = "This PC",
) -> ProfileRows:
    """The offline profile's own user and organisation rows, created on first call.

    The offline profile has its mirror to itself, so its user is the first user ever created in it; calling
    again answers the same rows (`created=False`).
    """
    if role not in USER_ROLES:
        raise ValidationError("role", "The role must be learner, teacher or admin.")
    name = full_name.strip()
    if not name:
        raise ValidationError("full_name", "Please give your name.")
    with write(conn):
        row = conn.execute(
            "SELECT id, organisation_id FROM users WHERE organisation_id IS NOT NULL"
            " ORDER BY created_at, rowid LIMIT 1"
        ).fetchone()
        if row is not None:
            return ProfileRows(str(row[0]), str(row[1]), created=False)
        organisation_id, user_id = new_id(), new_id()
        conn.execute(
            "INSERT INTO organisations (id, name) VALUES (?, ?)", (organisation_id, organisation_name)
        )
        conn.execute(
            "INSERT INTO users (id, organisation_id, full_name, role) VALUES (?, ?, ?, ?)",
            (user_id, organisation_id, name, role),
        )
    log.info("offline profile rows created")
    return ProfileRows(user_id, organisation_id, created=True)
