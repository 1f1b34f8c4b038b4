"""The visible sync against the real devstack: "Sync now" from the status area; a window that never hangs."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer

from desktop.syncview.bridge import BackgroundSync, SyncBridge
from desktop.syncview.log_view import SyncLogView
from desktop.syncview.status import SyncStatusArea
from tests.sync.fixtures import devices, school, server
from tests.sync.support import DevicePark, School, server_sql

__all__ = ["devices", "school", "server"]

pytestmark = [pytest.mark.gui, pytest.mark.pg]

#: Rows of the long sync and its page size: enough pages that a stall of the GUI thread would show.
LONG_ROWS = 3000
SMALL_PAGE = 100
#: The probe's tick and the longest gap between two ticks that still feels responsive.
PROBE_MS = 10
STALL_MS = 100


def mount(qtbot, device: Any) -> tuple[SyncBridge, SyncStatusArea, BackgroundSync]:
    """What the main window does for a signed-in profile: a bridge fed by the real engine, the status area."""
    bridge = SyncBridge()
    device.sync_parts.engine.listener = bridge.listener
    background = BackgroundSync(device.sync_parts.run, bridge)
    area = SyncStatusArea(bridge, background.sync_now)
    qtbot.addWidget(area)
    area.show()
    return bridge, area, background


def test_sync_now_shows_progress_and_the_lesson_reaches_a_second_device(
    qtbot, school: School, devices: DevicePark
) -> None:
    email = school.add("teacher", "teacher")
    laptop, classroom = devices.new(email), devices.new(email)
    lesson = laptop.new_lesson("Colours", description="Red, green, blue")
    bridge, area, background = mount(qtbot, laptop)
    log_view = SyncLogView(bridge)
    qtbot.addWidget(log_view)
    texts: list[str] = []
    bars: list[tuple[bool, int, int]] = []

    def record(_snapshot: object) -> None:  # connected after the area, so it sees the area's new state
        texts.append(area.label.text())
        bars.append((area.progress.isVisible(), area.progress.value(), area.progress.maximum()))

    bridge.sig_status.connect(record)
    with qtbot.waitSignal(bridge.sig_finished, timeout=60_000):
        qtbot.mouseClick(area.button, Qt.MouseButton.LeftButton)
    background.stop()

    assert bridge.snapshot.state == "ok", bridge.snapshot.last_error
    assert any(t.startswith("Syncing") for t in texts)
    assert "Syncing 0 of 1" in texts  # the push stage knows its total: one lesson to send
    assert any(visible and maximum == 1 for visible, _v, maximum in bars)
    assert any(visible and maximum == 0 for visible, _v, maximum in bars)  # a busy bar while pulling
    assert area.label.text() == "Synced just now" and not area.progress.isVisible()
    assert area.button.isEnabled()
    assert bridge.snapshot.pushed == 1 and bridge.snapshot.pending == 0
    stages = [e.stage for e in log_view.model.entries()]
    assert {"push", "pull", "finished"} <= set(stages)

    report = classroom.sync()
    assert report.status == "ok", report.message
    row = classroom.row("lessons", lesson)
    assert row is not None and row["title"] == "Colours"


class LoopProbe:
    """A 10 ms timer on the GUI thread that records the longest gap between two of its ticks."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self.tick)
        self.last = 0
        self.worst = 0
        self.ticks = 0

    def start(self) -> None:
        self.clock.start()
        self.last = self.clock.elapsed()
        self.timer.start()

    def tick(self) -> None:
        now = self.clock.elapsed()
        self.worst = max(self.worst, now - self.last)
        self.last = now
        self.ticks += 1

    def stop(self) -> None:
        self.tick()  # the gap up to now counts too, so a probe that never ticked reports the whole run
        self.timer.stop()


def test_the_window_keeps_serving_events_during_a_long_sync(
    qtbot, school: School, devices: DevicePark
) -> None:
    email = school.add("teacher", "teacher")
    with server_sql(school.server) as sql:
        sql.execute(
            "insert into lessons (id, organisation_id, author_id, title, lesson_type, difficulty_level,"
            " is_active) select gen_random_uuid(), %s, %s, 'Lesson ' || g, 'word', 1, true"
            " from generate_series(1, %s) as g",
            (school.organisation_id, school.ids["teacher"], LONG_ROWS),
        )
    device = devices.new(email)
    device.sync_parts.engine.page_size = SMALL_PAGE
    bridge, area, background = mount(qtbot, device)
    pages: list[int] = []
    bridge.sig_progress.connect(lambda done, _total: pages.append(done))
    probe = LoopProbe()
    probe.start()
    with qtbot.waitSignal(bridge.sig_finished, timeout=120_000):
        qtbot.mouseClick(area.button, Qt.MouseButton.LeftButton)
    probe.stop()
    background.stop()

    assert bridge.snapshot.state == "ok", bridge.snapshot.last_error
    assert bridge.snapshot.pulled >= LONG_ROWS
    assert device.mirror.table_checksum("lessons")[0] >= LONG_ROWS
    assert len([p for p in pages if p > 0]) >= LONG_ROWS // SMALL_PAGE  # one progress step per page at least
    # The probe ticked all along the run, and never with a gap a person would notice.
    assert probe.ticks > 1
    assert probe.worst < STALL_MS, f"the GUI thread stalled for {probe.worst} ms during the sync"
