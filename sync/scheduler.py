"""When to sync: the schedule of SYNC.md S1-S2 on APScheduler 3, without Qt and without the network.

`SyncScheduler` runs a caller-supplied `run_sync(cancel_event) -> report` on APScheduler's
`BackgroundScheduler`:

- on an interval (measured from the end of the last run);
- soon after local edits (`notify_local_change()`, debounced: `debounce` seconds after the last edit, but no
  later than `max_debounce` seconds after the first edit not yet synced, so steady typing still syncs);
- when the server becomes reachable again (`notify_network_up()`, or a cheap `probe()` job that runs only
  while the last failure looked like "offline");
- at once on `sync_now()`, which also resets the backoff.

One run at a time: the job has `max_instances=1, coalesce=True`, and a trigger that arrives during a run only
marks that a follow-up is due, so any number of triggers during a run become ONE follow-up run. Failures back
off exponentially with jitter, capped (S2). `stop()` sets the cancel event the engine checks between pages and
waits for the running job to reach a page boundary.

The decisions are a pure state machine (`SchedulePlan`, `backoff_delay`) over a float clock, so they are
tested without threads; `SyncScheduler` only wires the plan to APScheduler and to a listener. The listener
receives `SyncEvent`s on scheduler threads; the desktop bridge turns them into queued Qt signals, so it must
not block.
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

__all__ = [
    "BackoffPolicy",
    "SchedulePlan",
    "SchedulerStatus",
    "SyncEvent",
    "SyncEventKind",
    "SyncScheduler",
    "backoff_delay",
    "http_probe",
    "looks_offline",
    "run_outcome",
]

log = logging.getLogger(__name__)

RunSync = Callable[[threading.Event], Any]
Listener = Callable[["SyncEvent"], None]
Clock = Callable[[], float]


# --- pure parts ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackoffPolicy:
    """Exponential backoff: `base * factor**(failures-1)` seconds, capped, then scaled by [0.5, 1] jitter."""

    base: float = 15.0
    factor: float = 2.0
    cap: float = 15 * 60.0


def backoff_delay(failures: int, jitter: float, policy: BackoffPolicy = BackoffPolicy()) -> float:
    """Seconds to wait after `failures` consecutive failures; `jitter` is a uniform draw in [0, 1).

    "Equal jitter": the delay lies in [d/2, d] where d is the capped exponential. Half of it is fixed so a
    device never retries in a tight loop; the random half spreads a classroom of PCs that lost the link.
    """
    if failures <= 0:
        return 0.0
    jitter = min(max(jitter, 0.0), 1.0)
    # The exponent is bounded so the float stays finite after a very long outage.
    exponential = policy.base * policy.factor ** min(failures - 1, 64)
    capped = min(policy.cap, exponential)
    return capped * (0.5 + 0.5 * jitter)


@dataclass
class SchedulePlan:
    """The schedule as data: what is due when. All times are seconds on one monotonic clock.

    The plan never runs anything; `SyncScheduler` asks `next_due()` and calls `begin()` / `finish()`.
    """

    interval: float
    debounce: float
    max_debounce: float
    policy: BackoffPolicy = field(default_factory=BackoffPolicy)
    running: bool = False
    failures: int = 0
    offline: bool = False
    interval_due: float = 0.0
    edit_due: float | None = None
    edit_first: float | None = None
    urgent: bool = False
    backoff_until: float | None = None

    def start(self, now: float, run_at_start: bool) -> None:
        self.interval_due = now if run_at_start else now + self.interval

    def local_change(self, now: float) -> None:
        if self.edit_first is None:
            self.edit_first = now
        self.edit_due = min(now + self.debounce, self.edit_first + self.max_debounce)

    def sync_now(self) -> None:
        """A person asked: run at once and forget the backoff (S2)."""
        self.urgent = True
        self.failures = 0
        self.backoff_until = None

    def network_up(self) -> None:
        """The link is back: run at once, but keep the failure count so a flapping link cannot hammer."""
        self.urgent = True
        self.backoff_until = None
        self.offline = False

    def next_due(self, now: float) -> float | None:
        """When the next run should start, or None while one runs (its end decides)."""
        if self.running:
            return None
        if self.urgent:
            return now
        due = self.interval_due if self.edit_due is None else min(self.interval_due, self.edit_due)
        if self.backoff_until is not None:
            due = max(due, self.backoff_until)
        return due

    def begin(self) -> None:
        """A run starts: it covers every trigger so far, since it pushes and pulls everything pending now."""
        self.running = True
        self.urgent = False
        self.edit_due = None
        self.edit_first = None

    def finish(self, now: float, *, ok: bool, offline: bool = False, jitter: float = 0.0) -> float | None:
        """A run ended; answers the backoff delay after a failure (None after a success)."""
        self.running = False
        if ok:
            self.failures = 0
            self.offline = False
            self.backoff_until = None
            self.interval_due = now + self.interval
            return None
        self.failures += 1
        self.offline = offline
        delay = backoff_delay(self.failures, jitter, self.policy)
        self.backoff_until = now + delay
        # The interval restarts after the retry, not before it: a failed run is retried on the backoff alone.
        self.interval_due = self.backoff_until
        return delay

    @property
    def follow_up_pending(self) -> bool:
        return self.urgent or self.edit_due is not None


# --- events -------------------------------------------------------------------------------------------------


class SyncEventKind(enum.Enum):
    SCHEDULED = "scheduled"  # the next run time changed (next_run_at)
    STARTED = "started"  # a run began (trigger says why)
    SUCCEEDED = "succeeded"  # a run ended well (report)
    FAILED = "failed"  # a run raised (error, failures, next_run_at after the backoff)
    CANCELLED = "cancelled"  # a run stopped early because stop() asked it to
    OFFLINE = "offline"  # the last failure looked like no connection; probing for the server
    ONLINE = "online"  # the server is reachable again
    STOPPED = "stopped"  # the scheduler shut down; no more events


@dataclass(frozen=True)
class SyncEvent:
    """One thing the scheduler did, for the status bar and the log. Plain data, safe across threads."""

    kind: SyncEventKind
    at: datetime
    trigger: str = ""
    report: Any = None
    error: BaseException | None = None
    failures: int = 0
    next_run_at: datetime | None = None


@dataclass(frozen=True)
class SchedulerStatus:
    running: bool
    failures: int
    offline: bool
    next_run_at: datetime | None
    last_success_at: datetime | None
    last_error: BaseException | None
    runs: int


def looks_offline(exc: BaseException) -> bool:
    """True when an error means "cannot reach the server" rather than "the server said no"."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ConnectionError | TimeoutError | OSError):
            return True
        if isinstance(current, httpx.TransportError):
            return True
        if getattr(current, "offline", False) is True:
            return True
        current = current.__cause__ or current.__context__
    return False


