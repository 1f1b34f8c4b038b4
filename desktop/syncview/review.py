"""Review changes (C6): the values that lost a conflict or were refused, with what was kept instead.

Each row shows the table, the row, the fields, your value, the kept value and the reason. "Re-apply" writes
your value again as a fresh local edit (the triggers stamp and queue it, so it syncs as a new edit and wins C1
unless someone edits later still); "Dismiss" keeps what won. Reading and writing run on a database worker
thread; the list reloads after every sync run.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import fill, local_minute
from desktop.syncview import words
from desktop.syncview.bridge import SyncBridge
from desktop.syncview.jobs import PoolRunner
from localdb.tables import table_spec
from localdb.wire import codec

log = logging.getLogger(__name__)

_HEADERS = (
    QT_TRANSLATE_NOOP("", "When"),
    QT_TRANSLATE_NOOP("", "Table"),
    QT_TRANSLATE_NOOP("", "Row"),
    QT_TRANSLATE_NOOP("", "Fields"),
    QT_TRANSLATE_NOOP("", "Your value"),
    QT_TRANSLATE_NOOP("", "Kept value"),
    QT_TRANSLATE_NOOP("", "Reason"),
)
_KIND_WORDS = {
    "lost": QT_TRANSLATE_NOOP("", "A later edit won"),
    "rejected": QT_TRANSLATE_NOOP("", "The server refused it"),
    "deleted": QT_TRANSLATE_NOOP("", "The row was deleted"),
}
_Index = QModelIndex | QPersistentModelIndex


#: Column names as a teacher knows them from the editor; others lose their underscores.
FIELD_WORDS = {
    "lesson_code": QT_TRANSLATE_NOOP("", "code"),
    "title": QT_TRANSLATE_NOOP("", "title"),
    "description": QT_TRANSLATE_NOOP("", "description"),
    "lesson_type": QT_TRANSLATE_NOOP("", "type"),
    "difficulty": QT_TRANSLATE_NOOP("", "difficulty"),
    "is_active": QT_TRANSLATE_NOOP("", "active"),
    "is_published": QT_TRANSLATE_NOOP("", "published"),
    "cover_media_id": QT_TRANSLATE_NOOP("", "cover"),
    "body": QT_TRANSLATE_NOOP("", "text"),
    "full_name": QT_TRANSLATE_NOOP("", "name"),
}


def field_words(field: str) -> str:
    return words.tr(FIELD_WORDS.get(field, field.replace("_", " ")))


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _values(values: dict[str, Any], fields: Sequence[str]) -> str:
    if len(fields) == 1:
        return _show(values.get(fields[0]))
    return "; ".join(f"{field_words(f)}: {_show(values.get(f))}" for f in fields)


class ConflictModel(QAbstractTableModel):
    """The open conflicts, newest first."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Any] = []
        self._labels: dict[tuple[str, str], str] = {}

    def set_rows(self, rows: Sequence[Any], labels: dict[tuple[str, str], str] | None = None) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=lambda c: str(c.created_at), reverse=True)
        self._labels = labels or {}
        self.endResetModel()

    def conflict(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return words.tr(_HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        c = self._rows[index.row()]
        fields = list(c.fields)
        # The server's own words say why it refused a row; for the other kinds the kind's words (translated) do.
        reason = (c.reason if c.kind == "rejected" else None) or _KIND_WORDS.get(c.kind, c.reason or c.kind)
        cells = (
            local_minute(c.created_at),
            words.tr(TABLE_WORDS.get(c.table, c.table)),
            self._labels.get((c.table, c.row_id)) or c.row_id[:8],
            ", ".join(field_words(f) for f in fields),
            _values(c.local_values, fields),
            _values(c.winning_values, fields),
            words.tr(reason),
        )
        return cells[index.column()]


#: Table names as a person says them.
TABLE_WORDS = {
    "organisations": QT_TRANSLATE_NOOP("", "School"),
    "users": QT_TRANSLATE_NOOP("", "Person"),
    "user_settings": QT_TRANSLATE_NOOP("", "Settings"),
    "classes": QT_TRANSLATE_NOOP("", "Class"),
    "class_members": QT_TRANSLATE_NOOP("", "Class member"),
    "media_assets": QT_TRANSLATE_NOOP("", "Media"),
    "lessons": QT_TRANSLATE_NOOP("", "Lesson"),
    "notes": QT_TRANSLATE_NOOP("", "Note"),
    "tests": QT_TRANSLATE_NOOP("", "Test"),
    "tests_content": QT_TRANSLATE_NOOP("", "Test item"),
    "test_attempts": QT_TRANSLATE_NOOP("", "Test attempt"),
    "practice_sessions": QT_TRANSLATE_NOOP("", "Practice session"),
    "audit_log": QT_TRANSLATE_NOOP("", "Audit entry"),
}
#: What names a row for a person, per table (the rest show the start of their id).
LABEL_COLUMNS = {
    "lessons": "title",
    "notes": "title",
    "tests": "title",
    "classes": "name",
    "organisations": "name",
    "users": "full_name",
    "media_assets": "title",
}


def load_conflicts(mirror: Any) -> tuple[list[Any], dict[tuple[str, str], str]]:
    """The open conflicts and a readable name for each row they are about (pool thread)."""
    conflicts = mirror.list_conflicts()
    labels: dict[tuple[str, str], str] = {}
    for c in conflicts:
        column = LABEL_COLUMNS.get(c.table)
        if column is None or (c.table, c.row_id) in labels:
            continue
        # Table and column names come from LABEL_COLUMNS above, never from the data.
        row = mirror.conn.execute(f"SELECT {column} FROM {c.table} WHERE id = ?", (c.row_id,)).fetchone()
        if row is not None and row[0]:
            labels[(c.table, c.row_id)] = str(row[0])
    return conflicts, labels


def reapply(mirror: Any, conflict: Any) -> None:
    """Write the person's value again as a new local edit, and mark the conflict resolved, in one transaction.

    Runs on a worker thread. The update goes through the mirror's triggers like any edit, so it is stamped now
    and queued for sync. Clearing `deleted_at` this way is a deliberate restore (C4): the person saw the
    tombstone here.
    """
    table = conflict.table
    spec = table_spec(table)
    allowed = set(spec.columns) | {"deleted_at"}
    fields = [f for f in conflict.fields if f in allowed and f in conflict.local_values]
    if not fields:
        raise ValueError(words.tr("There is no value of yours to re-apply here."))
    row_codec = codec(table)
    stored = row_codec.to_storage(conflict.local_values)
    values = [stored[row_codec.columns.index(f)] for f in fields]
    assignments = ", ".join(f"{f} = ?" for f in fields)  # names checked against the table's spec above
    with mirror.transaction() as conn:
        cursor = conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*values, conflict.row_id])
        if cursor.rowcount == 0:
            raise LookupError(
                words.tr("This row is no longer on this PC, so the value cannot be re-applied.")
            )
        mirror.resolve_conflict(conflict.id, "reapplied")
    log.info("re-applied %s of %s %s (conflict %s)", ", ".join(fields), table, conflict.row_id, conflict.id)


