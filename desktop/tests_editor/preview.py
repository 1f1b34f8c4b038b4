"""Run a test as a learner would see it: one item at a time, answer, next; the score and pass/fail at the end.

Grading is localdb's (`repo_grading.grade`), the same a real attempt gets; nothing is recorded. The time
limit, when the test has one, counts down and ends the run like a learner's would.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import fill
from desktop.tests_editor.forms import alt_step
from desktop.tests_editor.items import MEDIA_KEY, ItemDraft, TestHeader, normalised, tr
from localdb.repo_grading import Grade, GradedItem, grade

log = logging.getLogger(__name__)


class _PartsList(QListWidget):
    sig_move = Signal(int)
    """Alt+Up/Down pressed. Arguments: step (-1 up, +1 down)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = alt_step(event)
        if step:
            self.sig_move.emit(step)
            return
        super().keyPressEvent(event)


class AnswerWidget(QWidget):
    """The answer area of one item: radio buttons for choices, a movable list for ordering."""

    def __init__(self, draft: ItemDraft, rng: random.Random, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = draft
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.radios: list[QRadioButton] = []
        self.order: QListWidget | None = None
        if draft.test_type == "ordering":
            self.order = _PartsList(self)
            self.order.setAccessibleName(tr("Parts to put in order (Alt+Up/Down moves one)"))
            self.order.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
            self.order.addItems(_mixed([str(o) for o in draft.options], rng))
            self.order.setCurrentRow(0)
            self.order.sig_move.connect(self.move_part)
            layout.addWidget(self.order)
            return
        group = QButtonGroup(self)
        for option in draft.options:
            radio = QRadioButton(str(option), self)
            group.addButton(radio)
            self.radios.append(radio)
            layout.addWidget(radio)
        layout.addStretch(1)  # choices sit together under the question, not spread over the dialog

    def move_part(self, step: int) -> None:
        assert self.order is not None
        row = self.order.currentRow()
        if row < 0 or not 0 <= row + step < self.order.count():
            return
        self.order.insertItem(row + step, self.order.takeItem(row))
        self.order.setCurrentRow(row + step)

    def answer(self) -> Any:
        if self.order is not None:
            return [self.order.item(i).text() for i in range(self.order.count())]
        for radio, option in zip(self.radios, self.draft.options, strict=True):
            if radio.isChecked():
                return option
        return None


def _mixed(parts: list[str], rng: random.Random) -> list[str]:
    """The parts in a different order than the right one, so the learner has something to do."""
    mixed = list(parts)
    for _ in range(10):
        rng.shuffle(mixed)
        if mixed != parts or len(set(parts)) < 2:
            break
    return mixed


class TestPreviewDialog(QDialog):
    """A learner's run through the test, for the teacher to try. Records nothing."""

    __test__ = False  # not a pytest class, despite the name

    sig_graded = Signal(object)
    """The run ended and was graded. Arguments: grade (`localdb.repo_grading.Grade`)."""

    def __init__(
        self,
        header: TestHeader,
        drafts: Sequence[ItemDraft],
        parent: QWidget | None = None,
        *,
        seed: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(fill(tr("Preview: %1"), header.title))
        self._header = header
        self._rng = random.Random(seed)
        self._items = [normalised(d) for d in drafts]
        if header.shuffle_items:
            self._rng.shuffle(self._items)
        self._answers: dict[str, Any] = {}
        self._index = -1
        self.grade: Grade | None = None
        self._remaining = header.time_limit_seconds
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._on_tick)
        if self._remaining is not None:
            self._timer.start()
        self.next_item()

    def _build(self) -> None:
        self.counter = QLabel(self)
        self.clock = QLabel(self)
        self.clock.setAccessibleName(tr("Time left"))
        top = QHBoxLayout()
        top.addWidget(self.counter, 1)
        top.addWidget(self.clock)
        self.media = QLabel(self)
        self.prompt = QLabel(self)
        self.prompt.setWordWrap(True)
        self.body = QVBoxLayout()
        self.outcome = QLabel(self)
        self.outcome.setAccessibleName(tr("Result"))
        self.outcome.hide()
        self.next_button = QPushButton(tr("Next"), self)
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next_item)
        self.close_button = QPushButton(tr("Close"), self)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.media)
        layout.addWidget(self.prompt)
        layout.addLayout(self.body, 1)
        layout.addWidget(self.outcome)
        layout.addLayout(buttons)
        self.answer_widget: AnswerWidget | None = None
        self._show_clock()

    @Slot()
    def next_item(self) -> None:
        """Keep the current answer and show the next item, or grade after the last one."""
        self._keep_answer()
        self._index += 1
        if self._index >= len(self._items):
            self.finish()
            return
        draft = self._items[self._index]
        self.counter.setText(fill(tr("Item %1 of %2"), self._index + 1, len(self._items)))
        key = MEDIA_KEY.get(draft.test_type)
        what = tr("Video") if key == "video" else tr("Picture")
        self.media.setText(fill(tr("%1: %2"), what, draft.media) if key else "")
        self.media.setVisible(bool(key))
        self.prompt.setText(draft.text)
        self.answer_widget = AnswerWidget(draft, self._rng, self)
        self.body.addWidget(self.answer_widget)
        last = self._index == len(self._items) - 1
        self.next_button.setText(tr("Finish") if last else tr("Next"))

    def _keep_answer(self) -> None:
        if self.answer_widget is not None:
            self._answers[str(self.answer_widget.draft.id or self._index)] = self.answer_widget.answer()
            self.answer_widget.deleteLater()
            self.answer_widget = None

    def finish(self) -> None:
        self._keep_answer()
        self._timer.stop()
        graded = [
            GradedItem(str(d.id or i), d.test_type, d.correct_answer) for i, d in enumerate(self._items)
        ]
        self.grade = grade(graded, self._answers, self._header.passing_score)
        verdict = tr("Passed") if self.grade.passed else tr("Not passed")
        self.outcome.setText(
            fill(
                tr("Score %1 of 100 (pass mark %2): %3"),
                f"{self.grade.score:g}",
                self._header.passing_score,
                verdict,
            )
        )
        self.outcome.show()
        self.counter.setText(tr("Finished"))
        for widget in (self.media, self.prompt, self.next_button):
            widget.hide()
        self.sig_graded.emit(self.grade)

    def _show_clock(self) -> None:
        if self._remaining is None:
            self.clock.hide()
            return
        minutes, seconds = divmod(max(self._remaining, 0), 60)
        self.clock.setText(fill(tr("Time left: %1"), f"{minutes}:{seconds:02d}"))

    @Slot()
    def _on_tick(self) -> None:
        if self._remaining is None:
            return
        self._remaining -= 1
        self._show_clock()
        if self._remaining <= 0 and self.grade is None:
            # Time is up: what has been answered so far counts, as it would for a learner.
            self.finish()