def run_outcome(
    report: Any, error: BaseException | None, is_offline: Callable[[BaseException], bool] = looks_offline
) -> tuple[str, BaseException | None, bool]:
    """("ok" | "cancelled" | "failed", the error, whether it looks offline) of one run.

    A run fails by raising, or (the engine's way: it never raises) by answering a report whose `status` is not
    "ok"; such a report's `error` is the exception behind it.
    """
    if error is None:
        status = getattr(report, "status", "ok")
        if status in ("ok", "cancelled"):
            return status, None, False
        error = getattr(report, "error", None) or RuntimeError(getattr(report, "message", "") or status)
        return "failed", error, status == "offline" or is_offline(error)
    if getattr(error, "status", None) == "cancelled":
        return "cancelled", error, False
    return "failed", error, is_offline(error)


def http_probe(url: str, timeout: float = 5.0) -> Callable[[], bool]:
    """A cheap reachability probe for `SyncScheduler(probe=...)`: any HTTP answer from `url` (for example the
    project's `/auth/v1/health`) means the server is reachable again; no answer at all means it is not."""

    def probe() -> bool:
        try:
            httpx.get(url, timeout=timeout)
        except httpx.TransportError:
            return False
        return True

    return probe


# --- the wiring ---------------------------------------------------------------------------------------------


