"""The read side the screens use: one import for every query, each answering frozen dataclasses.

- lessons: `list_lessons` / `count_lessons` with a `LessonFilter` (type, difficulty, active, published, trash,
  full-text search as you type), `get_lesson` (notes by position, tests with items by sequence).
- a learner: `practice_history` (newest first, paged), `progress_snapshot` (XP, level, streaks, week, scores).
- reports: `daily_active_learners`, `lesson_type_usage`, `class_report`.

Every function takes a `sqlite3.Connection` from `Mirror.connect()`; list queries take `limit`/`offset`
and never answer more than `MAX_PAGE` rows.
"""

from __future__ import annotations

from localdb.queries_lessons import (
    MAX_PAGE,
    Lesson,
    LessonDetail,
    LessonFilter,
    LessonRow,
    Note,
    TestDetail,
    TestInfo,
    TestItem,
    count_lessons,
    get_lesson,
    get_test_items,
    list_lessons,
)
from localdb.queries_progress import (
    PracticeEntry,
    ProgressSnapshot,
    level_for_xp,
    practice_history,
    progress_snapshot,
)
from localdb.queries_reports import (
    BestScore,
    DailyActive,
    LearnerReport,
    LessonTypeUsage,
    class_report,
    daily_active_learners,
    lesson_type_usage,
)
from localdb.queries_search import fts_query

__all__ = [
    "MAX_PAGE",
    "BestScore",
    "DailyActive",
    "LearnerReport",
    "Lesson",
    "LessonDetail",
    "LessonFilter",
    "LessonRow",
    "LessonTypeUsage",
    "Note",
    "PracticeEntry",
    "ProgressSnapshot",
    "TestDetail",
    "TestInfo",
    "TestItem",
    "class_report",
    "count_lessons",
    "daily_active_learners",
    "fts_query",
    "get_lesson",
    "get_test_items",
    "lesson_type_usage",
    "level_for_xp",
    "list_lessons",
    "practice_history",
    "progress_snapshot",
]