class ReviewChangesView(QWidget):
    """The "Review changes" page: open conflicts, re-apply or dismiss the selected one."""

    sig_changed = Signal(int)
    """The list was (re)loaded or changed. Arguments: how many conflicts are open (int)."""

    sig_local_edit = Signal()
    """A value was re-applied: a local edit waits to be sent (tell the scheduler). No arguments."""

    def __init__(
        self, bridge: SyncBridge, mirror: Any, parent: QWidget | None = None, *, runner: Any = None
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._mirror = mirror
        self._runner = runner if runner is not None else PoolRunner(self)
        self.model = ConflictModel()
        self._build()
        self._update_buttons()
        bridge.sig_finished.connect(self.reload)
        self.reload()
        if not bridge.watching:
            # Mounted with the profile's mirror: the status area starts from what the mirror knows.
            bridge.watch_mirror(mirror)

    def _build(self) -> None:
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(words.tr("Changes to review"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.reapply_button = QPushButton(words.tr("Re-apply my value"), self)
        self.reapply_button.setToolTip(words.tr("Write your value again; it is sent with the next sync."))
        self.dismiss_button = QPushButton(words.tr("Dismiss"), self)
        self.dismiss_button.setToolTip(words.tr("Keep the value that won and remove this line."))
        self.reapply_button.clicked.connect(self.on_reapply)
        self.dismiss_button.clicked.connect(self.on_dismiss)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.reapply_button)
        buttons.addWidget(self.dismiss_button)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                words.tr(
                    "Values that lost to another edit or were refused by the server are kept here. "
                    "Nothing you typed is lost."
                ),
                self,
            )
        )
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.model.conflict(rows[0].row()) if rows else None

    @Slot()
    def reload(self, *_args: object) -> None:
        mirror = self._mirror
        self._runner.submit(lambda _conn: load_conflicts(mirror), self._on_loaded, self._on_failed)

    @Slot()
    def on_reapply(self) -> None:
        conflict, mirror = self.selected(), self._mirror
        if conflict is None:
            return
        self._busy(True)
        self._runner.submit(lambda _conn: reapply(mirror, conflict), self._on_reapplied, self._on_failed)

    @Slot()
    def on_dismiss(self) -> None:
        conflict, mirror = self.selected(), self._mirror
        if conflict is None:
            return
        self._busy(True)
        self._runner.submit(
            lambda _conn: mirror.resolve_conflict(conflict.id, "dismissed"), self._on_done, self._on_failed
        )

    def _busy(self, busy: bool) -> None:
        self.reapply_button.setEnabled(not busy)
        self.dismiss_button.setEnabled(not busy)

    def _on_loaded(self, loaded: tuple[list[Any], dict[tuple[str, str], str]]) -> None:
        conflicts, labels = loaded
        self.model.set_rows(conflicts, labels)
        self._update_buttons()
        empty = words.tr("Nothing to review.")
        if not conflicts:
            self.message.setText(empty)
        elif self.message.text() == empty:
            # The list filled since (a sync recorded a conflict): the old note would contradict the table.
            self.message.clear()
        self._bridge.set_conflicts(len(conflicts))
        self.sig_changed.emit(len(conflicts))

    def _on_reapplied(self, _result: object) -> None:
        self.sig_local_edit.emit()
        self._on_done(None)

    def _on_done(self, _result: object) -> None:
        self.message.setText(words.tr("Done."))
        self.reload()

    def _on_failed(self, error: BaseException) -> None:
        self._update_buttons()
        if isinstance(error, LookupError | ValueError):
            self.message.setText(str(error))
            return
        if not isinstance(error, sqlite3.Error) and type(error).__module__.split(".")[0] != "localdb":
            log.error("review changes job failed", exc_info=error)
        self.message.setText(
            fill(
                words.tr("That did not work: %1. Try again after the sync."),
                getattr(error, "plain", None) or type(error).__name__,
            )
        )

    @Slot()
    def _update_buttons(self, *_args: object) -> None:
        chosen = self.selected() is not None
        self.reapply_button.setEnabled(chosen)
        self.dismiss_button.setEnabled(chosen)
