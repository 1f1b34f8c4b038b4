"""The test editor of one lesson: the test's fields, its items in order, a form per item, save and preview.

Loading and saving run on the database worker (`runner.submit(fn(conn), on_done, on_error)`, see
`desktop.workers.DbRunner`); the widget only keeps drafts. Items reorder by drag and drop or Alt+Up/Down in
the list. Problems are listed in plain words and block saving; repo's own checks (a second line of defence)
come back as the same kind of message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import fill
from desktop.tests_editor.forms import ItemForm, alt_step
from desktop.tests_editor.items import (
    ITEM_TYPES,
    TYPE_NAMES,
    ItemDraft,
    TestHeader,
    all_problems,
    new_item,
    summary,
    tr,
)
from desktop.tests_editor.store import LoadedTest, load_test, save_test

log = logging.getLogger(__name__)

_DRAFT_ROLE = Qt.ItemDataRole.UserRole


class Runner(Protocol):
    def submit(
        self,
        fn: Callable[[Any], Any],
        on_done: Callable[[Any], None] | None = ...,
        on_error: Callable[[BaseException], None] | None = ...,
    ) -> int: ...


class ItemList(QListWidget):
    """The items in test order: drag and drop, or Alt+Up/Down, moves the current one."""

    sig_moved = Signal()
    """The order changed. No arguments."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(tr("Test items"))
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        # Long item texts end in "…" rather than pushing a sideways scroll bar into a narrow list.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.model().rowsMoved.connect(lambda *_: self.sig_moved.emit())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = alt_step(event)
        if step:
            self.move_current(step)
            return
        super().keyPressEvent(event)

    def move_current(self, step: int) -> None:
        row = self.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.count():
            return
        # takeItem/insertItem is an explicit move: no rowsMoved, so say it ourselves.
        item = self.takeItem(row)
        self.insertItem(target, item)
        self.setCurrentRow(target)
        self.sig_moved.emit()


