"""`Mirror`: one profile's local SQLite file, opened, migrated and checked, with the sync-facing operations.

Connections: one per thread (`mirror.conn` is this thread's; `mirror.connect()` makes a new one), each with
WAL, `foreign_keys=ON` and the busy timeout. Transactions are short and explicit (`BEGIN IMMEDIATE`, so two
writers queue instead of deadlocking); nesting becomes a savepoint.

Bad files (see errors.py): a damaged file is moved aside to `<name>.corrupt-<UTC timestamp>` (never
overwritten or deleted) and `MirrorCorrupt` says so; the next open (or `fresh_if_corrupt=True`) starts a fresh
mirror. `PRAGMA quick_check` reads the whole file (0.65 s for 100,000 lessons), so `open(defer_check=True)` leaves
it for later (`check()`, e.g. on a background thread once the window is up) and guards writes meanwhile: the
first write to the file, on any connection of the mirror, waits for the check (running it if nobody has), and
once damage is found every write is refused, so nothing is written into a damaged file. The damage is noted in
`<name>.check-failed` beside the file, and the next open checks before anything else and moves the file aside.
A file held by another writer past the busy timeout gives `MirrorLocked`; a full disk gives `DiskFull` after the
transaction rolled back; a file from a newer app gives `MirrorTooNew` (never migrated down).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from localdb import apply as _apply
from localdb import conflicts as _conflicts
from localdb import outbox as _outbox
from localdb.apply import ApplyResult, MergeFn
from localdb.conflicts import Conflict
from localdb.errors import DiskFull, LocalDbError, MirrorCorrupt, MirrorLocked, MirrorTooNew
from localdb.migrations import LATEST, NewerSchema, migrate
from localdb.outbox import OutboxChange
from localdb.wire import codec

__all__ = ["ApplyResult", "Conflict", "MergeFn", "Mirror", "OutboxChange"]

log = logging.getLogger(__name__)

DEFAULT_BUSY_TIMEOUT = 5.0
_CORRUPT_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
# What an authorizer lets through before the deferred check: reading, and statements that write nothing to the
# file (a transaction's BEGIN takes a lock but writes no page). Everything else on the main file is a write.
_READ_ACTIONS = {
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_FUNCTION,
    sqlite3.SQLITE_TRANSACTION,
    sqlite3.SQLITE_SAVEPOINT,
    sqlite3.SQLITE_RECURSIVE,
}
# Pragmas that write the main file (a checkpoint copies the WAL into it).
_WRITING_PRAGMAS = {"wal_checkpoint", "optimize", "incremental_vacuum"}


def _primary_code(exc: sqlite3.Error) -> int:
    return (
        int(getattr(exc, "sqlite_errorcode", -1)) & 0xFF
    )  # extended codes carry the primary in the low byte


class Mirror:
    """The local mirror of one profile. Create it with `Mirror.open(path)`."""

    def __init__(self, path: Path, busy_timeout: float) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.moved_aside: Path | None = None  # set when open() replaced a damaged file
        self.damage: str | None = None  # what a deferred check found (SQLite's words, for the log)
        self._checked = False
        self._guarded = False  # writes wait for the deferred check (open(defer_check=True))
        self._check_lock = threading.Lock()
        self._check_conn: sqlite3.Connection | None = None
        self._repair_conn: sqlite3.Connection | None = None
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    # -- opening -------------------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        device_id: str | None = None,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        fresh_if_corrupt: bool = False,
        defer_check: bool = False,
    ) -> Mirror:
        """Create or migrate the file, check it, and record the device id the triggers stamp with.

        `defer_check=True`: skip the whole-file check unless opening must write (a new or older file, a new
        device id) or an earlier deferred check found damage; call `check()` later (see the module docstring).
        """
        mirror = cls(Path(path), busy_timeout)
        mirror.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            mirror._prepare(device_id, defer_check)
        except MirrorCorrupt as exc:
            if not fresh_if_corrupt:
                raise
            fresh = cls.open(path, device_id=device_id, busy_timeout=busy_timeout, defer_check=defer_check)
            fresh.moved_aside = exc.moved_to
            return fresh
        return mirror

    @property
    def damage_note(self) -> Path:
        """The file that remembers, until the next open, that a deferred check found this mirror damaged."""
        return self.path.with_name(self.path.name + ".check-failed")

    def _prepare(self, device_id: str | None, defer_check: bool) -> None:
        try:
            if defer_check and not self.damage_note.exists():
                self._guarded = True  # from here on, the first write runs the check before it
            conn = self.conn
            conn.execute("PRAGMA journal_mode = WAL")
            if not self._guarded and self._check_file() is not None:
                raise sqlite3.DatabaseError(f"quick_check: {self.damage}")
            with self.transaction():
                upgraded = migrate(conn)
                stored = self.get_state("device_id")
                if device_id is not None and device_id != stored:
                    self.set_state("device_id", device_id)
                elif stored is None:
                    self.set_state("device_id", str(uuid.uuid4()))
            if upgraded and conn.execute("SELECT 1 FROM lessons LIMIT 1").fetchone() is not None:
                self.refresh_stats()  # an upgraded file with data: its new indexes need statistics
            if not self._guarded:
                self._repair_search()  # a download killed before its search rebuild (guarded: check() does it)
        except NewerSchema as exc:
            self.close()
            raise MirrorTooNew(self.path, exc.found, LATEST) from None
        except sqlite3.DatabaseError as exc:
            if type(exc) is not sqlite3.DatabaseError and _primary_code(exc) not in _CORRUPT_CODES:
                self.close()
                raise self._translate(exc) from exc
            self.close()
            moved = self._move_aside()
            self.damage_note.unlink(missing_ok=True)
            log.error("mirror %s is damaged (%s); moved aside to %s", self.path.name, exc, moved.name)
            raise MirrorCorrupt(self.path, moved) from exc
        except BaseException:
            self.close()
            raise
        if not self._guarded:
            self.damage_note.unlink(missing_ok=True)  # an earlier start's note: this open's check found it sound

    # -- the whole-file check ------------------------------------------------------------------------------

    @property
    def checked(self) -> bool:
        """The whole-file check ran to its end (at open, or deferred); `damage` says what it found."""
        return self._checked

    def check(self) -> str | None:
        """Run `PRAGMA quick_check` once, on a read-only connection of its own (any thread); answers None for
        a sound file, else SQLite's first complaint (also kept in `damage`, and every write is refused from
        then on). Calls after the first answer at once; a call while it runs waits for it.

        A sound file whose search index a killed download left stale is then repaired here (`finish_search`,
        about 2 s at 100,000 lessons): the desktop runs this on a thread of its own once the window is up, so
        the repair stays off the cold start."""
        problem = self._check_file()
        if problem is None and self._checked:
            self._repair_search()
        return problem

    def _repair_search(self) -> None:
        conn = self.connect()
        with self._lock:
            self._all.remove(conn)  # closed by this thread; close() only interrupts it, as the check's
        self._repair_conn = conn
        try:
            self.finish_search(conn)
        except (LocalDbError, sqlite3.Error) as exc:  # held, full or closing: the mark stays for the next pull
            log.warning("the search index of %s was not rebuilt: %s", self.path.name, exc)
        finally:
            self._repair_conn = None
            conn.close()

    def _check_file(self) -> str | None:
        with self._check_lock:
            if self._checked:
                return self.damage
            uri = self.path.resolve().as_uri() + "?mode=ro"  # as_uri escapes '?', '#' and '%' in the path
            conn = sqlite3.connect(uri, uri=True, timeout=self.busy_timeout, check_same_thread=False)
            self._check_conn = conn
            try:
                problem = self._quick_check(conn)
            except sqlite3.OperationalError as exc:  # interrupted by close(), or a busy file: not an answer
                log.warning("the check of %s did not finish: %s", self.path.name, exc)
                return "the check did not finish"
            finally:
                self._check_conn = None
                conn.close()
            self.damage, self._checked = problem, True
        if problem is not None:
            log.error("mirror %s is damaged (%s)", self.path.name, problem)
            if self._guarded:
                self._note_damage(problem)
        return problem

    def _note_damage(self, problem: str) -> None:
        try:
            self.damage_note.write_text(problem + "\n", encoding="utf-8")
        except OSError:  # the writes stay refused all the same; only the next open will not know to check first
            log.warning("could not note the damage of %s beside it", self.path.name, exc_info=True)

    @staticmethod
    def _quick_check(conn: sqlite3.Connection) -> str | None:
        try:
            row = conn.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError as exc:
            if type(exc) is not sqlite3.DatabaseError and _primary_code(exc) not in _CORRUPT_CODES:
                raise
            return str(exc)
        return None if row is not None and row[0] == "ok" else str(row[0] if row else "no answer")

    def _authorize(self, action: int, arg1: str | None, _arg2: str | None, db: str | None, _src: str | None) -> int:
        """SQLite asks this while preparing each statement of a guarded connection (the deferred check)."""
        if (self._checked and self.damage is None) or db == "temp" or action in _READ_ACTIONS:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() not in _WRITING_PRAGMAS:
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_OK if self._check_file() is None else sqlite3.SQLITE_DENY

    def refresh_stats(self) -> None:
        """Sampled planner statistics (ANALYZE): call after a big change of the data, e.g. a first sync.

        Without them SQLite cannot tell a selective index from one that matches nearly every row: the list
        indexes of local migration 2 go unused and searches walk an index instead of the few search hits
        (bench/bench_search.py). A full ANALYZE: sampled ones (`analysis_limit = 1000`) misled the planner
        into sorting all lessons for "newest first"; the full one costs about 2 ms per 1,000 lessons.
        """
        conn = self.conn
        with self.guard():
            conn.execute("PRAGMA analysis_limit = 0")
        with self.transaction(conn):
            conn.execute("ANALYZE")
            # Other connections (the window's) load statistics only with the schema: a schema change makes
            # them reload it before their next statement.
            conn.execute("CREATE TABLE stats_reload (x)")
            conn.execute("DROP TABLE stats_reload")

    def _move_aside(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():  # never overwrite an earlier kept copy
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
            n += 1
        os.replace(self.path, target)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
        return target

    # -- connections and transactions ----------------------------------------------------------------------

    def connect(self) -> sqlite3.Connection:
        """A new connection (use one per thread): autocommit mode, pragmas set, rows as `sqlite3.Row`."""
        conn = sqlite3.connect(
            self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: a killed app loses no commit
        # 32 MB of page cache per connection (SQLite's default is 2 MB): the lessons list and its search on a big
        # mirror re-read the same index pages per keystroke (bench/bench_search.py).
        conn.execute("PRAGMA cache_size = -32768")
        if self._guarded and not (self._checked and self.damage is None):
            conn.set_authorizer(self._authorize)
        with self._lock:
            self._all.append(conn)
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection, made on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self.connect()
            self._local.conn = conn
        return conn

    def close(self) -> None:
        """Close every connection this mirror made (call when no other thread is using them)."""
        for busy in (self._check_conn, self._repair_conn):
            if busy is not None:
                busy.interrupt()  # a deferred check or search repair still running: stop it, nothing waits on it
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()
        self._local = threading.local()

    def __enter__(self) -> Mirror:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _translate(self, exc: sqlite3.Error) -> LocalDbError:
        code = _primary_code(exc)
        if code == sqlite3.SQLITE_FULL:
            return DiskFull(self.path)
        if code in _BUSY_CODES:
            return MirrorLocked(self.path, self.busy_timeout)
        return LocalDbError(f"The local data file {self.path.name} could not be used ({exc}).")

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Turn SQLite's errors into `LocalDbError`s (DiskFull, MirrorLocked, ...)."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            raise self._translate(exc) from exc
        except sqlite3.DatabaseError as exc:
            if _primary_code(exc) in {sqlite3.SQLITE_FULL, *_BUSY_CODES}:
                raise self._translate(exc) from exc
            raise

    @contextmanager
    def transaction(self, conn: sqlite3.Connection | None = None) -> Iterator[sqlite3.Connection]:
        """`BEGIN IMMEDIATE` ... `COMMIT` (a savepoint when already in one); rolled back on any error."""
        conn = conn or self.conn
        with self.guard():
            if conn.in_transaction:
                name = f"sp_{uuid.uuid4().hex}"
                conn.execute(f"SAVEPOINT {name}")
                try:
                    yield conn
                except BaseException:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                    raise
                conn.execute(f"RELEASE {name}")
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    # -- state -----------------------------------------------------------------------------------------------

    def get_state(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_state(self, key: str, value: str | None) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO sync_state (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @property
    def device_id(self) -> str:
        return self.get_state("device_id") or ""

    def set_device_id(self, device_id: str) -> None:
        self.set_state("device_id", str(uuid.UUID(device_id)))

    def set_clock_offset(self, seconds: float) -> None:
        """Local edits are stamped with the clock corrected by `seconds` (server time minus ours, C2)."""
        self.set_state("clock_offset_modifier", f"{seconds:+.3f} seconds")

    # -- rows ------------------------------------------------------------------------------------------------

    def get_row(self, table: str, row_id: str) -> dict[str, Any] | None:
        """The row in wire form, or None."""
        c = codec(table)
        row = self.conn.execute(f"SELECT {c.select_list} FROM {table} WHERE id = ?", (row_id,)).fetchone()
        return None if row is None else c.to_wire(row)

    # -- outbox (U1, U3) -----------------------------------------------------------------------------------

    def pending_count(self) -> int:
        """Rows with changes not yet accepted by the server."""
        return _outbox.pending_count(self.conn)

    def pending_by_table(self) -> dict[str, int]:
        return _outbox.pending_by_table(self.conn)

    def read_outbox(self, limit: int) -> list[OutboxChange]:
        """Up to `limit` pending rows, one change each (the row as it is now), in push order."""
        with self.transaction() as conn:
            return _outbox.read_outbox(conn, limit)

    def settle(self, table: str, row_id: str, max_seq: int) -> None:
        """The server accepted the row as of `max_seq`: drop those entries; later edits stay queued."""
        with self.transaction() as conn:
            _outbox.settle(conn, table, row_id, max_seq)

    # -- pull (P2, P4, P5) and settling pushes ------------------------------------------------------------

    def apply_page(
        self,
        rows: Sequence[tuple[str, Mapping[str, Any]]],
        cursor: str | None,
        merge: MergeFn,
        *,
        removed: Sequence[tuple[str, str]] = (),
        defer_search: bool | None = None,
    ) -> ApplyResult:
        """Apply one pulled page and store its cursor in ONE transaction (see apply.py). `defer_search`: None
        = defer inside this thread's `deferred_search()` block when the feed is read from its start."""
        with self.transaction() as conn:
            if defer_search is None:
                defer_search = bool(getattr(self._local, "defer_search", False)) and _apply.defer_wanted(conn)
            return _apply.apply_page(conn, rows, cursor, merge, removed, defer_search=defer_search)

    @contextmanager
    def deferred_search(self) -> Iterator[None]:
        """A pull's pages: this thread's `apply_page` calls skip the search refresh while the feed is read from
        its start (see apply.py), and the index is rebuilt once when the block ends, on an error too (the rows
        applied so far must be found); a killed process leaves the stale mark for `check()` or the next pull."""
        self._local.defer_search = True
        try:
            yield
        finally:
            self._local.defer_search = False
            try:
                self.finish_search()
            except (LocalDbError, sqlite3.Error) as exc:  # never hide the pull's own error; the mark stays
                log.warning("the search index of %s was not rebuilt: %s", self.path.name, exc)

    @property
    def search_stale(self) -> bool:
        """`lessons_fts` lacks rows a deferred download wrote (until `finish_search`)."""
        return _apply.search_stale(self.conn)

    def finish_search(self, conn: sqlite3.Connection | None = None) -> bool:
        """Rebuild `lessons_fts` if it is marked stale, clearing the mark in the same transaction; answers
        whether it did. About 2 s for 100,000 lessons (bench/bench_apply_page.py)."""
        conn = conn or self.conn
        if not _apply.search_stale(conn):  # read again in the transaction: another connection may rebuild it
            return False
        with self.transaction(conn):
            if not _apply.search_stale(conn):
                return False
            _apply.rebuild_search(conn)
        log.info("search index of %s rebuilt", self.path.name)
        return True

    def accept_server_row(self, table: str, row: Mapping[str, Any], merge: MergeFn | None = None) -> None:
        """Write the server's version of a row without queuing it; with `merge`, a still-pending local
        edit of the row is merged in (as in apply_page) instead of being overwritten."""
        with self.transaction() as conn, _apply.applying(conn):
            _apply.write_rows(conn, table, [row], merge)

    def drop_row(self, table: str, row_id: str) -> None:
        """Delete the local row without queuing it (the server has no row the user may see, C7)."""
        with self.transaction() as conn, _apply.applying(conn):
            conn.execute(f"DELETE FROM {codec(table).table} WHERE id = ?", (row_id,))

    def reset_table(self, table: str) -> int:
        """Delete the table's rows that have no pending change, without queuing (P7/P8 re-download)."""
        with self.transaction() as conn:
            return _apply.reset_table(conn, table)

    def table_checksum(self, table: str) -> tuple[int, str]:
        """(row count, md5 of the sorted ids joined by ',') with tombstones, as `sync_counts` computes it."""
        return _apply.table_checksum(self.conn, table)

    # -- conflicts (C6) --------------------------------------------------------------------------------------

    def record_conflict(  # noqa: PLR0917 - positional, as docs/dev/localdb-api.md gives it
        self,
        table: str,
        row_id: str,
        kind: str,
        fields: Sequence[str],
        local_values: Mapping[str, Any],
        winning_values: Mapping[str, Any],
        reason: str | None = None,
        source: str = "device",
    ) -> int:
        with self.transaction() as conn:
            return _conflicts.record_conflict(
                conn, table, row_id, kind=kind, fields=fields, local_values=local_values,
                winning_values=winning_values, reason=reason, source=source,
            )  # fmt: skip

    def list_conflicts(self, include_resolved: bool = False) -> list[Conflict]:
        return _conflicts.list_conflicts(self.conn, include_resolved)

    def resolve_conflict(self, conflict_id: int, resolution: str) -> None:
        with self.transaction() as conn:
            _conflicts.resolve_conflict(conn, conflict_id, resolution)

    def conflict_count(self) -> int:
        return _conflicts.conflict_count(self.conn)
