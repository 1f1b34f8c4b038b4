"""Undoable field edits of the lesson editor: one command per field change, typing in one field merges."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

#: Every field gets a stable command id, so consecutive edits of one field merge into one undo step.
FIELD_IDS = {
    name: number
    for number, name in enumerate(
        (
            "lesson_code",
            "title",
            "description",
            "lesson_type",
            "difficulty_level",
            "is_active",
            "published",
            "cover_media_id",
        ),
        start=1000,
    )
}
MERGEABLE = {"lesson_code", "title", "description", "cover_media_id"}


class FieldEdit(QUndoCommand):
    """Sets one field of the editor from `old` to `new`; `apply(field, value)` updates widget and draft."""

    def __init__(self, field: str, old: Any, new: Any, apply: Callable[[str, Any], None], label: str) -> None:
        super().__init__(label)
        self.field, self.old, self.new = field, old, new
        self._apply = apply

    def id(self) -> int:
        return FIELD_IDS[self.field] if self.field in MERGEABLE else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, FieldEdit) or other.field != self.field:
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        self._apply(self.field, self.new)

    def undo(self) -> None:
        self._apply(self.field, self.old)
