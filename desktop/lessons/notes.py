"""The notes of one lesson: an ordered list with add, edit, move up/down and delete."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.lessons.data import NoteDraft

log = logging.getLogger(__name__)


class NotesEditor(QWidget):
    """Edits a list of `NoteDraft` in place; the lesson editor saves them with the lesson."""

    sig_changed = Signal()
    """The notes changed (added, edited, moved or deleted). No arguments."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._notes: list[NoteDraft] = []
        self._loading = False
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Notes of this lesson"))
        self.title = QLineEdit()
        self.title.setPlaceholderText(self.tr("Note title"))
        self.title.setAccessibleName(self.tr("Note title"))
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText(self.tr("Write the note here"))
        self.body.setAccessibleName(self.tr("Note text"))
        self.add_button = self._button(self.tr("Add note"), self.on_add)
        self.up_button = self._button(self.tr("Move up"), lambda: self.move_current(-1))
        self.down_button = self._button(self.tr("Move down"), lambda: self.move_current(1))
        self.delete_button = self._button(self.tr("Delete note"), self.on_delete)
        self._layout()
        self.list.currentRowChanged.connect(self.on_current_changed)
        self.title.textEdited.connect(self.on_text_edited)
        self.body.textChanged.connect(self.on_text_edited)
        QShortcut(QKeySequence("Alt+Up"), self.list, lambda: self.move_current(-1))
        QShortcut(QKeySequence("Alt+Down"), self.list, lambda: self.move_current(1))
        self.on_current_changed(-1)

    def _button(self, text: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text)
        button.clicked.connect(slot)
        return button

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.add_button, self.up_button, self.down_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        form = QVBoxLayout(self)
        form.addWidget(QLabel(self.tr("Notes appear to learners in this order.")))
        form.addWidget(self.list, 1)
        form.addLayout(buttons)
        form.addWidget(self.title)
        form.addWidget(self.body, 2)

    # -- data ------------------------------------------------------------------------------------------------

    def set_notes(self, notes: list[NoteDraft]) -> None:
        self._notes = [NoteDraft(n.id, n.title, n.body) for n in notes]
        self._rebuild(0 if self._notes else -1)

    def notes(self) -> list[NoteDraft]:
        return [NoteDraft(n.id, n.title, n.body) for n in self._notes]

    def _label(self, note: NoteDraft) -> str:
        text = note.title.strip() or note.body.strip().split("\n", 1)[0]
        return text[:80] or self.tr("(empty note)")

    def _rebuild(self, current: int) -> None:
        self._loading = True
        self.list.clear()
        for note in self._notes:
            item = QListWidgetItem(self._label(note))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, self._label(note))
            self.list.addItem(item)
        self._loading = False
        self.list.setCurrentRow(current)
        self.on_current_changed(current)

    # -- slots -----------------------------------------------------------------------------------------------

    @Slot(int)
    def on_current_changed(self, row: int) -> None:
        has = 0 <= row < len(self._notes)
        self._loading = True
        self.title.setText(self._notes[row].title if has else "")
        self.body.setPlainText(self._notes[row].body if has else "")
        self._loading = False
        for widget in (self.title, self.body, self.delete_button):
            widget.setEnabled(has)
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < len(self._notes) - 1)

    @Slot()
    def on_text_edited(self) -> None:
        row = self.list.currentRow()
        if self._loading or not 0 <= row < len(self._notes):
            return
        note = self._notes[row]
        note.title, note.body = self.title.text(), self.body.toPlainText()
        item = self.list.item(row)
        if item is not None:
            item.setText(self._label(note))
        self.sig_changed.emit()

    @Slot()
    def on_add(self) -> None:
        self._notes.append(NoteDraft(None, "", ""))
        self._rebuild(len(self._notes) - 1)
        self.title.setFocus()
        self.sig_changed.emit()

    @Slot()
    def on_delete(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._notes):
            del self._notes[row]
            self._rebuild(min(row, len(self._notes) - 1))
            self.sig_changed.emit()

    def move_current(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if 0 <= row < len(self._notes) and 0 <= target < len(self._notes):
            self._notes[row], self._notes[target] = self._notes[target], self._notes[row]
            self._rebuild(target)
            self.sig_changed.emit()
