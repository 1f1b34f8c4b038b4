"""Pulling the change feed (P1-P8 on the device side).

Each page and its cursor are applied in ONE SQLite transaction by `Mirror.apply_page` (P2), with the rules'
merge for rows that have pending local edits (P5); pulled rows never enter the outbox (P4, localdb's
triggers). The cancel flag is checked between pages, so a stopped run leaves the mirror at a page boundary.

Side pulls (`redownload`: P7 back-fill and P8 healing) read one or more tables from the start of the feed with
`p_tables` and apply them under the main cursor, which they leave where it was.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from localdb.mirror import Mirror
from localdb.tables import TABLES
from sync.errors import AppTooOld, Cancelled, ServerError
from sync.local_changes import merge_for
from sync.transport import PullPage, Transport

__all__ = ["CURSOR_KEY", "PullTotals", "check_schema", "pull_feed", "redownload"]

log = logging.getLogger(__name__)

CURSOR_KEY = "cursor"


@dataclass
class PullTotals:
    pulled: int = 0
    merged: int = 0
    conflicts: int = 0
    pages: int = 0
    resets: int = 0
    schema_version: int | None = None


def check_schema(min_app_schema: int, app_schema: int) -> None:
    if min_app_schema > app_schema:
        raise AppTooOld(f"server needs app schema {min_app_schema}, this app has {app_schema}")


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled("pull cancelled between pages")


def _apply(mirror: Mirror, page: PullPage, cursor: str | None, totals: PullTotals) -> None:
    result = mirror.apply_page(page.rows, cursor, merge_for(mirror))
    totals.pulled += len(page.rows)
    totals.merged += result.merged
    totals.conflicts += result.conflicts
    totals.pages += 1
    totals.schema_version = page.schema_version


def replacement_sync(mirror: Mirror) -> None:
    """P6: the cursor fell behind the server's horizon. Drop what the server will send again, keep every
    row with a pending local change (it goes up at the next push), and restart the feed from the beginning."""
    log.warning("the server asked for a replacement sync; pending local changes are kept")
    # Cursor first: a crash half-way through then restarts the whole re-download instead of skipping rows.
    mirror.set_state(CURSOR_KEY, None)
    for spec in reversed(TABLES):  # children first, so local foreign keys hold
        mirror.reset_table(spec.name)


def pull_feed(
    mirror: Mirror,
    transport: Transport,
    *,
    page_size: int,
    app_schema: int,
    cancel: threading.Event | None = None,
    on_page: Callable[[PullTotals, PullPage], None] | None = None,
) -> PullTotals:
    """Pull and apply pages until the feed has no more (P1, P2, P5, P6)."""
    totals = PullTotals()
    cursor = mirror.get_state(CURSOR_KEY) or None
    while True:
        _check_cancel(cancel)
        page = transport.pull(cursor, page_size)
        check_schema(page.min_app_schema, app_schema)
        if page.reset:
            if totals.resets:
                raise ServerError("the server asked for a second reset in one run")
            totals.resets += 1
            replacement_sync(mirror)
            cursor = None
            continue
        _apply(mirror, page, page.cursor, totals)
        cursor = page.cursor
        if on_page is not None:
            on_page(totals, page)
        if not page.has_more:
            return totals


def redownload(
    mirror: Mirror,
    transport: Transport,
    tables: Sequence[str],
    *,
    page_size: int,
    reset: bool,
    cancel: threading.Event | None = None,
) -> int:
    """Read `tables` from the start of the feed again (P7 back-fill; P8 heal with `reset`). Returns rows."""
    if reset:
        order = [spec.name for spec in reversed(TABLES) if spec.name in set(tables)]
        for table in order:
            mirror.reset_table(table)
    totals = PullTotals()
    side_cursor: str | None = None
    while True:
        _check_cancel(cancel)
        page = transport.pull(side_cursor, page_size, list(tables))
        if page.reset:
            raise ServerError("the server asked for a reset during a table re-download")
        # The main cursor is stored again unchanged: the side pull must not move the feed position.
        _apply(mirror, page, mirror.get_state(CURSOR_KEY) or None, totals)
        side_cursor = page.cursor
        if not page.has_more:
            return totals.pulled
