"""SyncScheduler on the real APScheduler threads, with a fake run function (SYNC.md S1-S2, clean shutdown).

Nothing here sleeps to wait: every wait is on a condition, with a generous timeout that only guards a
deadlock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sync.scheduler import BackoffPolicy, SyncEvent, SyncEventKind, SyncScheduler

WAIT = 20.0  # deadlock guard only; the conditions below are normally met in milliseconds


class Recorder:
    """Listener that keeps every event and lets a test wait for a condition on them."""

    def __init__(self) -> None:
        self.events: list[SyncEvent] = []
        self._cond = threading.Condition()

    def __call__(self, event: SyncEvent) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def kinds(self) -> list[SyncEventKind]:
        with self._cond:
            return [e.kind for e in self.events if e.kind is not SyncEventKind.SCHEDULED]

    def count(self, kind: SyncEventKind) -> int:
        return self.kinds().count(kind)

    def wait_for(self, predicate: Callable[[], bool]) -> None:
        with self._cond:
            assert self._cond.wait_for(predicate, WAIT), f"condition not met; events: {self.kinds()}"

    def wait_count(self, kind: SyncEventKind, n: int) -> None:
        self.wait_for(lambda: sum(1 for e in self.events if e.kind is kind) >= n)


class FakeSync:
    """Stands in for the engine: counts runs, can block a run, fail, or loop over pages until cancelled."""

    def __init__(self) -> None:
        self.calls = 0
        self.active = 0
        self.max_active = 0
        self.release = threading.Event()
        self.release.set()
        self.entered = threading.Event()
        self.failures: list[BaseException] = []
        self.lock = threading.Lock()

    def __call__(self, cancel: threading.Event) -> dict[str, Any]:
        with self.lock:
            self.calls += 1
            self.active += 1
            self.max_active = max(self.max_active, self.active)
            call = self.calls
            error = self.failures.pop(0) if self.failures else None
        self.entered.set()
        try:
            assert self.release.wait(WAIT)
            if error is not None:
                raise error
            return {"run": call}
        finally:
            with self.lock:
                self.active -= 1


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def fake() -> FakeSync:
    return FakeSync()


@pytest.fixture
def make(recorder: Recorder) -> Iterator[Callable[..., SyncScheduler]]:
    made: list[SyncScheduler] = []

    def factory(run: Callable[[threading.Event], Any], **kwargs: Any) -> SyncScheduler:
        params: dict[str, Any] = {"interval": 3600.0, "run_at_start": False, "jitter": lambda: 0.0}
        sched = SyncScheduler(run, listener=recorder, **(params | kwargs))
        made.append(sched)
        sched.start()
        return sched

    yield factory
    for sched in made:
        sched.stop()


def test_sync_now_runs_once_and_reports(
    make: Callable[..., SyncScheduler], fake: FakeSync, recorder: Recorder
) -> None:
    sched = make(fake)
    sched.sync_now()
    recorder.wait_count(SyncEventKind.SUCCEEDED, 1)
    done = next(e for e in recorder.events if e.kind is SyncEventKind.SUCCEEDED)
    assert done.report == {"run": 1}
    assert done.trigger == "now"
    assert recorder.kinds()[:2] == [SyncEventKind.STARTED, SyncEventKind.SUCCEEDED]
    assert sched.status().last_success_at is not None


def test_start_can_sync_at_once(
    make: Callable[..., SyncScheduler], fake: FakeSync, recorder: Recorder
) -> None:
    make(fake, run_at_start=True)
    recorder.wait_count(SyncEventKind.SUCCEEDED, 1)
    assert recorder.events[1].trigger == "start"


def test_interval_keeps_syncing(
    make: Callable[..., SyncScheduler], fake: FakeSync, recorder: Recorder
) -> None:
    make(fake, interval=0.01)
    recorder.wait_count(SyncEventKind.SUCCEEDED, 3)
    assert {e.trigger for e in recorder.events if e.kind is SyncEventKind.STARTED} == {"interval"}


def test_local_edits_trigger_a_debounced_sync(
    make: Callable[..., SyncScheduler], fake: FakeSync, recorder: Recorder
) -> None:
    make(fake, debounce=0.02).notify_local_change()
    recorder.wait_count(SyncEventKind.SUCCEEDED, 1)
    assert recorder.events[-1].trigger == "edit"


def test_debounce_follows_the_injected_clock(make: Callable[..., SyncScheduler], fake: FakeSync) -> None:
    now = [1000.0]
    sched = make(fake, debounce=5.0, clock=lambda: now[0])
    sched.notify_local_change()
    assert sched.plan.edit_due == 1005.0
    now[0] = 1003.0
    sched.notify_local_change()
    assert sched.plan.next_due(now[0]) == 1008.0
    assert fake.calls == 0


def test_triggers_during_a_run_coalesce_into_one_follow_up(
    make: Callable[..., SyncScheduler], fake: FakeSync, recorder: Recorder
) -> None:
    sched = make(fake, debounce=0.0)
    fake.release.clear()
    sched.sync_now()
    assert fake.entered.wait(WAIT)
    for _ in range(5):
        sched.sync_now()
        sched.notify_local_change()
        sched.notify_network_up()
    fake.release.set()
    recorder.wait_count(SyncEventKind.SUCCEEDED, 2)
    assert sched.wait_idle(WAIT)
    plan = sched.plan
    assert not plan.follow_up_pending
    assert fake.calls == 2
    assert fake.max_active == 1
    assert plan.next_due(plan.interval_due - 3600.0) == plan.interval_due  # only the interval is next


def test_failure_backs_off_then_retries(
    make: Callable[..., SyncScheduler], fake: FakeSync, recorder: Recorder
) -> None:
    fake.failures = [RuntimeError("server said 500"), RuntimeError("again")]
    sched = make(fake, policy=BackoffPolicy(base=0.02, cap=0.05))
    sched.sync_now()
    recorder.wait_count(SyncEventKind.SUCCEEDED, 1)
    failed = [e for e in recorder.events if e.kind is SyncEventKind.FAILED]
    assert [e.failures for e in failed] == [1, 2]
    assert isinstance(failed[0].error, RuntimeError)
    assert all(e.next_run_at is not None for e in failed)
    starts = [e.trigger for e in recorder.events if e.kind is SyncEventKind.STARTED]
    assert starts == ["now", "retry", "retry"]
    assert sched.status().failures == 0
    assert SyncEventKind.OFFLINE not in recorder.kinds()  # a 500 is not "offline"


def test_sync_now_resets_a_long_backoff(
    make: Callable[..., SyncScheduler], fake: FakeSync, recorder: Recorder
) -> None:
    fake.failures = [RuntimeError("boom")]
    sched = make(fake, policy=BackoffPolicy(base=3600.0, cap=3600.0))
    sched.sync_now()
    recorder.wait_count(SyncEventKind.FAILED, 1)
    assert sched.status().failures == 1
    sched.sync_now()
    recorder.wait_count(SyncEventKind.SUCCEEDED, 1)
    assert sched.status().failures == 0


def test_offline_failure_probes_until_the_server_answers(
    make: Callable[..., SyncScheduler], fake: FakeSync, recorder: Recorder
) -> None:
    fake.failures = [ConnectionRefusedError("no route")]
    probes: list[bool] = []

    def probe() -> bool:
        probes.append(len(probes) >= 2)  # unreachable twice, then back
        return probes[-1]

    make(fake, policy=BackoffPolicy(base=3600.0, cap=3600.0), probe=probe, probe_interval=0.01).sync_now()
    recorder.wait_count(SyncEventKind.SUCCEEDED, 1)
    kinds = recorder.kinds()
    assert (
        kinds.index(SyncEventKind.OFFLINE)
        < kinds.index(SyncEventKind.ONLINE)
        < kinds.index(SyncEventKind.SUCCEEDED)
    )
    assert probes[:3] == [False, False, True]
    assert recorder.events[-1].trigger == "network"


def test_stop_cancels_at_a_page_boundary_and_waits(
    make: Callable[..., SyncScheduler], recorder: Recorder
) -> None:
    pages: list[int] = []
    started = threading.Event()
    finished = threading.Event()

    def paged_sync(cancel: threading.Event) -> str:
        started.set()
        try:
            # An engine checks the cancel flag between pages; a test "page" is a bounded wait on that flag.
            while not cancel.is_set():
                pages.append(len(pages))
                cancel.wait(0.005)
            return "cancelled"
        finally:
            finished.set()

    sched = make(paged_sync)
    sched.sync_now()
    assert started.wait(WAIT)
    sched.stop()
    assert finished.is_set()  # stop() returned only after the run ended
    assert recorder.kinds()[-2:] == [SyncEventKind.CANCELLED, SyncEventKind.STOPPED]
    sched.sync_now()  # after stop, triggers are ignored rather than raising
    assert recorder.kinds()[-1] is SyncEventKind.STOPPED


def test_a_broken_listener_does_not_stop_sync(fake: FakeSync) -> None:
    def listener(event: SyncEvent) -> None:
        raise ValueError("bridge bug")

    sched = SyncScheduler(fake, listener=listener, interval=3600.0, run_at_start=False)
    sched.start()
    try:
        sched.sync_now()
        assert sched.wait_idle(WAIT)
        assert fake.calls == 1
        sched.sync_now()
        assert sched.wait_idle(WAIT)
        assert fake.calls == 2
    finally:
        sched.stop()


def test_stop_before_start_is_harmless(fake: FakeSync, recorder: Recorder) -> None:
    sched = SyncScheduler(fake, listener=recorder)
    sched.stop()
    assert recorder.kinds() == [SyncEventKind.STOPPED]
    assert fake.calls == 0


def test_an_offline_engine_report_backs_off_and_probes(
    make: Callable[..., SyncScheduler], recorder: Recorder
) -> None:
    from sync.errors import Offline
    from sync.status import SyncReport

    reports = [SyncReport(status="offline", error=Offline("refused")), SyncReport(status="ok")]
    sched = make(
        lambda cancel: reports.pop(0),
        policy=BackoffPolicy(base=3600.0),
        probe=lambda: True,
        probe_interval=0.01,
    )
    sched.sync_now()
    recorder.wait_count(SyncEventKind.SUCCEEDED, 1)
    failed = next(e for e in recorder.events if e.kind is SyncEventKind.FAILED)
    assert isinstance(failed.error, Offline)
    assert SyncEventKind.OFFLINE in recorder.kinds()
    assert sched.status().failures == 0


def test_back_to_back_sync_now_is_never_dropped(make: Callable[..., SyncScheduler], fake: FakeSync) -> None:
    # Regression: re-adding one job id right as a run ended could be skipped by APScheduler's instance count.
    sched = make(fake)
    for expected in range(1, 101):
        sched.sync_now()
        assert sched.wait_idle(WAIT), f"run {expected} never happened"
        assert fake.calls == expected
