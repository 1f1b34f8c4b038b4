"""A French run of the real app shows French where sentences are built from values: the editor's checks, the
lessons count, the settings' shortcut list, sign-in and crash messages, and the damaged-file notice. An English
run says "1 lesson" / "4 lessons" (no English translation file ships)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.app import TutorDeskApp
from desktop.crash import ErrorReporter
from desktop.firstrun import sign_in_words
from desktop.launch import open_mirror
from desktop.mainwindow import SHORTCUTS
from sync.errors import AuthError, Offline
from tests.gui.conftest import add_lessons, wait_list

pytestmark = pytest.mark.gui

LEFT = Qt.MouseButton.LeftButton


def test_a_french_run_checks_a_lesson_in_french(
    qtbot: QtBot, french_config: None, open_app: Callable[..., TutorDeskApp]
) -> None:
    app = open_app()
    wait_list(qtbot, app, 0)
    assert app.lessons_page.list.count_label.text() == "0 leçon"  # French: 0 takes the singular
    editor = app.lessons_page.editor
    qtbot.mouseClick(app.lessons_page.new_button, LEFT)
    qtbot.waitUntil(editor.isEnabled)
    qtbot.mouseClick(editor.save_button, LEFT)
    assert editor.errors["title"].text() == "Une leçon doit avoir un titre."
    qtbot.keyClicks(editor.title, "x" * 1201)
    qtbot.mouseClick(editor.save_button, LEFT)
    assert editor.errors["title"].text() == "Le titre est trop long : 1\u202f201 caractères, au plus 200."
    editor.clear()
    add_lessons(app, ["Un", "Deux"])
    app.lessons_page.list.model.refresh()
    wait_list(qtbot, app, 2)
    assert app.lessons_page.list.count_label.text() == "2 leçons"


def shortcut_rows(app: TutorDeskApp) -> dict[str, str]:
    app.open_settings()
    table = app.settings_dialog.shortcut_table
    rows = {table.item(row, 0).text(): table.item(row, 1).text() for row in range(table.rowCount())}
    app.settings_dialog.reject()
    return rows


def test_the_shortcut_list_is_french_in_a_french_run(
    french_config: None, open_app: Callable[..., TutorDeskApp]
) -> None:
    rows = shortcut_rows(open_app())
    assert rows["Nouvelle leçon"] == "Ctrl+N"
    assert rows["Changer de profil"] == "Ctrl+Maj+P"  # key names from Qt's own French
    assert len(rows) == sum(1 for entry in SHORTCUTS.values() if entry[2])


def test_the_shortcut_list_in_english(open_app: Callable[..., TutorDeskApp]) -> None:
    rows = shortcut_rows(open_app())
    assert rows["New lesson"] == "Ctrl+N" and rows["Switch profile"] == "Ctrl+Shift+P"


def test_sign_in_and_crash_messages_in_french(
    french_config: None, open_app: Callable[..., TutorDeskApp], tmp_path: Path
) -> None:
    open_app()  # installs the French translators as the app does
    assert sign_in_words(Offline("auth: AuthRetryableError", plain="Cannot reach the server to sign in.")) == (
        "Impossible de joindre le serveur pour se connecter. Vous pouvez continuer à travailler hors ligne et "
        "vous connecter plus tard."
    )
    assert sign_in_words(AuthError("auth: invalid_credentials")) == (
        "L'adresse e-mail ou le mot de passe n'est pas correct."
    )
    shown: list[str] = []
    log_path = tmp_path / "tutordesk.log"
    reporter = ErrorReporter(log_path)
    reporter.sig_error.connect(shown.append)
    try:
        raise ValueError("boom")
    except ValueError as exc:
        reporter.handle(ValueError, exc, exc.__traceback__)
    assert shown == [f"Un problème est survenu, mais votre travail est en sécurité. Les détails sont dans {log_path}."]


def test_the_damaged_file_notice_is_french(
    french_config: None, open_app: Callable[..., TutorDeskApp], data_dir: Path
) -> None:
    app = open_app()
    broken = data_dir / "broken" / "mirror" / "tutordesk.sqlite3"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"this is not a database, " * 400)
    seen: list[str] = []

    def answer() -> None:
        # Polls the event loop the message box runs, until the box is up; then reads and closes it.
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        seen.append(box.text())
        box.accept()

    QTimer.singleShot(0, answer)
    mirror = open_mirror(broken, data_dir)
    try:
        assert mirror.moved_aside is not None
        assert seen == [
            f"Le fichier de données local était endommagé. Il a été gardé sous le nom {Path(mirror.moved_aside).name}"
            " et une copie neuve sera téléchargée à la prochaine synchronisation."
        ]
    finally:
        mirror.close()
    assert app.window.isVisible()
