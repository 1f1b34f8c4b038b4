"""Write operations on tests and their items (all four item types; shapes in `repo_grading`).

One small function per user action, keyword-only arguments, one short transaction each.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from typing import Any

from localdb.queries_lessons import parse_json
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
from localdb.repo_grading import CHOICE_TYPES, ITEM_TYPES

__all__ = [
    "add_test_item",
    "create_test",
    "delete_test",
    "delete_test_item",
    "option_values",
    "reorder_test_items",
    "update_test",
    "update_test_item",
]

log = logging.getLogger(__name__)


def _passing(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValidationError("passing_score", "The passing score must be a whole number from 0 to 100.")
    return value


def _time_limit(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError(
            "time_limit_seconds", "The time limit must be a number of seconds above 0, or none."
        )
    return value


def _row_org(conn: sqlite3.Connection, table: str, row_id: str, what: str) -> str | None:
    row = conn.execute(
        f"SELECT organisation_id FROM {table} WHERE id = ? AND deleted_at IS NULL", (row_id,)
    ).fetchone()
    if row is None:
        raise RecordNotFoundError(what, row_id)
    return None if row[0] is None else str(row[0])


def create_test(
    conn: sqlite3.Connection,
    *,
    lesson_id: str,
    title: str,
    passing_score: int = 50,
    time_limit_seconds: int | None = None,
    shuffle_items: bool = False,
) -> str:
    """Create a test for a lesson; answers its id."""
    test_id = new_id()
    values = (
        test_id,
        lesson_id,
        check_title(title, "test"),
        _passing(passing_score),
        _time_limit(time_limit_seconds),
    )
    with write(conn):
        organisation_id = _row_org(conn, "lessons", lesson_id, "lesson")
        conn.execute(
            "INSERT INTO tests (id, lesson_id, title, passing_score, time_limit_seconds, organisation_id,"
            " shuffle_items) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (*values, organisation_id, 1 if shuffle_items else 0),
        )
    return test_id


def update_test(
    conn: sqlite3.Connection,
    *,
    test_id: str,
    title: str | Unset = UNSET,
    passing_score: int | Unset = UNSET,
    time_limit_seconds: int | Unset | None = UNSET,
    shuffle_items: bool | Unset = UNSET,
) -> None:
    changes = given(
        title=title,
        passing_score=passing_score,
        time_limit_seconds=time_limit_seconds,
        shuffle_items=shuffle_items,
    )
    if "title" in changes:
        changes["title"] = check_title(changes["title"], "test")
    if "passing_score" in changes:
        changes["passing_score"] = _passing(changes["passing_score"])
    if "time_limit_seconds" in changes:
        changes["time_limit_seconds"] = _time_limit(changes["time_limit_seconds"])
    if "shuffle_items" in changes:
        changes["shuffle_items"] = 1 if changes["shuffle_items"] else 0
    with write(conn):
        _row_org(conn, "tests", test_id, "test")
        set_columns(conn, "tests", test_id, changes)


def delete_test(conn: sqlite3.Connection, *, test_id: str) -> None:
    with write(conn):
        _row_org(conn, "tests", test_id, "test")
        conn.execute("UPDATE tests SET deleted_at = ? WHERE id = ?", (now_text(conn), test_id))


def option_values(options: Any) -> list[Any]:
    """The values a choice item can be answered with: each option itself, or its "id" when it is an object."""
    if not isinstance(options, list):
        return []
    return [o["id"] if isinstance(o, dict) and "id" in o else o for o in options]


def _check_choice(options: Any, correct: Any) -> None:
    values = option_values(options)
    if not values:
        raise ValidationError("test_options", "Give at least two choices to pick from.")
    accepted = correct if isinstance(correct, list) else [correct]
    if not accepted or any(a not in values for a in accepted):
        raise ValidationError("correct_answer", "The right answer must be one of the choices.")


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _check_ordering(options: Any, correct: Any) -> None:
    if not isinstance(correct, list) or len(correct) < 2:
        raise ValidationError("correct_answer", "Give at least two pieces in the right order.")
    if options is not None and sorted(map(_key, option_values(options))) != sorted(map(_key, correct)):
        raise ValidationError(
            "test_options", "The pieces to order must be the same as those of the right order."
        )


def _check_item(test_type: Any, options: Any, correct: Any) -> None:
    """The item's answer fits its type (so that grading can give credit at all)."""
    if test_type not in ITEM_TYPES:
        raise ValidationError(
            "test_type", "The item type must be vid2text, text2vid, illustration or ordering."
        )
    if test_type in CHOICE_TYPES:
        _check_choice(options, correct)
    elif test_type == "ordering":
        _check_ordering(options, correct)
    else:
        accepted = correct if isinstance(correct, list) else [correct]
        if not accepted or not all(isinstance(a, str) and a.strip() for a in accepted):
            raise ValidationError("correct_answer", "Write the right answer as text.")


