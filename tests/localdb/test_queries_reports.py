"""Daily active learners, usage per lesson type per day, and the per-class report."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from localdb import queries, repo
from tests.localdb.test_repo_factories import (
    at,
    attempt_on,
    make_class,
    make_lesson,
    make_profile,
    make_test,
    make_user,
    open_mirror,
    practise,
)

OTHER_ORG = "00000000-0000-4000-8000-0000000000aa"


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    with open_mirror(tmp_path) as connection:
        yield connection


def test_daily_active_learners_counts_each_user_once_a_day_with_empty_days(conn: sqlite3.Connection) -> None:
    org = make_profile(conn).organisation_id
    ann, ben, cat = (make_user(conn, org, full_name=n) for n in ("Ann", "Ben", "Cat"))
    stranger = make_user(conn, OTHER_ORG)
    class_id = make_class(conn, org, [ann, ben])
    test_id, _ = make_test(conn)
    practise(conn, ann, "2026-03-02")
    practise(conn, ann, "2026-03-02")
    attempt_on(conn, test_id, ann, "2026-03-02", {})
    practise(conn, ben, "2026-03-02", started_at=at("2026-03-02", 23).replace(minute=59))
    practise(conn, cat, "2026-03-04", started_at=at("2026-03-04", 0))
    practise(conn, stranger, "2026-03-02")
    practise(conn, ann, "2026-03-05", started_at=at("2026-03-05", 0))  # the day after the range

    def counts(**scope: str) -> list[tuple[str, int]]:
        got = queries.daily_active_learners(conn, start=date(2026, 3, 1), end=date(2026, 3, 4), **scope)
        return [(d.day, d.learners) for d in got]

    assert counts(organisation_id=org) == [
        ("2026-03-01", 0),
        ("2026-03-02", 2),
        ("2026-03-03", 0),
        ("2026-03-04", 1),
    ]
    assert counts(class_id=class_id) == [
        ("2026-03-01", 0),
        ("2026-03-02", 2),
        ("2026-03-03", 0),
        ("2026-03-04", 0),
    ]
    assert counts()[1] == ("2026-03-02", 3)  # no scope: everyone in the mirror
    assert counts(organisation_id=OTHER_ORG, class_id=class_id)[1] == ("2026-03-02", 0)


def test_a_report_range_must_run_forward_and_stay_bounded(conn: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="before its start"):
        queries.daily_active_learners(conn, start=date(2026, 3, 2), end=date(2026, 3, 1))
    with pytest.raises(ValueError, match="at most"):
        queries.lesson_type_usage(conn, start=date(2000, 1, 1), end=date(2026, 1, 1))
    one_day = queries.daily_active_learners(conn, start=date(2026, 3, 2), end=date(2026, 3, 2))
    assert one_day == (queries.DailyActive("2026-03-02", 0),)


def test_usage_per_lesson_type_per_day_counts_sessions_and_minutes(conn: sqlite3.Connection) -> None:
    org = make_profile(conn).organisation_id
    ann, ben = make_user(conn, org), make_user(conn, org)
    class_id = make_class(conn, org, [ann])
    words = make_lesson(conn, title="Words", lesson_type="word")
    sentences = make_lesson(conn, title="Sentences", lesson_type="sentence")
    practise(conn, ann, "2026-03-02", lesson_id=words, duration_seconds=600)
    practise(conn, ben, "2026-03-02", lesson_id=words, duration_seconds=300)
    practise(conn, ann, "2026-03-02", lesson_id=sentences, duration_seconds=90)
    practise(conn, ann, "2026-03-03", duration_seconds=60)  # free practice, no lesson
    practise(conn, ann, "2026-03-09", lesson_id=words)  # outside the range

    def usage(**scope: str) -> list[tuple[str, str | None, int, float]]:
        got = queries.lesson_type_usage(conn, start=date(2026, 3, 1), end=date(2026, 3, 7), **scope)
        return [(u.day, u.lesson_type, u.sessions, u.minutes) for u in got]

    assert usage(organisation_id=org) == [
        ("2026-03-02", "sentence", 1, 1.5),
        ("2026-03-02", "word", 2, 15.0),
        ("2026-03-03", None, 1, 1.0),
    ]
    assert usage(class_id=class_id)[1] == ("2026-03-02", "word", 1, 10.0)
    assert usage(organisation_id=OTHER_ORG) == []


def test_the_class_report_gives_each_learner_sessions_average_last_activity_and_best_scores(
    conn: sqlite3.Connection,
) -> None:
    org = make_profile(conn).organisation_id
    zoe = make_user(conn, org, nickname="Zoe")
    adam = make_user(conn, org, full_name="adam")
    left = make_user(conn, org, nickname="Left")
    outsider = make_user(conn, org, nickname="Outsider")
    class_id = make_class(conn, org, [zoe, adam, left])
    conn.execute(
        "UPDATE class_members SET deleted_at = '2026-03-01T00:00:00.000000Z' WHERE user_id = ?", (left,)
    )
    quiz, quiz_items = make_test(conn)
    exam, _ = make_test(conn)
    repo.update_test(conn, test_id=exam, title="Exam")
    practise(conn, zoe, "2026-03-02", score=60)
    practise(conn, zoe, "2026-03-03", score=90)
    practise(conn, outsider, "2026-03-04")
    all_right = {
        quiz_items[0]: "hello",
        quiz_items[1]: "v2",
        quiz_items[2]: "cat",
        quiz_items[3]: list("abcd"),
    }
    attempt_on(conn, quiz, zoe, "2026-03-05", {})
    attempt_on(conn, quiz, zoe, "2026-03-06", all_right)
    attempt_on(conn, exam, zoe, "2026-03-04", {})

    report = queries.class_report(conn, class_id=class_id)
    assert [r.name for r in report] == ["adam", "Zoe"]
    adam_row, zoe_row = report
    assert (adam_row.sessions, adam_row.average_score, adam_row.last_activity, adam_row.best_scores) == (
        0,
        None,
        None,
        (),
    )
    assert (zoe_row.sessions, zoe_row.average_score) == (2, 75.0)
    assert zoe_row.last_activity == "2026-03-06T10:05:00.000000Z"
    assert [(b.test_title, b.best_score, b.passed) for b in zoe_row.best_scores] == [
        ("Exam", 0.0, False),
        ("Quiz", 100.0, True),
    ]
    assert [r.name for r in queries.class_report(conn, class_id=class_id, limit=1, offset=1)] == ["Zoe"]


def test_the_class_report_pages_never_exceed_the_limit(conn: sqlite3.Connection) -> None:
    org = make_profile(conn).organisation_id
    class_id = make_class(conn, org, [make_user(conn, org, nickname=f"L{n:02d}") for n in range(7)])
    pages = [queries.class_report(conn, class_id=class_id, limit=3, offset=o) for o in (0, 3, 6, 9)]
    assert [len(p) for p in pages] == [3, 3, 1, 0]
    assert [r.name for p in pages for r in p] == [f"L{n:02d}" for n in range(7)]


def test_last_activity_takes_the_later_of_practice_and_attempts(conn: sqlite3.Connection) -> None:
    org = make_profile(conn).organisation_id
    ann = make_user(conn, org)
    class_id = make_class(conn, org, [ann])
    test_id, _ = make_test(conn)
    repo.record_test_attempt(
        conn,
        test_id=test_id,
        user_id=ann,
        answers={},
        started_at=at("2026-03-01", 9),
        completed_at=at("2026-03-01"),
    )
    assert queries.class_report(conn, class_id=class_id)[0].last_activity == "2026-03-01T10:00:00.000000Z"
    practise(conn, ann, "2026-03-05", completed_at=at("2026-03-05") + timedelta(minutes=5))
    assert queries.class_report(conn, class_id=class_id)[0].last_activity == "2026-03-05T10:05:00.000000Z"
