"""Pulling the change feed (P1-P8 on the device side).

Each page and its cursor are applied in ONE SQLite transaction by `Mirror.apply_page` (P2), with the rules'
merge for rows that have pending local edits (P5); pulled rows never enter the outbox (P4, localdb's
triggers). The cancel flag is checked between pages, so a stopped run leaves the mirror at a page boundary.

With `prefetch=True` the pull is pipelined on worker threads: while page N is applied, the next pages are on
their way, decoded and checked there. Against a server of schema 9 on, the next two pages are asked for as soon as
an answer's first bytes name where it ended (one of them by skipping, `p_skip`), so the server builds two pages at
a time ("Reading ahead" in docs/sync-protocol.md and `_Pages`); older servers get one page ahead. Either way at most
a few pages are ahead (P2's memory bound), each page's cursor is stored only with that page, in its own
transaction, and a cancel still stops at a page boundary (pages in flight are dropped unapplied). Only the workers
use the transport while such a pull runs, and every exit waits for them, so no request outlives the pull.
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
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TypeVar

from localdb.apply import wide_checkpoints
from localdb.mirror import Mirror
from localdb.tables import TABLES
from sync.errors import AppTooOld, Cancelled, ServerError
from sync.rules import device_merge
from sync.transport import PeekingTransport, PullPage, TableCount, Transport

__all__ = ["CURSOR_KEY", "FIRST_PAGE_ROWS", "PullTotals", "check_schema", "pull_feed", "redownload"]

log = logging.getLogger(__name__)

CURSOR_KEY = "cursor"
#: The size of a pull's first page when `page_size` is larger (see `_Pages`).
FIRST_PAGE_ROWS = 1000
_A = TypeVar("_A")


@dataclass
class PullTotals:
    pulled: int = 0
    merged: int = 0
    conflicts: int = 0
    pages: int = 0
    resets: int = 0
    #: Pages read ahead that did not join the page before them (rows changed on the server), asked for again.
    dropped: int = 0
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
    """Feed pages in feed order: fetched when taken, or (with `ahead`) on worker threads ahead of the one applied.

    Pages grow: the first asks for at most FIRST_PAGE_ROWS, each next one for twice the last, up to `page_size`.
    Nothing overlaps the first fetch or the last apply of a pull, so a small first page starts the pipeline (and
    shows progress) sooner, and big pages then save requests and transactions; a small sync stays one small page.

    Reading ahead (schema 9 on; docs/sync-protocol.md): a transport that hands over an answer before decoding it
    (`PeekingTransport`) tells from its first bytes the cursor page N ended at. The request for page N+1 then goes
    out at once, and with it one for page N+2 that skips as many entries as page N+1 asked for (`p_skip`): the
    server builds two pages at a time while the device decodes one and applies another. A page read that way is
    used only when the entry it says it skipped last (`after`) is exactly where the page before it ended; if not
    (rows changed on the server in between), it and the pages asked after it are dropped and asked again without
    skip, so the pages applied are the ones a one-at-a-time pull would apply (P1). At most AHEAD pages are
    requested or held beyond the one being applied (P2's memory bound). Without a head to read (older servers,
    other transports), the next request goes out when a page is taken: one page ahead.
    """

    #: Pages requested or held beyond the one being applied.
    AHEAD = 3

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
        self._peeking = isinstance(transport, PeekingTransport)
        self._page_size = page_size
        self._tables = list(tables) if tables is not None else None
        self._counts = list(counts) if counts is not None else None
        self._clock = clock
        #: When the first request was sent and its answer received (with a `clock`): C2's measurement.
        self.first_timing: tuple[datetime, datetime] | None = None
        #: Pages read ahead and dropped because rows changed between them (for the log and tests).
        self.dropped = 0
        workers = self.AHEAD if self._peeking else 1
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sync-pull") if ahead else None
        self._lock = threading.Lock()
        # Under the lock: the slots requested and not yet taken (feed order), the ones waiting for room, the index
        # of the next slot to request, and a generation that drops what was asked on a guess that failed.
        self._queue: deque[_Slot] = deque()
        self._waiting: deque[_Slot] = deque()
        self._next = 0
        self._generation = 0
        self._closed = False
        #: The cursor the page taken last ended at (where the next page must start); set by `request` and `take`.
        self._last: str | None = None

    def __enter__(self) -> _Pages:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with self._lock:
            self._closed = True  # no worker sends anything more
            self._waiting.clear()
        if self._pool is not None:
            # Wait for requests still in flight (each has the transport's timeout): their pages are dropped
            # unapplied, and nothing may use the transport behind the engine's back once the pull has ended.
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._queue.clear()

    def _size(self, index: int) -> int:
        return min(FIRST_PAGE_ROWS << min(index, 16), self._page_size)

    def request(self, cursor: str | None) -> None:
        """The next page to take is the one right after `cursor`: the first page, a restart after a reset, or the
        next page when its predecessor's answer did not name it ahead. Anything asked ahead before is dropped."""
        with self._lock:
            self._generation += 1
            self._queue.clear()
            self._waiting.clear()
            self._last = cursor
            self._ask(_Slot(self._next, cursor, 0, self._generation))

    def _ask(self, slot: _Slot) -> None:
        """Request `slot` now, or when a page is taken if AHEAD are out already (under the lock)."""
        self._next = slot.index + 1
        slot.size = self._size(slot.index)
        if self._pool is None:
            self._queue.append(slot)  # fetched by take()
        elif len(self._queue) < self.AHEAD and not self._waiting:
            slot.future = self._pool.submit(self._fetch_ahead, slot)
            self._queue.append(slot)
        else:
            self._waiting.append(slot)

    def take(self) -> PullPage:
        """The next page in feed order (its error, if the fetch failed)."""
        while True:
            with self._lock:
                assert self._queue, "take() without request()"
                slot = self._queue.popleft()
                while self._waiting and len(self._queue) < self.AHEAD and self._pool is not None:
                    waiting = self._waiting.popleft()
                    waiting.future = self._pool.submit(self._fetch_ahead, waiting)
                    self._queue.append(waiting)
            page = self._plain(slot) if slot.future is None else slot.future.result()
            if (page.after if slot.skip else slot.cursor) != self._last:
                # Read ahead on a guess that failed (rows changed on the server between the two reads): ask for
                # this page again, right after the last one taken.
                self.dropped += 1
                log.info("a page read ahead did not join the one before it; asking for it again")
                with self._lock:
                    self._generation += 1
                    self._queue.clear()
                    self._waiting.clear()
                    self._ask(_Slot(slot.index, self._last, 0, self._generation))
                continue
            self._last = page.cursor
            return page

    @property
    def requested(self) -> bool:
        """Whether the page after the one taken last is requested already (read ahead from an answer's head)."""
        with self._lock:
            return bool(self._queue or self._waiting)

    def _fetch_ahead(self, slot: _Slot) -> PullPage:
        """On a worker: fetch one slot's page. When its answer's head says where it ended, ask at once for the
        slots after it that are not asked yet (the next right after it, the one after that by skipping), then
        decode and check this page."""
        if not self._peeking:
            return self._plain(slot)
        transport = self._transport
        assert isinstance(transport, PeekingTransport)
        answer = self._timed(
            lambda: transport.pull_answer(slot.cursor, slot.size, self._tables, self._counts, slot.skip)
        )
        ended = answer.next_cursor
        if ended is not None:
            with self._lock:
                if not self._closed and slot.generation == self._generation:
                    if self._next == slot.index + 1:
                        self._ask(_Slot(slot.index + 1, ended, 0, slot.generation))
                    if self._next == slot.index + 2:
                        self._ask(_Slot(slot.index + 2, ended, self._size(slot.index + 1), slot.generation))
        return answer.page()

    def _plain(self, slot: _Slot) -> PullPage:
        return self._timed(lambda: self._transport.pull(slot.cursor, slot.size, self._tables, self._counts))

    def _timed(self, send: Callable[[], _A]) -> _A:
        # The first request of a pull is alone in flight (nothing is asked ahead of an answer not yet in), so its
        # timing is written once, by whichever thread sends it; take() hands it over with the page.
        if self._clock is None or self.first_timing is not None:
            return send()
        sent = self._clock()
        answer = send()
        self.first_timing = (sent, self._clock())
        return answer


@dataclass
class _Slot:
    """One page of a pull as asked: its place in the pull, where it starts (`skip` entries after `cursor`)."""

    index: int
    cursor: str | None
    skip: int
    generation: int
    size: int = 0
    future: Future[PullPage] | None = None


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
            if page.has_more and not pages.requested:
                pages.request(page.cursor)  # with prefetch, page N+1 travels while page N is applied
            totals.dropped = pages.dropped
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
            if page.has_more and not pages.requested:
                pages.request(page.cursor)
            # The main cursor is stored again unchanged: the side pull must not move the feed position.
            totals.dropped = pages.dropped
            _apply(mirror, page, mirror.get_state(CURSOR_KEY) or None, totals)
            if not page.has_more:
                return totals
