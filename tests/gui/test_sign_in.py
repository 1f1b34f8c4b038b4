"""Signing in from the app: plain words for a wrong password and for no server, the app stays usable offline;
a right password opens the account's own profile, synced by the scheduler."""

from __future__ import annotations

import gc
import socket
import uuid

import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.app import TutorDeskApp
from localdb import queries

LEFT = Qt.MouseButton.LeftButton


def fill(qtbot: QtBot, app: TutorDeskApp, *, url: str, key: str, email: str, password: str) -> None:
    app.open_sign_in()
    dialog = app.sign_in_dialog
    for widget, text in (
        (dialog.url, url),
        (dialog.key, key),
        (dialog.email, email),
        (dialog.password, password),
    ):
        widget.clear()
        qtbot.keyClicks(widget, text)
    qtbot.mouseClick(dialog.sign_in_button, LEFT)
    button = dialog.sign_in_button
    # Done when the button is back, or gone: signing in switches profile and deletes this window and dialog.
    qtbot.waitUntil(lambda: not shiboken6.isValid(button) or button.isEnabled(), timeout=30_000)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_no_server_is_said_plainly_and_the_app_stays_offline(qtbot: QtBot, app: TutorDeskApp) -> None:
    fill(
        qtbot,
        app,
        url=f"http://127.0.0.1:{closed_port()}",
        key="anon-key",
        email="t@example.org",
        password="secret",
    )
    text = app.sign_in_dialog.message.text()
    assert "keep working offline" in text
    assert "Traceback" not in text and "password" not in text.lower()
    assert app.sign_in_dialog.password.text() == ""  # the password is not kept in the form
    app.sign_in_dialog.reject()
    assert app.profile.is_local and app.window.isVisible()


@pytest.mark.pg
def test_wrong_password_then_right_one_opens_the_synced_account(
    qtbot: QtBot, app: TutorDeskApp, devstack
) -> None:  # type: ignore[no-untyped-def]
    email = f"teacher-{uuid.uuid4().hex[:8]}@gui.test"
    devstack.add_user(email, "right-password", "teacher", org=f"School {uuid.uuid4().hex[:6]}")
    fill(qtbot, app, url=devstack.url, key=devstack.anon_key, email=email, password="wrong-password")
    assert app.sign_in_dialog.message.text() == "The e-mail or password is not right."
    fill(qtbot, app, url=devstack.url, key=devstack.anon_key, email=email, password="right-password")
    qtbot.waitUntil(lambda: getattr(app, "successor", None) is not None, timeout=30_000)
    new = app.successor
    try:
        assert new.profile.email == email and not new.profile.is_local
        assert new.window.profile_label.text() == f"Signed in as {email}"
        qtbot.waitUntil(lambda: new.sync is not None and new.sync.scheduler is not None)
        assert new.window.actions_by_name["sync_now"].isEnabled()
        # A lesson made in the signed-in window goes up with the first syncs.
        new.window.on_new_lesson()
        qtbot.keyClicks(new.lessons_page.editor.title, "Made after signing in")
        with qtbot.waitSignal(new.lessons_page.editor.sig_saved):
            new.lessons_page.editor.save()
        new.window.on_sync_now()
        qtbot.waitUntil(lambda: new.mirror.pending_count() == 0, timeout=60_000)
        conn = new.mirror.connect()
        rows = queries.list_lessons(conn, None, limit=10)
        conn.close()
        assert [r.title for r in rows] == ["Made after signing in"]
    finally:
        new.lessons_page.editor.clear()
        new.shutdown()
        new.window.close()
        # Its sync closed its HTTP client: an unclosed socket found by the collector would fail the test.
        gc.collect()
