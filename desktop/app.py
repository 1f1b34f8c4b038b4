"""The app controller: opens the profile's mirror, builds the window, wires settings, errors and sync.

Start-up is kept short: only what the first frame needs is imported and done before `show()` (config, the
mirror opened without its whole-file check); the list's first page comes from the database thread. The rest
waits for that page (the GUI thread importing the test editor would hold the page back): the user's theme, the
test editor, the first-run dialog and the mirror's check on a thread of its own. Sync starts once the check
found the file sound; a damaged file is reported in plain words and nothing more is written into it.
"""

from __future__ import annotations

import logging
import sqlite3
import weakref
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from desktop import config as app_config
from desktop.crash import ErrorBox, ErrorReporter
from desktop.lessons.data import Author
from desktop.lessons.page import LessonsPage, TrashPage
from desktop.mainwindow import MainWindow
from desktop.theme import apply_theme
from desktop.workers import BackgroundCall, DbRunner

log = logging.getLogger(__name__)

#: If the list's first page is slow to come, the rest of the start-up does not wait longer than this.
AFTER_SHOW_AT_LATEST_MS = 300

ICON = Path(__file__).resolve().parent / "resources" / "tutordesk.png"


class TutorDeskApp(QObject):
    """One open profile: its mirror, its window, its (optional) sync."""

    current: TutorDeskApp | None = None
    """The app whose window is open. Holds it alive: after a profile switch nothing else refers to the old
    one (not the new one, nor the event loop's caller), so it is freed with its widgets and connections."""

    sig_mirror_checked = Signal(bool)
    """The mirror's whole-file check answered. Arguments: True when the file is sound (sync then starts)."""

    def __init__(
        self,
        qapp: QApplication,
        *,
        data_dir: Path,
        profile: Any,
        mirror: Any,
        config: app_config.AppConfig,
        reporter: ErrorReporter | None = None,
    ) -> None:
        super().__init__()
        self.qapp = qapp
        self.data_dir = data_dir
        self.profile = profile
        self.mirror = mirror
        self.config = config
        self.reporter = reporter
        self.sync: Any = None  # desktop.syncwire.SyncWiring once mounted
        self.runner = DbRunner(mirror.connect, self)
        # The lists' totals (a full pass over the matches) on a thread of their own, so a count never holds
        # up the next keystroke's page; read-only, so it never competes for the write lock.
        self.counter = DbRunner(mirror.connect, self, name="tutordesk-count")
        self._gui_conn: sqlite3.Connection | None = None
        self.author: Author | None = None
        self.lessons_page = LessonsPage(self.runner, self.gui_conn, counter=self.counter)
        self.trash_page = TrashPage(self.runner, self.gui_conn, counter=self.counter)
        self.window = MainWindow(self.lessons_page, self.trash_page)
        if ICON.exists():
            self.window.setWindowIcon(QIcon(str(ICON)))
        self.error_box = ErrorBox(self.window)
        if reporter is not None:
            reporter.sig_error.connect(self.error_box.on_error)
            reporter.sig_error.connect(self.show_error_in_status)
        self.window.sig_settings_requested.connect(self.open_settings)
        self.window.sig_sign_in_requested.connect(self.open_sign_in)
        self.window.set_sync_now(None)
        for page in (self.lessons_page, self.trash_page):
            page.sig_changed.connect(self.on_local_change)
        qapp.aboutToQuit.connect(self.shutdown)
        self._shut_down = False
        self._after_show_done = False
        self.checker: BackgroundCall | None = None
        self.damage_box: QMessageBox | None = None
        self._successor: weakref.ref[TutorDeskApp] | None = None

    def gui_conn(self) -> sqlite3.Connection:
        """The GUI thread's read connection (list paging); opened once."""
        if self._gui_conn is None:
            self._gui_conn = self.mirror.connect()
        return self._gui_conn

    # -- start -----------------------------------------------------------------------------------------------

    def start(self) -> MainWindow:
        self.window.resize(self.config.window_width, self.config.window_height)
        self.window.profile_label.setText(self.profile_words())
        self.window.mount_profiles(self)
        TutorDeskApp.current = self
        self.author = author_for(self.gui_conn(), self.profile)
        self.lessons_page.editor.author = self.author
        self.window.show()
        model = self.lessons_page.list.model
        model.sig_page.connect(self._on_first_page)
        model.refresh()  # on the worker: the window does not wait for the list
        QTimer.singleShot(AFTER_SHOW_AT_LATEST_MS, self.after_show)
        return self.window

    @Slot(int)
    def _on_first_page(self, _rows: int) -> None:
        model = self.lessons_page.list.model
        model.sig_page.disconnect(self._on_first_page)
        model.warm_up()
        QTimer.singleShot(0, self.after_show)  # the list is painted first

    def profile_words(self) -> str:
        if getattr(self.profile, "user_id", "local") == "local" or not getattr(
            self.profile, "server_url", None
        ):
            return self.tr("Offline profile (this PC only)")
        return self.tr("Signed in as %s") % str(self.profile.email or self.profile.name)

    @Slot()
    def after_show(self) -> None:
        """What the first frame does not need: the user's theme, the test editor, the first-run setup, and the
        mirror's whole-file check (sync starts when it passes). Runs once, at the list's first page."""
        if self._after_show_done or self._shut_down:
            return
        self._after_show_done = True
        self.start_check()
        self.load_user_theme()
        self.mount_test_editor()
        if self.config.first_run_done:
            return
        server_url = getattr(self.profile, "server_url", None)
        if server_url and not getattr(self.profile, "is_local", False):
            # Signed in before the first window (the demo, or `tutordesk login`): the question the first run asks
            # ("connect to a server, or work offline?") is answered; remember the server as connecting would.
            self.save_config(
                self.config.with_changes(
                    first_run_done=True, server_url=server_url, anon_key=getattr(self.profile, "anon_key", None) or ""
                )
            )
            return
        from desktop.firstrun import FirstRunDialog  # noqa: PLC0415 - lazy import keeps start-up light

        self.first_run = FirstRunDialog(self)
        self.first_run.open()

    def start_check(self) -> None:
        """The mirror's whole-file check (0.65 s at 100,000 lessons) on a thread of its own."""
        self.checker = BackgroundCall(self.mirror.check, "tutordesk-check", self)
        self.checker.sig_done.connect(self.on_mirror_checked)
        self.checker.start()

    @Slot(object)
    def on_mirror_checked(self, problem: object) -> None:
        if self._shut_down:
            return
        # Reading a saved session imports the sync client (about 0.5 s), as mounting sync does next: both
        # wait for the check, so the first searches are not held up by it.
        self.window.profile_menu.check_session()
        if self.mirror.checked and self.mirror.damage is not None:
            self.report_damage()
            self.sig_mirror_checked.emit(False)
            return
        if not self.mirror.checked:
            # Not an answer (the file was busy): writes stay guarded, so the first one checks again.
            log.warning("the mirror check did not finish: %s", problem)
        self.mount_sync()
        self.sig_mirror_checked.emit(True)

    def mount_sync(self) -> None:
        from desktop import syncwire  # noqa: PLC0415 - lazy: sync pulls in supabase-py, httpx and APScheduler

        self.sync = syncwire.SyncWiring(self)
        self.sync.mount()

    def report_damage(self) -> None:
        """The check found damage: no sync, no saves (the mirror refuses writes), and the person is told."""
        words = self.tr(
            "The local data file of this profile is damaged. To keep it from getting worse, TutorDesk saves "
            "nothing more into it and does not sync: you can still read what it shows, but it may be "
            "incomplete, and changes you make now are not kept.\n\nClose TutorDesk and open it again: the "
            "damaged file will be set aside (kept, not deleted) and a fresh one made. Lessons that were "
            "synced come back at the next sync; changes not yet sent stay in the kept file."
        )
        status = QLabel(self.tr("Damaged data file: nothing is saved. Restart TutorDesk."))
        status.setAccessibleName(self.tr("Data file problem"))
        self.window.statusBar().addPermanentWidget(status)
        self.damage_box = QMessageBox(QMessageBox.Icon.Warning, "TutorDesk", words, parent=self.window)
        self.damage_box.open()

    def mount_test_editor(self) -> None:
        """The teammate's test editor as the lesson editor's "Test" tab, following the open lesson."""
        from desktop.tests_editor import TestEditor  # noqa: PLC0415 - lazy import keeps start-up light

        editor = self.lessons_page.editor
        self.test_editor = TestEditor(self.runner)
        self.test_editor.setEnabled(False)
        editor.add_tab(self.test_editor, self.tr("Test"))
        editor.sig_loaded.connect(self.on_lesson_opened)
        self.test_editor.sig_saved.connect(lambda _test_id: self.on_local_change())
        self.window.unsaved_checks.append(lambda: bool(self.test_editor.dirty))
        if editor.lesson_id:
            self.on_lesson_opened(editor.lesson_id)

    @Slot(str)
    def on_lesson_opened(self, lesson_id: str) -> None:
        # A lesson's test needs the lesson saved first; re-saving the same lesson keeps the test's edits.
        if not lesson_id:
            self._test_lesson = ""
            self.test_editor.setEnabled(False)
            return
        if lesson_id != getattr(self, "_test_lesson", ""):
            self._test_lesson = lesson_id
            self.test_editor.open_lesson(lesson_id)
        self.test_editor.setEnabled(True)

    def load_user_theme(self) -> None:
        from desktop import usersettings  # noqa: PLC0415 - lazy import keeps start-up light

        self.runner.submit(
            lambda conn: usersettings.read_theme(conn, self.author.user_id if self.author else None),
            lambda theme: self.apply_theme(theme or self.config.theme),
        )

    def apply_theme(self, theme: str) -> None:
        self.qapp.setProperty("tutordesk_theme_choice", theme)
        apply_theme(self.qapp, theme)

    # -- actions ---------------------------------------------------------------------------------------------

    @Slot()
    def on_local_change(self) -> None:
        if self.sync is not None:
            self.sync.notify_local_change()

    @Slot()
    def open_settings(self) -> None:
        from desktop.settings_dialog import SettingsDialog  # noqa: PLC0415 - lazy import keeps start-up light

        self.settings_dialog = SettingsDialog(self)
        self.settings_dialog.open()

    def save_config(self, config: app_config.AppConfig) -> None:
        self.config = config
        app_config.save_config(config)

    @Slot()
    def open_sign_in(self) -> None:
        from desktop.firstrun import SignInDialog  # noqa: PLC0415 - lazy import keeps start-up light

        self.sign_in_dialog = SignInDialog(self)
        self.sign_in_dialog.sig_signed_in.connect(self.switch_profile)
        self.sign_in_dialog.open()

    @property
    def successor(self) -> TutorDeskApp | None:
        """The app this one switched to, while it is open (a weak reference: a chain of switches keeps no
        old app alive)."""
        return self._successor() if self._successor is not None else None

    @Slot(object)
    def switch_profile(self, profile: Any) -> None:
        """After signing in: open the account's own mirror in a new window, then close this one."""
        from desktop.launch import open_mirror  # noqa: PLC0415 - avoids an import cycle

        mirror = open_mirror(Path(profile.mirror_path), self.data_dir)
        successor = TutorDeskApp(
            self.qapp,
            data_dir=self.data_dir,
            profile=profile,
            mirror=mirror,
            config=self.config,
            reporter=self.reporter,
        )
        self._successor = weakref.ref(successor)
        successor.start()  # now the current app
        self.shutdown()
        self.window.close()
        # Its widgets hold this app (the Profile menu's controller, the pages' connection getter) through Qt's
        # parent links, which Python's collector cannot see: deleting the window breaks those links.
        self.window.deleteLater()
        log.info("switched to another profile")

    def reload_lists(self) -> None:
        """Rows changed under the lists (a sync pulled them, or settled pushed ones): read both again, keeping
        each one's search, filters and selection."""
        if self._shut_down:
            return  # a run's answer queued while the window closed
        self.lessons_page.list.refresh_keeping()
        self.trash_page.list.refresh_keeping()

    @Slot(str)
    def show_error_in_status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10_000)

    # -- stop ------------------------------------------------------------------------------------------------

    @Slot()
    def shutdown(self) -> None:
        """On aboutToQuit: stop sync at a page boundary, finish queued saves, remember the window size."""
        if self._shut_down:
            return
        self._shut_down = True
        self._let_go()
        if TutorDeskApp.current is self:
            TutorDeskApp.current = None
        if self.sync is not None:
            self.sync.shutdown()
        self.runner.shutdown()
        self.counter.shutdown()
        self.mirror.close()  # first: it stops a whole-file check still reading
        self.lessons_page.list.model.close()
        self.trash_page.list.model.close()
        if self._gui_conn is not None:
            self._gui_conn.close()
            self._gui_conn = None
        size = self.window.size()
        try:
            self.save_config(self.config.with_changes(window_width=size.width(), window_height=size.height()))
        except OSError:
            log.warning("could not save the window size", exc_info=True)


    def _let_go(self) -> None:
        """Cut what long-lived objects (the Qt application, the error reporter) hold of this app, so a closed
        profile's window and pages are freed rather than kept until the process ends."""
        self.qapp.aboutToQuit.disconnect(self.shutdown)
        if self.reporter is not None:
            self.reporter.sig_error.disconnect(self.error_box.on_error)
            self.reporter.sig_error.disconnect(self.show_error_in_status)


def author_for(conn: sqlite3.Connection, profile: Any) -> Author:
    """Who new lessons belong to: the signed-in account, or the offline profile's own rows."""
    from localdb import repo  # noqa: PLC0415 - lazy import keeps start-up light

    if getattr(profile, "organisation_id", None) and getattr(profile, "user_id", "local") != "local":
        return Author(organisation_id=profile.organisation_id, user_id=profile.user_id)
    rows = repo.ensure_local_profile(conn, full_name=getattr(profile, "name", "") or "Teacher")
    return Author(organisation_id=rows.organisation_id, user_id=rows.user_id)


def translate(text: str) -> str:
    return QCoreApplication.translate("TutorDeskApp", text)