class SyncScheduler:
    """Runs `run_sync` for one profile on APScheduler's background threads; see the module docstring."""

    def __init__(
        self,
        run_sync: RunSync,
        *,
        listener: Listener | None = None,
        name: str = "default",
        interval: float = 300.0,
        debounce: float = 5.0,
        max_debounce: float = 60.0,
        policy: BackoffPolicy | None = None,
        probe: Callable[[], bool] | None = None,
        probe_interval: float = 20.0,
        is_offline: Callable[[BaseException], bool] = looks_offline,
        clock: Clock = time.monotonic,
        jitter: Callable[[], float] = random.random,
        run_at_start: bool = True,
    ) -> None:
        self._run_sync = run_sync
        self._listener = listener
        self._job_prefix = f"tutordesk-sync:{name}"
        self._job_id: str | None = None  # the one pending sync job, if any
        self._job_numbers = itertools.count(1)
        self._probe_id = f"tutordesk-probe:{name}"
        self._probe = probe
        self._probe_interval = probe_interval
        self._is_offline = is_offline
        self._clock = clock
        self._jitter = jitter
        self._run_at_start = run_at_start
        self._plan = SchedulePlan(interval, debounce, max_debounce, policy or BackoffPolicy())
        self._lock = threading.RLock()
        self._idle = threading.Condition(self._lock)
        self._cancel = threading.Event()
        self._stopping = False
        self._started = False
        self._trigger = "start"
        self._next_run_at: datetime | None = None
        self._last_success_at: datetime | None = None
        self._last_error: BaseException | None = None
        self._runs = 0
        # Two workers: the sync job and the offline probe; max_instances=1 keeps the sync job single.
        self._scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=2)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=UTC,
        )

    # public API ---------------------------------------------------------------------------------------------

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
            self._plan.start(self._clock(), self._run_at_start)
            self._trigger = "start" if self._run_at_start else "interval"
            self._scheduler.start()
            self._reschedule()

    def sync_now(self) -> None:
        """Run at once (or right after the running sync) and reset the backoff."""
        with self._lock:
            self._plan.sync_now()
            self._trigger = "now"
            self._reschedule()

    def notify_local_change(self) -> None:
        """A synced table was edited on this device: sync a few seconds after the edits stop."""
        with self._lock:
            self._plan.local_change(self._clock())
            if not self._plan.urgent:
                self._trigger = "edit"
            self._reschedule()

    def notify_network_up(self) -> None:
        """The OS (or the probe) says the network is back: sync at once."""
        with self._lock:
            was_offline = self._plan.offline
            self._plan.network_up()
            self._trigger = "network"
            self._remove_job(self._probe_id)
            self._reschedule()
        if was_offline:
            self._emit(SyncEventKind.ONLINE)

    def stop(self, wait: bool = True) -> None:
        """Stop scheduling, ask a running sync to stop at its next page boundary, and (by default) wait."""
        with self._lock:
            if self._stopping:
                return
            self._stopping = True
            self._cancel.set()
            if self._job_id is not None:
                self._remove_job(self._job_id)
            self._remove_job(self._probe_id)
        if self._started:
            self._scheduler.shutdown(wait=wait)
        self._emit(SyncEventKind.STOPPED)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no run is in progress and none is due at once; for the CLI and tests, never the GUI."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._plan.running and not self._plan.urgent, timeout)

    def status(self) -> SchedulerStatus:
        with self._lock:
            return SchedulerStatus(
                running=self._plan.running,
                failures=self._plan.failures,
                offline=self._plan.offline,
                next_run_at=self._next_run_at,
                last_success_at=self._last_success_at,
                last_error=self._last_error,
                runs=self._runs,
            )

    @property
    def plan(self) -> SchedulePlan:
        """A copy of the current plan (for status displays and tests)."""
        with self._lock:
            return replace(self._plan)

    # internals ----------------------------------------------------------------------------------------------

    def _reschedule(self) -> None:
        """Point the one sync job at the plan's next due time. Called with the lock held."""
        if not self._started or self._stopping:
            return
        now = self._clock()
        due = self._plan.next_due(now)
        if due is None:  # a run is in progress; its end reschedules
            return
        # The plan's clock may be a test clock: APScheduler gets the same distance from now on the real clock.
        run_at = datetime.now(UTC) + timedelta(seconds=max(0.0, due - now))
        # A fresh id per planned run: APScheduler counts a job's instances until just after the function
        # returns, so re-adding the same id at the end of a run could be skipped as "max instances reached".
        # One run at a time is the plan's `running` flag; the job keeps max_instances=1 all the same.
        if self._job_id is not None:
            self._remove_job(self._job_id)
        self._job_id = f"{self._job_prefix}:{next(self._job_numbers)}"
        self._scheduler.add_job(self._job, trigger=DateTrigger(run_date=run_at), id=self._job_id)
        self._next_run_at = run_at
        self._emit(SyncEventKind.SCHEDULED, next_run_at=run_at)

    def _job(self) -> None:
        with self._lock:
            if self._plan.running or self._stopping:
                return
            self._plan.begin()
            trigger, self._trigger = self._trigger, "interval"
            self._runs += 1
        self._emit(SyncEventKind.STARTED, trigger=trigger)
        log.info("sync started (%s)", trigger)
        report: Any = None
        error: BaseException | None = None
        try:
            report = self._run_sync(self._cancel)
        except Exception as exc:  # every failure is reported and retried; nothing may kill the scheduler
            error = exc
        finally:
            self._after_run(trigger, report, error)

    def _after_run(self, trigger: str, report: Any, error: BaseException | None) -> None:
        now = self._clock()
        outcome, error, offline = run_outcome(report, error, self._is_offline)
        with self._lock:
            went_offline = False
            if outcome == "failed":
                delay = self._plan.finish(now, ok=False, offline=offline, jitter=self._jitter())
                self._last_error = error
                kind = SyncEventKind.FAILED
                went_offline = offline and self._probe is not None and not self._stopping
                log.warning("sync failed (%s), retry in %.0f s: %s", trigger, delay or 0.0, type(error).__name__)
                if not self._plan.follow_up_pending:
                    self._trigger = "retry"
            else:
                self._plan.finish(now, ok=True)
                kind = SyncEventKind.SUCCEEDED
                if outcome == "cancelled" or self._cancel.is_set():
                    kind = SyncEventKind.CANCELLED
                else:
                    self._last_success_at = datetime.now(UTC)
                    self._last_error = None
            self._reschedule()
            failures, next_run_at = self._plan.failures, self._next_run_at
            if went_offline:
                self._start_probe()
            self._idle.notify_all()
        self._emit(kind, trigger=trigger, report=report, error=error, failures=failures, next_run_at=next_run_at)
        if went_offline:
            self._emit(SyncEventKind.OFFLINE, failures=failures, next_run_at=next_run_at)

    def _start_probe(self) -> None:
        self._scheduler.add_job(
            self._probe_job,
            trigger=IntervalTrigger(seconds=self._probe_interval),
            id=self._probe_id,
            replace_existing=True,
        )

    def _probe_job(self) -> None:
        if self._probe is None or self._stopping:
            return
        try:
            reachable = self._probe()
        except Exception:  # a probe that raises means "still unreachable"
            log.debug("reachability probe failed", exc_info=True)
            reachable = False
        if reachable:
            self.notify_network_up()

    def _remove_job(self, job_id: str) -> None:
        if self._scheduler.get_job(job_id) is not None:
            # It may fire and go away between the two calls.
            with contextlib.suppress(LookupError):
                self._scheduler.remove_job(job_id)

    def _emit(self, kind: SyncEventKind, **fields: Any) -> None:
        if self._listener is None:
            return
        try:
            self._listener(SyncEvent(kind=kind, at=datetime.now(UTC), **fields))
        except Exception:  # a broken listener must not stop the sync
            log.exception("sync listener failed on %s", kind.value)
