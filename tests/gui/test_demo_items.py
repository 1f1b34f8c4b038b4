"""Every test item of the demo school opens in the test editor with its media, choices and correct answer, and
grades as the seed scored its attempts (the shapes of docs/data-model.md, "Test item shapes")."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest

from desktop.tests_editor.forms import ItemForm
from desktop.tests_editor.items import MEDIA_KEY, item_problems, normalised
from desktop.tests_editor.store import load_test
from devstack.seed import seed_demo
from localdb import migrations, repo, repo_tests
from localdb.repo_grading import GradedItem, grade, item_credit

pytestmark = [pytest.mark.gui, pytest.mark.pg]


def _seeded(dsn: str) -> tuple[dict[str, list[tuple[Any, ...]]], set[str], list[tuple[Any, ...]]]:
    seed_demo(dsn)
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "select test_id::text, id::text, test_type, test_content, test_options, correct_answer"
            " from public.tests_content order by test_id, sequence"
        ).fetchall()
        media = {r[0] for r in conn.execute("select storage_path from public.media_assets").fetchall()}
        attempts = conn.execute(
            "select a.test_id::text, a.answers, a.score::float, a.passed, t.passing_score"
            " from public.test_attempts a join public.tests t on t.id = a.test_id"
        ).fetchall()
    tests: dict[str, list[tuple[Any, ...]]] = {}
    for test_id, *item in rows:
        tests.setdefault(test_id, []).append(tuple(item))
    return tests, media, attempts


def _local_copy(path: Path, items: list[tuple[Any, ...]]) -> tuple[sqlite3.Connection, str]:
    """The seeded items written through localdb's repo into a fresh mirror (as the editor would find them)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    migrations.migrate(conn)
    who = repo.ensure_local_profile(conn, full_name="Ada Teacher")
    lesson_id = repo.create_lesson(conn, organisation_id=who.organisation_id, author_id=who.user_id, title="L")
    test_id = repo_tests.create_test(conn, lesson_id=lesson_id, title="Check")
    for _id, test_type, content, options, correct in items:
        repo_tests.add_test_item(
            conn, test_id=test_id, test_type=test_type, content=content, options=options, correct_answer=correct
        )
    return conn, lesson_id


def test_every_demo_item_loads_in_the_editor_and_grades(qtbot, migrated_db: str, tmp_path: Path) -> None:
    tests, media, attempts = _seeded(migrated_db)
    assert len(tests) == 6
    for number, items in enumerate(tests.values()):
        conn, lesson_id = _local_copy(tmp_path / f"mirror{number}.sqlite3", items)
        loaded = load_test(conn, lesson_id)
        conn.close()
        assert [d.test_type for d in loaded.items] == ["vid2text", "text2vid", "illustration", "ordering"]
        for draft in loaded.items:
            form = ItemForm(draft.test_type)
            qtbot.addWidget(form)
            form.load(draft)
            if draft.test_type in MEDIA_KEY:
                assert form.media is not None and form.media.text() in media  # a real asset, shown
            if draft.test_type == "text2vid":
                assert form.text.text() and set(form.choices.values()) <= media
            values = form.choices.values()
            assert len(values) >= 2 and all(values)
            if draft.test_type == "ordering":
                assert values == draft.correct_answer  # the parts, shown in the right order
            else:
                marked = form.choices.correct_index()
                assert marked is not None and values[marked] == draft.correct_answer
                assert item_credit(GradedItem("i", draft.test_type, draft.correct_answer), values[marked]) == 1.0
            assert item_problems(draft) == []
            assert normalised(form.draft()) == normalised(draft)  # opening and saving changes nothing
    # The seed's attempt scores are what localdb's grading gives those answers.
    for test_id, answers, score, passed, passing in attempts:
        graded = [GradedItem(i[0], i[1], i[4]) for i in tests[test_id]]
        result = grade(graded, answers, passing)
        assert (result.score, result.passed) == (pytest.approx(score), passed)