def _dump(value: Any, field: str = "test_content") -> str | None:
    if value is None:
        return None
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError):
        raise ValidationError(
            field, "This value cannot be saved (it is not plain text, numbers or lists)."
        ) from None


def add_test_item(
    conn: sqlite3.Connection,
    *,
    test_id: str,
    test_type: str,
    content: Any,
    correct_answer: Any,
    options: Any = None,
) -> str:
    """Add an item at the end of a test; answers its id."""
    _check_item(test_type, options, correct_answer)
    item_id = new_id()
    dumped = (_dump(content), _dump(options, "test_options"), _dump(correct_answer, "correct_answer"))
    with write(conn):
        organisation_id = _row_org(conn, "tests", test_id, "test")
        sequence = conn.execute(
            "SELECT coalesce(max(sequence) + 1, 0) FROM tests_content"
            " WHERE test_id = ? AND deleted_at IS NULL",
            (test_id,),
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO tests_content (id, organisation_id, test_id, sequence, test_type, test_content,"
            " test_options, correct_answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (item_id, organisation_id, test_id, sequence, test_type, *dumped),
        )
    return item_id


def _item(conn: sqlite3.Connection, item_id: str) -> tuple[str, Any, Any]:
    row = conn.execute(
        "SELECT test_type, test_options, correct_answer FROM tests_content"
        " WHERE id = ? AND deleted_at IS NULL",
        (item_id,),
    ).fetchone()
    if row is None:
        raise RecordNotFoundError("test item", item_id)
    return str(row[0]), parse_json(row[1]), parse_json(row[2])


def update_test_item(
    conn: sqlite3.Connection,
    *,
    item_id: str,
    test_type: str | Unset = UNSET,
    content: Any = UNSET,
    options: Any = UNSET,
    correct_answer: Any = UNSET,
) -> None:
    """Change the given parts of an item; the item as a whole must still fit its type."""
    with write(conn):
        old_type, old_options, old_correct = _item(conn, item_id)
        new_type = old_type if isinstance(test_type, Unset) else test_type
        new_options = old_options if options is UNSET else options
        new_correct = old_correct if correct_answer is UNSET else correct_answer
        _check_item(new_type, new_options, new_correct)
        changes = given(test_type=test_type)
        for column, value in (
            ("test_content", content),
            ("test_options", options),
            ("correct_answer", correct_answer),
        ):
            if value is not UNSET:
                changes[column] = _dump(value, column)
        set_columns(conn, "tests_content", item_id, changes)


def reorder_test_items(conn: sqlite3.Connection, *, test_id: str, item_ids: Sequence[str]) -> None:
    """Put a test's items in the given order; `item_ids` must be exactly its items (not deleted)."""
    with write(conn):
        current = dict(
            conn.execute(
                "SELECT id, sequence FROM tests_content WHERE test_id = ? AND deleted_at IS NULL", (test_id,)
            ).fetchall()
        )
        if sorted(current) != sorted(item_ids):
            raise ValidationError(
                "item_ids", "The items changed meanwhile; please reopen the test and try again."
            )
        for sequence, item_id in enumerate(item_ids):
            if current[item_id] != sequence:  # only moved items are stamped and sent
                conn.execute("UPDATE tests_content SET sequence = ? WHERE id = ?", (sequence, item_id))


def delete_test_item(conn: sqlite3.Connection, *, item_id: str) -> None:
    with write(conn):
        _item(conn, item_id)
        conn.execute("UPDATE tests_content SET deleted_at = ? WHERE id = ?", (now_text(conn), item_id))
