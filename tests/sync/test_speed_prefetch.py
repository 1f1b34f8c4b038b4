"""The pipelined pull (`pull_feed(..., prefetch=True)`) against the devstack: one page fetched ahead at most,
every row arrives, the cursor is stored only with its own page (P2), a cancel stops at a page boundary and a
failed fetch of the next page leaves the mirror at the last applied page."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from sync.errors import Cancelled, Offline
from sync.pull import CURSOR_KEY, PullTotals, pull_feed
from sync.transport import PullPage, Transport
from tests.sync.support import Device, DevicePark, PassThrough, School

PAGE = 3


class Recorder(PassThrough):
    """Records, for every pull, how many pages had been applied when it was sent, and each answer's cursor."""

    def __init__(self, inner: Transport, fail_at: int | None = None) -> None:
        super().__init__(inner)
        self.applied = 0
        self.applied_when_sent: list[int] = []
        self.cursors: list[str | None] = []
        self.fail_at = fail_at
        self.threads: set[str] = set()

    def pull(
        self,
        cursor: str | None,
        limit: int,
        tables: Sequence[str] | None = None,
        counts: Sequence[str] | None = None,
    ) -> PullPage:
        self.applied_when_sent.append(self.applied)
        self.threads.add(threading.current_thread().name)
        if self.fail_at is not None and len(self.applied_when_sent) == self.fail_at:
            raise Offline("injected: the link dropped")
        page = super().pull(cursor, limit, tables, counts)
        self.cursors.append(page.cursor)
        return page


def _lessons(device: Device) -> set[str]:
    return {r[0] for r in device.conn.execute("SELECT id FROM lessons")}


def _setup(school: School, devices: DevicePark, n: int = 7) -> tuple[Device, list[str]]:
    """A second device of a teacher, in sync before the teacher writes `n` lessons on the first one."""
    teacher = devices.new(school.add("teacher", "teacher"))
    other = devices.new(school.emails["teacher"])
    assert other.sync().ok
    ids = [teacher.new_lesson(f"Lesson {i}") for i in range(n)]
    assert teacher.sync().ok
    return other, ids


def _pull(device: Device, transport: Recorder, cancel: threading.Event | None = None) -> PullTotals:
    def count(totals: PullTotals, page: PullPage) -> None:
        transport.applied = totals.pages
        if cancel is not None:
            cancel.set()

    engine = device.sync_parts.engine
    return pull_feed(
        device.mirror, transport, page_size=PAGE, app_schema=engine.app_schema, cancel=cancel, on_page=count,
        prefetch=True,
    )


def test_prefetch_pulls_every_row_one_page_ahead_at_most(school: School, devices: DevicePark) -> None:
    other, ids = _setup(school, devices)
    recorder = Recorder(other.sync_parts.engine.transport)
    totals = _pull(other, recorder)
    assert _lessons(other) >= set(ids)
    assert totals.pulled >= len(ids) and totals.pages >= 3
    # Pull k (from 0) goes out once page k-1 has arrived, while it is applied: never before page k-2 is applied.
    assert all(applied >= k - 1 for k, applied in enumerate(recorder.applied_when_sent))
    assert any(applied == k - 1 for k, applied in enumerate(recorder.applied_when_sent) if k)  # really ahead
    assert all(name.startswith("sync-pull") for name in recorder.threads)
    assert other.mirror.get_state(CURSOR_KEY) == recorder.cursors[-1]


def test_prefetch_cancel_stops_at_a_page_boundary_and_resumes(school: School, devices: DevicePark) -> None:
    other, ids = _setup(school, devices)
    recorder = Recorder(other.sync_parts.engine.transport)
    with pytest.raises(Cancelled):
        _pull(other, recorder, threading.Event())
    assert len(_lessons(other) & set(ids)) == PAGE  # exactly the first page
    # The page asked for ahead was dropped, its cursor not stored; whether its request had gone out before the
    # cancel (or was cancelled unsent) depends on when the worker thread ran: both are a page boundary.
    assert 1 <= len(recorder.cursors) <= 2
    assert other.mirror.get_state(CURSOR_KEY) == recorder.cursors[0]

    resumed = Recorder(other.sync_parts.engine.transport)
    _pull(other, resumed)
    assert _lessons(other) >= set(ids)


def test_prefetch_failed_next_page_leaves_the_applied_page(school: School, devices: DevicePark) -> None:
    other, ids = _setup(school, devices)
    recorder = Recorder(other.sync_parts.engine.transport, fail_at=2)
    with pytest.raises(Offline):
        _pull(other, recorder)
    assert len(_lessons(other) & set(ids)) == PAGE
    assert other.mirror.get_state(CURSOR_KEY) == recorder.cursors[0]
