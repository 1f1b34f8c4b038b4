"""The lesson list's table model: it never holds the whole table.

The first page and the total come from the database thread (a search must not stall typing); later pages come
through Qt's `canFetchMore`/`fetchMore` as the view scrolls, read on the GUI thread from a read connection
(reads of a page of 200 rows by index take well under a frame, and WAL readers never wait for a writer)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from desktop.i18n import QT_TRANSLATE_NOOP
from desktop.lessons import data as store
from desktop.workers import DbRunner

log = logging.getLogger(__name__)

PAGE_SIZE = 200
Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("LessonTableModel", text)


COLUMNS: tuple[tuple[str, str], ...] = (
    ("lesson_code", QT_TRANSLATE_NOOP("LessonTableModel", "Code")),
    ("title", QT_TRANSLATE_NOOP("LessonTableModel", "Title")),
    ("lesson_type", QT_TRANSLATE_NOOP("LessonTableModel", "Type")),
    ("difficulty_level", QT_TRANSLATE_NOOP("LessonTableModel", "Difficulty")),
    ("status", QT_TRANSLATE_NOOP("LessonTableModel", "Status")),
    ("updated_at", QT_TRANSLATE_NOOP("LessonTableModel", "Last changed")),
)
_TYPE_WORDS = {
    "word": QT_TRANSLATE_NOOP("LessonTableModel", "Word"),
    "sentence": QT_TRANSLATE_NOOP("LessonTableModel", "Sentence"),
    "freestyle": QT_TRANSLATE_NOOP("LessonTableModel", "Freestyle"),
}


def type_words(lesson_type: str | None) -> str:
    """The lesson type in the person's language."""
    return _tr(_TYPE_WORDS[lesson_type]) if lesson_type in _TYPE_WORDS else (lesson_type or "")


class LessonTableModel(QAbstractTableModel):
    """Rows of `store.LessonRow`, paged; `set_filter` starts a new query, `refresh` repeats it."""

    sig_loaded = Signal(int)
    """A query's first page is in the model. Arguments: the total number of matching lessons."""

    def __init__(
        self, runner: DbRunner, read_conn: Callable[[], sqlite3.Connection], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._read_conn_factory = read_conn
        self._read_conn: sqlite3.Connection | None = None
        self._rows: list[store.LessonRow] = []
        self._total = 0
        self._filter = store.LessonFilter()
        self._generation = 0
        self.loading = False

    # -- queries -------------------------------------------------------------------------------------------

    @property
    def current_filter(self) -> store.LessonFilter:
        return self._filter

    @property
    def total(self) -> int:
        return self._total

    def set_filter(self, flt: store.LessonFilter) -> None:
        self._filter = flt
        self.refresh()

    def refresh(self) -> None:
        """Ask the database thread for the first page; answers to older queries are dropped on arrival."""
        self._generation += 1
        generation, flt = self._generation, self._filter
        self.loading = True

        def job(conn: sqlite3.Connection) -> tuple[int, list[store.LessonRow]]:
            return store.count_lessons(conn, flt), store.list_lessons(conn, flt, limit=PAGE_SIZE, offset=0)

        self._runner.submit(job, lambda result: self._on_first_page(generation, result))

    def load_now(self, conn: sqlite3.Connection) -> None:
        """The first page read on the calling thread: used at start-up, before the worker is warm."""
        self._generation += 1
        total = store.count_lessons(conn, self._filter)
        rows = store.list_lessons(conn, self._filter, limit=PAGE_SIZE, offset=0)
        self._on_first_page(self._generation, (total, rows))

    def _on_first_page(self, generation: int, result: tuple[int, list[store.LessonRow]]) -> None:
        if generation != self._generation:
            return  # a newer query is on its way; showing this one would flicker
        total, rows = result
        self.beginResetModel()
        self._total, self._rows = total, list(rows)
        self.endResetModel()
        self.loading = False
        self.sig_loaded.emit(total)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt's signature
        if parent.isValid():
            return
        if self._read_conn is None:
            self._read_conn = self._read_conn_factory()
        page = store.list_lessons(self._read_conn, self._filter, limit=PAGE_SIZE, offset=len(self._rows))
        if not page:
            self._total = len(self._rows)  # the table shrank under us; stop asking
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def close(self) -> None:
        if self._read_conn is not None:
            self._read_conn.close()
            self._read_conn = None

    # -- Qt model ------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _tr(COLUMNS[section][1])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(row, COLUMNS[index.column()][0])
        return None

    @staticmethod
    def _display(row: store.LessonRow, column: str) -> str:
        if column == "status":
            if row.deleted_at:
                return QCoreApplication.translate("LessonTableModel", "In trash")
            if row.published_at:
                return QCoreApplication.translate("LessonTableModel", "Published")
            return (
                QCoreApplication.translate("LessonTableModel", "Draft")
                if row.is_active
                else QCoreApplication.translate("LessonTableModel", "Inactive")
            )
        if column == "lesson_type":
            return type_words(row.lesson_type)
        if column == "updated_at":
            return (row.updated_at or "")[:16].replace("T", " ")
        value = getattr(row, column)
        return "" if value is None else str(value)

    def lesson_id(self, row: int) -> str | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, lesson_id: str) -> int:
        for number, row in enumerate(self._rows):
            if row.id == lesson_id:
                return number
        return -1
