"""Pulling the change feed (P1-P8 on the device side).

Each page and its cursor are applied in ONE SQLite transaction by `Mirror.apply_page` (P2), with the rules'
merge for rows that have pending local edits (P5); pulled rows never enter the outbox (P4, localdb's
triggers). The cancel flag is checked between pages, so a stopped run leaves the mirror at a page boundary.

With `prefetch=True` the pull is pipelined: while page N is applied, page N+1 is already on its way on one
worker thread (its HTTP wait, JSON parsing and row conversion overlap the SQLite writes). At most one page is
ahead, so memory stays bounded by two pages (P2); the cursor of page N+1 is stored only with page N+1, in its own
transaction; a cancel still stops at a page boundary (the page in flight is dropped unapplied). Only the worker
uses the transport while such a pull runs, and every exit waits for it, so no request outlives the pull.
Without it (the default), each page is fetched only after the previous one was applied, and a cancel sends no
further request.

Pages grow from FIRST_PAGE_ROWS to the engine's page size (see `_Pages`).

Side pulls (`redownload`: P7 back-fill and P8 healing) read one or more tables from the start of the feed with
`p_tables` and apply them under the main cursor, which they leave where it was.

The last page of a pull (schema 8 on) also brings the server's column hashes and, when asked (`counts`), the
per-table counts: `PullTotals.columns` and `.counts` keep them for the engine's back-fill (P7) and check (P8).
With a `clock`, the first request of a pull is timed, for the engine's clock offset (C2, `on_first`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType

from localdb.apply import wide_checkpoints
from localdb.mirror import Mirror
from localdb.tables import TABLES
from sync.errors import AppTooOld, Cancelled, ServerError
from sync.rules import device_merge
from sync.transport import PullPage, TableCount, Transport

__all__ = ["CURSOR_KEY", "FIRST_PAGE_ROWS", "PullTotals", "check_schema", "pull_feed", "redownload"]

log = logging.getLogger(__name__)

CURSOR_KEY = "cursor"
#: The size of a pull's first page when `page_size` is larger (see `_Pages`).
FIRST_PAGE_ROWS = 1000


@dataclass
class PullTotals:
    pulled: int = 0
    merged: int = 0
    conflicts: int = 0
    pages: int = 0
    resets: int = 0
    schema_version: int | None = None
    #: From the last page: the server's column hash per table (P7), and the counts asked for (P8).
    columns: dict[str, str] | None = None
    counts: dict[str, TableCount] | None = None


def check_schema(min_app_schema: int, app_schema: int) -> None:
    if min_app_schema > app_schema:
        raise AppTooOld(f"server needs app schema {min_app_schema}, this app has {app_schema}")


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled("pull cancelled between pages")


def _apply(mirror: Mirror, page: PullPage, cursor: str | None, totals: PullTotals) -> None:
    result = mirror.apply_page(page.rows, cursor, device_merge)
    totals.pulled += len(page.rows)
    totals.merged += result.merged
    totals.conflicts += result.conflicts
    totals.pages += 1
    totals.schema_version = page.schema_version
    if not page.has_more:
        totals.columns, totals.counts = page.columns, page.counts


def replacement_sync(mirror: Mirror) -> None:
    """P6: the cursor fell behind the server's horizon. Drop what the server will send again, keep every
    row with a pending local change (it goes up at the next push), and restart the feed from the beginning."""
    log.warning("the server asked for a replacement sync; pending local changes are kept")
    # Cursor first: a crash half-way through then restarts the whole re-download instead of skipping rows.
    mirror.set_state(CURSOR_KEY, None)
    for spec in reversed(TABLES):  # children first, so local foreign keys hold
        mirror.reset_table(spec.name)


class _Pages:
    """Feed pages, fetched when taken or (with `ahead`) on one worker thread, at most one page ahead.

    Pages grow: the first asks for at most FIRST_PAGE_ROWS, each next one for twice the last, up to `page_size`.
    Nothing overlaps the first fetch or the last apply of a pull, so a small first page starts the pipeline (and
    shows progress) sooner, and big pages then save requests and transactions; a small sync stays one small page.
    """

    def __init__(
        self,
        transport: Transport,
        page_size: int,
        tables: Sequence[str] | None = None,
        *,
        ahead: bool = False,
        counts: Sequence[str] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._transport = transport
        self._page_size = page_size
        self._next_size = min(FIRST_PAGE_ROWS, page_size)
        self._size = self._next_size
        self._tables = list(tables) if tables is not None else None
        self._counts = list(counts) if counts is not None else None
        self._clock = clock
        #: When the first request was sent and its answer received (with a `clock`): C2's measurement.
        self.first_timing: tuple[datetime, datetime] | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull") if ahead else None
        self._pending: Future[PullPage] | None = None
        self._cursor: str | None = None
        self._requested = False

    def __enter__(self) -> _Pages:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._pool is not None:
            # Wait for a request still in flight (it has the transport's timeout): its page is dropped unapplied,
            # and nothing may use the transport behind the engine's back once the pull has ended.
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pending = None

    def request(self, cursor: str | None) -> None:
        """The next page to take is the one after `cursor`; with `ahead`, its fetch starts now."""
        assert not self._requested, "one page ahead at most"
        self._requested, self._cursor = True, cursor
        # Sized here, on the pulling thread, so the worker never touches the sizes.
        self._size, self._next_size = self._next_size, min(self._next_size * 2, self._page_size)
        if self._pool is not None:
            self._pending = self._pool.submit(self._fetch, cursor, self._size)

    def take(self) -> PullPage:
        """The requested page (its error, if the fetch failed)."""
        assert self._requested, "take() without request()"
        self._requested = False
        if self._pending is None:
            return self._fetch(self._cursor, self._size)
        pending, self._pending = self._pending, None
        return pending.result()

    def _fetch(self, cursor: str | None, size: int) -> PullPage:
        # One fetch at a time (request/take), so the first timing is written once, by whichever thread fetches;
        # take() hands it over with the page.
        if self._clock is None or self.first_timing is not None:
            return self._send(cursor, size)
        sent = self._clock()
        page = self._send(cursor, size)
        self.first_timing = (sent, self._clock())
        return page

    def _send(self, cursor: str | None, size: int) -> PullPage:
        return self._transport.pull(cursor, size, self._tables, self._counts)


FirstContact = Callable[[PullPage, datetime, datetime], None]


def pull_feed(
    mirror: Mirror,
    transport: Transport,
    *,
    page_size: int,
    app_schema: int,
    cancel: threading.Event | None = None,
    on_page: Callable[[PullTotals, PullPage], None] | None = None,
    prefetch: bool = False,
    counts: Sequence[str] | None = None,
    clock: Callable[[], datetime] | None = None,
    on_first: FirstContact | None = None,
) -> PullTotals:
    """Pull and apply pages until the feed has no more (P1, P2, P5, P6); `prefetch`: one page fetched ahead.

    `counts`: tables whose counts the last page should carry (`PullTotals.counts`). `on_first(page, sent,
    received)` sees the first answer (with the times `clock` read around its request) before anything of it
    is applied or checked."""
    totals = PullTotals()
    # deferred_search: a download from the feed's start skips the per-page search refresh; rebuilt once at the end.
    with (
        _Pages(transport, page_size, ahead=prefetch, counts=counts, clock=clock) as pages,
        wide_checkpoints(mirror.conn),
        mirror.deferred_search(),
    ):
        pages.request(mirror.get_state(CURSOR_KEY) or None)
        while True:
            _check_cancel(cancel)
            page = pages.take()
            if on_first is not None and pages.first_timing is not None:
                on_first(page, *pages.first_timing)
                on_first = None
            check_schema(page.min_app_schema, app_schema)
            if page.reset:
                if totals.resets:
                    raise ServerError("the server asked for a second reset in one run")
                totals.resets += 1
                replacement_sync(mirror)
                pages.request(None)
                continue
            if page.has_more:
                pages.request(page.cursor)  # with prefetch, page N+1 travels while page N is applied
            _apply(mirror, page, page.cursor, totals)
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
    prefetch: bool = False,
) -> PullTotals:
    """Read `tables` from the start of the feed again (P7 back-fill; P8 heal with `reset`). The totals' `columns`
    are the hashes its last page gave (P7: a column that changed during a back-fill)."""
    if reset:
        order = [spec.name for spec in reversed(TABLES) if spec.name in set(tables)]
        for table in order:
            mirror.reset_table(table)
    totals = PullTotals()
    with _Pages(transport, page_size, tables, ahead=prefetch) as pages, wide_checkpoints(mirror.conn):
        pages.request(None)
        while True:
            _check_cancel(cancel)
            page = pages.take()
            if page.reset:
                raise ServerError("the server asked for a reset during a table re-download")
            if page.has_more:
                pages.request(page.cursor)
            # The main cursor is stored again unchanged: the side pull must not move the feed position.
            _apply(mirror, page, mirror.get_state(CURSOR_KEY) or None, totals)
            if not page.has_more:
                return totals
