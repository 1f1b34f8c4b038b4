"""Grading a learner's answers against a test's items: pure functions, no database.

Item shapes (the JSON in `tests_content`), by `test_type`:

- `vid2text`: watch a video, give its words. `correct_answer` is the accepted text, or a list of accepted
  texts; the answer is text. Compared ignoring case, surrounding or repeated spaces and final punctuation.
- `text2vid`: read a text, pick the video that signs it; `illustration`: pick the picture. `test_options` is
  the list of choices, each a value or an object with an "id"; `correct_answer` is the right choice's value
  (or a list of values that are all accepted); the answer is one choice's value.
- `ordering`: put pieces in order. `correct_answer` is the list in the right order; the answer is a list.
  Partial credit: the share of positions holding the right piece.

Each item gives a credit in [0, 1]; the score is 100 x the mean credit, rounded to 2 decimals.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["CHOICE_TYPES", "ITEM_TYPES", "Grade", "GradedItem", "grade", "item_credit"]

log = logging.getLogger(__name__)

ITEM_TYPES = ("vid2text", "text2vid", "illustration", "ordering")
CHOICE_TYPES = ("text2vid", "illustration")
DEFAULT_PASSING_SCORE = 50


@dataclass(frozen=True)
class GradedItem:
    """The grading input for one item: what `tests_content` holds, JSON parsed."""

    id: str
    test_type: str
    correct_answer: Any


@dataclass(frozen=True)
class Grade:
    score: float
    passed: bool
    credits: Mapping[str, float]


def _normal_text(value: Any) -> str:
    text = unicodedata.normalize("NFC", str(value)).casefold()
    return " ".join(text.split()).rstrip(".!?¡¿。,;:").strip()


def _accepted(correct: Any) -> list[Any]:
    return list(correct) if isinstance(correct, list) else [correct]


def _ordering_credit(correct: Any, answer: Any) -> float:
    if not isinstance(correct, list) or not correct or not isinstance(answer, list):
        return 0.0
    right = sum(1 for i, piece in enumerate(correct) if i < len(answer) and answer[i] == piece)
    return right / len(correct)


def item_credit(item: GradedItem, answer: Any) -> float:
    """The credit in [0, 1] an answer earns on one item; no answer earns 0."""
    if answer is None:
        return 0.0
    if item.test_type == "vid2text":
        given = _normal_text(answer)
        return 1.0 if any(given == _normal_text(a) for a in _accepted(item.correct_answer)) else 0.0
    if item.test_type in CHOICE_TYPES:
        return 1.0 if answer in _accepted(item.correct_answer) else 0.0
    if item.test_type == "ordering":
        return _ordering_credit(item.correct_answer, answer)
    log.warning("test item %s has an unknown type; it earns no credit", item.id)
    return 0.0


def grade(items: Sequence[GradedItem], answers: Mapping[str, Any], passing_score: int | None) -> Grade:
    """Score an answer set (item id -> answer) against the items; passed when score >= passing_score."""
    if not items:
        raise ValueError("a test without items cannot be graded")
    credits = {item.id: item_credit(item, answers.get(item.id)) for item in items}
    score = round(100.0 * sum(credits.values()) / len(items), 2)
    threshold = DEFAULT_PASSING_SCORE if passing_score is None else passing_score
    return Grade(score, score >= threshold, credits)
