"""Test items as the editor holds them before saving, their JSON shapes, and validation in plain words.

The shapes are docs/data-model.md's "Test item shapes" and follow localdb's grading, so a saved item grades as the
editor meant it:

| type | `test_content` | `test_options` | `correct_answer` |
|---|---|---|---|
| vid2text | `{"video": media ref, "prompt": text}` | text choices | the right choice's text |
| text2vid | `{"text": the words to sign}` | video media refs | the right video's ref |
| illustration | `{"image": media ref, "prompt": text}` | text choices | the right choice's text |
| ordering | `{"prompt": text}` | the parts, in the right order | the parts, in the right order |

A media ref is a `media_assets` id or a file path/URL, as the teacher typed or chose it. Ordering items keep
the right order in both columns; whoever shows the item (the preview, the learner's screen) mixes the parts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from desktop.i18n import fill

log = logging.getLogger(__name__)

ITEM_TYPES = ("vid2text", "text2vid", "illustration", "ordering")
#: What a teacher reads for each type.
TYPE_NAMES = {
    "vid2text": QT_TRANSLATE_NOOP("", "Video → words"),
    "text2vid": QT_TRANSLATE_NOOP("", "Words → video"),
    "illustration": QT_TRANSLATE_NOOP("", "Picture"),
    "ordering": QT_TRANSLATE_NOOP("", "Put in order"),
}
#: The content key that holds each type's media reference, if it has one.
MEDIA_KEY = {"vid2text": "video", "illustration": "image"}
#: The content key that holds each type's text.
TEXT_KEY = {"vid2text": "prompt", "text2vid": "text", "illustration": "prompt", "ordering": "prompt"}
MIN_CHOICES = 2


def tr(source: object) -> str:
    """Translated text; the context is "" because that is where pyside6-lupdate files a bare `tr("...")`.
    `source` is a str (QT_TRANSLATE_NOOP's marks are typed as object)."""
    return QCoreApplication.translate("", str(source))


@dataclass(frozen=True)
class TestHeader:
    """The test's own fields (the `tests` row)."""

    __test__ = False  # not a pytest class, despite the name

    title: str = ""
    passing_score: int = 50
    time_limit_seconds: int | None = None
    shuffle_items: bool = False


@dataclass(frozen=True)
class ItemDraft:
    """One `tests_content` row as edited; `id` is None until it is first saved."""

    test_type: str
    content: dict[str, Any] = field(default_factory=dict)
    options: list[Any] = field(default_factory=list)
    correct_answer: Any = None
    id: str | None = None

    def with_changes(self, **changes: Any) -> ItemDraft:
        return replace(self, **changes)

    @property
    def media(self) -> str:
        key = MEDIA_KEY.get(self.test_type)
        return str(self.content.get(key) or "") if key else ""

    @property
    def text(self) -> str:
        return str(self.content.get(TEXT_KEY[self.test_type]) or "")


def new_item(test_type: str) -> ItemDraft:
    if test_type not in ITEM_TYPES:
        raise ValueError(f"unknown item type {test_type!r}")
    return ItemDraft(test_type=test_type)


def summary(draft: ItemDraft) -> str:
    """One line for the item list: type and the start of its text or media."""
    what = draft.text or draft.media or tr("(empty)")
    if len(what) > 48:
        what = what[:47] + "…"
    return fill(tr("%1: %2"), tr(TYPE_NAMES.get(draft.test_type, draft.test_type)), what)


def _clean(values: Sequence[Any]) -> list[str]:
    return [str(v).strip() for v in values]


def item_problems(draft: ItemDraft) -> list[str]:
    """What stops this item from being saved, in plain words (empty when it is fine)."""
    problems: list[str] = []
    options = _clean(draft.options)
    media_key = MEDIA_KEY.get(draft.test_type)
    if media_key and not draft.media.strip():
        problems.append(tr("Choose the video.") if media_key == "video" else tr("Choose the picture."))
    if draft.test_type == "text2vid" and not draft.text.strip():
        problems.append(tr("Write the words the learner will read."))
    if draft.test_type == "ordering":
        if len([o for o in options if o]) < MIN_CHOICES:
            problems.append(tr("Give at least two parts to put in order."))
        elif any(not o for o in options):
            problems.append(tr("One of the parts is empty."))
        elif len(set(options)) != len(options):
            problems.append(tr("Two parts are the same; the learner could not tell them apart."))
        return problems
    if len([o for o in options if o]) < MIN_CHOICES:
        problems.append(tr("Give at least two choices."))
    elif any(not o for o in options):
        problems.append(tr("One of the choices is empty."))
    elif len(set(options)) != len(options):
        problems.append(tr("Two choices are the same."))
    if draft.correct_answer is None or str(draft.correct_answer).strip() not in options:
        problems.append(tr("Mark the correct answer among the choices."))
    return problems


def header_problems(header: TestHeader) -> list[str]:
    problems: list[str] = []
    if not header.title.strip():
        problems.append(tr("The test needs a title."))
    if not 0 <= header.passing_score <= 100:
        problems.append(tr("The passing score must be between 0 and 100."))
    if header.time_limit_seconds is not None and header.time_limit_seconds <= 0:
        problems.append(tr("The time limit must be more than 0 seconds, or none."))
    return problems


def all_problems(header: TestHeader, drafts: Sequence[ItemDraft]) -> list[str]:
    """Every problem of the test, each item's prefixed with its number, so the teacher can find it."""
    problems = header_problems(header)
    if not drafts:
        problems.append(tr("Add at least one item."))
    for number, draft in enumerate(drafts, start=1):
        problems += [fill(tr("Item %1: %2"), number, p) for p in item_problems(draft)]
    return problems


def normalised(draft: ItemDraft) -> ItemDraft:
    """The draft as it is saved: texts trimmed, and for ordering the answer is the parts' order."""
    options = _clean(draft.options)
    content = {k: (v.strip() if isinstance(v, str) else v) for k, v in draft.content.items()}
    if draft.test_type == "ordering":
        return draft.with_changes(content=content, options=options, correct_answer=list(options))
    answer = None if draft.correct_answer is None else str(draft.correct_answer).strip()
    return draft.with_changes(content=content, options=options, correct_answer=answer)
