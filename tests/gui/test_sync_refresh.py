"""Rows a sync brings down show in the open lists without a click (PRODUCT workflow 4), keeping the person's
search and selection; a run that changed nothing leaves the lists alone."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from desktop.app import TutorDeskApp
from localdb import repo
from sync.status import SyncReport
from tests.gui.conftest import add_lessons

pytestmark = pytest.mark.gui


def titles(app: TutorDeskApp) -> list[str]:
    model = app.lessons_page.list.model
    return sorted(str(model.index(row, 1).data()) for row in range(model.rowCount()))


def finish_run(qtbot: QtBot, app: TutorDeskApp, report: SyncReport) -> None:
    """What the scheduler tells the window when a run ends (through the bridge, as the engine's thread does)."""
    with qtbot.waitSignal(app.sync.bridge.sig_finished, timeout=5_000):
        app.sync.bridge.listener(report)


def test_lessons_a_sync_pulled_appear_and_the_selection_stays(qtbot: QtBot, app: TutorDeskApp) -> None:
    [mine] = add_lessons(app, ["Fractions"])
    app.lessons_page.list.refresh_keeping()
    qtbot.waitUntil(lambda: titles(app) == ["Fractions"])
    assert app.lessons_page.list.select_id(mine)
    # A pull writes behind the list's back (its own connection), as the sync engine's thread does.
    pulled = add_lessons(app, ["Decimals from the laptop", "Percentages from the laptop"])
    assert titles(app) == ["Fractions"]

    finish_run(qtbot, app, SyncReport(pulled=2))

    qtbot.waitUntil(lambda: len(titles(app)) == 3)
    assert titles(app) == ["Decimals from the laptop", "Fractions", "Percentages from the laptop"]
    qtbot.waitUntil(lambda: app.lessons_page.list.selected_id() == mine)
    # The trash list is read again too: a lesson deleted on another device shows there.
    trash = app.trash_page.list.model
    conn = app.mirror.connect()
    try:
        repo.delete_lesson(conn, lesson_id=pulled[0])
    finally:
        conn.close()
    assert trash.row_of(pulled[0]) < 0
    finish_run(qtbot, app, SyncReport(pulled=1))
    qtbot.waitUntil(lambda: trash.row_of(pulled[0]) >= 0)
    qtbot.waitUntil(lambda: "Decimals from the laptop" not in titles(app))


def test_a_run_that_changed_nothing_does_not_read_the_lists_again(qtbot: QtBot, app: TutorDeskApp) -> None:
    add_lessons(app, ["Behind the list's back"])
    loads: list[int] = []
    app.lessons_page.list.model.sig_loaded.connect(loads.append)
    finish_run(qtbot, app, SyncReport(pulled=0, pushed=0))
    qtbot.wait(200)  # long enough for a list read to answer, had one been asked for
    assert loads == [] and titles(app) == []
