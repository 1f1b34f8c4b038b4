"""Short database jobs on Qt's global thread pool, with the answer delivered on the GUI thread.

For views mounted with only a `Mirror` (the review page): each job calls the mirror's own API, which gives
every pool thread its own connection. Qt waits for the pool when the application quits, so no thread is left
running and no view has to be shut down by hand.
"""

from __future__ import annotations

import itertools
import logging
import sys
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Job = Callable[[Any], Any]
OnDone = Callable[[Any], None]
OnError = Callable[[BaseException], None]


class _Answer(QObject):
    """Carries the jobs' outcomes back; lives on the GUI thread, so its signal is queued from the pool."""

    sig_done = Signal(int, object, object)
    """A job ended. Arguments: job id, result (None on error), exception (None on success)."""


class _Runnable(QRunnable):
    def __init__(self, job_id: int, fn: Job, answer: _Answer) -> None:
        super().__init__()
        self._job_id = job_id
        self._fn = fn
        self._answer = answer

    def run(self) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = self._fn(None)
        except Exception as exc:  # handed to the GUI thread, which words it for the person
            error = exc
        finally:
            # Always answer, so a button disabled for the job comes back; unless the view that asked is gone.
            if shiboken6.isValid(self._answer):
                self._answer.sig_done.emit(self._job_id, result, error)


class PoolRunner(QObject):
    """`submit(fn, on_done, on_error)` like `desktop.workers.DbRunner`; `fn` gets None (no shared conn)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[OnDone | None, OnError | None]] = {}
        self._answer = _Answer(self)  # dies with the runner, hence with the view that owns the runner
        self._answer.sig_done.connect(self._on_done)

    def submit(self, fn: Job, on_done: OnDone | None = None, on_error: OnError | None = None) -> int:
        job_id = next(self._ids)
        self._callbacks[job_id] = (on_done, on_error)
        QThreadPool.globalInstance().start(_Runnable(job_id, fn, self._answer))
        return job_id

    @Slot(int, object, object)
    def _on_done(self, job_id: int, result: Any, error: BaseException | None) -> None:
        on_done, on_error = self._callbacks.pop(job_id, (None, None))
        if error is None:
            if on_done is not None:
                on_done(result)
        elif on_error is not None:
            on_error(error)
        else:
            sys.excepthook(type(error), error, error.__traceback__)

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)
