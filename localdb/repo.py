"""The write side the screens use: one small function per user action, keyword-only arguments.

Each runs in one short transaction and never sets stamps itself: the mirror's triggers stamp the changed
columns and queue the row for sync. Values a person entered are checked first; a refusal is a
`ValidationError(field, message)` (under `localdb.errors.LocalDbError`) whose message can be shown as it
is. IDs are new uuid4 texts.

    LocalDbError
    ├── ValidationError       a value is not acceptable (`field`, `message`)
    └── RecordNotFoundError   the row to change is not (or no longer) here
"""

from __future__ import annotations

from localdb.repo_base import UNSET, RecordNotFoundError, Unset, ValidationError
from localdb.repo_grading import Grade, GradedItem, grade, item_credit
from localdb.repo_lessons import (
    add_note,
    create_lesson,
    delete_lesson,
    delete_note,
    publish_lesson,
    reorder_notes,
    restore_lesson,
    unpublish_lesson,
    update_lesson,
    update_note,
)
from localdb.repo_records import (
    AttemptResult,
    ProfileRows,
    ensure_local_profile,
    record_practice_session,
    record_test_attempt,
)
from localdb.repo_settings import read_user_settings, update_user_settings
from localdb.repo_tests import (
    add_test_item,
    create_test,
    delete_test,
    delete_test_item,
    reorder_test_items,
    update_test,
    update_test_item,
)

__all__ = [
    "UNSET",
    "AttemptResult",
    "Grade",
    "GradedItem",
    "ProfileRows",
    "RecordNotFoundError",
    "Unset",
    "ValidationError",
    "add_note",
    "add_test_item",
    "create_lesson",
    "create_test",
    "delete_lesson",
    "delete_note",
    "delete_test",
    "delete_test_item",
    "ensure_local_profile",
    "grade",
    "item_credit",
    "publish_lesson",
    "read_user_settings",
    "record_practice_session",
    "record_test_attempt",
    "reorder_notes",
    "reorder_test_items",
    "restore_lesson",
    "unpublish_lesson",
    "update_lesson",
    "update_note",
    "update_test",
    "update_test_item",
    "update_user_settings",
]
