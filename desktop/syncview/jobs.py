"""Short database jobs on Qt's global thread pool, with the answer delivered on the GUI thread.

For views mounted with only a `Mirror` (the review page): each job calls the mirror's own API, which gives
every pool thread its own connection. Qt waits for the pool when the application quits, so no thread is left
running and no view has to be shut down by hand.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Job = Callable[[Any], Any]


class _Answer(QObject):
    """Carries one job's outcome back; lives on the GUI thread, so its signal is queued from the pool."""

    sig_done = Signal(object, object)
    """A job ended. Arguments: result (None on error), exception (None on success)."""


class _Runnable(QRunnable):
    def __init__(self, fn: Job, answer: _Answer) -> None:
        super().__init__()
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
            # Always answer, so a button disabled for the job comes back.
            self._answer.sig_done.emit(result, error)


class PoolRunner(QObject):
    """`submit(fn, on_done, on_error)` like `desktop.workers.DbRunner`; `fn` gets None (no shared conn)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: set[_Answer] = set()

    def submit(
        self,
        fn: Job,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        answer = _Answer()
        self._pending.add(answer)  # kept alive until it has answered

        @Slot(object, object)
        def deliver(result: Any, error: BaseException | None) -> None:
            self._pending.discard(answer)
            if error is None:
                if on_done is not None:
                    on_done(result)
            elif on_error is not None:
                on_error(error)
            else:
                sys.excepthook(type(error), error, error.__traceback__)

        answer.sig_done.connect(deliver)
        QThreadPool.globalInstance().start(_Runnable(fn, answer))
        return id(answer)

    @property
    def busy(self) -> bool:
        return bool(self._pending)
