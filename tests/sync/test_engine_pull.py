"""Pulling through the engine against the devstack: bounded, resumable pages (P2), cancel between pages,
rows leaving a learner's view (P3), pending edits meeting pulled rows (P5), replacement sync (P6), schema
version (P7), drift healing (P8)."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Sequence
from typing import Any

import pytest

from localdb import repo
from sync.status import Stage, SyncProgress
from sync.transport import PullPage
from tests.sync.support import Device, DevicePark, PassThrough, School, server_row


class PageLog(PassThrough):
    """Records the size of every page, and can run something just before the first pull."""

    def __init__(self, inner: Any, before_first_pull: Any = None) -> None:
        super().__init__(inner)
        self.sizes: list[int] = []
        self.tables_asked: list[Sequence[str] | None] = []
        self.before = before_first_pull

    def pull(
        self,
        cursor: str | None,
        limit: int,
        tables: Sequence[str] | None = None,
        counts: Sequence[str] | None = None,
    ) -> PullPage:
        if self.before is not None:
            self.before()
            self.before = None
        page = super().pull(cursor, limit, tables, counts)
        self.sizes.append(len(page.rows))
        self.tables_asked.append(tables)
        return page


def _lessons(device: Device) -> set[str]:
    return {r[0] for r in device.conn.execute("SELECT id FROM lessons")}


def _teacher_with_lessons(school: School, devices: DevicePark, n: int) -> tuple[Device, list[str]]:
    teacher = devices.new(school.add("teacher", "teacher"))
    ids = [teacher.new_lesson(f"Lesson {i}") for i in range(n)]
    assert teacher.sync().ok
    return teacher, ids


def test_p2_pages_are_bounded_and_a_cancelled_pull_resumes(school: School, devices: DevicePark) -> None:
    _, ids = _teacher_with_lessons(school, devices, 7)
    other = devices.new(school.emails["teacher"])
    other.sync_parts.engine.page_size = 3
    cancel = threading.Event()

    def stop_after_first_page(event: SyncProgress) -> None:
        if event.stage == Stage.PULL and event.rows_pulled > 0:
            cancel.set()

    other.sync_parts.engine.listener = stop_after_first_page
    pages = PageLog(other.sync_parts.engine.transport)
    other.wrap_transport(lambda inner: pages)

    stopped = other.sync(cancel)
    assert stopped.status == "cancelled"
    assert pages.sizes and all(size <= 3 for size in pages.sizes)
    # The flag was honoured at the first page boundary: one page applied; the next one (fetched ahead while the
    # first was applied) was dropped unapplied.
    assert len(pages.sizes) <= 2
    assert stopped.pulled == pages.sizes[0]
    cursor = other.mirror.get_state("cursor")
    assert cursor  # the applied page's cursor was kept with it
    assert len(_lessons(other)) < 7

    other.sync_parts.engine.listener = None
    resumed = other.sync()
    assert resumed.ok, resumed.message
    assert _lessons(other) == set(ids)
    assert all(size <= 3 for size in pages.sizes) and len(pages.sizes) >= 4


def test_p5_pending_local_edit_meets_the_pulled_row_through_the_rules(
    school: School, devices: DevicePark
) -> None:
    teacher, [lesson] = _teacher_with_lessons(school, devices, 1)
    laptop = devices.new(school.emails["teacher"])
    assert laptop.sync().ok
    repo.update_lesson(teacher.conn, lesson_id=lesson, description="from the teacher's PC")
    assert teacher.sync().ok

    def edit_during_pull() -> None:
        repo.update_lesson(laptop.conn, lesson_id=lesson, title="retitled on the laptop")

    laptop.wrap_transport(lambda inner: PageLog(inner, edit_during_pull))
    report = laptop.sync()

    assert report.ok, report.message
    row = laptop.row("lessons", lesson)
    # Different fields: both kept; the local edit is still queued (P5 merged it, P4 did not drop it).
    assert row["title"] == "retitled on the laptop" and row["description"] == "from the teacher's PC"
    assert laptop.mirror.pending_count() == 1
    assert laptop.mirror.conflict_count() == 0  # the description was not touched here: nothing lost
    assert laptop.sync().ok and teacher.sync().ok
    assert teacher.row("lessons", lesson)["title"] == "retitled on the laptop"


def test_p6_reset_is_a_replacement_sync_that_keeps_pending_changes(
    school: School, devices: DevicePark
) -> None:
    teacher, ids = _teacher_with_lessons(school, devices, 3)
    teacher.mirror.set_state("cursor", "an-epoch-long-gone:1:1")
    made: list[str] = []

    def edit_before_pull() -> None:
        made.append(teacher.new_lesson("Written while the reset was on its way"))

    teacher.wrap_transport(lambda inner: PageLog(inner, edit_before_pull))
    report = teacher.sync()

    assert report.ok, report.message
    assert _lessons(teacher) == {*ids, *made}  # everything back, and the pending row kept
    assert teacher.mirror.pending_count() == 1
    assert teacher.sync().ok
    assert server_row(teacher.server, "lessons", made[0])["title"] == "Written while the reset was on its way"


def test_p7_app_older_than_the_server_minimum_keeps_working_offline(
    school: School, devices: DevicePark
) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    lesson = teacher.new_lesson("Still here")
    teacher.sync_parts.engine.app_schema = 0  # the server's min_app_schema is 1

    report = teacher.sync()

    assert report.status == "error" and "update the app" in report.message.lower()
    assert report.pending == 1 and teacher.row("lessons", lesson)["title"] == "Still here"
    assert server_row(teacher.server, "lessons", lesson) is None
    repo.update_lesson(teacher.conn, lesson_id=lesson, description="local work goes on")
    assert teacher.mirror.get_state("last_error") == report.message


def test_p8_drift_is_found_logged_and_healed(
    school: School, devices: DevicePark, caplog: pytest.LogCaptureFixture
) -> None:
    teacher, ids = _teacher_with_lessons(school, devices, 3)
    teacher.mirror.drop_row("lessons", ids[1])  # behind the engine's back, not queued
    assert ids[1] not in _lessons(teacher)

    with caplog.at_level(logging.WARNING, logger="sync.engine"):
        report = teacher.sync()

    assert report.ok, report.message
    assert _lessons(teacher) == set(ids)
    assert any("sanity check: lessons" in r.getMessage() for r in caplog.records)
    assert teacher.mirror.pending_count() == 0


def test_p3_a_row_that_leaves_the_learners_view_leaves_the_device(
    school: School, devices: DevicePark
) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    shown, withdrawn = teacher.new_lesson("Stays"), teacher.new_lesson("Withdrawn later")
    for lesson in (shown, withdrawn):
        repo.publish_lesson(teacher.conn, lesson_id=lesson)
    assert teacher.sync().ok
    learner = devices.new(school.add("learner", "learner"))
    assert learner.sync().ok
    assert _lessons(learner) == {shown, withdrawn}

    repo.unpublish_lesson(teacher.conn, lesson_id=withdrawn)
    assert teacher.sync().ok
    report = learner.sync()

    assert report.ok, report.message
    assert _lessons(learner) == {shown}
    assert learner.mirror.pending_count() == 0


def test_p5_a_local_edit_older_than_the_pulled_one_loses_and_is_kept(
    school: School, devices: DevicePark
) -> None:
    teacher, [lesson] = _teacher_with_lessons(school, devices, 1)
    laptop = devices.new(school.emails["teacher"])
    assert laptop.sync().ok
    repo.update_lesson(teacher.conn, lesson_id=lesson, title="the teacher's newer title")
    assert teacher.sync().ok

    def older_edit_during_pull() -> None:
        laptop.mirror.set_clock_offset(-3600.0)  # stamped an hour earlier than the teacher's edit
        repo.update_lesson(laptop.conn, lesson_id=lesson, title="the laptop's older title")

    laptop.wrap_transport(lambda inner: PageLog(inner, older_edit_during_pull))
    assert laptop.sync().ok

    assert laptop.row("lessons", lesson)["title"] == "the teacher's newer title"
    [lost] = laptop.mirror.list_conflicts()
    assert lost.kind == "lost" and lost.fields == ["title"] and lost.source == "device"
    assert lost.local_values == {"title": "the laptop's older title"}


def test_p8_a_clean_mirror_is_not_downloaded_again(
    school: School, devices: DevicePark, caplog: pytest.LogCaptureFixture
) -> None:
    teacher = devices.new(school.add("teacher", "teacher", class_="5B"))
    lesson = teacher.new_lesson("Published")
    repo.publish_lesson(teacher.conn, lesson_id=lesson)
    assert teacher.sync().ok
    learner = devices.new(school.add("learner", "learner", class_="5B"))
    assert learner.sync().ok and teacher.sync().ok

    with caplog.at_level(logging.WARNING, logger="sync.engine"):
        for device in (teacher, learner):
            report = device.sync()
            assert report.ok and report.pulled == 0, report
    assert not [r for r in caplog.records if "sanity check" in r.getMessage()]


class NoCounts(PassThrough):
    """A server before schema 8: the last page carries no counts."""

    def pull(
        self,
        cursor: str | None,
        limit: int,
        tables: Sequence[str] | None = None,
        counts: Sequence[str] | None = None,
    ) -> PullPage:
        return dataclasses.replace(super().pull(cursor, limit, tables, counts), counts=None)


def test_p8_without_counts_on_the_last_page_the_device_asks_for_them(
    school: School, devices: DevicePark, caplog: pytest.LogCaptureFixture
) -> None:
    teacher, ids = _teacher_with_lessons(school, devices, 3)
    teacher.mirror.drop_row("lessons", ids[0])
    transport = NoCounts(teacher.sync_parts.engine.transport)
    teacher.wrap_transport(lambda inner: transport)

    with caplog.at_level(logging.WARNING, logger="sync.engine"):
        report = teacher.sync()

    assert report.ok, report.message
    assert transport.calls[:2] == ["pull", "counts"]
    assert _lessons(teacher) == set(ids)
    assert any("sanity check: lessons" in r.getMessage() for r in caplog.records)
