"""The lesson list's table model: it never holds the whole table.

The first page comes from the database thread and the total from the counting thread (a search must not stall
typing, and a count must not hold up the next keystroke's page); later pages come
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

from desktop.i18n import QT_TRANSLATE_NOOP, local_minute
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

    sig_page = Signal(int)
    """A query's first page is in the model. Arguments: the number of rows shown so far."""

    sig_loaded = Signal(int)
    """A query is complete (first page and total). Arguments: the total number of matching lessons."""

    sig_failed = Signal()
    """The list could not be read (a damaged data file); what is shown stays as it was. No arguments."""

    def __init__(
        self,
        runner: DbRunner,
        read_conn: Callable[[], sqlite3.Connection],
        parent: QObject | None = None,
        *,
        counter: DbRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._counter = counter or runner
        self._page_in_flight = False
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
        """Ask for the first page, then for the total; at most one page query is on its way at a time.

        Latest wins: a keystroke while a page query runs only marks it stale; when it answers, the newest
        filter is asked for at once (no fixed debounce delay, and no queue of searches nobody will see).
        The count (a full pass over the matches) is asked once the page is shown, on the counting thread,
        so it never holds up the next keystroke's page; it only updates the words under the list.
        """
        self._generation += 1
        self.loading = True
        if not self._page_in_flight:
            self._ask_page()

    def _ask_page(self) -> None:
        generation, flt = self._generation, self._filter

        def page(conn: sqlite3.Connection) -> list[store.LessonRow] | None:
            # A newer keystroke arrived while this job waited: skip the work; the answer asks again.
            if generation != self._generation:
                return None
            return store.list_lessons(conn, flt, limit=PAGE_SIZE, offset=0)

        self._page_in_flight = True
        self._runner.submit(
            page,
            lambda rows: self._on_first_page(generation, rows),
            lambda error: self._on_page_error(generation, error),
        )

    def _ask_count(self, generation: int) -> None:
        flt = self._filter

        def count(conn: sqlite3.Connection) -> int | None:
            return None if generation != self._generation else store.count_lessons(conn, flt)

        self._counter.submit(
            count,
            lambda total: self._on_total(generation, total),
            lambda error: self._on_read_error(generation, error),
        )

    def _on_first_page(self, generation: int, rows: list[store.LessonRow] | None) -> None:
        self._page_in_flight = False
        if rows is None or generation != self._generation:
            self._ask_page()  # the filter changed meanwhile: showing this answer would flicker
            return
        self.beginResetModel()
        self._rows = list(rows)
        # Until the count arrives, a full page means "maybe more".
        self._total = len(self._rows) + (1 if len(self._rows) == PAGE_SIZE else 0)
        self.endResetModel()
        self.sig_page.emit(len(self._rows))
        self._ask_count(generation)

    def _on_page_error(self, generation: int, error: BaseException) -> None:
        self._page_in_flight = False
        if generation != self._generation:
            self._ask_page()
            return
        self._on_read_error(generation, error)

    def _on_read_error(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        if not isinstance(error, sqlite3.DatabaseError):
            raise error  # a bug, not the file: the error reporter shows it
        log.error("the lesson list could not be read: %s", error)
        self._stop_paging()

    def _stop_paging(self) -> None:
        self._total = len(self._rows)
        self.loading = False
        self.sig_failed.emit()

    def _on_total(self, generation: int, total: int | None) -> None:
        if total is None or generation != self._generation:
            return
        self._total = max(total, len(self._rows))
        self.loading = False
        self.sig_loaded.emit(total)

    def warm_up(self) -> None:
        """Once, after the first page: both threads' connections read the lessons once (about 40 ms at
        100,000), so the first search of each prefix finds the rows cached (bench/bench_gui.py)."""
        for runner in {self._runner, self._counter}:
            runner.submit(store.warm_lessons, None, lambda error: log.warning("warming the list failed: %s", error))

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt's signature
        if parent.isValid():
            return
        if self._read_conn is None:
            self._read_conn = self._read_conn_factory()
        try:
            page = store.list_lessons(self._read_conn, self._filter, limit=PAGE_SIZE, offset=len(self._rows))
        except sqlite3.DatabaseError as exc:
            log.error("the next page of the lesson list could not be read: %s", exc)
            self._stop_paging()  # otherwise the view asks again at every scroll
            return
        if not page:
            self._total = len(self._rows)  # the table shrank under us; stop asking
            return
        if self.loading and len(page) == PAGE_SIZE:
            self._total = max(self._total, len(self._rows) + len(page) + 1)
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
            return local_minute(row.updated_at)
        value = getattr(row, column)
        return "" if value is None else str(value)

    def lesson_id(self, row: int) -> str | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of_title(self, title: str) -> int:
        """The first loaded row whose title starts with `title`, or -1."""
        return next((n for n, row in enumerate(self._rows) if row.title.startswith(title)), -1)

    def row_of(self, lesson_id: str) -> int:
        for number, row in enumerate(self._rows):
            if row.id == lesson_id:
                return number
        return -1
