"""The signed-in person's own settings row (`user_settings`): the theme follows them across devices.

localdb's repo has no user_settings operation yet, so the two statements live here; the mirror's triggers
stamp and queue this write like any other (U1). Move them into localdb.repo when it grows one.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid

from localdb.repo_base import write

log = logging.getLogger(__name__)

THEMES = ("light", "dark", "system")


def read_theme(conn: sqlite3.Connection, user_id: str | None) -> str | None:
    if not user_id:
        return None
    row = conn.execute(
        "SELECT app_theme FROM user_settings WHERE user_id = ? AND deleted_at IS NULL", (user_id,)
    ).fetchone()
    theme = row[0] if row else None
    return theme if theme in THEMES else None


def write_theme(conn: sqlite3.Connection, *, user_id: str, organisation_id: str, theme: str) -> None:
    if theme not in THEMES:
        raise ValueError(theme)
    with write(conn):
        row = conn.execute("SELECT id, app_theme FROM user_settings WHERE user_id = ?", (user_id,)).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO user_settings (id, organisation_id, user_id, app_theme) VALUES (?, ?, ?, ?)",
                (str(uuid.uuid4()), organisation_id, user_id, theme),
            )
        elif row[1] != theme:
            conn.execute("UPDATE user_settings SET app_theme = ? WHERE id = ?", (theme, row[0]))
