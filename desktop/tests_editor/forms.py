"""One form per item type: the fields that type needs, and nothing else.

`ItemForm(test_type)` shows, per type: vid2text a video reference, a question and text choices with the
correct one marked; text2vid the words to sign and video choices; illustration a picture reference, a question
and text choices; ordering an instruction and the parts in the right order (Alt+Up/Down moves a part).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import fill
from desktop.tests_editor.items import MEDIA_KEY, TEXT_KEY, ItemDraft, tr

log = logging.getLogger(__name__)


def alt_step(event: QKeyEvent) -> int:
    """-1 for Alt+Up, +1 for Alt+Down, 0 for any other key."""
    if not event.modifiers() & Qt.KeyboardModifier.AltModifier:
        return 0
    return {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(Qt.Key(event.key()), 0)


class _RowEdit(QLineEdit):
    """A choice's text box; Alt+Up/Down asks its list to move it."""

    sig_move = Signal(int)
    """Alt+Up (-1) or Alt+Down (+1) pressed. Arguments: direction (int)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = alt_step(event)
        if step:
            self.sig_move.emit(step)
            return
        super().keyPressEvent(event)


class ChoicesEditor(QWidget):
    """Rows of text boxes; with `marks`, a radio button per row says which one is correct."""

    sig_changed = Signal()
    """A choice, the mark or the rows changed. No arguments."""

    def __init__(
        self, *, marks: bool, placeholder: str, add_label: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._marks = marks
        self._placeholder = placeholder
        self._completer: QCompleter | None = None
        self.edits: list[_RowEdit] = []
        self.radios: list[QRadioButton] = []
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._group.buttonToggled.connect(lambda *_: self.sig_changed.emit())
        self._rows = QVBoxLayout()
        self._rows.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton(add_label, self)
        self.add_button.clicked.connect(lambda: self.add_row(focus=True))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._rows)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)

    def set_suggestions(self, completer: QCompleter) -> None:
        """Offer these completions in every row (text2vid's video choices)."""
        self._completer = completer
        for edit in self.edits:
            edit.setCompleter(completer)

    def add_row(self, text: str = "", *, focus: bool = False) -> _RowEdit:
        row = QWidget(self)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        edit = _RowEdit(text, row)
        edit.setPlaceholderText(self._placeholder)
        if self._completer is not None:
            edit.setCompleter(self._completer)
        edit.setAccessibleName(fill(tr("Choice %1"), len(self.edits) + 1))
        edit.textChanged.connect(lambda _t: self.sig_changed.emit())
        edit.sig_move.connect(lambda d, e=edit: self.move_row(self.edits.index(e), d))
        if self._marks:
            radio = QRadioButton(row)
            radio.setAccessibleName(fill(tr("Correct answer %1"), len(self.edits) + 1))
            radio.setToolTip(tr("This is the correct answer"))
            self._group.addButton(radio)
            self.radios.append(radio)
            line.addWidget(radio)
        remove = QToolButton(row)
        remove.setText("✕")
        remove.setAccessibleName(tr("Remove"))
        remove.clicked.connect(lambda _c=False, e=edit: self.remove_row(self.edits.index(e)))
        line.addWidget(edit, 1)
        line.addWidget(remove)
        self.edits.append(edit)
        self._rows.addWidget(row)
        if focus:
            edit.setFocus()
        self.sig_changed.emit()
        return edit

    def remove_row(self, index: int) -> None:
        edit = self.edits.pop(index)
        if self._marks:
            self._group.removeButton(self.radios.pop(index))
        row = edit.parentWidget()
        assert row is not None  # every edit is made inside its row widget
        self._rows.removeWidget(row)
        row.deleteLater()
        self.sig_changed.emit()

    @Slot(int, int)
    def move_row(self, index: int, direction: int) -> None:
        """Swap two rows' contents (simpler than moving widgets, and the focus follows the text)."""
        other = index + direction
        if not 0 <= other < len(self.edits):
            return
        texts = self.values()
        correct = self.correct_index()
        texts[index], texts[other] = texts[other], texts[index]
        if correct in (index, other):
            correct = other if correct == index else index
        self.set_values(texts, correct)
        self.edits[other].setFocus()

    def set_values(self, values: Sequence[Any], correct: int | None = None) -> None:
        while self.edits:
            self.remove_row(0)
        for value in values:
            self.add_row(str(value))
        if self._marks and correct is not None and 0 <= correct < len(self.radios):
            self.radios[correct].setChecked(True)

    def values(self) -> list[str]:
        return [edit.text() for edit in self.edits]

    def correct_index(self) -> int | None:
        for index, radio in enumerate(self.radios):
            if radio.isChecked():
                return index
        return None


class ItemForm(QWidget):
    """The form of one item type; `load` a draft, read it back with `draft`."""

    sig_changed = Signal()
    """Any field changed. No arguments."""

    def __init__(self, test_type: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.test_type = test_type
        self._base = ItemDraft(test_type=test_type)
        self._loading = False
        layout = QFormLayout(self)
        self.media: QLineEdit | None = None
        if test_type in MEDIA_KEY:
            self.media = QLineEdit(self)
            what = tr("Video") if MEDIA_KEY[test_type] == "video" else tr("Picture")
            self.media.setPlaceholderText(tr("media id or file path"))
            self.media.setAccessibleName(what)
            self.media.textChanged.connect(self._on_child_changed)
            layout.addRow(what, self.media)
        self.text = QLineEdit(self)
        self.text.setAccessibleName(self._text_label())
        self.text.textChanged.connect(self._on_child_changed)
        layout.addRow(self._text_label(), self.text)
        ordering = test_type == "ordering"
        self.choices = ChoicesEditor(
            marks=not ordering,
            placeholder=tr("video media id or file path") if test_type == "text2vid" else tr("text"),
            add_label=tr("Add part") if ordering else tr("Add choice"),
            parent=self,
        )
        self.choices.sig_changed.connect(self._on_child_changed)
        hint = tr("Parts in the right order (Alt+Up/Down moves one)") if ordering else tr("Choices")
        layout.addRow(QLabel(hint, self))
        layout.addRow(self.choices)

    def _text_label(self) -> str:
        return {
            "vid2text": tr("Question"),
            "text2vid": tr("Words to sign"),
            "illustration": tr("Question"),
            "ordering": tr("Instruction"),
        }[self.test_type]

    def set_media_choices(self, paths: Sequence[str]) -> None:
        """Suggest the mirror's media of this item's kind while the teacher types (any part of the path)."""
        kind = MEDIA_KEY.get(self.test_type) or ("video" if self.test_type == "text2vid" else None)
        if kind is None:
            return
        completer = QCompleter(list(paths), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        if self.media is not None:
            self.media.setCompleter(completer)
        else:
            self.choices.set_suggestions(completer)

    @Slot()
    def _on_child_changed(self, *_args: object) -> None:
        # Filling the form from a draft is not an edit.
        if not self._loading:
            self.sig_changed.emit()

    def load(self, draft: ItemDraft) -> None:
        self._base = draft
        self._loading = True
        try:
            self._fill(draft)
        finally:
            self._loading = False

    def _fill(self, draft: ItemDraft) -> None:
        if self.media is not None:
            self.media.setText(draft.media)
        self.text.setText(draft.text)
        options = [str(o) for o in draft.options]
        correct = options.index(str(draft.correct_answer)) if str(draft.correct_answer) in options else None
        self.choices.set_values(options, correct)

    def draft(self) -> ItemDraft:
        content = dict(self._base.content)
        if self.media is not None:
            content[MEDIA_KEY[self.test_type]] = self.media.text()
        content[TEXT_KEY[self.test_type]] = self.text.text()
        options = self.choices.values()
        if self.test_type == "ordering":
            return self._base.with_changes(content=content, options=options, correct_answer=list(options))
        index = self.choices.correct_index()
        answer = options[index] if index is not None else None
        return self._base.with_changes(content=content, options=options, correct_answer=answer)
