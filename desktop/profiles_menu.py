"""The "Profile" menu: the profiles on this PC, switching between them, signing in as someone else, signing out.

A profile is one person's account on one server (or the offline profile), with its own mirror file. Switching
opens that mirror in a new window and needs no password: local work never needs a session (S6). A profile whose
saved session is gone says "Signed out: sign in again"; it still opens, to work offline.

Signing out drops the open profile's refresh token (through sync.session) and nothing else: its lessons and its
outbox stay in the mirror and are sent after the next sign-in. The window stays on the profile.

The menu needs the app controller (desktop.app.TutorDeskApp), given with `MainWindow.mount_profiles(app)`; it
uses the controller's `data_dir`, `profile`, `mirror`, `sync`, `window` and `switch_profile(profile)`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from desktop.i18n import counted, fill, locale
from desktop.syncview.jobs import PoolRunner

log = logging.getLogger(__name__)


def profile_title(profile: Any) -> str:
    """How a profile is named in the menu: its email, its name, or the offline profile's words."""
    if profile.is_local or not profile.server_url:
        return QCoreApplication.translate("ProfilesMenu", "Offline profile (this PC only)")
    return str(profile.email or profile.name)


def has_session(data_dir: Path, profile: Any) -> bool:
    """Whether the profile's refresh token is still saved (keyring or private file); never reads it out."""
    if profile.is_local or not profile.server_url:
        return True
    from sync.session import TokenStore, token_key  # noqa: PLC0415 - lazy: sync pulls in supabase-py

    return TokenStore(data_dir).get(token_key(profile.server_url, profile.user_id)) is not None


def sign_out_profile(data_dir: Path, profile: Any, scheduler: Any = None) -> None:
    """Stop the profile's sync (a run in flight would save a rotated token back), then end its session: on the
    server when it can be reached, on this PC in any case.

    Blocks until a running sync reaches its next page boundary: call it off the GUI thread.
    """
    from sync.errors import SyncError  # noqa: PLC0415 - lazy: sync pulls in supabase-py
    from sync.session import Session, TokenStore  # noqa: PLC0415 - lazy: sync pulls in supabase-py

    if scheduler is not None:
        scheduler.stop(wait=True)
    session = Session(profile.server_url, profile.anon_key, tokens=TokenStore(data_dir), user_id=profile.user_id)
    try:
        try:
            session.refresh()  # a live session, so the server can end it too, not only this PC
        except SyncError as exc:
            log.info("signing out without the server (%s); the token on this PC goes anyway", type(exc).__name__)
        session.sign_out()
    finally:
        session.close()
    log.info("signed out of profile %s; its mirror and outbox stay", profile.user_id)


