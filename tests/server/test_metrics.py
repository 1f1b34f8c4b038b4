"""Derived data (C5): daily practice metrics and usage per lesson type, computed from the records."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.server.conftest import Actor, Server, World

pytestmark = pytest.mark.pg

DAY = "2026-11-20"


def report(server: Server, actor: Actor, name: str) -> list[dict[str, Any]]:
    """A set-returning RPC as PostgREST answers it: a JSON array of the rows."""
    query = sql.SQL("select coalesce(jsonb_agg(to_jsonb(r)), '[]') as rows from public.{}(%s, %s) r").format(
        sql.Identifier(name)
    )
    with server.as_user(actor) as conn:
        row = conn.execute(query, (DAY, DAY)).fetchone()
    assert row is not None
    return list(row["rows"])


def add_records(server: Server, w: World) -> None:
    lesson = w.lessons["t1_published"]
    for score, seconds in ((80.4, 300), (90.6, 600)):
        server.insert(
            "practice_sessions",
            organisation_id=w.org_a,
            user_id=w.learner1.id,
            lesson_id=lesson,
            score=score,
            duration_seconds=seconds,
            started_at=f"{DAY}T10:00:00Z",
            completed_at=f"{DAY}T10:10:00Z",
        )
    test = w.tests["t1_published"]
    for passed in (True, False):
        server.insert(
            "test_attempts",
            organisation_id=w.org_a,
            test_id=test,
            user_id=w.learner1.id,
            passed=passed,
            completed_at=f"{DAY}T11:00:00Z",
        )
    server.insert(
        "practice_sessions",
        organisation_id=w.org_a,
        user_id=w.learner2.id,
        lesson_id=lesson,
        score=50,
        duration_seconds=60,
        started_at=f"{DAY}T12:00:00Z",
    )


def test_daily_metrics_follow_the_records(server: Server, world: World) -> None:
    w = world
    add_records(server, w)
    server.admin.execute("select refresh_practice_metrics()")
    mine = report(server, w.learner1, "report_practice_daily")
    assert len(mine) == 1
    day = mine[0]
    assert day["user_id"] == w.learner1.id and day["sessions"] == 2 and day["practice_seconds"] == 900
    assert day["test_attempts"] == 2 and day["tests_passed"] == 1
    assert day["xp"] == 80 + 91 + 50  # round(score) per completed session + 50 per passed attempt
    # A second refresh (a retried job) counts nothing twice.
    server.admin.execute("select refresh_practice_metrics()")
    assert report(server, w.learner1, "report_practice_daily") == mine


@pytest.mark.parametrize(
    ("who", "learners"),
    [
        ("learner1", {"learner1"}),
        ("teacher1", {"learner1"}),
        ("teacher2", set()),
        ("admin", {"learner1", "learner2"}),
        ("teacher_b", set()),
    ],
)
def test_reports_respect_roles(server: Server, world: World, who: str, learners: set[str]) -> None:
    add_records(server, world)
    server.admin.execute("select refresh_practice_metrics()")
    rows = report(server, getattr(world, who), "report_practice_daily")
    names = {
        name for name in ("learner1", "learner2") if getattr(world, name).id in {r["user_id"] for r in rows}
    }
    assert names == learners


def test_usage_per_lesson_type_is_for_staff(server: Server, world: World) -> None:
    add_records(server, world)
    server.admin.execute("select refresh_practice_metrics()")
    usage = report(server, world.teacher2, "report_lesson_type_usage")
    assert usage == [
        {
            "organisation_id": world.org_a,
            "day": DAY,
            "lesson_type": "word",
            "sessions": 3,
            "learners": 2,
            "practice_seconds": 960,
        }
    ]
    assert report(server, world.learner1, "report_lesson_type_usage") == []


def test_devices_cannot_refresh(server: Server, world: World) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        server.rpc(world.admin, "refresh_practice_metrics")
