"""The one door from the sync threads into the GUI: engine and scheduler events in, queued Qt signals out.

`SyncBridge.listener` is the callable handed to the engine (`SyncEngine(listener=...)`) and to the scheduler.
It may be called from any thread; it only emits a private signal. Because the bridge lives on the GUI thread
and that signal is connected with `Qt.QueuedConnection`, the fold into a snapshot and every public `sig_*`
emission happen on the GUI thread, so the widgets connected to them never see a worker thread.

`BackgroundSync` runs a `run_sync(cancel) -> report` callable on a plain thread (for when no scheduler is
mounted, e.g. the first sync after signing in, and in tests) and always reports the end, success or not.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

from desktop.i18n import fill
from desktop.syncview import words
from desktop.syncview.jobs import PoolRunner
from desktop.syncview.state import (
    ERROR,
    LogEntry,
    SyncSnapshot,
    fold,
    is_report,
    log_entry,
    scheduler_kind,
)

log = logging.getLogger(__name__)

#: Scheduler event kinds that end a run, and those too frequent or empty to log.
_END_KINDS = frozenset({"succeeded", "failed", "cancelled"})
_QUIET_KINDS = frozenset({"scheduled"})


class SyncBridge(QObject):
    """Turns sync events from any thread into signals on the GUI thread, plus the folded `SyncSnapshot`."""

    _sig_event = Signal(object)

    sig_status = Signal(object)
    """The status changed. Arguments: snapshot (`SyncSnapshot`, the whole current state)."""

    sig_progress = Signal(int, int)
    """A run progressed. Arguments: rows done (int), rows expected (int; -1 when not known yet)."""

    sig_started = Signal()
    """A run began (the first event of a run). No arguments."""

    sig_finished = Signal(object)
    """A run ended, whatever the outcome. Arguments: snapshot (`SyncSnapshot` after the run's report)."""

    sig_clock = Signal(float)
    """The measured clock offset changed. Arguments: seconds this PC's clock is off (server minus local)."""

    sig_log = Signal(object)
    """A line for the sync log. Arguments: entry (`desktop.syncview.state.LogEntry`)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._snapshot = SyncSnapshot()
        self._last_report: Any = None
        self._last_log_text = ""
        self._mirror: Any = None
        self._runner: PoolRunner | None = None
        # Queued even when emitted on the GUI thread, so a listener call never re-enters a widget's slot.
        self._sig_event.connect(self._on_event, Qt.ConnectionType.QueuedConnection)

    @property
    def snapshot(self) -> SyncSnapshot:
        return self._snapshot

    def listener(self, event: Any) -> None:
        """Called by the engine/scheduler on their threads. Only emits; never touches a widget."""
        if not shiboken6.isValid(self):
            return  # the window closed while a sync was finishing: nobody left to tell
        self._sig_event.emit(event)

    def seed(self, **fields: Any) -> None:
        """Set the starting state (last success, pending, ...) with no run and no log line (GUI thread)."""
        self._snapshot = fold(self._snapshot, dict(fields))
        self.sig_status.emit(self._snapshot)
        if self._snapshot.clock_offset is not None:
            self.sig_clock.emit(self._snapshot.clock_offset)

    @property
    def watching(self) -> bool:
        return self._mirror is not None

    def watch_mirror(self, mirror: Any) -> None:
        """Read the starting state (last success, last error, pending, clock offset) from the mirror now, and
        again on every `refresh_from_mirror()` (the status area's 30 s timer), off the GUI thread."""
        self._mirror = mirror
        self.refresh_from_mirror()

    def refresh_from_mirror(self) -> None:
        """Re-read what changes between runs (edits made since add to "pending"); no-op during a run."""
        if self._mirror is None or self._snapshot.running:
            return
        if self._runner is None:
            self._runner = PoolRunner(self)
        mirror = self._mirror
        self._runner.submit(
            lambda _conn: read_mirror_state(mirror), self._on_mirror_state, self._on_mirror_error
        )

    def _on_mirror_state(self, fields: dict[str, Any]) -> None:
        if not self._snapshot.running:  # a run that began meanwhile knows better
            self.seed(**fields)

    def _on_mirror_error(self, error: BaseException) -> None:
        log.warning("could not read the sync state from the mirror: %s", error)

    def set_conflicts(self, count: int) -> None:
        """The review view counted the open conflicts: show "N to review". GUI thread only."""
        if count != self._snapshot.conflicts:
            self._snapshot = replace(self._snapshot, conflicts=count)
            self.sig_status.emit(self._snapshot)

    @Slot(object)
    def _on_event(self, event: Any) -> None:
        kind = scheduler_kind(event)
        report = getattr(event, "report", None) if kind is not None else event
        finished = is_report(event) or kind in _END_KINDS
        if finished and report is not None and report is self._last_report:
            # The same report twice (the engine's listener and the scheduler's "succeeded"): one end.
            return
        if finished:
            self._last_report = report
        before = self._snapshot
        snap = fold(before, event)
        self._snapshot = snap
        if snap.running and not before.running:
            self.sig_started.emit()
        self.sig_status.emit(snap)
        if snap.running:
            self.sig_progress.emit(snap.done, -1 if snap.total is None else snap.total)
        if snap.clock_offset is not None and snap.clock_offset != before.clock_offset:
            self.sig_clock.emit(snap.clock_offset)
        if kind not in _QUIET_KINDS and not _said_by_the_report(event, kind):
            self._log(self._log_entry(event, kind, snap, finished, report))
        if finished:
            self.sig_finished.emit(snap)

    def _log(self, entry: LogEntry) -> None:
        # Two steps with the same words (the engine's "session" and "register" both read "Connecting") are
        # one line for a person.
        if entry.text == self._last_log_text:
            return
        self._last_log_text = entry.text
        self.sig_log.emit(entry)

    @staticmethod
    def _log_entry(
        event: Any, kind: str | None, snap: SyncSnapshot, finished: bool, report: Any
    ) -> LogEntry:
        entry = log_entry(event, "")
        if finished:
            detail = words.finished_detail(snap, report)
            return replace(entry, text=words.finished_words(snap, report), detail=detail)
        text = words.scheduler_words(kind, event) if kind else ""
        if text:
            return replace(entry, text=text, detail=words.started_detail(event) if kind == "started" else "")
        message = str(getattr(event, "message", "") or "")  # the engine's own plain words, when it has them
        if message:
            return replace(entry, text=message)
        detail = words.event_detail(entry.stage, snap) if entry.stage != "status" else ""
        return replace(entry, text=words.event_words(entry.stage, snap, finished), detail=detail)


def _said_by_the_report(event: Any, kind: str | None) -> bool:
    """The engine's "done" step: the run's report follows at once and its line says the same (once)."""
    return kind is None and not is_report(event) and getattr(event, "stage", None) == "done"


def read_mirror_state(mirror: Any) -> dict[str, Any]:
    """The sync facts the mirror keeps between runs (sync_state and the outbox). Runs on a pool thread."""
    fields: dict[str, Any] = {"pending": mirror.pending_count(), "conflicts": mirror.conflict_count()}
    last_sync = mirror.get_state("last_sync")
    if last_sync:
        fields["last_success"] = last_sync
    offset = mirror.get_state("clock_offset_seconds")
    if offset:
        try:
            fields["clock_offset"] = float(offset)
        except ValueError:
            log.debug("unreadable clock offset in the mirror: %r", offset)
    return fields


class BackgroundSync:
    """Runs one sync at a time on a daemon thread, feeding a bridge; "Sync now" without a scheduler."""

    def __init__(self, run_sync: Callable[[threading.Event], Any], bridge: SyncBridge) -> None:
        self._run_sync = run_sync
        self._bridge = bridge
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def sync_now(self) -> None:
        """Start a run unless one is going (the running one will pick up what is new)."""
        if self.running:
            return
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tutordesk-sync-now", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        report: Any = None
        try:
            self._bridge.listener({"state": "syncing", "stage": "connect"})
            report = self._run_sync(self._cancel)
        except Exception as exc:  # a bug in the engine must still end the run in the GUI
            log.exception("sync run failed")
            report = {
                "status": ERROR,
                "message": fill(words.tr("Something went wrong: %1"), type(exc).__name__),
                "pulled": 0,
                "pushed": 0,
            }
        finally:
            # Reported in finally so the "Sync now" button never stays disabled.
            self._bridge.listener(
                report
                if report is not None
                else {"status": ERROR, "message": "stopped", "pulled": 0, "pushed": 0}
            )

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the run to stop at a page boundary and wait for it (on quit)."""
        self._cancel.set()
        if self._thread is not None:
            self._thread.join(timeout)
