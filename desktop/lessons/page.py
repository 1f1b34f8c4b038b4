"""The Lessons page (list + editor) and the Trash page (deleted lessons, restore)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from PySide6.QtCore import QItemSelection, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import counted, fill, locale
from desktop.lessons import data
from desktop.lessons.editor import LessonEditor, plain_error
from desktop.lessons.model import LessonTableModel, type_words
from desktop.workers import DbRunner

log = logging.getLogger(__name__)

#: Searches start at this many characters: a one-letter prefix has no prefix index of its own, so the search
#: table merges every word with that first letter (60-130 ms at 100,000 lessons, bench/bench_search.py).
MIN_SEARCH = 2
class LessonList(QWidget):
    """Search box, filters and the paged table; shared by the Lessons and the Trash pages."""

    sig_selected = Signal(str)
    """The selected lesson changed. Arguments: its id ("" when nothing is selected)."""

    def __init__(
        self,
        runner: DbRunner,
        read_conn: Callable[[], sqlite3.Connection],
        *,
        trash: bool,
        parent: QWidget | None = None,
        counter: DbRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.trash = trash
        self.model = LessonTableModel(runner, read_conn, self, counter=counter)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search titles, descriptions and notes"))
        self.search.setAccessibleName(self.tr("Search lessons"))
        self.search.setClearButtonEnabled(True)
        self.type_filter = self._combo(
            self.tr("Filter by type"),
            [(self.tr("All types"), None)] + [(type_words(k), k) for k in data.LESSON_TYPES],
        )
        self.level_filter = self._combo(
            self.tr("Filter by difficulty"),
            [(self.tr("Any difficulty"), None)]
            + [(fill(self.tr("Difficulty %1"), n), n) for n in data.DIFFICULTIES],
        )
        self.published_filter = self._combo(
            self.tr("Filter by state"),
            [
                (self.tr("Published and drafts"), None),
                (self.tr("Published"), True),
                (self.tr("Drafts"), False),
            ],
        )
        self.search_hint = QLabel(self.tr("Type at least two letters to search."))
        self.search_hint.hide()
        self.count_label = QLabel()
        self.count_label.setAccessibleName(self.tr("Number of lessons"))
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Lessons in trash") if trash else self.tr("Lessons"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # "Last changed" holds a date and a time: sized from the font (not by measuring rows, which the paged
        # model would have to load) so it is never cut off.
        stamp_width = self.table.fontMetrics().horizontalAdvance("2026-12-31 23:59") + 16
        for column, width in ((0, 65), (2, 75), (3, 70), (4, 75), (5, stamp_width)):
            self.table.setColumnWidth(column, width)
        self._layout()
        self.search.textChanged.connect(self.on_search_text)
        for combo in (self.type_filter, self.level_filter, self.published_filter):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.model.sig_loaded.connect(self.on_loaded)
        self.model.sig_failed.connect(self.on_failed)
        self.model.modelReset.connect(lambda: self.sig_selected.emit(""))
        self.table.selectionModel().selectionChanged.connect(self.on_selection)

    def _combo(self, name: str, items: list[tuple[str, object]]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        for text, value in items:
            combo.addItem(text, value)
        return combo

    def _layout(self) -> None:
        filters = QHBoxLayout()
        for combo in (self.type_filter, self.level_filter, self.published_filter):
            filters.addWidget(combo, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.search_hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

    def current_filter(self) -> data.LessonFilter:
        text = self.search.text().strip()
        if len(text) < MIN_SEARCH:
            # One letter matches most of a big list and costs the most: wait for the second one.
            text = ""
        return data.LessonFilter(
            text=text,
            lesson_type=self.type_filter.currentData(),
            difficulty=self.level_filter.currentData(),
            published=self.published_filter.currentData(),
            trash=self.trash,
        )

    @Slot()
    def apply_filter(self) -> None:
        """Run the current search and filters again (also after other screens changed lessons)."""
        self.model.set_filter(self.current_filter())

    @Slot(str)
    def on_search_text(self, text: str) -> None:
        self.search_hint.setVisible(0 < len(text.strip()) < MIN_SEARCH)
        # Every keystroke searches at once: the model keeps at most one query on its way (latest wins).
        self.on_search_typed()

    @Slot()
    def on_search_typed(self) -> None:
        """A search keystroke: query only when what the list would show changes."""
        if self.current_filter() != self.model.current_filter:
            self.apply_filter()

    @Slot(int)
    def on_loaded(self, total: int) -> None:
        # %Ln groups the digits ("1,200 lessons"); `counted` gives English its plural (no English .qm ships).
        locale()  # numbers in the app's language, not the bare "C" locale
        in_trash = self.tr("%Ln lesson(s) in the trash", "", total)
        self.count_label.setText(counted(in_trash if self.trash else self.tr("%Ln lesson(s)", "", total), total))

    @Slot()
    def on_failed(self) -> None:
        self.count_label.setText(self.tr("The list could not be read from the data file on this PC."))

    @Slot(QItemSelection, QItemSelection)
    def on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.sig_selected.emit(self.selected_id() or "")

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.lesson_id(rows[0].row()) if rows else None

    def select_id(self, lesson_id: str) -> bool:
        row = self.model.row_of(lesson_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def refresh_keeping(self, lesson_id: str | None = None) -> None:
        """Read the list again (same search and filters) and select `lesson_id`, or the lesson selected now,
        once it is back (a lesson no longer listed stays unselected)."""
        keep = lesson_id or self.selected_id()
        if keep:

            def reselect(_total: int) -> None:
                self.model.sig_loaded.disconnect(reselect)
                self.select_id(keep)

            self.model.sig_loaded.connect(reselect)
        self.apply_filter()  # the list's own search and filters (a list not shown yet has not set them)


class LessonsPage(QWidget):
    """The list of live lessons beside the editor of the selected one."""

    sig_changed = Signal()
    """The person changed a lesson (saved, deleted or restored): the sync scheduler should hear of it."""

    def __init__(
        self,
        runner: DbRunner,
        read_conn: Callable[[], sqlite3.Connection],
        parent: QWidget | None = None,
        *,
        counter: DbRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self.list = LessonList(runner, read_conn, trash=False, counter=counter)
        self.editor = LessonEditor(runner)
        self.new_button = QPushButton(self.tr("New lesson"))
        self.new_button.setAccessibleName(self.tr("New lesson"))
        self.delete_button = QPushButton(self.tr("Move to trash"))
        self.delete_button.setAccessibleName(self.tr("Move the selected lesson to the trash"))
        self.delete_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.list, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self._sized = False
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self.new_button.clicked.connect(self.new_lesson)
        self.delete_button.clicked.connect(self.delete_selected)
        self.list.sig_selected.connect(self.on_selected)
        self.editor.sig_saved.connect(self.on_saved)

    def showEvent(self, event: QShowEvent) -> None:
        # The list gets the larger share on first show (the editor's size hint would otherwise win).
        if not self._sized and self.width() > 0:
            self._sized = True
            self.splitter.setSizes([int(self.width() * 0.6), int(self.width() * 0.4)])
        super().showEvent(event)

    @Slot()
    def new_lesson(self) -> None:
        self.list.table.clearSelection()
        self.editor.new_lesson()

    @Slot(str)
    def on_selected(self, lesson_id: str) -> None:
        self.delete_button.setEnabled(bool(lesson_id))
        if lesson_id and lesson_id != self.editor.lesson_id:
            self.editor.load(lesson_id)

    @Slot(str)
    def on_saved(self, lesson_id: str) -> None:
        self.sig_changed.emit()
        self.list.refresh_keeping(lesson_id)

    @Slot()
    def delete_selected(self) -> None:
        lesson_id = self.list.selected_id() or self.editor.lesson_id
        if not lesson_id:
            return

        def done(_result: object) -> None:
            if self.editor.lesson_id == lesson_id:
                self.editor.clear()
            show_status(self, self.tr("Moved to the trash. Restore it from the Trash."), 5000)
            self.sig_changed.emit()
            self.list.model.refresh()

        self._runner.submit(lambda conn: data.delete_lesson(conn, lesson_id), done, self._on_error)

    def _on_error(self, error: BaseException) -> None:
        QMessageBox.warning(self, self.tr("TutorDesk"), fill(self.tr("Not done: %1"), plain_error(error)))
        log.error("lesson action failed", exc_info=error)


class TrashPage(QWidget):
    """Deleted lessons; a deliberate restore (C4) brings one back."""

    sig_changed = Signal()
    """A lesson was restored. No arguments."""

    def __init__(
        self,
        runner: DbRunner,
        read_conn: Callable[[], sqlite3.Connection],
        parent: QWidget | None = None,
        *,
        counter: DbRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self.list = LessonList(runner, read_conn, trash=True, counter=counter)
        self.list.published_filter.hide()
        self.restore_button = QPushButton(self.tr("Restore"))
        self.restore_button.setAccessibleName(self.tr("Restore the selected lesson"))
        self.restore_button.setEnabled(False)
        hint = QLabel(self.tr("Deleted lessons stay here. Restoring one brings it back on every device."))
        hint.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(hint, 1)
        top.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        self.list.sig_selected.connect(lambda lesson_id: self.restore_button.setEnabled(bool(lesson_id)))
        self.restore_button.clicked.connect(self.restore_selected)

    @Slot()
    def restore_selected(self) -> None:
        lesson_id = self.list.selected_id()
        if not lesson_id:
            return

        def done(_result: object) -> None:
            show_status(self, self.tr("Restored. It is back in Lessons."), 5000)
            self.sig_changed.emit()
            self.list.model.refresh()

        def failed(error: BaseException) -> None:
            QMessageBox.warning(self, self.tr("TutorDesk"), fill(self.tr("Not restored: %1"), plain_error(error)))
            log.error("restore failed", exc_info=error)

        self._runner.submit(lambda conn: data.restore_lesson(conn, lesson_id), done, failed)

    def showEvent(self, event: object) -> None:
        # The trash changes while the page is hidden (deletes on the Lessons page, pulls): refresh on show.
        self.list.apply_filter()
        super().showEvent(event)  # type: ignore[arg-type]


def show_status(widget: QWidget, text: str, timeout_ms: int) -> None:
    """A short note in the main window's status bar, when the widget sits in one."""
    window = widget.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, timeout_ms)
