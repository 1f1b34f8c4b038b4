"""The main window: a left navigation over pages, menus with every main action, and a status bar.

Places to mount other screens (for the teammates' widgets, and later Learners, Reports, Admin):

    window.add_page("review", window.tr("Review changes"), widget)   # a navigation entry + its page
    window.show_page("review")
    window.statusBar().addPermanentWidget(area)                       # the sync status area
    window.add_banner(widget)                                         # a strip above the pages
    window.set_sync_now(callable)                                     # what "Sync now" (F5) calls
    window.lessons_page.editor.add_tab(widget, title)                 # a per-lesson panel (the test editor)
    window.lessons_page.editor.sig_loaded / sig_saved                 # which lesson the editor shows
    window.mount_profiles(app)                                        # the Profile menu's controller
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import QT_TRANSLATE_NOOP
from desktop.lessons.page import LessonsPage, TrashPage
from desktop.profiles_menu import ProfilesMenu

log = logging.getLogger(__name__)

#: Every main action: name -> (menu, label, shortcut). Settings list them for people to read.
SHORTCUTS: dict[str, tuple[str, str, str]] = {
    "new_lesson": ("File", QT_TRANSLATE_NOOP("MainWindow", "&New lesson"), "Ctrl+N"),
    "save": ("File", QT_TRANSLATE_NOOP("MainWindow", "&Save"), "Ctrl+S"),
    "delete": ("File", QT_TRANSLATE_NOOP("MainWindow", "Move to &trash"), "Ctrl+Del"),
    "sign_in": ("File", QT_TRANSLATE_NOOP("MainWindow", "Sign &in to a server…"), ""),
    "settings": ("File", QT_TRANSLATE_NOOP("MainWindow", "Se&ttings…"), "Ctrl+,"),
    "quit": ("File", QT_TRANSLATE_NOOP("MainWindow", "&Quit"), "Ctrl+Q"),
    "search": ("Edit", QT_TRANSLATE_NOOP("MainWindow", "&Search lessons"), "Ctrl+F"),
    "sync_now": ("Sync", QT_TRANSLATE_NOOP("MainWindow", "Sync &now"), "F5"),
    # Opens the Profile menu from anywhere in the window (Alt+P opens it too, from its mnemonic).
    "profile_menu": ("Profile", QT_TRANSLATE_NOOP("MainWindow", "Switch &profile"), "Ctrl+Shift+P"),
}

#: Page titles other modules give with `window.tr(...)`: marked here so they are extracted under the context
#: that call looks in ("MainWindow"), not the caller's variable name.
PAGE_TITLES = (
    QT_TRANSLATE_NOOP("MainWindow", "Review changes"),
    QT_TRANSLATE_NOOP("MainWindow", "Sync log"),
)
PROFILE_MENU_SHORTCUT = SHORTCUTS["profile_menu"][2]


class MainWindow(QMainWindow):
    """Owns the pages and the actions; the app controller (desktop.app) gives it data and sync."""

    sig_settings_requested = Signal()
    """The person asked for the settings dialog. No arguments."""

    sig_sign_in_requested = Signal()
    """The person asked to sign in to a server. No arguments."""

    sig_sync_now_requested = Signal()
    """The person asked to sync now (menu, F5). No arguments."""

    def __init__(self, lessons_page: LessonsPage, trash_page: TrashPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("TutorDesk"))
        self.setMinimumSize(QSize(800, 520))
        self.lessons_page = lessons_page
        self.trash_page = trash_page
        self.nav = QListWidget()
        self.nav.setAccessibleName(self.tr("Sections"))
        self.nav.setFixedWidth(150)
        self.nav.setIconSize(QSize(20, 20))
        self.stack = QStackedWidget()
        self._pages: dict[str, int] = {}
        body = QWidget()
        body_layout = QHBoxLayout(body)
        body_layout.setContentsMargins(6, 6, 6, 0)
        body_layout.addWidget(self.nav)
        body_layout.addWidget(self.stack, 1)
        central = QWidget()
        self._central_layout = QVBoxLayout(central)
        self._central_layout.setContentsMargins(0, 0, 0, 0)
        self._central_layout.setSpacing(0)
        self._central_layout.addWidget(body, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.add_page("lessons", self.tr("Lessons"), lessons_page)
        self.add_page("trash", self.tr("Trash"), trash_page)
        self.actions_by_name: dict[str, QAction] = {}
        #: Mounted editors add "has unsaved edits?" checks here; closing asks before losing them.
        self.unsaved_checks: list[Callable[[], bool]] = []
        self._sync_now: Callable[[], None] | None = None
        self._build_actions()
        self.profile_label = QLabel()
        self.profile_label.setAccessibleName(self.tr("Signed-in profile"))
        self.statusBar().addWidget(self.profile_label)
        self.show_page("lessons")

    # -- pages -----------------------------------------------------------------------------------------------

    def add_page(self, key: str, title: str, widget: QWidget) -> int:
        """Add a navigation entry and its page; Ctrl+<number> jumps to the first nine."""
        index = self.stack.addWidget(widget)
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.UserRole, key)
        self.nav.addItem(item)
        self._pages[key] = index
        if index < 9:
            jump = QAction(self)
            jump.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            jump.triggered.connect(lambda _checked=False, k=key: self.show_page(k))
            self.addAction(jump)
        return index

    def add_banner(self, widget: QWidget) -> None:
        """A strip above the pages (the clock warning); it shows and hides itself."""
        self._central_layout.insertWidget(0, widget)

    def show_page(self, key: str) -> None:
        self.nav.setCurrentRow(self._pages[key])

    def current_page(self) -> str:
        item = self.nav.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else ""

    def page(self, key: str) -> QWidget:
        widget = self.stack.widget(self._pages[key])
        assert widget is not None  # every key was added with its widget
        return widget

    # -- actions ---------------------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        titles = {"File": self.tr("&File"), "Edit": self.tr("&Edit"), "Sync": self.tr("S&ync")}
        menus = {name: self.menuBar().addMenu(title) for name, title in titles.items()}
        slots: dict[str, Callable[[], None]] = {
            "new_lesson": self.on_new_lesson,
            "save": self.lessons_page.editor.save,
            "delete": self.on_delete,
            "settings": self.sig_settings_requested.emit,
            "sign_in": self.sig_sign_in_requested.emit,
            "quit": self.on_quit,
            "search": self.on_search,
            "sync_now": self.on_sync_now,
            "profile_menu": self.on_profile_menu,
        }
        editor = self.lessons_page.editor
        undo = editor.undo_stack.createUndoAction(self, self.tr("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = editor.undo_stack.createRedoAction(self, self.tr("&Redo"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        # The editor's fields keep their own text undo; this one undoes whole field edits from anywhere else.
        undo.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        for name, (menu, label, shortcut) in SHORTCUTS.items():
            action = QAction(self.tr(label), self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slots[name])
            # The profile shortcut opens the Profile menu itself, so it is the window's, not an entry in it.
            target: QWidget = menus.get(menu, self)
            target.addAction(action)
            self.actions_by_name[name] = action
            if name == "settings":
                menus["File"].addSeparator()
        menus["Edit"].insertActions(self.actions_by_name["search"], [undo, redo])
        self.actions_by_name["undo"], self.actions_by_name["redo"] = undo, redo
        self._build_profile_menu()

    def _build_profile_menu(self) -> None:
        self.profile_menu = ProfilesMenu(self)
        self.menuBar().addMenu(self.profile_menu)

    def mount_profiles(self, controller: object) -> None:
        """Give the Profile menu the app controller (data folder, open profile, switch_profile)."""
        self.profile_menu.mount(controller)

    @Slot()
    def on_profile_menu(self) -> None:
        bar = self.menuBar()
        place = bar.actionGeometry(self.profile_menu.menuAction()).bottomLeft()
        self.profile_menu.popup(bar.mapToGlobal(place))

    def set_sync_now(self, sync_now: Callable[[], None] | None) -> None:
        self._sync_now = sync_now
        self.actions_by_name["sync_now"].setEnabled(sync_now is not None)

    @Slot()
    def on_quit(self) -> None:
        self.close()

    @Slot()
    def on_new_lesson(self) -> None:
        self.show_page("lessons")
        self.lessons_page.new_lesson()

    @Slot()
    def on_delete(self) -> None:
        if self.current_page() == "trash":
            return  # deleting for good is not offered: the trash keeps what a teacher may want back
        self.lessons_page.delete_selected()

    @Slot()
    def on_search(self) -> None:
        page = "trash" if self.current_page() == "trash" else "lessons"
        self.show_page(page)
        target = self.trash_page.list if page == "trash" else self.lessons_page.list
        target.search.setFocus()
        target.search.selectAll()

    @Slot()
    def on_sync_now(self) -> None:
        self.sig_sync_now_requested.emit()
        if self._sync_now is not None:
            self._sync_now()

    # -- closing ---------------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        editor = self.lessons_page.editor
        if not editor.is_dirty() and any(check() for check in self.unsaved_checks):
            answer = QMessageBox.question(
                self,
                self.tr("Unsaved changes"),
                self.tr("The test has changes that are not saved. Close anyway and lose them?"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
        if editor.is_dirty():
            answer = QMessageBox.question(
                self,
                self.tr("Unsaved changes"),
                self.tr("This lesson has changes that are not saved. Save them before closing?"),
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Save:
                editor.save()
                if editor.saving:
                    # The save finishes on the worker; the runner drains its queue before the app quits.
                    log.info("closing after a final save")
        event.accept()
