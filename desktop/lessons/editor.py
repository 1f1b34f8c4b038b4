"""The lesson editor: fields with undo, notes, a test tab, validation in plain words, saves on the worker."""

from __future__ import annotations

import copy
import logging
import sqlite3
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import fill
from desktop.lessons import data
from desktop.lessons.model import type_words
from desktop.lessons.notes import NotesEditor
from desktop.lessons.undo import FieldEdit
from desktop.workers import DbRunner

log = logging.getLogger(__name__)

ERROR_STYLE = "color: #c62828;"


class LessonEditor(QWidget):
    """Edits one lesson (new or existing). Saves through the database worker; never blocks the window."""

    sig_saved = Signal(str)
    """The lesson was saved. Arguments: the lesson id."""

    sig_loaded = Signal(str)
    """A lesson was loaded into the editor. Arguments: the lesson id ("" for a new lesson)."""

    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        #: Who new lessons and notes belong to; the app sets it once the profile's rows are known.
        self.author: data.Author | None = None
        self.draft = data.LessonDraft()
        self.original: data.LessonDraft | None = None
        self._applying = False
        self._notes_dirty = False
        self.saving = False
        self.undo_stack = QUndoStack(self)
        self._build_fields()
        self._build_layout()
        self._connect()
        self.setEnabled(False)

    # -- construction ----------------------------------------------------------------------------------------

    def _build_fields(self) -> None:
        self.code = QLineEdit()
        self.title = QLineEdit()
        self.description = QPlainTextEdit()
        self.description.setMaximumHeight(140)  # a paragraph or two; the notes hold the long text
        self.lesson_type = QComboBox()
        for key in data.LESSON_TYPES:
            self.lesson_type.addItem(type_words(key), key)
        self.difficulty = QSpinBox()
        self.difficulty.setRange(min(data.DIFFICULTIES), max(data.DIFFICULTIES))
        self.active = QCheckBox(self.tr("Active (learners can use it)"))
        self.published = QCheckBox(self.tr("Published"))
        self.cover = QLineEdit()
        self.cover.setPlaceholderText(self.tr("optional: a media id from the media library"))
        self.notes = NotesEditor()
        names = {
            self.code: self.tr("Lesson code"),
            self.title: self.tr("Title"),
            self.description: self.tr("Description"),
            self.lesson_type: self.tr("Lesson type"),
            self.difficulty: self.tr("Difficulty from 1 to 5"),
            self.active: self.tr("Active"),
            self.published: self.tr("Published"),
            self.cover: self.tr("Cover media"),
        }
        for widget, name in names.items():
            widget.setAccessibleName(name)
        self.errors: dict[str, QLabel] = {}
        for field in ("lesson_code", "title", "description", "cover_media_id", "notes"):
            label = QLabel()
            label.setStyleSheet(ERROR_STYLE)
            label.setWordWrap(True)
            label.setAccessibleName(self.tr("Problem"))
            label.hide()
            self.errors[field] = label
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Editor message"))
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setAccessibleName(self.tr("Save lesson"))

    def _build_layout(self) -> None:
        form_page = QWidget()
        page_layout = QVBoxLayout(form_page)
        form = QFormLayout()
        page_layout.addLayout(form)
        page_layout.addStretch(1)  # rows stay together at the top instead of spreading over the page
        form.addRow(self.tr("&Code"), self.code)
        form.addRow("", self.errors["lesson_code"])
        form.addRow(self.tr("&Title"), self.title)
        form.addRow("", self.errors["title"])
        form.addRow(self.tr("&Description"), self.description)
        form.addRow("", self.errors["description"])
        form.addRow(self.tr("T&ype"), self.lesson_type)
        form.addRow(self.tr("Di&fficulty"), self.difficulty)
        form.addRow("", self.active)
        form.addRow("", self.published)
        form.addRow(self.tr("Co&ver"), self.cover)
        form.addRow("", self.errors["cover_media_id"])
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        notes_page = QWidget()
        notes_layout = QVBoxLayout(notes_page)
        notes_layout.addWidget(self.notes)
        notes_layout.addWidget(self.errors["notes"])
        self.tabs = QTabWidget()
        self.tabs.addTab(form_page, self.tr("Lesson"))
        self.tabs.addTab(notes_page, self.tr("Notes"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

    def _connect(self) -> None:
        self.code.textEdited.connect(lambda v: self._on_user_edit("lesson_code", v))
        self.title.textEdited.connect(lambda v: self._on_user_edit("title", v))
        self.description.textChanged.connect(
            lambda: self._on_user_edit("description", self.description.toPlainText())
        )
        self.lesson_type.currentIndexChanged.connect(
            lambda _i: self._on_user_edit("lesson_type", self.lesson_type.currentData())
        )
        self.difficulty.valueChanged.connect(lambda v: self._on_user_edit("difficulty_level", int(v)))
        self.active.toggled.connect(lambda v: self._on_user_edit("is_active", bool(v)))
        self.published.toggled.connect(lambda v: self._on_user_edit("published", bool(v)))
        self.cover.textEdited.connect(lambda v: self._on_user_edit("cover_media_id", v))
        self.notes.sig_changed.connect(self.on_notes_changed)
        self.save_button.clicked.connect(self.save)

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Mount another per-lesson panel (the test editor) beside the lesson's fields and notes."""
        return self.tabs.addTab(widget, title)

    # -- state -----------------------------------------------------------------------------------------------

    @property
    def lesson_id(self) -> str | None:
        return self.draft.id

    def is_dirty(self) -> bool:
        return self.isEnabled() and (not self.undo_stack.isClean() or self._notes_dirty)

    def new_lesson(self) -> None:
        self._show(data.LessonDraft(), None)
        self.title.setFocus()

    def load(self, lesson_id: str) -> None:
        self.message.setText(self.tr("Opening…"))
        self._runner.submit(
            lambda conn: data.load_lesson(conn, lesson_id),
            lambda draft: self._show(draft, copy.deepcopy(draft)),
            self._on_load_error,
        )

    def _on_load_error(self, error: BaseException) -> None:
        if isinstance(error, LookupError):
            self.message.setText(self.tr("This lesson is no longer on this PC."))
            return
        raise error

    def _show(self, draft: data.LessonDraft, original: data.LessonDraft | None) -> None:
        self.draft, self.original = draft, original
        self._applying = True
        try:
            for field in (
                "lesson_code",
                "title",
                "description",
                "lesson_type",
                "difficulty_level",
                "is_active",
                "published",
                "cover_media_id",
            ):
                self._set_widget(field, getattr(draft, field))
            self.notes.set_notes(draft.notes)
        finally:
            self._applying = False
        self._notes_dirty = False
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self._show_problems({})
        self.message.setText("")
        self.heading.setText(draft.title or self.tr("New lesson"))
        self.setEnabled(True)
        self.sig_loaded.emit(draft.id or "")

    def clear(self) -> None:
        self._show(data.LessonDraft(), None)
        self.setEnabled(False)
        self.heading.setText("")

    # -- edits and undo --------------------------------------------------------------------------------------

    def _on_user_edit(self, field: str, value: Any) -> None:
        if self._applying:
            return
        old = getattr(self.draft, field)
        if old == value:
            return
        label = fill(self.tr("Edit %1"), field.replace("_", " "))
        self.undo_stack.push(FieldEdit(field, old, value, self._apply, label))

    def _apply(self, field: str, value: Any) -> None:
        setattr(self.draft, field, value)
        self._applying = True
        try:
            self._set_widget(field, value)
        finally:
            self._applying = False
        if field in self.errors:
            self.errors[field].hide()

    def _set_widget(self, field: str, value: Any) -> None:
        """Set a widget only when it differs, so a fresh edit leaves the cursor where the person types."""
        if field in ("lesson_code", "title", "cover_media_id"):
            widget = {"lesson_code": self.code, "title": self.title, "cover_media_id": self.cover}[field]
            if widget.text() != value:
                widget.setText(value)
        elif field == "description":
            if self.description.toPlainText() != value:
                self.description.setPlainText(value)
        elif field == "lesson_type":
            self.lesson_type.setCurrentIndex(max(0, self.lesson_type.findData(value)))
        elif field == "difficulty_level":
            self.difficulty.setValue(int(value))
        elif field == "is_active":
            self.active.setChecked(bool(value))
        elif field == "published":
            self.published.setChecked(bool(value))

    @Slot()
    def on_notes_changed(self) -> None:
        self._notes_dirty = True
        self.errors["notes"].hide()

    # -- save ------------------------------------------------------------------------------------------------

    def _show_problems(self, problems: dict[str, str]) -> None:
        for field, label in self.errors.items():
            text = problems.get(field, "")
            label.setText(self.tr(text) if text else "")
            label.setVisible(bool(text))
        other = [text for field, text in problems.items() if field not in self.errors]
        if other:
            self.message.setText(" ".join(other))

    @Slot()
    def save(self) -> None:
        if not self.isEnabled() or self.saving:
            return
        self.draft.notes = self.notes.notes()
        problems = data.validate(self.draft)
        self._show_problems(problems)
        if problems:
            self.message.setText(self.tr("Please fix the marked fields, then save again."))
            if "notes" in problems:
                self.tabs.setCurrentIndex(1)
            return
        draft, original, author = copy.deepcopy(self.draft), self.original, self.author
        if author is None:
            self.message.setText(self.tr("Still opening your profile; save again in a moment."))
            return
        self.saving = True
        self.save_button.setEnabled(False)
        self.message.setText(self.tr("Saving…"))

        def job(conn: sqlite3.Connection) -> data.LessonDraft:
            draft.id = data.save_lesson(conn, draft, original, author)
            return data.load_lesson(conn, draft.id)

        self._runner.submit(job, self._on_saved, self._on_save_error)

    def _on_saved(self, saved: data.LessonDraft) -> None:
        self._finish_saving()
        keep_index = self.tabs.currentIndex()
        self._show(saved, copy.deepcopy(saved))
        self.tabs.setCurrentIndex(keep_index)
        self.message.setText(self.tr("Saved on this PC."))
        self.sig_saved.emit(saved.id or "")

    def _on_save_error(self, error: BaseException) -> None:
        self._finish_saving()
        field = getattr(error, "field", None)
        message = getattr(error, "message", None)
        if field is not None and message is not None:
            self._show_problems({str(field): str(message)})
            if str(field) not in self.errors:
                self.message.setText(str(message))
            else:
                self.message.setText(self.tr("Please fix the marked fields, then save again."))
            return
        self.message.setText(fill(self.tr("Not saved: %1"), plain_error(error)))
        log.error("saving a lesson failed", exc_info=error)

    def _finish_saving(self) -> None:
        self.saving = False
        self.save_button.setEnabled(True)


def plain_error(error: BaseException) -> str:
    """A short sentence for a storage problem, never a traceback."""
    name = type(error).__name__
    if name == "DiskFull":
        return QCoreApplication.translate("LessonEditor", "the disk is full. Free some space and save again.")
    if name == "MirrorLocked" or (isinstance(error, sqlite3.OperationalError) and "locked" in str(error)):
        return QCoreApplication.translate("LessonEditor", "the lesson store is busy. Try again in a moment.")
    if isinstance(error, sqlite3.DatabaseError) and "not authorized" in str(error):
        # The mirror refuses every write once its check found the file damaged (localdb.mirror).
        return QCoreApplication.translate(
            "LessonEditor",
            "the local data file is damaged, so nothing more is saved into it. Close TutorDesk and open it "
            "again to start a fresh one.",
        )
    return QCoreApplication.translate(
        "LessonEditor", "an unexpected problem with the lesson store. The details are in the log file."
    )
