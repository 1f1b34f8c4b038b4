"""The schedule's decisions as pure functions: backoff math and the plan's state machine (SYNC.md S1-S2)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.scheduler import BackoffPolicy, SchedulePlan, backoff_delay, looks_offline, run_outcome

POLICY = BackoffPolicy(base=15.0, factor=2.0, cap=900.0)


def make_plan(**overrides: float) -> SchedulePlan:
    params = {"interval": 300.0, "debounce": 5.0, "max_debounce": 60.0} | overrides
    plan = SchedulePlan(params["interval"], params["debounce"], params["max_debounce"], POLICY)
    plan.start(0.0, run_at_start=False)
    return plan


# --- backoff ------------------------------------------------------------------------------------------------


def test_no_failure_no_wait() -> None:
    assert backoff_delay(0, 0.7, POLICY) == 0.0


@pytest.mark.parametrize(("failures", "full"), [(1, 15.0), (2, 30.0), (3, 60.0), (6, 480.0), (7, 900.0)])
def test_backoff_doubles_then_caps_at_fifteen_minutes(failures: int, full: float) -> None:
    assert backoff_delay(failures, 1.0, POLICY) == pytest.approx(full)
    assert backoff_delay(failures, 0.0, POLICY) == pytest.approx(full / 2)


@given(failures=st.integers(min_value=1, max_value=10_000), jitter=st.floats(min_value=0.0, max_value=1.0))
def test_backoff_stays_between_half_and_cap(failures: int, jitter: float) -> None:
    delay = backoff_delay(failures, jitter, POLICY)
    assert math.isfinite(delay)
    full = min(POLICY.cap, POLICY.base * 2 ** min(failures - 1, 64))
    assert full / 2 <= delay <= full <= POLICY.cap


@given(failures=st.integers(min_value=1, max_value=60), jitter=st.floats(min_value=0.0, max_value=1.0))
def test_backoff_never_shrinks_as_failures_grow(failures: int, jitter: float) -> None:
    assert backoff_delay(failures + 1, jitter, POLICY) >= backoff_delay(failures, jitter, POLICY)


def test_jitter_spreads_retries() -> None:
    assert backoff_delay(3, 0.0, POLICY) < backoff_delay(3, 0.5, POLICY) < backoff_delay(3, 0.99, POLICY)


# --- the plan -----------------------------------------------------------------------------------------------


def test_interval_run_is_due_after_the_interval() -> None:
    plan = make_plan()
    assert plan.next_due(0.0) == 300.0
    plan.begin()
    assert plan.next_due(10.0) is None  # while running, the end of the run decides
    plan.finish(20.0, ok=True)
    assert plan.next_due(20.0) == 320.0


def test_run_at_start() -> None:
    plan = SchedulePlan(300.0, 5.0, 60.0, POLICY)
    plan.start(7.0, run_at_start=True)
    assert plan.next_due(7.0) == 7.0


def test_edits_are_debounced_from_the_last_edit() -> None:
    plan = make_plan()
    plan.local_change(10.0)
    assert plan.next_due(10.0) == 15.0
    plan.local_change(13.0)
    assert plan.next_due(13.0) == 18.0


def test_steady_typing_still_syncs_after_max_debounce() -> None:
    plan = make_plan(max_debounce=20.0)
    for t in range(10, 40, 2):
        plan.local_change(float(t))
    assert plan.next_due(40.0) == 30.0  # first edit at 10 + 20, not last edit + 5


def test_sync_now_is_due_at_once_and_resets_backoff() -> None:
    plan = make_plan()
    plan.begin()
    plan.finish(0.0, ok=False, jitter=1.0)
    plan.begin()
    plan.finish(20.0, ok=False, jitter=1.0)
    assert plan.failures == 2
    assert plan.next_due(21.0) == 50.0
    plan.sync_now()
    assert plan.failures == 0
    assert plan.next_due(21.0) == 21.0
    plan.begin()
    plan.finish(22.0, ok=False, jitter=1.0)
    assert plan.next_due(22.0) == 37.0  # the backoff starts again from the first step


def test_failure_retries_on_the_backoff_even_with_a_long_interval() -> None:
    plan = make_plan(interval=3600.0)
    plan.begin()
    delay = plan.finish(100.0, ok=False, jitter=0.0)
    assert delay == 7.5
    assert plan.next_due(100.0) == 107.5


def test_edits_during_backoff_wait_for_the_backoff() -> None:
    plan = make_plan()
    plan.begin()
    plan.finish(0.0, ok=False, jitter=1.0)  # retry at 15
    plan.local_change(1.0)  # debounce would say 6
    assert plan.next_due(1.0) == 15.0


def test_success_resets_failures_and_backoff() -> None:
    plan = make_plan()
    for t in (0.0, 10.0, 40.0):
        plan.begin()
        plan.finish(t, ok=False, offline=True, jitter=0.5)
    assert plan.failures == 3
    assert plan.offline
    plan.begin()
    plan.finish(200.0, ok=True)
    assert (plan.failures, plan.offline, plan.backoff_until) == (0, False, None)
    assert plan.next_due(200.0) == 500.0


def test_network_up_runs_at_once_but_keeps_the_failure_count() -> None:
    plan = make_plan()
    plan.begin()
    plan.finish(0.0, ok=False, offline=True, jitter=1.0)
    plan.network_up()
    assert plan.next_due(3.0) == 3.0
    assert not plan.offline
    plan.begin()
    plan.finish(4.0, ok=False, offline=True, jitter=1.0)
    assert plan.next_due(4.0) == 34.0  # second failure: 30 s, the link flaps but the server is not hammered


def test_triggers_during_a_run_become_one_follow_up() -> None:
    plan = make_plan()
    plan.local_change(0.0)
    plan.begin()  # the run covers the edit made before it started
    assert not plan.follow_up_pending
    for t in (1.0, 2.0, 3.0):
        plan.local_change(t)
        plan.sync_now()
    assert plan.next_due(3.5) is None
    plan.finish(4.0, ok=True)
    assert plan.follow_up_pending
    assert plan.next_due(4.0) == 4.0
    plan.begin()
    plan.finish(5.0, ok=True)
    assert not plan.follow_up_pending
    assert plan.next_due(5.0) == 305.0  # nothing else is due: exactly one follow-up


def test_an_edit_during_a_run_follows_up_after_its_debounce() -> None:
    plan = make_plan()
    plan.begin()
    plan.local_change(1.0)
    plan.finish(2.0, ok=True)
    assert plan.next_due(2.0) == 6.0


# --- what counts as a failed run ----------------------------------------------------------------------------


def test_engine_reports_decide_the_outcome() -> None:
    from sync.errors import Cancelled, Offline, ServerError
    from sync.status import SyncReport

    assert run_outcome(SyncReport(status="ok"), None) == ("ok", None, False)
    assert run_outcome(None, None) == ("ok", None, False)  # a bare run function that returns nothing
    offline = Offline("refused")
    assert run_outcome(SyncReport(status="offline", error=offline), None) == ("failed", offline, True)
    server = ServerError("500")
    assert run_outcome(SyncReport(status="error", error=server), None) == ("failed", server, False)
    outcome, error, is_offline = run_outcome(SyncReport(status="auth", message="sign in again"), None)
    assert (outcome, str(error), is_offline) == ("failed", "sign in again", False)
    assert run_outcome(SyncReport(status="cancelled"), None)[0] == "cancelled"
    assert run_outcome(None, Cancelled())[0] == "cancelled"
    assert run_outcome(None, ConnectionResetError())[2] is True


def test_offline_is_seen_through_wrapped_errors() -> None:
    import httpx

    try:
        try:
            raise httpx.ConnectError("refused")
        except httpx.ConnectError as inner:
            raise RuntimeError("sync failed") from inner
    except RuntimeError as outer:
        assert looks_offline(outer)
    assert not looks_offline(ValueError("bad row"))
