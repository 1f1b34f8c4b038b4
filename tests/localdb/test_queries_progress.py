"""A learner's history feed and dashboard snapshot (XP, level, streaks), computed from the records (C5)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from localdb import queries, repo
from tests.localdb.test_repo_factories import (
    at,
    make_lesson,
    make_profile,
    make_test,
    make_user,
    open_mirror,
    practise,
)


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    with open_mirror(tmp_path) as connection:
        yield connection


def attempt(
    conn: sqlite3.Connection, user_id: str, test: tuple[str, list[str]], day: str, right: bool
) -> None:
    test_id, items = test
    answers = {items[0]: "hello", items[1]: "v2", items[2]: "cat", items[3]: ["a", "b", "c", "d"]}
    repo.record_test_attempt(
        conn, test_id=test_id, user_id=user_id, answers=answers if right else {}, started_at=at(day),
        completed_at=at(day, 11),
    )  # fmt: skip


def test_history_is_newest_first_paged_and_only_the_users_own(conn: sqlite3.Connection) -> None:
    profile = make_profile(conn)
    other = make_user(conn, profile.organisation_id)
    lesson_id = make_lesson(conn, title="Greetings")
    for day in ("2026-03-01", "2026-03-03", "2026-03-02"):
        practise(conn, profile.user_id, day, lesson_id=lesson_id)
    practise(conn, other, "2026-03-04")
    practise(conn, profile.user_id, "2026-02-20")  # no lesson
    first = queries.practice_history(conn, user_id=profile.user_id, limit=2)
    rest = queries.practice_history(conn, user_id=profile.user_id, limit=2, offset=2)
    assert [e.started_at[:10] for e in first + rest] == [
        "2026-03-03",
        "2026-03-02",
        "2026-03-01",
        "2026-02-20",
    ]
    assert (first[0].lesson_title, first[0].duration_seconds, first[0].mode) == ("Greetings", 600, "drill")
    assert rest[1].lesson_title is None
    assert queries.practice_history(conn, user_id=other)[0].started_at[:10] == "2026-03-04"


@pytest.mark.parametrize(
    ("xp", "level"), [(0, 1), (99, 1), (100, 2), (399, 2), (400, 3), (899, 3), (900, 4), (10_000, 11)]
)
def test_level_is_one_plus_the_floor_of_the_root_of_xp_over_100(xp: int, level: int) -> None:
    assert queries.level_for_xp(xp) == level


def test_the_snapshot_counts_xp_level_week_scores_and_tests(conn: sqlite3.Connection) -> None:
    profile = make_profile(conn)
    me = profile.user_id
    test = make_test(conn)
    practise(conn, me, "2026-03-09", score=80.4)  # Monday of the week of the 11th
    practise(conn, me, "2026-03-08", score=70.5)  # the Sunday before: another week
    practise(conn, me, "2026-03-10", score=90, completed_at=None)  # not completed: no XP, not in the average
    attempt(conn, me, test, "2026-03-10", right=True)
    attempt(conn, me, test, "2026-03-11", right=True)  # the same test passed again: XP again, one test passed
    attempt(conn, me, test, "2026-03-11", right=False)
    other = make_user(conn, profile.organisation_id)
    practise(conn, other, "2026-03-11", score=100)

    snap = queries.progress_snapshot(conn, user_id=me, today=date(2026, 3, 11))
    assert snap.xp == 80 + 71 + 2 * 50  # round(70.5) is 71: halves round away from zero, as on the server
    assert snap.level == 2
    assert snap.sessions_this_week == 2
    assert snap.average_score == pytest.approx((80.4 + 70.5) / 2)
    assert snap.tests_passed == 1


def test_streaks_count_consecutive_days_up_to_today_or_yesterday(conn: sqlite3.Connection) -> None:
    me = make_profile(conn).user_id
    test = make_test(conn)
    for day in ("2026-03-01", "2026-03-02", "2026-03-03", "2026-03-05", "2026-03-09"):
        practise(conn, me, day)
    practise(conn, me, "2026-03-02")  # two sessions on one day are one day
    attempt(conn, me, test, "2026-03-10", right=False)  # an attempt counts as activity too

    def streaks(today: str) -> tuple[int, int]:
        snap = queries.progress_snapshot(conn, user_id=me, today=date.fromisoformat(today))
        return snap.current_streak, snap.longest_streak

    assert streaks("2026-03-10") == (2, 3)
    assert streaks("2026-03-11") == (2, 3)  # yesterday keeps today's streak alive
    assert streaks("2026-03-12") == (0, 3)
    assert streaks("2026-03-03") == (3, 3)  # later records do not count before they happened
    assert streaks("2026-03-04") == (3, 3)


def test_a_new_user_has_an_empty_snapshot(conn: sqlite3.Connection) -> None:
    snap = queries.progress_snapshot(conn, user_id=make_profile(conn).user_id)
    assert snap == queries.ProgressSnapshot(0, 1, 0, 0, 0, None, 0)
    assert queries.practice_history(conn, user_id="nobody") == ()
