"""Write operations: validation in plain words, notes and items, and grading of each item type."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from localdb import queries, repo
from localdb.errors import DiskFull, LocalDbError
from localdb.repo import GradedItem, grade, item_credit
from tests.localdb.test_repo_factories import (
    make_lesson,
    make_profile,
    make_test,
    make_user,
    open_mirror,
    outbox,
    rows,
)


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    with open_mirror(tmp_path) as connection:
        yield connection


# ---- lessons ----


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"lesson_type": "poem"}, "lesson_type"),
        ({"difficulty_level": 0}, "difficulty_level"),
        ({"difficulty_level": 6}, "difficulty_level"),
        ({"difficulty_level": True}, "difficulty_level"),
        ({"lesson_code": "C" * 51}, "lesson_code"),
    ],
)
def test_a_lesson_with_a_bad_value_is_refused_in_plain_words(
    conn: sqlite3.Connection, overrides: dict[str, Any], field: str
) -> None:
    make_profile(conn)
    with pytest.raises(repo.ValidationError) as caught:
        make_lesson(conn, **overrides)
    assert caught.value.field == field
    assert isinstance(caught.value, LocalDbError)
    assert "Traceback" not in str(caught.value) and str(caught.value).endswith(".")
    assert rows(conn, "SELECT count(*) FROM lessons") == [(0,)]


def test_a_lesson_code_is_unique_among_the_organisations_live_lessons(conn: sqlite3.Connection) -> None:
    first = make_lesson(conn, lesson_code="MATH-1", title="Fractions")
    with pytest.raises(repo.ValidationError, match="already used by “Fractions”") as caught:
        make_lesson(conn, lesson_code="math-1")
    assert caught.value.field == "lesson_code"
    # Another organisation may use the same code; a deleted lesson frees it.
    make_lesson(
        conn, lesson_code="MATH-1", organisation_id="00000000-0000-4000-8000-0000000000aa", author_id=None
    )
    repo.delete_lesson(conn, lesson_id=first)
    second = make_lesson(conn, lesson_code="MATH-1")
    # ...and then the first cannot come back with it.
    with pytest.raises(repo.ValidationError):
        repo.restore_lesson(conn, lesson_id=first)
    repo.update_lesson(conn, lesson_id=second, lesson_code="MATH-2")
    repo.restore_lesson(conn, lesson_id=first)
    assert queries.count_lessons(conn) == 3


def test_an_update_changes_only_the_given_fields_and_none_clears(conn: sqlite3.Connection) -> None:
    lesson_id = make_lesson(conn, title="Old", description="words", lesson_code="A1", difficulty_level=2)
    repo.update_lesson(conn, lesson_id=lesson_id, title="  New  ", lesson_code=None, is_active=False)
    detail = queries.get_lesson(conn, lesson_id)
    assert detail is not None
    lesson = detail.lesson
    got = (lesson.title, lesson.description, lesson.lesson_code, lesson.difficulty_level, lesson.is_active)
    assert got == ("New", "words", None, 2, False)
    with pytest.raises(repo.ValidationError):
        repo.update_lesson(conn, lesson_id=lesson_id, title="")
    with pytest.raises(repo.RecordNotFoundError, match="no longer exists"):
        repo.update_lesson(conn, lesson_id="00000000-0000-4000-8000-000000000000", title="x")


def test_publish_keeps_the_first_time_and_unpublish_clears_it(conn: sqlite3.Connection) -> None:
    lesson_id = make_lesson(conn)
    repo.publish_lesson(conn, lesson_id=lesson_id)
    first = rows(conn, "SELECT published_at FROM lessons")[0][0]
    assert first is not None and first.endswith("Z") and len(first) == 27
    repo.publish_lesson(conn, lesson_id=lesson_id)
    assert rows(conn, "SELECT published_at FROM lessons") == [(first,)]
    repo.unpublish_lesson(conn, lesson_id=lesson_id)
    assert rows(conn, "SELECT published_at FROM lessons") == [(None,)]
    assert [op for table, op, _, _ in outbox(conn) if table == "lessons"] == ["insert", "update", "update"]


def test_timestamps_written_by_the_repo_follow_the_corrected_clock(conn: sqlite3.Connection) -> None:
    lesson_id = make_lesson(conn)
    conn.execute("INSERT INTO sync_state (key, value) VALUES ('clock_offset_modifier', '+3650 days')")
    repo.delete_lesson(conn, lesson_id=lesson_id)
    deleted_at = rows(conn, "SELECT deleted_at FROM lessons")[0][0]
    assert int(deleted_at[:4]) >= datetime.now(UTC).year + 9


# ---- notes ----


def test_notes_are_appended_reordered_and_deleted(conn: sqlite3.Connection) -> None:
    lesson_id = make_lesson(conn)
    a = repo.add_note(conn, lesson_id=lesson_id, author_id=None, body="a")
    b = repo.add_note(conn, lesson_id=lesson_id, author_id=None, body="b")
    c = repo.add_note(conn, lesson_id=lesson_id, author_id=None, body="c")
    queued = len(outbox(conn))
    repo.reorder_notes(conn, lesson_id=lesson_id, note_ids=[a, c, b])
    assert len(outbox(conn)) == queued + 2  # "a" did not move, so it is not sent again
    repo.delete_note(conn, note_id=c)
    d = repo.add_note(conn, lesson_id=lesson_id, author_id=None, body="d")
    detail = queries.get_lesson(conn, lesson_id)
    assert detail is not None
    assert [n.body for n in detail.notes] == ["a", "b", "d"]
    assert d in [n.id for n in detail.notes]
    with pytest.raises(repo.ValidationError, match="changed meanwhile"):
        repo.reorder_notes(conn, lesson_id=lesson_id, note_ids=[a, b])
    with pytest.raises(repo.RecordNotFoundError):
        repo.update_note(conn, note_id=c, body="edited after delete")
    with pytest.raises(repo.RecordNotFoundError):
        repo.add_note(conn, lesson_id="00000000-0000-4000-8000-000000000000", author_id=None, body="x")


# ---- tests and items ----


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": ""}, "title"),
        ({"passing_score": 101}, "passing_score"),
        ({"passing_score": -1}, "passing_score"),
        ({"time_limit_seconds": 0}, "time_limit_seconds"),
    ],
)
def test_a_test_with_a_bad_value_is_refused(
    conn: sqlite3.Connection, kwargs: dict[str, Any], field: str
) -> None:
    lesson_id = make_lesson(conn)
    values = {"title": "Quiz"} | kwargs
    with pytest.raises(repo.ValidationError) as caught:
        repo.create_test(conn, lesson_id=lesson_id, **values)
    assert caught.value.field == field


def test_a_test_is_updated_field_by_field(conn: sqlite3.Connection) -> None:
    test_id, _ = make_test(conn)
    repo.update_test(conn, test_id=test_id, passing_score=80, time_limit_seconds=300, shuffle_items=True)
    repo.update_test(conn, test_id=test_id, time_limit_seconds=None)
    assert rows(conn, "SELECT title, passing_score, time_limit_seconds, shuffle_items FROM tests") == [
        ("Quiz", 80, None, 1)
    ]
    with pytest.raises(repo.ValidationError):
        repo.update_test(conn, test_id=test_id, passing_score=150)


@pytest.mark.parametrize(
    ("test_type", "options", "correct", "field"),
    [
        ("essay", None, "x", "test_type"),
        ("vid2text", None, "", "correct_answer"),
        ("vid2text", None, 42, "correct_answer"),
        ("text2vid", None, "v1", "test_options"),
        ("text2vid", [{"id": "v1"}, {"id": "v2"}], "v3", "correct_answer"),
        ("illustration", ["cat", "dog"], ["cat", "cow"], "correct_answer"),
        ("ordering", None, ["a"], "correct_answer"),
        ("ordering", None, "a, b", "correct_answer"),
        ("ordering", ["a", "b", "x"], ["a", "b", "c"], "test_options"),
        ("vid2text", None, float("nan"), "correct_answer"),
    ],
)
def test_an_item_whose_answer_does_not_fit_its_type_is_refused(
    conn: sqlite3.Connection, test_type: str, options: Any, correct: Any, field: str
) -> None:
    test_id, _ = make_test(conn)
    with pytest.raises(repo.ValidationError) as caught:
        repo.add_test_item(
            conn, test_id=test_id, test_type=test_type, content={}, options=options, correct_answer=correct
        )
    assert caught.value.field == field


def test_items_are_updated_reordered_and_deleted(conn: sqlite3.Connection) -> None:
    test_id, items = make_test(conn)
    repo.update_test_item(conn, item_id=items[0], correct_answer=["hello", "hi"], content={"video": "m2"})
    with pytest.raises(repo.ValidationError):  # the stored options still say v1/v2
        repo.update_test_item(conn, item_id=items[1], correct_answer="v9")
    repo.update_test_item(conn, item_id=items[1], options=["v8", "v9"], correct_answer="v9")
    repo.reorder_test_items(conn, test_id=test_id, item_ids=list(reversed(items)))
    repo.delete_test_item(conn, item_id=items[2])
    got = queries.get_test_items(conn, test_id)
    assert [i.id for i in got] == [items[3], items[1], items[0]]
    assert (got[2].content, got[2].correct_answer) == ({"video": "m2"}, ["hello", "hi"])
    assert (got[1].options, got[1].correct_answer) == (["v8", "v9"], "v9")
    with pytest.raises(repo.ValidationError):
        repo.reorder_test_items(conn, test_id=test_id, item_ids=items)


# ---- grading ----


@pytest.mark.parametrize(
    ("test_type", "correct", "answer", "credit"),
    [
        ("vid2text", "Good morning", "  good   MORNING! ", 1.0),
        ("vid2text", "Good morning", "good evening", 0.0),
        ("vid2text", ["hello", "hi"], "Hi.", 1.0),
        ("vid2text", "Ça va", "ça va", 1.0),
        ("vid2text", "hello", None, 0.0),
        ("text2vid", "v2", "v2", 1.0),
        ("text2vid", "v2", "v1", 0.0),
        ("text2vid", "v2", ["v2"], 0.0),
        ("illustration", "cat", "cat", 1.0),
        ("illustration", ["cat", "kitten"], "kitten", 1.0),
        ("illustration", "cat", "Cat", 0.0),
        ("ordering", ["a", "b", "c", "d"], ["a", "b", "c", "d"], 1.0),
        ("ordering", ["a", "b", "c", "d"], ["a", "b", "d", "c"], 0.5),
        ("ordering", ["a", "b", "c", "d"], ["d", "c", "b", "a"], 0.0),
        ("ordering", ["a", "b", "c", "d"], ["a"], 0.25),
        ("ordering", ["a", "b", "c", "d"], "abcd", 0.0),
        ("drawing", "x", "x", 0.0),
    ],
)
def test_each_item_type_earns_its_credit(test_type: str, correct: Any, answer: Any, credit: float) -> None:
    assert item_credit(GradedItem("i", test_type, correct), answer) == credit


def test_the_score_is_the_mean_credit_and_passing_is_at_the_threshold() -> None:
    items = [GradedItem(str(n), "illustration", "cat") for n in range(3)]
    two_right = {"0": "cat", "1": "cat", "2": "dog"}
    assert grade(items, two_right, 66).score == 66.67
    assert grade(items, two_right, 66).passed
    assert not grade(items, two_right, 67).passed
    assert grade(items, {}, 0).passed and grade(items, {}, 0).score == 0
    assert grade(items, {"0": "cat", "1": "cat", "2": "cat"}, 100).passed
    with pytest.raises(ValueError):
        grade([], {}, 50)


def test_an_attempt_is_graded_against_the_live_items_and_recorded(conn: sqlite3.Connection) -> None:
    profile = make_profile(conn)
    test_id, items = make_test(conn, passing_score=60)
    repo.delete_test_item(conn, item_id=items[2])  # a deleted item neither counts nor earns
    answers = {items[0]: "Hello", items[1]: "v1", items[2]: "cat", items[3]: ["a", "b", "d", "c"]}
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    result = repo.record_test_attempt(
        conn, test_id=test_id, user_id=profile.user_id, answers=answers, started_at=start,
        completed_at=start + timedelta(minutes=3),
    )  # fmt: skip
    assert (result.score, result.passed) == (50.0, False)
    assert result.credits == {items[0]: 1.0, items[1]: 0.0, items[3]: 0.5}
    stored = rows(
        conn,
        "SELECT id, user_id, score, passed, started_at, completed_at, organisation_id FROM test_attempts",
    )
    assert stored == [
        (result.id, profile.user_id, 50.0, 0, "2026-03-02T09:00:00.000000Z", "2026-03-02T09:03:00.000000Z",
         profile.organisation_id)
    ]  # fmt: skip
    assert outbox(conn)[-1][:2] == ("test_attempts", "insert")


def test_an_attempt_needs_a_live_test_with_items_and_a_known_user(conn: sqlite3.Connection) -> None:
    profile = make_profile(conn)
    empty = repo.create_test(conn, lesson_id=make_lesson(conn), title="Empty")
    with pytest.raises(repo.ValidationError, match="no questions"):
        repo.record_test_attempt(conn, test_id=empty, user_id=profile.user_id, answers={})
    test_id, _ = make_test(conn)
    with pytest.raises(repo.RecordNotFoundError):
        repo.record_test_attempt(
            conn, test_id=test_id, user_id="00000000-0000-4000-8000-000000000000", answers={}
        )
    repo.delete_test(conn, test_id=test_id)
    with pytest.raises(repo.RecordNotFoundError):
        repo.record_test_attempt(conn, test_id=test_id, user_id=profile.user_id, answers={})
    assert rows(conn, "SELECT count(*) FROM test_attempts") == [(0,)]


# ---- practice sessions ----


def test_a_practice_session_is_recorded_with_its_duration(conn: sqlite3.Connection) -> None:
    profile = make_profile(conn)
    learner = make_user(conn, profile.organisation_id)
    lesson_id = make_lesson(conn)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    session_id = repo.record_practice_session(
        conn, user_id=learner, lesson_id=lesson_id, mode="flashcards", score=72.5, started_at=start,
        completed_at=start + timedelta(minutes=12, seconds=30), raw_metrics={"cards": 20},
        feedback={"tip": "ü"},
    )  # fmt: skip
    assert rows(
        conn,
        "SELECT id, duration_seconds, raw_metrics, feedback, organisation_id, completed_at"
        " FROM practice_sessions",
    ) == [
        (
            session_id,
            750,
            '{"cards": 20}',
            '{"tip": "ü"}',
            profile.organisation_id,
            "2026-03-02T09:12:30.000000Z",
        )
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"score": 101}, "score"),
        ({"duration_seconds": -1}, "duration_seconds"),
        ({"completed_at": datetime(2026, 3, 1, tzinfo=UTC)}, "completed_at"),
        ({"raw_metrics": {"bad": object()}}, "raw_metrics"),
    ],
)
def test_a_practice_session_with_a_bad_value_is_refused(
    conn: sqlite3.Connection, kwargs: dict[str, Any], field: str
) -> None:
    profile = make_profile(conn)
    values: dict[str, Any] = {
        "user_id": profile.user_id,
        "mode": "drill",
        "started_at": datetime(2026, 3, 2, tzinfo=UTC),
    }
    with pytest.raises(repo.ValidationError) as caught:
        repo.record_practice_session(conn, **(values | kwargs))
    assert caught.value.field == field


def test_the_offline_profile_refuses_a_bad_role_or_an_empty_name(conn: sqlite3.Connection) -> None:
    with pytest.raises(repo.ValidationError):
        repo.ensure_local_profile(conn, full_name="Ada", role="owner")
    with pytest.raises(repo.ValidationError):
        repo.ensure_local_profile(conn, full_name="  ")
    assert rows(conn, "SELECT count(*) FROM users") == [(0,)]


def test_a_full_disk_is_said_in_plain_words_and_nothing_is_half_written(conn: sqlite3.Connection) -> None:
    make_lesson(conn)
    queued = len(outbox(conn))
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow: SQLite answers SQLITE_FULL
    with pytest.raises(DiskFull, match="is full"):
        make_lesson(conn, title="Big", description="x" * 200_000)
    assert not conn.in_transaction
    assert rows(conn, "SELECT count(*) FROM lessons") == [(1,)]
    assert len(outbox(conn)) == queued


# ---- user settings ----


def test_user_settings_are_created_on_the_first_change_then_updated_field_by_field(
    conn: sqlite3.Connection,
) -> None:
    profile = make_profile(conn)
    me = {"user_id": profile.user_id, "organisation_id": profile.organisation_id}
    assert repo.read_user_settings(conn, user_id=profile.user_id) == {}
    repo.update_user_settings(conn, **me, app_theme="dark")
    repo.update_user_settings(conn, **me, language=" fr ", notifications_enabled=False, daily_goal_minutes=20)
    assert repo.read_user_settings(conn, user_id=profile.user_id) == {
        "app_theme": "dark", "language": "fr", "notifications_enabled": False, "daily_goal_minutes": 20,
        "sync_interval_minutes": None,
    }  # fmt: skip
    assert rows(conn, "SELECT count(*) FROM user_settings") == [(1,)]
    assert outbox(conn)[-1] == (
        "user_settings", "update", ["language", "notifications_enabled", "daily_goal_minutes"], None,
    )  # fmt: skip
    with pytest.raises(repo.ValidationError) as caught:
        repo.update_user_settings(conn, **me, app_theme="pink")
    assert caught.value.field == "app_theme"
    with pytest.raises(repo.ValidationError):
        repo.update_user_settings(conn, **me, sync_interval_minutes=0)


answers_any = st.one_of(
    st.none(), st.text(max_size=8), st.lists(st.sampled_from("abcd"), max_size=6), st.integers()
)


@settings(deadline=None, max_examples=200)
@given(
    kinds=st.lists(
        st.sampled_from(["vid2text", "text2vid", "illustration", "ordering"]), min_size=1, max_size=8
    ),
    given_answers=st.lists(answers_any, max_size=8),
    passing=st.integers(0, 100),
)
def test_any_answer_set_scores_between_0_and_100_and_passes_by_the_threshold(
    kinds: list[str], given_answers: list[Any], passing: int
) -> None:
    correct = {"vid2text": "hello", "text2vid": "v1", "illustration": "cat", "ordering": list("abcd")}
    items = [GradedItem(str(n), kind, correct[kind]) for n, kind in enumerate(kinds)]
    answers = {str(n): answer for n, answer in enumerate(given_answers)}
    result = grade(items, answers, passing)
    assert 0 <= result.score <= 100
    assert result.passed == (result.score >= passing)
    assert all(0 <= c <= 1 for c in result.credits.values())
    perfect = grade(items, {item.id: item.correct_answer for item in items}, passing)
    assert perfect.score == 100 and perfect.passed
