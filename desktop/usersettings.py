"""The signed-in person's own settings row (`user_settings`): the theme follows them across devices.

Reads and writes go through localdb's repo; the mirror's triggers stamp and queue the change like any other.
"""

from __future__ import annotations

import logging
import sqlite3

from localdb import repo

log = logging.getLogger(__name__)

THEMES = ("light", "dark", "system")


def read_theme(conn: sqlite3.Connection, user_id: str | None) -> str | None:
    if not user_id:
        return None
    theme = repo.read_user_settings(conn, user_id=user_id).get("app_theme")
    return theme if theme in THEMES else None


def write_theme(conn: sqlite3.Connection, *, user_id: str, organisation_id: str, theme: str) -> None:
    if theme not in THEMES:
        raise ValueError(theme)
    if read_theme(conn, user_id) != theme:
        repo.update_user_settings(conn, user_id=user_id, organisation_id=organisation_id, app_theme=theme)
