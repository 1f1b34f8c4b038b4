"""The Profile menu, through the real widgets: two accounts signed in on one data folder (real sign-ins on the
devstack), switching opens the right mirror without a password, signing out keeps the lessons and the outbox."""

from __future__ import annotations

import gc
import socket
import uuid
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.app import TutorDeskApp
from desktop.firstrun import sign_in_and_store
from desktop.launch import build
from desktop.mainwindow import PROFILE_MENU_SHORTCUT
from desktop.profiles_menu import has_session
from localdb import queries
from localdb.profiles import Profile, ProfileStore
from sync.session import TokenStore, token_key

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def two_accounts(devstack: Any, data_dir: Path, tmp_path: Path) -> tuple[Any, Any]:
    """Two teachers of one school, both signed in on this PC (the second one last)."""
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "tutordesk.toml").write_text("first_run_done = true\n", encoding="utf-8")
    school = f"School {uuid.uuid4().hex[:6]}"
    profiles = []
    for name in ("ann", "bob"):
        email = f"{name}-{uuid.uuid4().hex[:6]}@profiles.test"
        devstack.add_user(email, f"{name}-password", "teacher", org=school)
        profiles.append(sign_in_and_store(data_dir, devstack.url, devstack.anon_key, email, f"{name}-password"))
    return profiles[0], profiles[1]


@pytest.fixture
def windows(qtbot: QtBot, open_app: Any) -> Iterator[list[TutorDeskApp]]:
    """Windows opened by switching; shut down after the test like the first one."""
    opened: list[TutorDeskApp] = []
    yield opened
    for app in opened:
        if not shiboken6.isValid(app.window):
            continue  # switched away from: already shut down and deleted
        app.lessons_page.editor.clear()
        app.window.unsaved_checks.clear()
        app.shutdown()
        app.window.close()
        app.window.deleteLater()
    # A closed window's sync must have closed its HTTP client: an unclosed socket found by the collector is a
    # ResourceWarning, an error here.
    gc.collect()


def mounted(app: TutorDeskApp) -> TutorDeskApp:
    """The app as started: its Profile menu already has the controller (nothing mounts it here)."""
    assert app.window.profile_menu.controller is app
    return app


def switch(qtbot: QtBot, app: TutorDeskApp, profile: Any, windows: list[TutorDeskApp]) -> TutorDeskApp:
    menu = app.window.profile_menu
    menu.rebuild()
    before = getattr(app, "successor", None)
    menu.profile_actions[profile.user_id].trigger()
    qtbot.waitUntil(lambda: getattr(app, "successor", None) not in (None, before), timeout=30_000)
    new = app.successor
    windows.append(new)
    qtbot.waitUntil(lambda: new.sync is not None)
    assert closed(app) and new.window.isVisible()
    return mounted(new)


def closed(app: TutorDeskApp) -> bool:
    """The app's window is gone: switching away deletes it (from the event loop, so it may still be there)."""
    return not shiboken6.isValid(app.window) or not app.window.isVisible()


def new_lesson(qtbot: QtBot, app: TutorDeskApp, title: str) -> None:
    app.window.on_new_lesson()
    qtbot.keyClicks(app.lessons_page.editor.title, title)
    with qtbot.waitSignal(app.lessons_page.editor.sig_saved):
        app.lessons_page.editor.save()


def titles(app: TutorDeskApp) -> list[str]:
    conn = app.mirror.connect()
    try:
        return sorted(r.title for r in queries.list_lessons(conn, None, limit=50))
    finally:
        conn.close()


def menu_texts(app: TutorDeskApp) -> dict[str, tuple[str, bool]]:
    app.window.profile_menu.rebuild()
    return {k: (a.text(), a.isChecked()) for k, a in app.window.profile_menu.profile_actions.items()}


@pytest.mark.pg
def test_menu_lists_the_profiles_and_switching_opens_each_ones_mirror(
    qtbot: QtBot,
    open_app: Callable[..., TutorDeskApp],
    two_accounts: tuple[Any, Any],
    windows: list[TutorDeskApp],
    data_dir: Path,
) -> None:
    ann, bob = two_accounts
    first = mounted(open_app(profile_key=ann.email))
    assert first.profile.user_id == ann.user_id
    assert menu_texts(first) == {ann.user_id: (ann.email, True), bob.user_id: (bob.email, False)}
    assert first.window.profile_menu.sign_out_action.isEnabled()
    assert first.window.actions_by_name["profile_menu"].shortcut().toString() == PROFILE_MENU_SHORTCUT
    first.window.actions_by_name["profile_menu"].trigger()  # what the shortcut does
    qtbot.waitUntil(first.window.profile_menu.isVisible)
    first.window.profile_menu.hide()
    new_lesson(qtbot, first, "Ann's lesson")

    second = switch(qtbot, first, bob, windows)
    assert second.profile.user_id == bob.user_id
    assert second.mirror.path == ProfileStore(data_dir).mirror_path_for(bob.user_id)
    assert second.window.profile_label.text() == f"Signed in as {bob.email}"
    assert menu_texts(second)[bob.user_id] == (bob.email, True)
    assert "Ann's lesson" not in titles(second)
    assert ProfileStore(data_dir).last_used() == bob  # the next start opens Bob's profile

    third = switch(qtbot, second, ann, windows)
    assert third.mirror.path == ProfileStore(data_dir).mirror_path_for(ann.user_id)
    assert "Ann's lesson" in titles(third)


def server_sessions(devstack: Any, profile: Any) -> int:
    with psycopg.connect(devstack.db_url) as conn:
        row = conn.execute("select count(*) from auth.sessions where user_id = %s", (profile.user_id,)).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.pg
