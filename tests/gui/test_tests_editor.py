"""The test editor and its preview, driven through the real widgets over a real migrated mirror."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from desktop.tests_editor import TestEditor, TestPreviewDialog
from desktop.tests_editor.forms import ItemForm
from desktop.workers import DbRunner
from localdb import migrations, repo
from localdb.queries import get_lesson

pytestmark = pytest.mark.gui


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


@dataclass
class Lesson:
    path: Path
    lesson_id: str

    def connect(self) -> sqlite3.Connection:
        return _connect(self.path)


@pytest.fixture
def lesson(tmp_path: Path) -> Lesson:
    path = tmp_path / "mirror.sqlite3"
    conn = _connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    migrations.migrate(conn)
    rows = repo.ensure_local_profile(conn, full_name="Ada Teacher")
    lesson_id = repo.create_lesson(
        conn, organisation_id=rows.organisation_id, author_id=rows.user_id, title="Greetings"
    )
    conn.close()
    return Lesson(path, lesson_id)


@pytest.fixture
def runner(qtbot, lesson: Lesson) -> Iterator[DbRunner]:
    db = DbRunner(lesson.connect)
    yield db
    db.shutdown()


def open_editor(qtbot, runner: DbRunner, lesson: Lesson) -> TestEditor:
    editor = TestEditor(runner, lesson.lesson_id)
    qtbot.addWidget(editor)
    with qtbot.waitSignal(editor.sig_loaded):
        pass
    editor.show()
    return editor


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    qtbot.keyClicks(widget, text)


def fill_choices(qtbot, form: ItemForm, texts: list[str], correct: int | None) -> None:
    for text in texts:
        qtbot.mouseClick(form.choices.add_button, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(form.choices.edits[-1], text)
    if correct is not None:
        form.choices.radios[correct].click()


def add(qtbot, editor: TestEditor, test_type: str) -> ItemForm:
    editor.add_actions[test_type].trigger()
    form = editor.current_form()
    assert form is not None and form.test_type == test_type
    return form


def build_four_items(qtbot, editor: TestEditor) -> None:
    """One item of each type, typed as a teacher would."""
    form = add(qtbot, editor, "vid2text")
    type_into(qtbot, form.media, "videos/hello.mp4")
    type_into(qtbot, form.text, "What does the video sign?")
    fill_choices(qtbot, form, ["hello", "goodbye", "thanks"], correct=0)
    form = add(qtbot, editor, "text2vid")
    type_into(qtbot, form.text, "good morning")
    fill_choices(qtbot, form, ["videos/morning.mp4", "videos/night.mp4"], correct=0)
    form = add(qtbot, editor, "illustration")
    type_into(qtbot, form.media, "pictures/wave.png")
    type_into(qtbot, form.text, "What is she doing?")
    fill_choices(qtbot, form, ["waving", "sleeping"], correct=0)
    form = add(qtbot, editor, "ordering")
    type_into(qtbot, form.text, "Put the greeting in order")
    fill_choices(qtbot, form, ["good", "morning", "teacher"], correct=None)


def saved(qtbot, editor: TestEditor) -> str:
    with qtbot.waitSignal(editor.sig_saved) as blocker:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    return str(blocker.args[0])


def test_build_reorder_save_reopen_and_preview(qtbot, runner: DbRunner, lesson: Lesson) -> None:
    editor = open_editor(qtbot, runner, lesson)
    assert editor.title.text() == "Greetings"  # a new test starts with its lesson's title
    type_into(qtbot, editor.title, "Greetings quiz")
    type_into(qtbot, editor.passing.lineEdit(), "60")
    editor.limited.click()
    type_into(qtbot, editor.limit.lineEdit(), "90")
    editor.shuffle.click()
    build_four_items(qtbot, editor)
    assert editor.items.count() == 4

    # Alt+Up moves the current (ordering) item above the picture item; a drop moves the first item last.
    editor.items.setFocus()
    qtbot.keyClick(editor.items, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [d.test_type for d in editor.drafts()] == ["vid2text", "text2vid", "ordering", "illustration"]
    # A drop inside the list is a model row move (what InternalMove does on a drop).
    assert editor.items.model().moveRow(QModelIndex(), 0, QModelIndex(), 4)
    order = ["text2vid", "ordering", "illustration", "vid2text"]
    assert [d.test_type for d in editor.drafts()] == order

    test_id = saved(qtbot, editor)
    assert not editor.dirty

    conn = lesson.connect()
    detail = get_lesson(conn, lesson.lesson_id)
    assert detail is not None and len(detail.tests) == 1
    stored = detail.tests[0]
    assert (stored.test.id, stored.test.title, stored.test.passing_score) == (test_id, "Greetings quiz", 60)
    assert stored.test.time_limit_seconds == 90 and stored.test.shuffle_items
    assert [i.test_type for i in stored.items] == order
    by_type = {i.test_type: i for i in stored.items}
    assert by_type["vid2text"].content["video"] == "videos/hello.mp4"
    assert by_type["vid2text"].correct_answer == "hello"
    assert by_type["text2vid"].options == ["videos/morning.mp4", "videos/night.mp4"]
    assert by_type["ordering"].correct_answer == ["good", "morning", "teacher"]
    queued = conn.execute("SELECT count(*) FROM outbox WHERE table_name = 'tests_content'").fetchone()[0]
    assert queued >= 4  # the triggers queued the items for sync
    conn.close()

    # Reopen in a fresh editor: everything comes back in the saved order.
    again = open_editor(qtbot, runner, lesson)
    assert again.test_id == test_id
    assert again.title.text() == "Greetings quiz" and again.passing.value() == 60
    assert again.limited.isChecked() and again.limit.value() == 90 and again.shuffle.isChecked()
    assert [d.test_type for d in again.drafts()] == order
    again.items.setCurrentRow(3)
    form = again.current_form()
    assert form is not None and form.media is not None and form.media.text() == "videos/hello.mp4"
    assert form.choices.values() == ["hello", "goodbye", "thanks"] and form.choices.correct_index() == 0


def test_preview_runs_to_a_score(qtbot, runner: DbRunner, lesson: Lesson) -> None:
    editor = open_editor(qtbot, runner, lesson)
    build_four_items(qtbot, editor)
    dialog = TestPreviewDialog(editor.header(), editor.drafts(), editor, seed=7)
    qtbot.addWidget(dialog)
    dialog.show()
    seen = []
    # Right on the video and picture items, wrong on the words item, the parts put right with Alt+Up/Down.
    for _ in range(4):
        answer = dialog.answer_widget
        assert answer is not None
        seen.append(answer.draft.test_type)
        if answer.order is not None:
            while answer.answer() != ["good", "morning", "teacher"]:
                parts = answer.answer()
                wrong = next(i for i, p in enumerate(parts) if p != ["good", "morning", "teacher"][i])
                target = parts.index(["good", "morning", "teacher"][wrong])
                answer.order.setCurrentRow(target)
                qtbot.keyClick(answer.order, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
        else:
            pick = 1 if answer.draft.test_type == "text2vid" else 0
            answer.radios[pick].click()
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert seen == ["vid2text", "text2vid", "illustration", "ordering"]
    assert dialog.grade is not None
    assert dialog.grade.score == 75 and dialog.grade.passed  # 3 of 4 right, pass mark 50
    assert "Score 75 of 100" in dialog.outcome.text() and "Passed" in dialog.outcome.text()
    conn = lesson.connect()
    assert conn.execute("SELECT count(*) FROM test_attempts").fetchone()[0] == 0  # a preview records nothing
    conn.close()


def test_validation_in_plain_words(qtbot, runner: DbRunner, lesson: Lesson) -> None:
    editor = open_editor(qtbot, runner, lesson)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "Add at least one item." in editor.problems.text()
    form = add(qtbot, editor, "illustration")
    fill_choices(qtbot, form, ["a cat", "a dog"], correct=None)
    type_into(qtbot, editor.title, "")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    text = editor.problems.text()
    assert "The test needs a title." in text
    assert "Item 1: Choose the picture." in text
    assert "Item 1: Mark the correct answer among the choices." in text
    # Fixing the item makes its problems go away as the teacher types.
    type_into(qtbot, form.media, "pictures/cat.png")
    form.choices.radios[0].click()
    type_into(qtbot, editor.title, "Animals")
    assert editor.problems.text() == ""
    form = add(qtbot, editor, "ordering")
    fill_choices(qtbot, form, ["one", "one"], correct=None)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "Item 2: Two parts are the same" in editor.problems.text()
    editor.remove_current()
    saved(qtbot, editor)
    conn = lesson.connect()
    assert conn.execute("SELECT count(*) FROM tests_content").fetchone()[0] == 1
    conn.close()


def test_remove_and_edit_after_reopen_only_writes_changes(qtbot, runner: DbRunner, lesson: Lesson) -> None:
    editor = open_editor(qtbot, runner, lesson)
    build_four_items(qtbot, editor)
    saved(qtbot, editor)
    conn = lesson.connect()
    conn.execute("DELETE FROM outbox")
    again = open_editor(qtbot, runner, lesson)
    again.items.setCurrentRow(0)
    again.remove_current()
    again.items.setCurrentRow(0)  # now the text2vid item
    form = again.current_form()
    assert form is not None
    type_into(qtbot, form.text, "good night")
    saved(qtbot, again)
    rows = conn.execute("SELECT table_name, op, row_id FROM outbox ORDER BY seq").fetchall()
    # The header did not change, so the tests row is not sent again; the removed item and the three that moved
    # up are, and nothing else.
    assert {r[0] for r in rows} == {"tests_content"}
    assert [r[1] for r in rows].count("delete") == 1
    assert len({r[2] for r in rows}) == 4
    detail = get_lesson(conn, lesson.lesson_id)
    assert detail is not None
    assert [i.test_type for i in detail.tests[0].items] == ["text2vid", "illustration", "ordering"]
    assert detail.tests[0].items[0].content == {"text": "good night"}
    conn.close()


def test_preview_time_limit_ends_the_run(qtbot, runner: DbRunner, lesson: Lesson) -> None:
    editor = open_editor(qtbot, runner, lesson)
    build_four_items(qtbot, editor)
    editor.limited.click()
    type_into(qtbot, editor.limit.lineEdit(), "2")
    dialog = TestPreviewDialog(editor.header(), editor.drafts(), editor, seed=1)
    qtbot.addWidget(dialog)
    assert dialog.clock.text() == "Time left: 0:02"
    assert dialog.answer_widget is not None
    dialog.answer_widget.radios[0].click()  # the first item answered right, then time runs out
    dialog._timer.timeout.emit()  # one second, without waiting for it
    assert dialog.grade is None and dialog.clock.text() == "Time left: 0:01"
    with qtbot.waitSignal(dialog.sig_graded) as graded:
        dialog._timer.timeout.emit()
    assert graded.args[0].score == 25 and not graded.args[0].passed
    assert "Not passed" in dialog.outcome.text() and not dialog._timer.isActive()


def test_media_fields_suggest_the_mirrors_media(qtbot, runner: DbRunner, lesson: Lesson) -> None:
    conn = lesson.connect()
    org = conn.execute("SELECT organisation_id FROM lessons WHERE id = ?", (lesson.lesson_id,)).fetchone()[0]
    media = (("video", "videos/hello.mp4"), ("video", "videos/night.mp4"), ("image", "pics/wave.png"))
    for kind, path in media:
        conn.execute(
            "INSERT INTO media_assets (id, organisation_id, kind, storage_path) VALUES (?, ?, ?, ?)",
            (str(uuid.uuid4()), org, kind, path),
        )
    conn.close()
    editor = open_editor(qtbot, runner, lesson)
    form = add(qtbot, editor, "vid2text")
    assert form.media is not None
    completer = form.media.completer()
    completer.setCompletionPrefix("HELL")  # any part of the path, any case
    assert completer.currentCompletion() == "videos/hello.mp4" and completer.completionCount() == 1
    picture = add(qtbot, editor, "illustration")
    assert picture.media is not None
    picture.media.completer().setCompletionPrefix("wave")
    assert picture.media.completer().currentCompletion() == "pics/wave.png"
    videos = add(qtbot, editor, "text2vid")
    qtbot.mouseClick(videos.choices.add_button, Qt.MouseButton.LeftButton)
    row_completer = videos.choices.edits[-1].completer()
    row_completer.setCompletionPrefix("night")
    assert row_completer.currentCompletion() == "videos/night.mp4"


def test_one_editor_follows_the_lesson_being_edited(qtbot, runner: DbRunner, lesson: Lesson) -> None:
    editor = open_editor(qtbot, runner, lesson)
    form = add(qtbot, editor, "ordering")
    fill_choices(qtbot, form, ["first", "second"], correct=None)
    saved(qtbot, editor)
    conn = lesson.connect()
    org, author = conn.execute("SELECT organisation_id, author_id FROM lessons").fetchone()
    other = repo.create_lesson(conn, organisation_id=org, author_id=author, title="Numbers")
    conn.close()
    follower = TestEditor(runner)
    qtbot.addWidget(follower)
    assert not follower.isEnabled()  # nothing to edit until a lesson opens
    with qtbot.waitSignal(follower.sig_loaded):
        follower.open_lesson(other)
    assert follower.test_id is None and follower.title.text() == "Numbers" and follower.items.count() == 0
    with qtbot.waitSignal(follower.sig_loaded):
        follower.open_lesson(lesson.lesson_id)
    assert follower.test_id == editor.test_id and follower.items.count() == 1


def test_alt_up_down_moves_parts_and_choices_with_their_mark(qtbot, runner: DbRunner, lesson: Lesson) -> None:
    editor = open_editor(qtbot, runner, lesson)
    parts = add(qtbot, editor, "ordering")
    fill_choices(qtbot, parts, ["morning", "good"], correct=None)
    qtbot.keyClick(parts.choices.edits[1], Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert parts.choices.values() == ["good", "morning"]
    assert editor.drafts()[0].correct_answer == ["good", "morning"]  # the right order is the parts' order
    choice = add(qtbot, editor, "illustration")
    fill_choices(qtbot, choice, ["a cat", "a dog", "a cow"], correct=0)
    qtbot.keyClick(choice.choices.edits[0], Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert choice.choices.values() == ["a dog", "a cat", "a cow"]
    assert choice.choices.correct_index() == 1 and editor.drafts()[1].correct_answer == "a cat"
    qtbot.keyClick(choice.choices.edits[0], Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)  # already first
    assert choice.choices.values() == ["a dog", "a cat", "a cow"]
