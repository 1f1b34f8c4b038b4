"""The sync log: the last N events with their time, stage and plain-words message, newest at the bottom."""

from __future__ import annotations

import logging
from collections import deque
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Slot,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from desktop.syncview import words
from desktop.syncview.bridge import SyncBridge
from desktop.syncview.state import LogEntry

log = logging.getLogger(__name__)

#: Enough to see the last few runs; older lines are dropped (the log file keeps everything).
DEFAULT_LIMIT = 500
_HEADERS = (
    QT_TRANSLATE_NOOP("", "Time"),
    QT_TRANSLATE_NOOP("", "Stage"),
    QT_TRANSLATE_NOOP("", "What happened"),
)
_Index = QModelIndex | QPersistentModelIndex


class SyncLogModel(QAbstractTableModel):
    """A bounded ring of `LogEntry` rows."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        super().__init__()
        self._entries: deque[LogEntry] = deque(maxlen=limit)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return words.tr(_HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return entry.at.astimezone().strftime("%H:%M:%S")  # the date is in the tooltip
            if index.column() == 1:
                return words.stage_words(entry.stage)
            return log_text(entry)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        if role == Qt.ItemDataRole.ForegroundRole and entry.is_error:
            return QBrush(QColor("#b00020"))
        return None

    def entries(self) -> list[LogEntry]:
        return list(self._entries)

    @Slot(object)
    def append(self, entry: LogEntry) -> None:
        if self._entries and continues(self._entries[-1], entry):
            # One line a step: a step's progress ("1,000 received", "2,000 received", ...) updates its line,
            # so a long first sync does not push the earlier runs out of the log.
            row = len(self._entries) - 1
            self._entries[row] = entry
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(_HEADERS) - 1))
            return
        if len(self._entries) == self._entries.maxlen:
            self.beginRemoveRows(QModelIndex(), 0, 0)
            self._entries.popleft()
            self.endRemoveRows()
        row = len(self._entries)
        self.beginInsertRows(QModelIndex(), row, row)
        self._entries.append(entry)
        self.endInsertRows()


#: Steps whose every event is a line of its own: a run's start and end.
_OWN_LINE_STAGES = frozenset({"started", "finished"})


def continues(last: LogEntry, entry: LogEntry) -> bool:
    """Whether `entry` is more of the step `last` shows (same stage, no error on either side)."""
    return (
        entry.stage == last.stage
        and entry.stage not in _OWN_LINE_STAGES
        and not entry.is_error
        and not last.is_error
    )


def log_text(entry: LogEntry) -> str:
    """The "What happened" cell: the details beside the Stage cell, not its name again."""
    if entry.detail:
        return entry.detail
    return "" if entry.text == words.stage_words(entry.stage) else entry.text


class SyncLogView(QWidget):
    """A read-only table of the sync log, following the newest line."""

    def __init__(
        self, bridge: SyncBridge, parent: QWidget | None = None, *, limit: int = DEFAULT_LIMIT
    ) -> None:
        super().__init__(parent)
        self.model = SyncLogModel(limit)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(words.tr("Sync log"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)  # one line an event, so the rows stay short and line up
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        bridge.sig_log.connect(self.on_log)

    @Slot(object)
    def on_log(self, entry: LogEntry) -> None:
        self.model.append(entry)
        self.table.scrollToBottom()