class TestEditor(QWidget):
    """Edit the test of one lesson. Mount it in the lesson editor (a tab) or as a page of its own."""

    __test__ = False  # not a pytest class, despite the name

    sig_saved = Signal(str)
    """The test was saved. Arguments: test id (str)."""

    sig_loaded = Signal()
    """The test (or an empty new one) is in the editor. No arguments."""

    sig_failed = Signal(str)
    """Loading or saving failed. Arguments: plain words for the person (str)."""

    def __init__(
        self,
        runner: Runner,
        lesson_id: str | None = None,
        test_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._loaded: LoadedTest | None = None
        self._dirty = False
        self._forms: dict[str, ItemForm] = {}
        self._showing: QListWidgetItem | None = None
        self._build()
        self.setEnabled(False)
        if lesson_id is not None:
            self.open_lesson(lesson_id, test_id)

    def open_lesson(self, lesson_id: str, test_id: str | None = None) -> None:
        """Show the test of another lesson (the lesson editor calls this as it opens a lesson).

        Unsaved edits of the previous lesson's test are dropped: ask first with `dirty`."""
        self.setEnabled(False)
        self._loaded = None
        self._runner.submit(
            lambda conn: load_test(conn, lesson_id, test_id), self._on_loaded, self._on_failed
        )

    # building ---------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = QLineEdit(self)
        self.title.setAccessibleName(tr("Test title"))
        self.passing = QSpinBox(self)
        self.passing.setRange(0, 100)
        self.passing.setSuffix(" %")
        self.passing.setAccessibleName(tr("Passing score"))
        self.limited = QCheckBox(tr("Time limit"), self)
        self.limit = QSpinBox(self)
        self.limit.setRange(1, 24 * 3600)
        self.limit.setSuffix(tr(" seconds"))
        self.limit.setAccessibleName(tr("Time limit in seconds"))
        self.limited.toggled.connect(self.limit.setEnabled)
        self.limit.setEnabled(False)
        self.shuffle = QCheckBox(tr("Shuffle the items for each learner"), self)
        limit_row = QHBoxLayout()
        limit_row.addWidget(self.limited)
        limit_row.addWidget(self.limit, 1)
        header = QFormLayout()
        header.addRow(tr("Title"), self.title)
        header.addRow(tr("Passing score"), self.passing)
        header.addRow(limit_row)
        header.addRow(self.shuffle)
        for signal in (
            self.title.textChanged,
            self.passing.valueChanged,
            self.limited.toggled,
            self.limit.valueChanged,
            self.shuffle.toggled,
        ):
            signal.connect(self._on_edited)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self._build_items(), 1)
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b00020;")
        self.problems.setAccessibleName(tr("Problems"))
        layout.addWidget(self.problems)
        layout.addLayout(self._build_buttons())

    def _build_items(self) -> QWidget:
        self.items = ItemList(self)
        self.items.currentItemChanged.connect(self._on_current_changed)
        self.items.sig_moved.connect(self._on_edited)
        self.add_button = QToolButton(self)
        self.add_button.setText(tr("Add item"))
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_button)
        self.add_actions = {}
        for test_type in ITEM_TYPES:
            action = menu.addAction(tr(TYPE_NAMES[test_type]))
            action.triggered.connect(lambda _c=False, t=test_type: self.add_item(t))
            self.add_actions[test_type] = action
        self.add_button.setMenu(menu)
        self.remove_button = QPushButton(tr("Remove item"), self)
        self.remove_button.clicked.connect(self.remove_current)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.items, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        column.addLayout(row)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(QLabel(tr("Add an item, or pick one to edit it."), self))
        for test_type in ITEM_TYPES:
            form = ItemForm(test_type, self)
            form.sig_changed.connect(self._on_form_changed)
            self._forms[test_type] = form
            self.stack.addWidget(form)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        # Room for the item list's lines ("Video → words: Which word is signed?") beside a form that still fits.
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.items.setMinimumWidth(self.items.fontMetrics().horizontalAdvance("Video → words: Which word is"))
        return splitter

    def _build_buttons(self) -> QHBoxLayout:
        self.preview_button = QPushButton(tr("Preview"), self)
        self.preview_button.clicked.connect(self.on_preview)
        self.save_button = QPushButton(tr("Save test"), self)
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.clicked.connect(self.on_save)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.preview_button)
        row.addWidget(self.save_button)
        return row

    # state ------------------------------------------------------------------------------------------------

    @property
    def test_id(self) -> str | None:
        return None if self._loaded is None else self._loaded.test_id

    @property
    def dirty(self) -> bool:
        return self._dirty

    def header(self) -> TestHeader:
        return TestHeader(
            title=self.title.text(),
            passing_score=self.passing.value(),
            time_limit_seconds=self.limit.value() if self.limited.isChecked() else None,
            shuffle_items=self.shuffle.isChecked(),
        )

    def drafts(self) -> list[ItemDraft]:
        """The items in list order, the one being edited included with its latest typing."""
        self._commit_form()
        return [self.items.item(i).data(_DRAFT_ROLE) for i in range(self.items.count())]

    def problems_now(self) -> list[str]:
        return all_problems(self.header(), self.drafts())

    def _show(self, loaded: LoadedTest) -> None:
        self._loaded = loaded
        self._showing = None
        widgets = (self.title, self.passing, self.limited, self.limit, self.shuffle)
        for widget in widgets:
            widget.blockSignals(True)
        self.title.setText(loaded.header.title)
        self.passing.setValue(loaded.header.passing_score)
        self.limited.setChecked(loaded.header.time_limit_seconds is not None)
        self.limit.setEnabled(loaded.header.time_limit_seconds is not None)
        self.limit.setValue(loaded.header.time_limit_seconds or 60)
        self.shuffle.setChecked(loaded.header.shuffle_items)
        for widget in widgets:
            widget.blockSignals(False)
        self.items.clear()
        for draft in loaded.items:
            self._append(draft)
        self.items.setCurrentRow(0 if loaded.items else -1)
        if not loaded.items:
            self.stack.setCurrentIndex(0)
        self._dirty = False
        self.problems.clear()

    def _append(self, draft: ItemDraft) -> QListWidgetItem:
        item = QListWidgetItem(summary(draft))
        item.setData(_DRAFT_ROLE, draft)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsDragEnabled)
        self.items.addItem(item)
        return item

    def _commit_form(self) -> None:
        """Copy the visible form back into its list entry."""
        item = self._showing
        if item is None or self.items.row(item) < 0:
            return
        draft: ItemDraft = item.data(_DRAFT_ROLE)
        updated = self._forms[draft.test_type].draft()
        item.setData(_DRAFT_ROLE, updated)
        item.setText(summary(updated))

    # actions ----------------------------------------------------------------------------------------------

    def add_item(self, test_type: str) -> ItemDraft:
        self._commit_form()
        item = self._append(new_item(test_type))
        self.items.setCurrentItem(item)
        self._on_edited()
        draft: ItemDraft = item.data(_DRAFT_ROLE)
        return draft

    @Slot()
    def remove_current(self) -> None:
        row = self.items.currentRow()
        if row < 0:
            return
        self._showing = None
        self.items.takeItem(row)
        self._on_edited()

    def current_form(self) -> ItemForm | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, ItemForm) else None

    @Slot()
    def on_save(self) -> None:
        problems = self.problems_now()
        if problems:
            self.problems.setText("\n".join(problems))
            return
        if self._loaded is None:
            return
        self.problems.clear()
        self.save_button.setEnabled(False)
        loaded, header, drafts = self._loaded, self.header(), self.drafts()
        self._runner.submit(
            lambda conn: save_test(conn, loaded, header, drafts), self._on_saved, self._on_failed
        )

    @Slot()
    def on_preview(self) -> None:
        problems = self.problems_now()
        if problems:
            self.problems.setText("\n".join(problems))
            return
        from desktop.tests_editor.preview import TestPreviewDialog  # noqa: PLC0415 - lazy: only when asked

        self.preview = TestPreviewDialog(self.header(), self.drafts(), self)
        self.preview.open()

    # slots ------------------------------------------------------------------------------------------------

    @Slot(object, object)
    def _on_current_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        self._commit_form()
        self._showing = current
        if current is None:
            self.stack.setCurrentIndex(0)
            return
        draft: ItemDraft = current.data(_DRAFT_ROLE)
        form = self._forms[draft.test_type]
        form.load(draft)
        self.stack.setCurrentWidget(form)

    @Slot()
    def _on_form_changed(self) -> None:
        self._commit_form()
        self._on_edited()

    @Slot()
    def _on_edited(self, *_args: object) -> None:
        self._dirty = True
        if self.problems.text():  # once shown, problems follow the typing so the teacher sees them go
            self.problems.setText("\n".join(self.problems_now()))

    def _alive(self) -> bool:
        """False once the widget is deleted (closed while its job ran on the database thread)."""
        return shiboken6.isValid(self)

    def _on_loaded(self, loaded: LoadedTest) -> None:
        if not self._alive():
            return
        for test_type, form in self._forms.items():
            kind = "image" if test_type == "illustration" else "video"
            form.set_media_choices(loaded.media.get(kind, ()))
        self._show(loaded)
        self.setEnabled(True)
        self.sig_loaded.emit()

    def _on_saved(self, loaded: LoadedTest) -> None:
        if not self._alive():
            return
        self.save_button.setEnabled(True)
        row = self.items.currentRow()
        self._show(loaded)
        self.items.setCurrentRow(row)
        self.sig_saved.emit(str(loaded.test_id))

    def _on_failed(self, error: BaseException) -> None:
        if not self._alive():
            log.warning("a test editor job failed after the editor closed: %s", error)
            return
        self.save_button.setEnabled(True)
        self.setEnabled(self._loaded is not None)
        message = getattr(error, "message", None) or str(error)
        if not isinstance(error, LookupError) and type(error).__module__.split(".")[0] != "localdb":
            log.error("test editor job failed", exc_info=error)
            message = fill(tr("The test could not be saved: %1"), type(error).__name__)
        self.problems.setText(message)
        self.sig_failed.emit(message)