class ProfilesMenu(QMenu):
    """Lists the profiles each time it opens, so a sign-in in another window shows up here too."""

    sig_signed_out = Signal()
    """The open profile's session was dropped (its local data stays). No arguments."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("&Profile"), parent or window)
        self.setAccessibleName(self.tr("Profiles on this PC"))
        self.main_window = window
        self.controller: Any = None
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.profile_actions: dict[str, QAction] = {}
        self.sign_in_action = QAction(self.tr("Sign in as someone &else…"), self)
        self.sign_in_action.triggered.connect(window.sig_sign_in_requested.emit)
        self.sign_out_action = QAction(self.tr("Sign &out"), self)
        self.sign_out_action.triggered.connect(self.on_sign_out)
        # The list goes above this separator. The fixed actions stay in the menu for good: removing an action
        # from a QMenu also cuts the action's connections to the menu, these slots included.
        self.list_end = self.addSeparator()
        self.addAction(self.sign_in_action)
        self.addAction(self.sign_out_action)
        self.confirm: QMessageBox | None = None
        self._runner = PoolRunner(self)  # sign-out talks to the server: never on the GUI thread
        self.signing_out = False
        self.aboutToShow.connect(self.rebuild)
        self.rebuild()

    def mount(self, controller: Any) -> None:
        """Called at start, before the first frame: the list is built when the menu opens (`aboutToShow`), and
        `check_session` (once the mirror's check has answered) says whether the open profile is signed out:
        reading a saved session loads the sync client, about half a second."""
        self.controller = controller

    def check_session(self) -> None:
        self.rebuild()
        if self.controller is None:
            return
        profile = self.controller.profile
        if not has_session(self.controller.data_dir, profile):
            # Opened without a session (signed out earlier): say so where the window names the profile.
            self.main_window.profile_label.setText(self._signed_out_words(profile))

    def _signed_out_words(self, profile: Any) -> str:
        return fill(self.tr("Signed out of %1: sign in again to sync"), profile_title(profile))

    # -- listing ---------------------------------------------------------------------------------------------

    def profiles(self) -> list[Any]:
        if self.controller is None:
            return []
        from localdb.profiles import ProfileStore  # noqa: PLC0415 - lazy import keeps start-up light

        return ProfileStore(self.controller.data_dir).list()

    @Slot()
    def rebuild(self) -> None:
        for action in self.group.actions():
            self.group.removeAction(action)
            self.removeAction(action)
            action.deleteLater()
        self.profile_actions.clear()
        current = getattr(self.controller, "profile", None)
        current_signed_in: bool | None = None
        for profile in self.profiles():
            # Each saved session is looked up once a rebuild (keyring or private file).
            signed_in = has_session(self.controller.data_dir, profile)
            if current is not None and profile.user_id == current.user_id:
                current_signed_in = signed_in
            self.insertAction(self.list_end, self._profile_action(profile, current, signed_in))
        self.list_end.setVisible(bool(self.profile_actions))
        self.sign_out_action.setEnabled(self._can_sign_out(current, current_signed_in))

    def _profile_action(self, profile: Any, current: Any, signed_in: bool) -> QAction:
        text = profile_title(profile)
        if not signed_in:
            text = fill(self.tr("%1 — Signed out: sign in again"), text)
        action = QAction(text.replace("&", "&&"), self)
        action.setCheckable(True)
        action.setChecked(current is not None and profile.user_id == current.user_id)
        action.setStatusTip(
            self.tr("This profile is open") if action.isChecked() else self.tr("Open this profile's lessons")
        )
        action.setData(profile.user_id)
        action.triggered.connect(lambda _checked=False, p=profile: self.on_switch(p))
        self.group.addAction(action)
        self.profile_actions[profile.user_id] = action
        return action

    def _can_sign_out(self, current: Any, signed_in: bool | None) -> bool:
        """`signed_in`: the session lookup the listing made for `current` (None when it was not listed)."""
        if current is None or current.is_local or not current.server_url or self.signing_out:
            return False
        return has_session(self.controller.data_dir, current) if signed_in is None else signed_in

    # -- switching -------------------------------------------------------------------------------------------

    def on_switch(self, profile: Any) -> None:
        current = self.controller.profile
        if profile.user_id == current.user_id:
            self.profile_actions[profile.user_id].setChecked(True)
            return
        self.profile_actions[current.user_id].setChecked(True)  # until the new window is up
        self._after_unsaved_edits(lambda: self._switch(profile))

    def _switch(self, profile: Any) -> None:
        from localdb.profiles import ProfileStore  # noqa: PLC0415 - lazy import keeps start-up light

        ProfileStore(self.controller.data_dir).set_last_used(profile.user_id)
        log.info("switching to profile %s", profile.user_id)
        # The outbox lives in the mirror file: closing this window keeps every pending change for later.
        self.controller.switch_profile(profile)

    def _after_unsaved_edits(self, proceed: Callable[[], None]) -> None:
        """Run `proceed` once the open lesson is saved (or its edits dropped, if the person says so)."""
        editor = self.main_window.lessons_page.editor
        if any(check() for check in self.main_window.unsaved_checks) and not self._ask_drop_test_edits():
            return
        if not editor.is_dirty():
            proceed()
            return
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.main_window,
            self.tr("Unsaved changes"),
            self.tr("This lesson has changes that are not saved. Save them before switching profile?"),
            buttons.Save | buttons.Discard | buttons.Cancel,
        )
        if answer == buttons.Cancel:
            return
        if answer == buttons.Discard:
            editor.clear()
            proceed()
            return

        def saved(_lesson_id: str) -> None:
            editor.sig_saved.disconnect(saved)
            proceed()

        # A failed save shows its message in the editor and does not switch.
        editor.sig_saved.connect(saved)
        editor.save()
        if not editor.saving:
            editor.sig_saved.disconnect(saved)

    def _ask_drop_test_edits(self) -> bool:
        answer = QMessageBox.question(
            self.main_window,
            self.tr("Unsaved changes"),
            self.tr("The test has changes that are not saved. Switch anyway and lose them?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Discard:
            return False
        self.main_window.unsaved_checks.clear()
        return True

    # -- signing out -----------------------------------------------------------------------------------------

    @Slot()
    def on_sign_out(self) -> None:
        """Ask first, in plain words: what goes (the session) and what stays (lessons, unsent changes)."""
        profile = self.controller.profile
        pending = self.controller.mirror.pending_count()
        box = QMessageBox(self.main_window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Sign out"))
        box.setText(fill(self.tr("Sign out of %1 on this PC?"), profile_title(profile)))
        locale()  # %Ln groups the digits as the rest of the app does
        words = self.tr(
            "Your lessons stay on this PC, and %Ln change(s) not sent yet stay with them: they are sent "
            "after you sign in again. You can keep working offline meanwhile.",
            "",
            pending,
        )
        box.setInformativeText(counted(words, pending))
        self.sign_out_button = box.addButton(self.tr("Sign out"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(self.sign_out_button)
        box.setAccessibleName(self.tr("Sign out"))
        box.finished.connect(lambda _result: self._on_confirmed(box))
        self.confirm = box
        box.open()

    def _on_confirmed(self, box: QMessageBox) -> None:
        if box.clickedButton() is not self.sign_out_button:
            return
        controller = self.controller
        wiring = getattr(controller, "sync", None)
        scheduler = getattr(wiring, "scheduler", None)
        if wiring is not None:
            wiring.scheduler = None  # local edits no longer poke a sync that cannot sign in
        self.main_window.set_sync_now(None)
        self.signing_out = True
        self.sign_out_action.setEnabled(False)
        self.main_window.statusBar().showMessage(self.tr("Signing out…"))
        data_dir, profile = Path(controller.data_dir), controller.profile
        self._runner.submit(
            lambda _conn: sign_out_profile(data_dir, profile, scheduler),
            lambda _result: self.on_signed_out(None),
            self.on_signed_out,
        )

    @Slot(object)
    def on_signed_out(self, error: BaseException | None) -> None:
        self.signing_out = False
        bar = self.main_window.statusBar()
        if error is not None:
            log.warning("signing out failed: %s", type(error).__name__)
            bar.showMessage(self.tr("Signing out did not work; try again. Your work is safe on this PC."), 15_000)
            self.rebuild()
            return
        self.main_window.profile_label.setText(self._signed_out_words(self.controller.profile))
        bar.showMessage(self.tr("Signed out. Your lessons and unsent changes stay on this PC."), 15_000)
        self.rebuild()
        self.sig_signed_out.emit()
