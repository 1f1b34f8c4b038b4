"""GUI fixtures: the real app (real mirror, real widgets, offscreen) on the test's own data folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.app import TutorDeskApp
from desktop.i18n import install_translators
from desktop.launch import build
from localdb import repo


@pytest.fixture
def open_app(qtbot: QtBot, data_dir: Path) -> Iterator[Callable[..., TutorDeskApp]]:
    """Opens the app as `tutordesk app` would (minus the event loop); every app opened is shut down after."""
    opened: list[TutorDeskApp] = []

    def opener(**kwargs: Any) -> TutorDeskApp:
        app = build(data_dir, **kwargs)
        window = app.start()
        qtbot.waitExposed(window)
        # after_show may open the first-run dialog and starts the mirror's check, whose answer mounts the sync
        # views: wait for that so tests start settled.
        qtbot.waitUntil(lambda: app.sync is not None)
        opened.append(app)
        return app

    yield opener
    for app in opened:
        if not shiboken6.isValid(app.window):
            continue  # switched away from: shut down, its window deleted
        dialog = getattr(app, "first_run", None)
        if dialog is not None:
            dialog.close()
        app.lessons_page.editor.clear()  # no "save changes?" question while the window closes
        app.window.unsaved_checks.clear()
        app.shutdown()
        app.window.close()
        app.window.deleteLater()


@pytest.fixture
def french_config(tmp_path: Path) -> Iterator[None]:
    """The person chose French in the settings; English again for the next tests."""
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "tutordesk.toml").write_text('language = "fr"\nfirst_run_done = true\n', encoding="utf-8")
    try:
        yield
    finally:
        qapp = QApplication.instance()
        assert isinstance(qapp, QApplication)
        install_translators(qapp, "en")


@pytest.fixture
def app(open_app: Callable[..., TutorDeskApp], qtbot: QtBot) -> TutorDeskApp:
    """An opened app past its first-run dialog (the teacher chose to work offline)."""
    opened = open_app()
    qtbot.waitUntil(lambda: getattr(opened, "first_run", None) is not None and opened.first_run.isVisible())
    qtbot.mouseClick(opened.first_run.offline_button, _left())
    qtbot.waitUntil(lambda: not opened.first_run.isVisible())
    return opened


def _left() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def add_lessons(app: TutorDeskApp, titles: list[str], **fields: Any) -> list[str]:
    """Factory: lessons written straight through localdb's repo (as another screen or a pull would)."""
    assert app.author is not None
    conn = app.mirror.connect()
    try:
        return [
            repo.create_lesson(
                conn,
                organisation_id=app.author.organisation_id,
                author_id=app.author.user_id,
                title=title,
                **fields,
            )
            for title in titles
        ]
    finally:
        conn.close()


def wait_list(qtbot: QtBot, app: TutorDeskApp, total: int, *, trash: bool = False) -> None:
    lst = app.trash_page.list if trash else app.lessons_page.list
    qtbot.waitUntil(lambda: not lst.model.loading and lst.model.total == total)
