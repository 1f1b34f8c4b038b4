"""`SyncEngine`: one sync run of one profile, in named stages (see `sync.status.Stage`).

    session   refresh the sign-in (S6; optional `prepare` callable)
    register  register the device if it is not yet (Identity 2; usually no call: see sync.identity)
    push      push the outbox in stored, idempotent batches and settle each row (U2-U4, C6, C7)
    pull      pull the change feed page by page, each page with its cursor in one transaction (P1-P6); the
              first answer gives the clock offset (C2) and the server's minimum app schema (P7)
    schema    columns changed on the server or in this app: back-fill those tables again (P7, sync.columns)
    check     compare per-table counts and checksums (from the pull's last page) with the mirror's;
              re-download a drifting table (P8)

A sync with nothing to do is one data call (the pull's single page), after the session's refresh. Push goes
before pull so that pulled rows meet as few pending edits as possible; anything edited meanwhile is merged by the
rules (P5). Failures never escape `run`: they become a `SyncReport` whose status and message say what happened in
plain words, and local work carries on untouched.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from localdb.errors import LocalDbError
from localdb.mirror import Mirror
from localdb.tables import TABLE_NAMES
from sync.columns import changed_tables, remember_columns, remembered_columns
from sync.errors import SyncError
from sync.identity import MIN_APP_KEY, REGISTERED_KEY, KnownDevice
from sync.pull import PullTotals, check_schema, pull_feed, redownload
from sync.push import PushTotals, push_outbox
from sync.rules import canonical, clock_offset
from sync.status import Stage, SyncProgress, SyncReport, offline_message
from sync.transport import PullPage, Transport

__all__ = ["APP_SCHEMA", "CLOCK_WARN_SECONDS", "PULL_PAGE_ROWS", "SyncEngine"]

log = logging.getLogger(__name__)

#: Most rows per pulled page (P2: memory is bounded by it; the server allows up to 10,000). Measured on first syncs
#: of 100,003 rows (bench_sync's school, pipelined pull, deferred search index, server schema 8, a quiet machine, 3
#: interleaved runs each): 1,000 rows 12.0k / 12.6k / 14.2k rows/s, 2,000 rows 13.1k / 13.2k / 15.1k, 5,000 rows
#: 12.1k / 12.9k / 14.1k. Pages grow to it from sync.pull's FIRST_PAGE_ROWS, so a small sync stays one small page.
#: Peak RSS of a 1,000,003-row first sync: 186 MB at 1,000, 221 MB at 5,000 (target under 300 MB).
PULL_PAGE_ROWS = 2000
#: Pulled rows in one run after which the mirror's planner statistics are refreshed (Mirror.refresh_stats).
STATS_AFTER_ROWS = 1000
#: The lowest server `min_app_schema` this app still satisfies (P7: a higher one means "update the app").
APP_SCHEMA = 1
#: A clock off by more than this is worth telling the person about (C2).
CLOCK_WARN_SECONDS = 300.0
APP_VERSION = "0.1.0"
#: Back-fills of one run for tables whose columns keep changing while they are read (P7); then next run.
BACKFILL_ROUNDS = 3

Listener = Callable[[SyncProgress], None]


@dataclass
class _Run:
    """The mutable tally of one run; only `SyncEngine` sees it."""

    push: PushTotals = field(default_factory=PushTotals)
    pull: PullTotals = field(default_factory=PullTotals)
    healed: int = 0
    offset: float | None = None
    warnings: list[str] = field(default_factory=list)


def clock_warning(offset: float) -> str | None:
    if abs(offset) <= CLOCK_WARN_SECONDS:
        return None
    minutes = round(abs(offset) / 60)
    way = "behind" if offset > 0 else "ahead of"
    return (
        f"This PC's clock is about {minutes} minutes {way} the server's. "
        "Edits are stamped with the corrected time, but please set the clock right."
    )


class SyncEngine:
    """Runs syncs for one mirror over one transport. One run at a time (the scheduler guarantees it)."""

    def __init__(
        self,
        mirror: Mirror,
        transport: Transport,
        device_id: str,
        *,
        page_size: int = PULL_PAGE_ROWS,
        batch_size: int = 500,
        listener: Listener | None = None,
        prepare: Callable[[], None] | None = None,
        app_schema: int = APP_SCHEMA,
        device_name: str = "TutorDesk device",
        app_version: str = APP_VERSION,
        clock: Callable[[], datetime] | None = None,
        prefetch: bool = True,
        identity: str | None = None,
    ) -> None:
        self.mirror = mirror
        self.transport = transport
        self.device_id = device_id
        self.page_size = page_size
        # Fetch the next pages while one is applied (a few pages ahead at most: memory stays bounded, P2).
        self.prefetch = prefetch
        self.batch_size = batch_size
        self.listener = listener
        self.prepare = prepare
        self.app_schema = app_schema
        self.device_name = device_name
        self.app_version = app_version
        # This device's clock; a seam so tests can run a device whose clock is wrong (C2).
        self.clock = clock or (lambda: datetime.now(UTC))
        # What a registration is for (sync.identity.device_identity: server, user, device); the device alone here.
        self.identity = identity or device_id
        self._stage = Stage.SESSION

    # -- the run ---------------------------------------------------------------------------------------------

    def run(self, cancel: threading.Event | None = None) -> SyncReport:
        """One complete sync; never raises for sync or local-database failures (they are in the report)."""
        tally = _Run()
        try:
            self._stages(tally, cancel)
        except SyncError as exc:
            return self._failed(tally, exc, exc.status, exc.plain)
        except LocalDbError as exc:
            log.error("sync stopped at %s by the local database: %s", self._stage, exc)
            return self._failed(tally, exc, "error", f"The sync stopped: {exc}")
        now = canonical(datetime.now(UTC))
        self.mirror.set_state("last_sync", now)
        self.mirror.set_state("last_error", None)
        report = self._report(tally, "ok", self._ok_message(tally))
        self._emit(Stage.DONE, tally, message=report.message, last_success=now)
        log.info(
            "sync done: pulled %d, pushed %d, conflicts %d", report.pulled, report.pushed, report.conflicts
        )
        return report

    def _stages(self, tally: _Run, cancel: threading.Event | None) -> None:
        self._enter(Stage.SESSION, tally)
        if self.prepare is not None:
            self.prepare()
        transport = KnownDevice(self.transport, self.device_name, self.app_version)
        try:
            self._enter(Stage.REGISTER, tally)
            self._identify(transport)
            self._enter(Stage.PUSH, tally)
            tally.push = push_outbox(
                self.mirror, transport, batch_size=self.batch_size, cancel=cancel,
                on_batch=lambda totals: self._on_batch(tally, totals),
            )
            counted = self._pull(tally, transport, cancel)
            self._backfill(tally, transport, cancel)
            self._enter(Stage.CHECK, tally)
            self._sanity_check(tally, transport, counted, cancel)
        finally:
            if transport.registered is not None:
                self.mirror.set_state(REGISTERED_KEY, self.identity)

    def _pull(self, tally: _Run, transport: Transport, cancel: threading.Event | None) -> list[str]:
        """The pull stage; answers the tables whose counts its last page carries (P8)."""
        self._enter(Stage.PULL, tally)
        # A table with pending rows differs by design until they are pushed: it is checked another run.
        pending = self.mirror.pending_by_table()
        counted = [table for table in TABLE_NAMES if not pending.get(table)]
        tally.pull = pull_feed(
            self.mirror, transport, page_size=self.page_size, prefetch=self.prefetch,
            app_schema=self.app_schema, cancel=cancel, counts=counted, clock=self.clock,
            on_first=lambda page, sent, received: self._first_contact(tally, page, sent, received),
            on_page=lambda totals, page: self._on_page(tally, totals, page),
        )
        if tally.pull.pulled >= STATS_AFTER_ROWS:
            # A first sync (or a big catch-up) changed the data's shape: the list's indexes need statistics.
            self.mirror.refresh_stats()
        return counted

    def _state_int(self, key: str) -> int:
        """A number kept in the sync state; 0 when absent or unreadable (a damaged state must not stop syncs)."""
        try:
            return int(self.mirror.get_state(key) or 0)
        except ValueError:
            log.warning("sync state %s is not a number; ignoring it", key)
            return 0

    def _identify(self, transport: KnownDevice) -> None:
        """Register when this mirror's device is not registered for this server and user yet (Identity 2)."""
        if self.mirror.get_state(REGISTERED_KEY) != self.identity:
            log.info("registering this device with the server")
            self._server_minimum(transport.register_device(self.device_name, self.app_version).min_app_schema)
        elif self._state_int(MIN_APP_KEY) > self.app_schema:
            # The last answer said this app is too old: ask again before pushing to a schema it does not know.
            self._server_minimum(transport.server_info().min_app_schema)

    def _server_minimum(self, min_app_schema: int) -> None:
        self.mirror.set_state(MIN_APP_KEY, str(min_app_schema))
        check_schema(min_app_schema, self.app_schema)

    def _first_contact(self, tally: _Run, page: PullPage, sent: datetime, received: datetime) -> None:
        """The run's first pull answer, timed: the clock offset (C2) and the server's minimum (P7, checked by
        the pull right after this)."""
        self.mirror.set_state(MIN_APP_KEY, str(page.min_app_schema))
        tally.offset = clock_offset(sent, received, page.server_time)
        self.mirror.set_clock_offset(tally.offset)
        self.mirror.set_state("clock_offset_seconds", f"{tally.offset:.3f}")
        warning = clock_warning(tally.offset)
        if warning:
            log.warning("clock offset %.1f s against the server", tally.offset)
            tally.warnings.append(warning)
        if self.mirror.get_state("schema_version") is None:
            self.mirror.set_state("schema_version", str(page.schema_version))

    def _on_batch(self, tally: _Run, totals: PushTotals) -> None:
        tally.push = totals  # the running totals, so the events count while the stage runs
        self._emit(Stage.PUSH, tally)

    def _on_page(self, tally: _Run, totals: PullTotals, page: PullPage) -> None:
        tally.pull = totals
        table = page.rows[-1][0] if page.rows else None
        self._emit(Stage.PULL, tally, table=table)

    def _backfill(self, tally: _Run, transport: Transport, cancel: threading.Event | None) -> None:
        """P7: tables whose columns changed (on the server, or in this app) since the last completed pull are
        read again, keeping their rows (sync.columns). With no hashes remembered yet, or from a server before
        schema 8, every table is read again only if the server's schema_version grew."""
        known = self._state_int("schema_version")
        server = tally.pull.schema_version
        grew = server is not None and server > known
        hashes = tally.pull.columns
        before = remembered_columns(self.mirror) if hashes is not None else None
        if hashes is None or before is None:
            tables = list(TABLE_NAMES) if grew else []
        else:
            tables = changed_tables(before, hashes)
        if tables:  # usually none: no stage to announce, so the log does not say "receiving new columns"
            log.info("back-filling %s (server schema %s, known %d)", ", ".join(tables), server, known)
            hashes = self._backfill_rounds(tally, transport, tables, hashes, cancel)
        if hashes is not None:
            remember_columns(self.mirror, hashes, before)
        if grew:
            self.mirror.set_state("schema_version", str(server))

    def _backfill_rounds(
        self, tally: _Run, transport: Transport, tables: list[str], hashes: dict[str, str] | None,
        cancel: threading.Event | None,
    ) -> dict[str, str] | None:
        """Back-fill `tables`; again for those whose hash changed while they were read. The hashes to remember:
        a table still changing after BACKFILL_ROUNDS is left out, so the next run reads it again."""
        self._enter(Stage.SCHEMA, tally)
        for _ in range(BACKFILL_ROUNDS):
            side = redownload(
                self.mirror, transport, tables, page_size=self.page_size, reset=False, cancel=cancel,
                prefetch=self.prefetch,
            )
            tally.healed += side.pulled
            if hashes is None or side.columns is None:
                return hashes
            after = side.columns
            again = [t for t in tables if after.get(t) != hashes.get(t)]
            # Only the tables just read take the later hashes: another table's change is not back-filled yet.
            hashes = {**hashes, **{t: after[t] for t in tables if t in after}}
            if not again:
                return hashes
            log.info("columns of %s changed during their back-fill: reading them again", ", ".join(again))
            tables = again
        return {t: h for t, h in (hashes or {}).items() if t not in tables}

    def _sanity_check(
        self, tally: _Run, transport: Transport, counted: list[str], cancel: threading.Event | None
    ) -> None:
        """P8: per-table counts and id checksums against the server's; a drifting table is read again."""
        if not counted:
            return
        server = tally.pull.counts
        if server is None:
            # Only a server before schema 8 ends a pull without them: ask on their own, as before.
            log.info("the pull's last page had no counts: asking for them")
            server = transport.counts(counted)
        pending = self.mirror.pending_by_table()  # rows edited during the pull differ by design too
        tables = [t for t in counted if t in server and not pending.get(t)]
        drifting = [
            t for t in tables if self.mirror.table_checksum(t) != (server[t].count, server[t].checksum)
        ]
        for table in drifting:
            count, _ = self.mirror.table_checksum(table)
            log.warning("sanity check: %s has %d rows here, %d on the server; re-downloading it",
                        table, count, server[table].count)
            self._emit(Stage.CHECK, tally, table=table)
        if drifting:
            tally.healed += redownload(
                self.mirror, transport, drifting, page_size=self.page_size, reset=True, cancel=cancel,
                prefetch=self.prefetch,
            ).pulled

    # -- reporting -------------------------------------------------------------------------------------------

    def _enter(self, stage: str, tally: _Run) -> None:
        self._stage = stage
        log.info("sync stage: %s", stage)
        self._emit(stage, tally)

    def _emit(self, stage: str, tally: _Run, **extra: object) -> None:
        if self.listener is None:
            return
        try:
            event = SyncProgress(
                stage=stage,
                rows_pulled=tally.pull.pulled + tally.healed,
                rows_pushed=tally.push.pushed,
                rows_left=self.mirror.pending_count() if stage == Stage.PUSH else None,
                last_success=self.mirror.get_state("last_sync"),
                last_error=self.mirror.get_state("last_error"),
                pending=self.mirror.pending_count(),
                conflicts=self.mirror.conflict_count(),
                clock_offset_seconds=tally.offset,
            )
            self.listener(replace(event, **extra))  # type: ignore[arg-type]
        except Exception:  # a broken listener must not break the sync
            log.exception("sync progress listener failed")

    def _report(
        self, tally: _Run, status: str, message: str, error: BaseException | None = None
    ) -> SyncReport:
        return SyncReport(
            pulled=tally.pull.pulled + tally.healed,
            pushed=tally.push.pushed,
            conflicts=tally.push.conflicts + tally.pull.conflicts,
            clamped=tally.push.clamped,
            rejected=tally.push.rejected,
            pending=self._pending(),
            status=status,
            message=message,
            clock_offset_seconds=tally.offset,
            warnings=tuple(tally.warnings),
            error=error,
        )

    def _pending(self) -> int:
        try:
            return self.mirror.pending_count()
        except LocalDbError:
            return 0

    def _ok_message(self, tally: _Run) -> str:
        parts = [f"Synced: {tally.push.pushed} sent, {tally.pull.pulled + tally.healed} received."]
        lost = tally.push.conflicts + tally.pull.conflicts
        if lost:
            parts.append(f"{lost} change{'s' if lost != 1 else ''} lost a conflict and can be reviewed.")
        if tally.push.rejected:
            parts.append(f"{tally.push.rejected} change{'s' if tally.push.rejected != 1 else ''} refused.")
        parts.extend(tally.warnings)
        return " ".join(parts)

    def _failed(self, tally: _Run, exc: BaseException, status: str, plain: str) -> SyncReport:
        pending = self._pending()
        message = offline_message(pending) if status == "offline" else plain
        log.warning("sync stopped at stage %s: %s (%s)", self._stage, type(exc).__name__, exc)
        try:
            self.mirror.set_state("last_error", message)
        except LocalDbError:
            log.error("could not record the sync error in the mirror")
        report = self._report(tally, status, message, exc)
        self._emit(self._stage, tally, last_error=message, message=message)
        return report

