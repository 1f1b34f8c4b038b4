"""The shell: first run offline, settings that survive a restart, errors logged and shown, a clean quit."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from desktop import config as app_config
from desktop import usersettings
from desktop.app import TutorDeskApp
from desktop.crash import ErrorReporter
from desktop.launch import build
from localdb.profiles import Profile, ProfileStore
from tests.gui.conftest import add_lessons

LEFT = Qt.MouseButton.LeftButton
ROOT = Path(__file__).resolve().parents[2]


def test_first_run_opens_the_offline_profile_and_asks_once(
    qtbot: QtBot, open_app: Callable[..., TutorDeskApp], data_dir: Path
) -> None:
    app = open_app()
    assert app.window.isVisible()
    assert app.profile.is_local
    assert app.window.profile_label.text() == "Offline profile (this PC only)"
    assert ProfileStore(data_dir).last_used() == app.profile
    qtbot.waitUntil(app.first_run.isVisible)
    assert not app.window.actions_by_name["sync_now"].isEnabled()  # nothing to sync with yet
    qtbot.mouseClick(app.first_run.offline_button, LEFT)
    assert app_config.load_config().first_run_done
    app.shutdown()
    app.window.close()
    again = open_app()
    assert getattr(again, "first_run", None) is None


def test_a_profile_signed_in_before_the_first_window_is_not_asked_to_connect(
    qtbot: QtBot, open_app: Callable[..., TutorDeskApp], data_dir: Path
) -> None:
    """The demo, or `tutordesk login` before the app: the first run's question is answered already."""
    server = "http://127.0.0.1:9"  # nothing listens: the sync it mounts only finds the server offline
    teacher = ProfileStore(data_dir).upsert(
        Profile(name="Ada", email="ada@school.test", user_id="a0a0", server_url=server, anon_key="public-key")
    )
    app = open_app(profile_key=teacher.user_id)
    assert app.profile.server_url == server
    qtbot.wait(100)  # after_show has run (open_app waits for the mounted sync, which follows it)
    assert getattr(app, "first_run", None) is None
    saved = app_config.load_config()
    assert saved.first_run_done and saved.server_url == server and saved.anon_key == "public-key"


