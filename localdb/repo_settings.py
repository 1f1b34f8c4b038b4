"""A person's own settings row (`user_settings`, one per user): theme, language, reminders, daily goal, sync.

Created on the first change, then updated field by field, so a theme changed on one device and a language on
another both survive the merge (C1 is per field).
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from localdb.repo_base import UNSET, ValidationError, given, new_id, set_columns, write

__all__ = ["THEMES", "read_user_settings", "update_user_settings"]

log = logging.getLogger(__name__)

THEMES = ("light", "dark", "system")
_COLUMNS = ("app_theme", "language", "notifications_enabled", "daily_goal_minutes", "sync_interval_minutes")


def _minutes(field: str, value: Any, top: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
        raise ValidationError(field, f"Choose a number of minutes from 1 to {top}.")
    return value


def _checked(changes: dict[str, Any]) -> dict[str, Any]:
    if "app_theme" in changes and changes["app_theme"] not in (*THEMES, None):
        raise ValidationError("app_theme", "The theme must be light, dark or system.")
    if "language" in changes and changes["language"] is not None:
        changes["language"] = str(changes["language"]).strip() or None
    if "notifications_enabled" in changes and changes["notifications_enabled"] is not None:
        changes["notifications_enabled"] = 1 if changes["notifications_enabled"] else 0
    if "daily_goal_minutes" in changes:
        changes["daily_goal_minutes"] = _minutes("daily_goal_minutes", changes["daily_goal_minutes"], 24 * 60)
    if "sync_interval_minutes" in changes:
        changes["sync_interval_minutes"] = _minutes(
            "sync_interval_minutes", changes["sync_interval_minutes"], 1440
        )
    return changes


def read_user_settings(conn: sqlite3.Connection, *, user_id: str) -> dict[str, Any]:
    """The user's settings (column -> value; booleans as bool), or {} when they have never changed one."""
    row = conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM user_settings WHERE user_id = ? AND deleted_at IS NULL"
        " ORDER BY created_at LIMIT 1",
        (user_id,),
    ).fetchone()
    if row is None:
        return {}
    values = dict(zip(_COLUMNS, row, strict=True))
    if values["notifications_enabled"] is not None:
        values["notifications_enabled"] = bool(values["notifications_enabled"])
    return values


def update_user_settings(
    conn: sqlite3.Connection,
    *,
    user_id: str,
    organisation_id: str,
    app_theme: Any = UNSET,
    language: Any = UNSET,
    notifications_enabled: Any = UNSET,
    daily_goal_minutes: Any = UNSET,
    sync_interval_minutes: Any = UNSET,
) -> None:
    """Change the given settings of a user (creating their settings row on the first change)."""
    changes = _checked(
        given(
            app_theme=app_theme, language=language, notifications_enabled=notifications_enabled,
            daily_goal_minutes=daily_goal_minutes, sync_interval_minutes=sync_interval_minutes,
        )
    )  # fmt: skip
    if not changes:
        return
    with write(conn):
        row = conn.execute(
            "SELECT id FROM user_settings WHERE user_id = ? AND deleted_at IS NULL"
            " ORDER BY created_at LIMIT 1",
            (user_id,),
        ).fetchone()
        if row is not None:
            set_columns(conn, "user_settings", str(row[0]), changes)
            return
        values = {"id": new_id(), "organisation_id": organisation_id, "user_id": user_id, **changes}
        marks = ", ".join("?" for _ in values)
        conn.execute(
            f"INSERT INTO user_settings ({', '.join(values)}) VALUES ({marks})", list(values.values())
        )
