"""What people see of a sync (S5, C2): progress events by stage, the clock warning, plain words offline."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from sync import engine as engine_module
from sync.status import STAGES, Stage, SyncProgress
from tests.fixtures.faultproxy import FaultProxy
from tests.sync.support import DevicePark, School


def test_progress_events_name_every_stage_in_order(school: School, devices: DevicePark) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    teacher.new_lesson("One")
    teacher.new_lesson("Two")

    report = teacher.sync()

    assert report.ok
    events: list[SyncProgress] = teacher.events
    stages = list(dict.fromkeys(e.stage for e in events))
    # The back-fill stage shows only when the server's schema is newer than the device's (P7), not here.
    assert stages == [s for s in STAGES if s != Stage.SCHEMA]
    push_events = [e for e in events if e.stage == Stage.PUSH]
    assert push_events[0].pending == 2 and push_events[-1].rows_pushed == 2
    done = events[-1]
    assert done.stage == Stage.DONE and done.pending == 0 and done.last_success is not None
    assert done.rows_pulled == report.pulled and done.clock_offset_seconds is not None
    assert done.last_error is None
    assert all(dataclasses.is_dataclass(e) and e.__dataclass_params__.frozen for e in events)


def test_c2_a_device_ten_minutes_off_is_warned_and_corrected(school: School, devices: DevicePark) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    teacher.sync_parts.engine.clock = lambda: datetime.now(UTC) - timedelta(minutes=10)

    report = teacher.sync()

    assert report.ok
    assert report.clock_offset_seconds is not None and abs(report.clock_offset_seconds - 600) < 30
    assert any("clock is about 10 minutes behind" in w for w in report.warnings)
    assert "clock" in report.message
    modifier = teacher.mirror.get_state("clock_offset_modifier")
    # Local edits are stamped with the server's time from now on.
    assert modifier is not None and abs(float(modifier.split()[0]) - 600) < 30


def test_a_right_clock_is_not_warned(school: School, devices: DevicePark) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    report = teacher.sync()
    assert report.ok and report.warnings == () and "clock" not in report.message


def test_offline_says_what_is_waiting_in_plain_words(
    school: School, devices: DevicePark, server: Any
) -> None:
    host, port = urlsplit(server.url).hostname, urlsplit(server.url).port
    with FaultProxy((str(host), int(port or 80))) as link:
        teacher = devices.new(school.add("teacher", "teacher"), url=link.url)
        for n in range(3):
            teacher.new_lesson(f"Offline lesson {n}")
        link.faults.refuse = True  # the classroom's connection is gone

        report = teacher.sync()

        assert report.status == "offline"
        assert report.message == "No connection: 3 changes are saved on this PC and will be sent later."
        assert teacher.mirror.get_state("last_error") == report.message
        assert teacher.mirror.pending_count() == 3
        link.faults.refuse = False  # and once it is back, it all goes
        assert teacher.sync().ok
        assert teacher.mirror.pending_count() == 0 and teacher.mirror.get_state("last_error") is None


def test_push_events_count_the_rows_pushed_while_the_stage_runs(school: School, devices: DevicePark) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    for n in range(5):
        teacher.new_lesson(f"Lesson {n}")
    teacher.sync_parts.engine.batch_size = 2  # three batches: an event after each

    report = teacher.sync()

    assert report.ok and report.pushed == 5
    pushing = [(e.rows_pushed, e.rows_left) for e in teacher.events if e.stage == Stage.PUSH]
    # The stage's first event comes before any batch; then one per batch, each with the running count.
    assert pushing == [(0, 5), (2, 3), (4, 1), (5, 0)]


def test_a_pull_of_many_rows_refreshes_the_planner_statistics(
    school: School, devices: DevicePark, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = school.add("teacher", "teacher")
    writer = devices.new(email)
    writer.new_lesson("One")
    writer.new_lesson("Two")
    assert writer.sync().ok
    reader = devices.new(email)
    assert reader.mirror.conn.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() is None
    monkeypatch.setattr(engine_module, "STATS_AFTER_ROWS", 2)  # the real threshold: a first sync of 1,000 rows

    assert reader.sync().ok

    stats = {r[0] for r in reader.mirror.conn.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'lessons'")}
    assert "ix_lessons_title_nocase" in stats
