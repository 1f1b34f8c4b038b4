"""One background thread for database work, in the manner of Anki's task manager.

The GUI thread hands a closure `fn(conn) -> result` to `DbRunner.submit`; the closure runs on the single
database worker with that worker's own SQLite connection; its result (or its exception) comes back through a
queued signal and the callback runs on the GUI thread. One worker means one writer from the GUI side, and
saves never block the window even when the sync engine holds the write lock for a moment."""

from __future__ import annotations

import itertools
import logging
import sqlite3
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)

DbJob = Callable[[sqlite3.Connection], Any]
OnDone = Callable[[Any], None]
OnError = Callable[[BaseException], None]


class _DbWorker(QObject):
    """Lives on the worker thread; never touches a widget."""

    sig_done = Signal(int, object, object)
    """A job ended. Arguments: job id, result (None on error), exception (None on success)."""

    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        super().__init__()
        self._connect = connect
        self._conn: sqlite3.Connection | None = None
        self.closed = threading.Event()

    @Slot(int, object)
    def on_job(self, job_id: int, fn: DbJob) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            if self._conn is None:
                self._conn = self._connect()
            result = fn(self._conn)
        except Exception as exc:  # handed to the GUI thread, which decides how to tell the person
            error = exc
        finally:
            # Always report, so no button waits for ever on a job that failed.
            self.sig_done.emit(job_id, result, error)

    @Slot()
    def on_close(self) -> None:
        try:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
        finally:
            self.closed.set()


class DbRunner(QObject):
    """Submits jobs to the database thread and routes each answer to its callback on the GUI thread."""

    _sig_job = Signal(int, object)
    _sig_close = Signal()

    sig_idle = Signal()
    """Every submitted job has answered. No arguments."""

    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        parent: QObject | None = None,
        *,
        name: str = "tutordesk-db",
    ) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[OnDone | None, OnError | None]] = {}
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._worker = _DbWorker(connect)
        self._worker.moveToThread(self._thread)
        self._sig_job.connect(self._worker.on_job)
        self._sig_close.connect(self._worker.on_close)
        self._worker.sig_done.connect(self._on_done)
        self._thread.start()

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    def submit(self, fn: DbJob, on_done: OnDone | None = None, on_error: OnError | None = None) -> int:
        job_id = next(self._ids)
        self._callbacks[job_id] = (on_done, on_error)
        self._sig_job.emit(job_id, fn)
        return job_id

    @Slot(int, object, object)
    def _on_done(self, job_id: int, result: Any, error: BaseException | None) -> None:
        on_done, on_error = self._callbacks.pop(job_id, (None, None))
        try:
            if error is None:
                if on_done is not None:
                    on_done(result)
            elif on_error is not None:
                on_error(error)
            else:
                sys.excepthook(type(error), error, error.__traceback__)
        finally:
            if not self._callbacks:
                self.sig_idle.emit()

    def shutdown(self, timeout: float = 30.0) -> None:
        """Finish the queued jobs (a last save on quit), close the worker's connection, stop the thread.

        The close request queues behind every job already submitted, so waiting for it means they ran.
        """
        if not self._thread.isRunning():
            return
        self._sig_close.emit()
        if not self._worker.closed.wait(timeout):
            log.warning("database jobs still running after %s s at shutdown", timeout)
        self._thread.quit()
        self._thread.wait()


class BackgroundCall(QObject):
    """One long read on a daemon thread of its own (the mirror's whole-file check), so it neither blocks the
    window nor holds up the database thread's searches; the answer comes back on the GUI thread."""

    sig_done = Signal(object)
    """The call ended. Arguments: its result, or the exception it raised."""

    def __init__(self, fn: Callable[[], Any], name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fn = fn
        # Daemon: a check still reading when the app quits must not keep the process alive.
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """For tests and shutdown: True once the call has ended."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        result: Any = None
        try:
            result = self._fn()
        except Exception as exc:  # handed to the GUI thread, which decides what to say
            result = exc
        finally:
            # A signal emitted on this thread reaches the GUI thread's slots through its event queue.
            try:
                self.sig_done.emit(result)
            except RuntimeError:  # the app was torn down while the call ran: nobody is left to tell
                log.debug("background call %s ended after its owner was deleted", self._thread.name)
