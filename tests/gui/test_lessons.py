"""Create, edit, search, filter, delete and restore lessons through the real widgets over a real mirror."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QCheckBox, QWidget
from pytestqt.qtbot import QtBot

from desktop.app import TutorDeskApp
from desktop.lessons import data
from localdb import queries
from tests.gui.conftest import add_lessons, wait_list

LEFT = Qt.MouseButton.LeftButton


def click_row(qtbot: QtBot, view: QAbstractItemView, row: int) -> None:
    rect = view.visualRect(view.model().index(row, 1))
    qtbot.mouseClick(view.viewport(), LEFT, pos=rect.center())


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Shortcuts need the active window; offscreen, activation after a dialog closes takes a few tries."""

    def active() -> bool:
        window.activateWindow()
        return QApplication.activeWindow() is window

    qtbot.waitUntil(active)


def tick(qtbot: QtBot, box: QCheckBox) -> None:
    """Click a check box on its box (the middle of a wide check box is empty space)."""
    qtbot.mouseClick(box, LEFT, pos=QPoint(8, box.height() // 2))


def new_lesson(qtbot: QtBot, app: TutorDeskApp, title: str, code: str = "") -> None:
    page = app.lessons_page
    qtbot.mouseClick(page.new_button, LEFT)
    qtbot.waitUntil(page.editor.isEnabled)
    if code:
        qtbot.keyClicks(page.editor.code, code)
    qtbot.keyClicks(page.editor.title, title)


def save(qtbot: QtBot, app: TutorDeskApp) -> None:
    editor = app.lessons_page.editor
    with qtbot.waitSignal(editor.sig_saved):
        qtbot.mouseClick(editor.save_button, LEFT)


def test_create_a_lesson_lands_in_the_list_the_mirror_and_the_outbox(qtbot: QtBot, app: TutorDeskApp) -> None:
    wait_list(qtbot, app, 0)
    pending_before = app.mirror.pending_count()
    new_lesson(qtbot, app, "Fractions and decimals", code="MATH-7")
    qtbot.keyClicks(app.lessons_page.editor.description, "Halves, quarters, tenths.")
    app.lessons_page.editor.lesson_type.setCurrentIndex(1)
    save(qtbot, app)
    wait_list(qtbot, app, 1)
    model = app.lessons_page.list.model
    assert model.index(0, 1).data() == "Fractions and decimals"
    assert model.index(0, 0).data() == "MATH-7"
    assert model.index(0, 2).data() == "Sentence"
    conn = app.mirror.connect()
    detail = queries.get_lesson(conn, model.lesson_id(0) or "")
    conn.close()
    assert detail is not None and detail.lesson.description == "Halves, quarters, tenths."
    assert app.mirror.pending_count() > pending_before  # the triggers queued it for sync
    assert app.lessons_page.editor.message.text() == "Saved on this PC."
    assert app.lessons_page.list.selected_id() == model.lesson_id(0)


def test_edit_publish_and_notes_in_order(qtbot: QtBot, app: TutorDeskApp) -> None:
    (lesson_id,) = add_lessons(app, ["Colours"])
    app.lessons_page.list.apply_filter()
    wait_list(qtbot, app, 1)
    editor = app.lessons_page.editor
    with qtbot.waitSignal(editor.sig_loaded):
        click_row(qtbot, app.lessons_page.list.table, 0)
    editor.title.selectAll()
    qtbot.keyClicks(editor.title, "Colours of the rainbow")
    tick(qtbot, editor.published)
    notes = editor.notes
    for title in ("Red", "Green", "Blue"):
        qtbot.mouseClick(notes.add_button, LEFT)
        qtbot.keyClicks(notes.title, title)
    qtbot.mouseClick(notes.up_button, LEFT)  # Blue above Green
    notes.list.setCurrentRow(0)
    qtbot.mouseClick(notes.delete_button, LEFT)  # Red goes
    save(qtbot, app)
    conn = app.mirror.connect()
    detail = queries.get_lesson(conn, lesson_id)
    conn.close()
    assert detail is not None
    assert detail.lesson.title == "Colours of the rainbow"
    assert detail.lesson.published_at is not None
    assert [n.title for n in detail.notes] == ["Blue", "Green"]
    # Reorder again after the save: the saved ids move, nothing is duplicated.
    notes.list.setCurrentRow(1)
    qtbot.mouseClick(notes.up_button, LEFT)
    save(qtbot, app)
    conn = app.mirror.connect()
    detail = queries.get_lesson(conn, lesson_id)
    conn.close()
    assert detail is not None and [n.title for n in detail.notes] == ["Green", "Blue"]
    assert app.lessons_page.list.model.index(0, 4).data() == "Published"


def test_validation_speaks_plain_words(qtbot: QtBot, app: TutorDeskApp) -> None:
    editor = app.lessons_page.editor
    qtbot.mouseClick(app.lessons_page.new_button, LEFT)
    qtbot.mouseClick(editor.save_button, LEFT)
    assert editor.errors["title"].isVisible()
    assert editor.errors["title"].text() == "A lesson needs a title."
    assert app.mirror.pending_count() == 0 or not editor.saving
    qtbot.keyClicks(editor.title, "x" * 201)
    qtbot.mouseClick(editor.save_button, LEFT)
    assert "too long" in editor.errors["title"].text()
    # A duplicate code is only known to the database: its words come back to the field.
    add_lessons(app, ["First"], lesson_code="DUP-1")
    new_lesson(qtbot, app, "Second", code="DUP-1")
    with qtbot.waitSignal(app.runner.sig_idle):
        qtbot.mouseClick(editor.save_button, LEFT)
    assert editor.errors["lesson_code"].isVisible()
    assert "DUP-1" in editor.errors["lesson_code"].text() or "already" in editor.errors["lesson_code"].text()
    assert editor.lesson_id is None  # nothing was created


def test_undo_and_redo_field_edits(qtbot: QtBot, app: TutorDeskApp) -> None:
    editor = app.lessons_page.editor
    new_lesson(qtbot, app, "Animals")
    editor.difficulty.setValue(4)
    tick(qtbot, editor.active)
    assert (editor.draft.title, editor.draft.difficulty_level, editor.draft.is_active) == (
        "Animals",
        4,
        False,
    )
    undo, redo = app.window.actions_by_name["undo"], app.window.actions_by_name["redo"]
    undo.trigger()
    assert editor.active.isChecked() and editor.draft.is_active
    undo.trigger()
    assert editor.difficulty.value() == 1
    undo.trigger()  # typing in one field is one undo step
    assert editor.title.text() == "" and editor.draft.title == ""
    redo.trigger()
    assert editor.title.text() == "Animals"
    assert editor.is_dirty()


def test_search_as_you_type_and_filters(qtbot: QtBot, app: TutorDeskApp) -> None:
    add_lessons(app, ["Fractions", "Fruit names"], lesson_type="word")
    add_lessons(app, ["Past tense sentences"], lesson_type="sentence", difficulty_level=3)
    lst = app.lessons_page.list
    lst.apply_filter()
    wait_list(qtbot, app, 3)
    qtbot.keyClicks(lst.search, "fr")
    wait_list(qtbot, app, 2)
    qtbot.keyClicks(lst.search, "a")
    wait_list(qtbot, app, 1)
    assert lst.model.index(0, 1).data() == "Fractions"
    assert lst.count_label.text() == "1 lesson"
    lst.search.clear()
    wait_list(qtbot, app, 3)
    qtbot.keyClicks(lst.search, "p")  # one letter: a hint, no search (it would match nearly everything)
    assert lst.search_hint.isVisible()
    assert lst.model.current_filter.text == ""
    lst.search.clear()
    assert not lst.search_hint.isVisible()
    lst.type_filter.setCurrentIndex(lst.type_filter.findData("sentence"))
    wait_list(qtbot, app, 1)
    lst.level_filter.setCurrentIndex(lst.level_filter.findData(2))
    wait_list(qtbot, app, 0)
    qtbot.keyClicks(lst.search, '"NOT (*')  # search syntax typed by a person never breaks the list
    wait_list(qtbot, app, 0)


def test_delete_goes_to_trash_and_restore_brings_it_back(qtbot: QtBot, app: TutorDeskApp) -> None:
    (lesson_id,) = add_lessons(app, ["Weather words"])
    lst = app.lessons_page.list
    lst.apply_filter()
    wait_list(qtbot, app, 1)
    click_row(qtbot, lst.table, 0)
    qtbot.waitUntil(app.lessons_page.delete_button.isEnabled)
    qtbot.mouseClick(app.lessons_page.delete_button, LEFT)
    wait_list(qtbot, app, 0)
    assert not app.lessons_page.editor.isEnabled()
    app.window.show_page("trash")
    wait_list(qtbot, app, 1, trash=True)
    trash = app.trash_page
    assert trash.list.model.index(0, 4).data() == "In trash"
    assert not trash.restore_button.isEnabled()
    click_row(qtbot, trash.list.table, 0)
    qtbot.mouseClick(trash.restore_button, LEFT)
    wait_list(qtbot, app, 0, trash=True)
    app.window.show_page("lessons")
    lst.apply_filter()
    wait_list(qtbot, app, 1)
    conn = app.mirror.connect()
    ops = [r[0] for r in conn.execute("SELECT op FROM outbox WHERE row_id = ? ORDER BY seq", (lesson_id,))]
    conn.close()
    assert "restore" in ops  # a deliberate restore, queued as such (C4)


def test_keyboard_shortcuts_drive_the_main_actions(qtbot: QtBot, app: TutorDeskApp) -> None:
    window = app.window
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = app.lessons_page.editor
    qtbot.waitUntil(editor.isEnabled)
    qtbot.keyClicks(editor.title, "Made with keys")
    with qtbot.waitSignal(editor.sig_saved):
        qtbot.keyClick(editor.title, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_list(qtbot, app, 1)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert app.lessons_page.list.search.hasFocus()
    shortcuts = {name: action.shortcut().toString() for name, action in window.actions_by_name.items()}
    for name in ("new_lesson", "save", "delete", "settings", "quit", "search", "sync_now"):
        assert shortcuts[name], name


def test_list_pages_through_many_lessons_without_loading_them_all(qtbot: QtBot, app: TutorDeskApp) -> None:
    add_lessons(app, [f"Lesson {n:04d}" for n in range(450)])
    lst = app.lessons_page.list
    lst.apply_filter()
    wait_list(qtbot, app, 450)
    model = lst.model
    assert model.rowCount() == 200
    lst.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > 200)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 450
    assert model.index(449, 1).data() == "Lesson 0449"


def test_the_test_tab_follows_the_open_lesson(qtbot: QtBot, app: TutorDeskApp) -> None:
    editor = app.lessons_page.editor
    titles = [editor.tabs.tabText(i) for i in range(editor.tabs.count())]
    assert titles == ["Lesson", "Notes", "Test"]
    new_lesson(qtbot, app, "Shapes")
    assert not app.test_editor.isEnabled()  # a test needs its lesson saved first
    save(qtbot, app)
    assert app.test_editor.isEnabled()


def test_last_changed_shows_the_local_date_and_time(qtbot: QtBot, app: TutorDeskApp) -> None:
    (lesson_id,) = add_lessons(app, ["Weather"])
    app.lessons_page.list.apply_filter()
    wait_list(qtbot, app, 1)
    conn = app.mirror.connect()
    try:
        stamp = conn.execute("SELECT updated_at FROM lessons WHERE id = ?", (lesson_id,)).fetchone()[0]
    finally:
        conn.close()
    model = app.lessons_page.list.model
    shown = model.data(model.index(0, 5))
    local = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()
    assert shown == local.strftime("%Y-%m-%d %H:%M")  # this PC's time, to the minute


def test_the_page_comes_before_the_count_and_search_results_are_in_title_order(
    qtbot: QtBot, app: TutorDeskApp
) -> None:
    add_lessons(app, ["fruit salad", "Fractions", "apple", "French verbs", "frogs"])
    lst = app.lessons_page.list
    heard: list[tuple[str, int, int]] = []
    lst.model.sig_page.connect(lambda rows: heard.append(("page", rows, lst.model.rowCount())))
    lst.model.sig_loaded.connect(lambda total: heard.append(("count", total, lst.model.rowCount())))
    qtbot.keyClicks(lst.search, "fr")
    wait_list(qtbot, app, 4)
    # The rows are in the list before the total is known; the count only fills in the words under it.
    assert heard == [("page", 4, 4), ("count", 4, 4)]
    shown = [lst.model.index(row, 1).data() for row in range(lst.model.rowCount())]
    assert shown == ["Fractions", "French verbs", "frogs", "fruit salad"]
    assert lst.count_label.text() == "4 lessons"


def test_fast_typing_keeps_one_search_on_its_way_and_shows_only_the_last(
    qtbot: QtBot, app: TutorDeskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_lessons(app, ["Fractions", "Fruit names", "Fresh water"])
    lst = app.lessons_page.list
    lst.apply_filter()
    wait_list(qtbot, app, 3)
    asked: list[str] = []
    real_list = data.list_lessons

    def counting_list(conn: Any, flt: data.LessonFilter, **page: int) -> list[data.LessonRow]:
        asked.append(flt.text)
        return real_list(conn, flt, **page)

    monkeypatch.setattr(data, "list_lessons", counting_list)
    shown: list[str] = []
    lst.model.sig_page.connect(lambda _rows: shown.append(lst.model.current_filter.text))
    qtbot.keyClicks(lst.search, "fractions")  # nine keys, no event loop turn between them
    wait_list(qtbot, app, 1)
    assert shown == ["fractions"]  # no stale list flashes by
    assert len(asked) <= 2 and asked[-1] == "fractions"  # not one query per key: the newest wins
    assert lst.model.index(0, 1).data() == "Fractions"
