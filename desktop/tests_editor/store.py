"""Loading and saving one test with its items, through localdb's queries and repo, as jobs for the db worker.

Both functions take the worker's `sqlite3.Connection` and run off the GUI thread (see
`desktop.workers.DbRunner`). A save is one transaction: the header, new, changed, removed and reordered items
commit together or not at all, and only what changed is written, so the triggers stamp (and sync sends) just
the teacher's edits.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from desktop.tests_editor.items import ItemDraft, TestHeader, normalised
from localdb import repo_tests
from localdb.queries import get_lesson, get_test_items
from localdb.repo_base import write

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedTest:
    """What the editor opens: the lesson, its test (`test_id` None when it has none yet) and the items."""

    lesson_id: str
    lesson_title: str
    test_id: str | None
    header: TestHeader
    items: tuple[ItemDraft, ...]
    #: kind ("video", "image") -> the mirror's media paths of that kind, offered as the teacher types
    media: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _draft(item: Any) -> ItemDraft:
    content = item.content if isinstance(item.content, dict) else {}
    options = item.options if isinstance(item.options, list) else []
    return ItemDraft(
        test_type=str(item.test_type),
        content=dict(content),
        options=list(options),
        correct_answer=item.correct_answer,
        id=item.id,
    )


#: Enough suggestions to find a file by typing; the field also takes any id or path typed in full.
MEDIA_SUGGESTIONS = 2000


def media_paths(conn: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    """The live media of the mirror by kind, for the media fields' suggestions."""
    found: dict[str, tuple[str, ...]] = {}
    for kind in ("video", "image"):
        rows = conn.execute(
            "SELECT coalesce(storage_path, id) FROM media_assets WHERE kind = ? AND deleted_at IS NULL"
            " ORDER BY storage_path LIMIT ?",
            (kind, MEDIA_SUGGESTIONS),
        ).fetchall()
        found[kind] = tuple(str(r[0]) for r in rows)
    return found


def load_test(conn: sqlite3.Connection, lesson_id: str, test_id: str | None = None) -> LoadedTest:
    """The given test of a lesson (else its first test, else an empty new one) and the media to offer."""
    return replace(_load_test(conn, lesson_id, test_id), media=media_paths(conn))


def _load_test(conn: sqlite3.Connection, lesson_id: str, test_id: str | None) -> LoadedTest:
    detail = get_lesson(conn, lesson_id)
    if detail is None:
        raise LookupError("This lesson no longer exists on this PC.")
    tests = [t for t in detail.tests if test_id is None or t.test.id == test_id]
    title = detail.lesson.title
    if not tests:
        return LoadedTest(lesson_id, title, None, TestHeader(title=title), ())
    info = tests[0].test
    header = TestHeader(
        title=info.title,
        passing_score=50 if info.passing_score is None else int(info.passing_score),
        time_limit_seconds=info.time_limit_seconds,
        shuffle_items=info.shuffle_items,
    )
    items = tuple(_draft(i) for i in get_test_items(conn, info.id))
    return LoadedTest(lesson_id, title, info.id, header, items)


def _save_header(conn: sqlite3.Connection, loaded: LoadedTest, header: TestHeader) -> str:
    fields: dict[str, Any] = {
        "title": header.title.strip(),
        "passing_score": header.passing_score,
        "time_limit_seconds": header.time_limit_seconds,
        "shuffle_items": header.shuffle_items,
    }
    if loaded.test_id is None:
        return repo_tests.create_test(conn, lesson_id=loaded.lesson_id, **fields)
    old = loaded.header
    before = {
        "title": old.title,
        "passing_score": old.passing_score,
        "time_limit_seconds": old.time_limit_seconds,
        "shuffle_items": old.shuffle_items,
    }
    changed = {k: v for k, v in fields.items() if before[k] != v}
    if changed:
        repo_tests.update_test(conn, test_id=loaded.test_id, **changed)
    return loaded.test_id


def _save_item(conn: sqlite3.Connection, test_id: str, draft: ItemDraft, old: ItemDraft | None) -> str:
    if draft.id is None or old is None:
        return repo_tests.add_test_item(
            conn,
            test_id=test_id,
            test_type=draft.test_type,
            content=draft.content,
            options=draft.options,
            correct_answer=draft.correct_answer,
        )
    changes: dict[str, Any] = {}
    if draft.test_type != old.test_type:
        changes["test_type"] = draft.test_type
    if draft.content != old.content:
        changes["content"] = draft.content
    if draft.options != old.options:
        changes["options"] = draft.options
    if draft.correct_answer != old.correct_answer:
        changes["correct_answer"] = draft.correct_answer
    if changes:
        repo_tests.update_test_item(conn, item_id=draft.id, **changes)
    return draft.id


def save_test(
    conn: sqlite3.Connection, loaded: LoadedTest, header: TestHeader, drafts: Sequence[ItemDraft]
) -> LoadedTest:
    """Write the editor's state in one transaction; answers the test as saved (ids filled in) for a reload."""
    drafts = [normalised(d) for d in drafts]
    old_items = {item.id: item for item in loaded.items}
    kept = {d.id for d in drafts if d.id is not None}
    with write(conn):
        test_id = _save_header(conn, loaded, header)
        for item_id in old_items:
            if item_id not in kept:
                repo_tests.delete_test_item(conn, item_id=str(item_id))
        saved = [d.with_changes(id=_save_item(conn, test_id, d, old_items.get(d.id))) for d in drafts]
        repo_tests.reorder_test_items(conn, test_id=test_id, item_ids=[str(d.id) for d in saved])
    log.info("test %s saved with %d items", test_id, len(saved))
    return LoadedTest(loaded.lesson_id, loaded.lesson_title, test_id, header, tuple(saved), loaded.media)