def test_sign_out_keeps_lessons_and_outbox_and_the_profile_still_opens_offline(
    devstack: Any,
    qtbot: QtBot,
    open_app: Callable[..., TutorDeskApp],
    two_accounts: tuple[Any, Any],
    windows: list[TutorDeskApp],
) -> None:
    ann, bob = two_accounts
    app = mounted(open_app(profile_key=bob.email))
    assert server_sessions(devstack, bob) >= 1
    data_dir = app.data_dir
    menu = app.window.profile_menu
    menu.rebuild()
    assert menu.sign_out_action.isEnabled()
    menu.sign_out_action.trigger()
    box = menu.confirm
    assert box is not None and box.isVisible()
    assert "Your lessons stay on this PC" in box.informativeText()
    qtbot.mouseClick(menu.sign_out_button, LEFT)
    with qtbot.waitSignal(menu.sig_signed_out, timeout=30_000):
        pass
    assert not has_session(data_dir, bob) and has_session(data_dir, ann)
    assert server_sessions(devstack, bob) == 0  # ended on the server too, not only forgotten here
    assert app.window.profile_label.text() == f"Signed out of {bob.email}: sign in again to sync"
    assert not app.window.actions_by_name["sync_now"].isEnabled()
    assert menu_texts(app)[bob.user_id] == (f"{bob.email} — Signed out: sign in again", True)
    assert not menu.sign_out_action.isEnabled()

    # Work goes on offline; the edit waits in the outbox through switching away and back.
    new_lesson(qtbot, app, "Written after signing out")
    assert app.mirror.pending_count() >= 1
    pending = app.mirror.pending_count()
    other = switch(qtbot, app, ann, windows)  # Ann's session is still there: no password asked
    assert other.profile.user_id == ann.user_id and has_session(data_dir, ann)
    assert other.window.profile_label.text() == f"Signed in as {ann.email}"
    back = switch(qtbot, other, bob, windows)
    assert back.window.profile_label.text() == f"Signed out of {bob.email}: sign in again to sync"
    assert back.mirror.pending_count() == pending
    assert "Written after signing out" in titles(back)


@pytest.mark.pg
def test_unsaved_lesson_is_saved_before_switching(
    qtbot: QtBot,
    open_app: Callable[..., TutorDeskApp],
    two_accounts: tuple[Any, Any],
    windows: list[TutorDeskApp],
) -> None:
    ann, bob = two_accounts
    app = mounted(open_app(profile_key=ann.email))
    app.window.on_new_lesson()
    qtbot.keyClicks(app.lessons_page.editor.title, "Not saved yet")
    assert app.lessons_page.editor.is_dirty()
    asked: list[str] = []

    def answer_save() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Save).click()

    QTimer.singleShot(0, answer_save)
    second = switch(qtbot, app, bob, windows)
    assert asked == ["This lesson has changes that are not saved. Save them before switching profile?"]
    assert second.profile.user_id == bob.user_id
    back = switch(qtbot, second, ann, windows)
    assert "Not saved yet" in titles(back)


def test_sign_out_works_without_the_server(
    qtbot: QtBot, open_app: Callable[..., TutorDeskApp], data_dir: Path, tmp_path: Path
) -> None:
    """Offline, signing out cannot tell the server; the token on this PC goes all the same."""
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "tutordesk.toml").write_text("first_run_done = true\n", encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{probe.getsockname()[1]}"
    profile = ProfileStore(data_dir).upsert(
        Profile(name="cleo@offline.test", email="cleo@offline.test", user_id="c1e0", server_url=nowhere,
                anon_key="anon-key")
    )
    TokenStore(data_dir).set(token_key(nowhere, profile.user_id), "a-refresh-token")
    app = mounted(open_app(profile_key=profile.email))
    menu = app.window.profile_menu
    menu.rebuild()
    assert menu.sign_out_action.isEnabled()
    menu.sign_out_action.trigger()
    qtbot.mouseClick(menu.sign_out_button, LEFT)
    with qtbot.waitSignal(menu.sig_signed_out, timeout=30_000):
        pass
    assert not has_session(data_dir, profile)
    assert "Signed out" in app.window.statusBar().currentMessage()


def wait_mounted(qtbot: QtBot, app: TutorDeskApp) -> None:
    # A function of its own, so no closure in the test holds the app after `del`.
    qtbot.waitUntil(lambda: app.sync is not None)


def test_switching_lets_the_old_app_go_and_the_new_one_shows_its_menu(
    qtbot: QtBot, data_dir: Path, tmp_path: Path
) -> None:
    """No chain of old apps: once switched away from (or shut down), an app is freed with its window."""
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "tutordesk.toml").write_text("first_run_done = true\n", encoding="utf-8")
    store = ProfileStore(data_dir)
    dan = store.upsert(Profile(name="Dan", email="dan@offline.test", user_id="d4a0"))
    eve = store.upsert(Profile(name="Eve", email="eve@offline.test", user_id="e4e0"))
    first = build(data_dir, dan.user_id)
    first.start()
    wait_mounted(qtbot, first)
    assert first.window.profile_menu.controller is first  # the real start mounts the Profile menu
    first.window.profile_menu.rebuild()
    first.window.profile_menu.profile_actions[eve.user_id].trigger()
    second = first.successor
    assert second is not None
    assert second.profile.user_id == eve.user_id
    wait_mounted(qtbot, second)
    assert TutorDeskApp.current is second and closed(first)
    first_gone, second_gone = weakref.ref(first), weakref.ref(second)
    del first
    qtbot.waitUntil(lambda: gc.collect() >= 0 and first_gone() is None)  # its window is deleted by the loop
    second.shutdown()
    second.window.close()
    second.window.deleteLater()
    del second
    qtbot.waitUntil(lambda: gc.collect() >= 0 and second_gone() is None)
    assert TutorDeskApp.current is None