def test_tutordesk_app_command_starts_offline_with_no_server(data_dir: Path) -> None:
    env = {**os.environ, "TUTORDESK_EXIT_AFTER_SHOW": "1", "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(data_dir), "app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    profile = ProfileStore(data_dir).last_used()
    assert profile is not None and profile.is_local and Path(profile.mirror_path).exists()


def test_settings_survive_a_restart(
    qtbot: QtBot, app: TutorDeskApp, open_app: Callable[..., TutorDeskApp]
) -> None:
    app.open_settings()
    dialog = app.settings_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.interval.setValue(15)
    dialog.server_url.setText("https://school.example.org")
    dialog.language.setCurrentIndex(dialog.language.findData("fr"))
    with qtbot.waitSignal(app.runner.sig_idle):
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), LEFT)
    assert QApplication.instance().property("tutordesk_theme") == "dark"  # type: ignore[union-attr]
    user_id = app.author.user_id if app.author else None
    app.shutdown()
    app.window.close()
    config = app_config.load_config()
    assert (config.theme, config.sync_interval_minutes, config.server_url, config.language) == (
        "dark",
        15,
        "https://school.example.org",
        "fr",
    )
    again = open_app()
    conn = again.mirror.connect()
    try:
        assert usersettings.read_theme(conn, user_id) == "dark"  # the per-user theme is in user_settings
    finally:
        conn.close()
    assert again.window.nav.item(0).text() == "Leçons"  # the French translation is loaded at start
    again.open_settings()
    assert again.settings_dialog.interval.value() == 15
    again.settings_dialog.reject()


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_is_logged_and_shown_and_the_app_carries_on(
    qtbot: QtBot, open_app: Callable[..., TutorDeskApp], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    log_path = tmp_path / "tutordesk.log"
    handler = logging.FileHandler(log_path, encoding="utf-8")
    logging.getLogger().addHandler(handler)
    reporter = ErrorReporter(log_path)
    reporter.install()
    try:
        app = open_app(reporter=reporter)
        broken = QPushButton("broken", app.window)

        def on_clicked() -> None:
            raise ZeroDivisionError("a bug in a handler")

        broken.clicked.connect(on_clicked)
        qtbot.mouseClick(broken, LEFT)
        qtbot.waitUntil(lambda: app.error_box.box is not None and app.error_box.box.isVisible())
        text = app.error_box.box.text() if app.error_box.box else ""
        assert text.startswith("Something went wrong, but your work is safe.")
        assert "Traceback" not in text and "ZeroDivisionError" not in text
        handler.flush()
        logged = log_path.read_text(encoding="utf-8")
        assert "Traceback" in logged and "ZeroDivisionError: a bug in a handler" in logged
        # ...and the app still works: a lesson can be created.
        app.error_box.box.close()  # type: ignore[union-attr]
        app.window.on_new_lesson()
        qtbot.keyClicks(app.lessons_page.editor.title, "Still working")
        with qtbot.waitSignal(app.lessons_page.editor.sig_saved):
            app.lessons_page.editor.save()
        qtbot.waitUntil(lambda: app.lessons_page.list.model.total == 1)
    finally:
        reporter.uninstall()
        logging.getLogger().removeHandler(handler)
        handler.close()


def test_quitting_during_a_sync_stops_the_run_at_a_page_boundary(qtbot: QtBot, app: TutorDeskApp) -> None:
    """A long run (fault-injected: it only ends when cancelled) must not keep the app from quitting."""
    from sync.scheduler import SyncScheduler

    started, saw_cancel = threading.Event(), threading.Event()

    def endless_run(cancel: threading.Event) -> dict[str, object]:
        started.set()
        cancel.wait()  # the engine checks this flag between pages
        saw_cancel.set()
        return {"status": "cancelled", "pulled": 0, "pushed": 0}

    scheduler = SyncScheduler(endless_run, listener=app.sync.bridge.listener, name="test")
    app.sync.scheduler = scheduler
    scheduler.start()
    assert started.wait(10)
    app.qapp.aboutToQuit.emit()  # what QApplication.quit() sends; the app shuts its scheduler down
    assert saw_cancel.is_set()
    assert app.sync.scheduler is None


def test_a_save_started_while_quitting_reaches_the_disk(qtbot: QtBot, app: TutorDeskApp) -> None:
    editor = app.lessons_page.editor
    app.window.on_new_lesson()
    qtbot.keyClicks(editor.title, "Saved on the way out")
    editor.save()
    assert editor.saving
    path = app.mirror.path
    app.shutdown()  # what aboutToQuit does; the save job runs before the worker closes
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        titles = [row[0] for row in conn.execute("SELECT title FROM lessons")]
    finally:
        conn.close()
    assert titles == ["Saved on the way out"]


def test_demo_without_postgresql_opens_the_offline_profile_and_says_why(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    from desktop import demo

    monkeypatch.setattr(demo, "postgres_installed", lambda: False)
    started: list[Path] = []
    monkeypatch.setattr(demo, "start_devstack", started.append)
    key, notice = demo.prepare_demo(str(data_dir))
    assert key == "local" and started == []
    assert notice is not None and "PostgreSQL is not installed" in notice and "offline profile" in notice


def damage_lesson_pages(path: Path) -> bytes:
    """Scribble over every page holding a lesson's long description; the pages an open reads stay intact."""
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page, len(data), page):
        if b"d" * 2000 in data[offset : offset + page]:
            data[offset : offset + page] = b"\xa5" * page
    path.write_bytes(bytes(data))
    return bytes(data)


def test_a_damaged_mirror_is_reported_after_start_and_nothing_is_saved_into_it(
    qtbot: QtBot, open_app: Callable[..., TutorDeskApp], data_dir: Path
) -> None:
    first = open_app()
    add_lessons(first, [f"Lesson {n}" for n in range(30)], description="d" * 3000)
    path = first.mirror.path
    first.first_run.close()
    first.shutdown()
    first.window.close()
    damaged = damage_lesson_pages(path)

    app = build(data_dir)  # opens: what an open reads is intact, and the window does not wait for the check
    try:
        app.start()
        qtbot.waitUntil(lambda: app.damage_box is not None and app.damage_box.isVisible())
        assert app.damage_box is not None and "damaged" in app.damage_box.text()
        assert "Traceback" not in app.damage_box.text() and "malformed" not in app.damage_box.text()
        assert app.sync is None  # no sync into (or out of) a damaged file
        app.damage_box.close()
        editor = app.lessons_page.editor
        app.window.on_new_lesson()
        qtbot.keyClicks(editor.title, "Not into a damaged file")
        with qtbot.waitSignal(app.runner.sig_idle):
            editor.save()
        assert editor.message.text().startswith("Not saved: the local data file is damaged")
    finally:
        app.lessons_page.editor.clear()
        app.window.unsaved_checks.clear()
        if getattr(app, "first_run", None) is not None:
            app.first_run.close()
        app.shutdown()
        app.window.close()
    assert path.read_bytes() == damaged
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert path.with_name(path.name + ".check-failed").exists()  # the next start moves it aside
