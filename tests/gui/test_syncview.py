"""The visible sync without a server: the bridge's threads, each state's words, tray, banner, log, review."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from desktop.syncview import bridge as bridge_module
from desktop.syncview.bridge import BackgroundSync, SyncBridge
from desktop.syncview.log_view import SyncLogView
from desktop.syncview.review import ReviewChangesView
from desktop.syncview.status import REFRESH_MS, ClockBanner, SyncStatusArea, SyncTray, make_tray
from localdb import repo
from localdb.mirror import Mirror
from sync.errors import Offline, SessionExpired
from sync.scheduler import SyncEvent, SyncEventKind
from sync.status import SyncProgress, SyncReport

pytestmark = pytest.mark.gui


class Clock:
    """A settable "now" for the minutes-ago words."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def bridge(qtbot) -> SyncBridge:
    return SyncBridge()


def deliver(qtbot, bridge: SyncBridge, *events: object) -> None:
    """Hand events to the listener as the engine would, and wait until the GUI thread has folded the last
    one."""
    for event in events:
        with qtbot.waitSignal(bridge.sig_status):
            bridge.listener(event)


def test_bridge_delivers_worker_thread_events_on_the_gui_thread(qtbot, bridge: SyncBridge) -> None:
    gui = QThread.currentThread()
    seen: list[tuple[str, bool]] = []
    progress: list[tuple[int, int]] = []
    bridge.sig_started.connect(lambda: seen.append(("started", QThread.currentThread() is gui)))
    bridge.sig_status.connect(lambda _s: seen.append(("status", QThread.currentThread() is gui)))
    bridge.sig_progress.connect(lambda done, total: progress.append((done, total)))
    bridge.sig_log.connect(lambda _e: seen.append(("log", QThread.currentThread() is gui)))
    bridge.sig_finished.connect(lambda _s: seen.append(("finished", QThread.currentThread() is gui)))
    emitted_on: list[bool] = []

    def engine() -> None:
        emitted_on.append(threading.current_thread() is threading.main_thread())
        bridge.listener(SyncProgress(stage="push", rows_pushed=10, pending=5))
        bridge.listener(
            SyncProgress(stage="pull", table="lessons", rows_pushed=10, rows_pulled=1190, rows_left=3800)
        )
        bridge.listener(SyncReport(pulled=4990, pushed=10, status="ok"))

    worker = threading.Thread(target=engine)
    with qtbot.waitSignal(bridge.sig_finished):
        worker.start()
    worker.join()
    assert emitted_on == [False]  # the events really came from another thread
    assert seen and all(on_gui for _name, on_gui in seen)
    assert [name for name, _ in seen].count("started") == 1
    assert progress == [(10, -1), (1200, 5000)]
    assert bridge.snapshot.state == "ok" and bridge.snapshot.pulled == 4990


def test_status_area_words_for_each_state(qtbot, bridge: SyncBridge) -> None:
    clock = Clock()
    calls: list[int] = []
    area = SyncStatusArea(bridge, lambda: calls.append(1), clock=clock)
    qtbot.addWidget(area)
    area.show()
    assert area.label.text() == "Not synced yet"

    deliver(qtbot, bridge, SyncProgress(stage="pull", rows_pulled=1200, rows_left=3800))
    assert area.label.text() == "Syncing 1,200 of 5,000"
    assert area.progress.isVisible() and (area.progress.value(), area.progress.maximum()) == (1200, 5000)
    assert not area.button.isEnabled()  # one run at a time

    deliver(qtbot, bridge, SyncReport(pulled=5000, status="ok"))
    assert area.label.text() == "Synced just now"
    assert not area.progress.isVisible() and area.button.isEnabled()
    clock.now += timedelta(minutes=2, seconds=5)
    assert area._timer.isActive() and area._timer.interval() == REFRESH_MS == 30_000
    area._timer.timeout.emit()  # what the 30 s timer does, without waiting 30 s
    assert area.label.text() == "Synced 2 minutes ago"

    deliver(qtbot, bridge, SyncReport(status="offline", pending=12, message="No connection"))
    assert area.label.text() == "Not connected: 12 changes saved on this PC"
    deliver(qtbot, bridge, SyncReport(status="auth", pending=12, message="Sign in again"))
    assert area.label.text() == "Sign in again to sync"
    deliver(qtbot, bridge, SyncEvent(SyncEventKind.STARTED, at=datetime.now(UTC), trigger="now"))
    assert area.label.text() == "Syncing" and area.progress.maximum() == 0  # a busy bar: total unknown
    failed = SyncEvent(SyncEventKind.FAILED, at=datetime.now(UTC), error=Offline("refused"))
    deliver(qtbot, bridge, failed)
    assert area.label.text() == "Not connected: 12 changes saved on this PC"
    deliver(
        qtbot,
        bridge,
        SyncEvent(SyncEventKind.STARTED, at=datetime.now(UTC)),
        SyncEvent(SyncEventKind.FAILED, at=datetime.now(UTC), error=SessionExpired("spent")),
    )
    assert area.label.text() == "Sign in again to sync"
    assert area.review_link.isVisible() and ">Sign in<" in area.review_link.text()
    with qtbot.waitSignal(area.sig_sign_in_requested):
        area.review_link.linkActivated.emit("sign-in")
    deliver(qtbot, bridge, SyncReport(status="error", message="The server had a problem"))
    assert area.label.text() == "Sync failed: The server had a problem"

    qtbot.mouseClick(area.button, Qt.MouseButton.LeftButton)
    assert calls == [1]
    bridge.set_conflicts(2)
    assert area.review_link.isVisible() and "2 to review" in area.review_link.text()
    with qtbot.waitSignal(area.sig_review_requested):
        area.review_link.linkActivated.emit("review")


def test_clock_banner_warns_beyond_five_minutes(qtbot, bridge: SyncBridge) -> None:
    banner = ClockBanner(bridge)
    qtbot.addWidget(banner)
    assert banner.isHidden()
    deliver(qtbot, bridge, SyncProgress(stage="register", clock_offset_seconds=-600.0))
    assert banner.isVisibleTo(None) or not banner.isHidden()
    assert (
        banner.label.text() == "This PC's clock is 10 minutes off; edits are stamped with the corrected time"
    )
    deliver(qtbot, bridge, SyncProgress(stage="register", clock_offset_seconds=30.0))
    assert banner.isHidden()


def test_tray_only_where_there_is_one(qtbot, bridge: SyncBridge, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # offscreen, like Xvfb: no tray
    assert make_tray(bridge, None) is None
    calls: list[int] = []
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    tray = make_tray(bridge, lambda: calls.append(1))
    assert isinstance(tray, SyncTray)
    deliver(qtbot, bridge, SyncReport(status="offline", pending=3))
    assert tray.toolTip() == "TutorDesk: Not connected: 3 changes saved on this PC"
    tray.action_sync_now.trigger()
    assert calls == [1]
    tray.hide()


def test_sync_log_keeps_the_last_events(qtbot, bridge: SyncBridge) -> None:
    view = SyncLogView(bridge, limit=3)
    qtbot.addWidget(view)
    deliver(
        qtbot,
        bridge,
        SyncEvent(SyncEventKind.STARTED, at=datetime.now(UTC), trigger="now"),
        SyncProgress(stage="push", rows_pushed=4),
        SyncProgress(stage="pull", table="lessons", rows_pushed=4, rows_pulled=96, rows_left=0),
        SyncReport(pulled=96, pushed=4, status="ok"),
    )
    entries = view.model.entries()
    assert len(entries) == 3 and view.model.rowCount() == 3  # the oldest fell off
    assert entries[0].text == "Sending changes"
    assert entries[1].text == "Receiving changes: 100 of 100 (now: lessons)"
    assert entries[2].text == "Finished: 4 sent, 96 received" and not entries[2].is_error
    deliver(qtbot, bridge, SyncReport(status="offline", pending=2))
    last = view.model.entries()[-1]
    assert last.is_error and last.text == "Not connected: 2 changes saved on this PC"
    assert view.model.data(view.model.index(2, 1)) == "Finished"


def test_sync_now_runs_in_the_background_and_always_finishes(qtbot, bridge: SyncBridge) -> None:
    release = threading.Event()

    def run_sync(cancel: threading.Event) -> SyncReport:
        bridge.listener(SyncProgress(stage="pull", rows_pulled=1, rows_left=1))
        release.wait(30)
        return SyncReport(pulled=2, status="ok")

    background = BackgroundSync(run_sync, bridge)
    area = SyncStatusArea(bridge, background.sync_now)
    qtbot.addWidget(area)
    qtbot.mouseClick(area.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: area.label.text() == "Syncing 1 of 2")
    assert not area.button.isEnabled()
    background.sync_now()  # a second press during the run starts nothing new
    with qtbot.waitSignal(bridge.sig_finished):
        release.set()
    assert area.label.text() == "Synced just now" and area.button.isEnabled()
    background.stop()

    def broken(cancel: threading.Event) -> SyncReport:
        raise RuntimeError("a bug")

    area.set_sync_now(BackgroundSync(broken, bridge).sync_now)
    with qtbot.waitSignal(bridge.sig_finished):
        qtbot.mouseClick(area.button, Qt.MouseButton.LeftButton)
    assert area.label.text() == "Sync failed: Something went wrong: RuntimeError"
    assert area.button.isEnabled()  # "finished" came in finally


def test_the_same_report_twice_ends_the_run_once(qtbot, bridge: SyncBridge) -> None:
    ends: list[object] = []
    bridge.sig_finished.connect(ends.append)
    report = SyncReport(pulled=1, status="ok")
    deliver(qtbot, bridge, SyncProgress(stage="pull"), report)
    bridge.listener(SyncEvent(SyncEventKind.SUCCEEDED, at=datetime.now(UTC), report=report))
    deliver(qtbot, bridge, SyncProgress(stage="check"))
    assert len(ends) == 1


# -- review changes ------------------------------------------------------------------------------------------


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    m = Mirror.open(tmp_path / "mirror.sqlite3")
    yield m
    m.close()


def test_review_reapplies_and_dismisses(qtbot, bridge: SyncBridge, mirror: Mirror) -> None:
    conn = mirror.connect()
    rows = repo.ensure_local_profile(conn, full_name="Ada")
    lesson = repo.create_lesson(
        conn, organisation_id=rows.organisation_id, author_id=rows.user_id, title="Theirs", description="kept"
    )
    conn.execute("DELETE FROM outbox")
    lost = mirror.record_conflict(
        "lessons", lesson, "lost", ["title"], {"title": "Mine"}, {"title": "Theirs"}, "A later edit won"
    )
    other = mirror.record_conflict(
        "lessons", lesson, "lost", ["description"], {"description": "my words"}, {"description": "kept"}, None
    )
    view = ReviewChangesView(bridge, mirror)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    assert bridge.snapshot.conflicts == 2
    cells = {
        view.model.data(view.model.index(r, 3)): [view.model.data(view.model.index(r, c)) for c in range(7)]
        for r in range(2)
    }
    assert cells["title"][1:] == ["Lesson", "Theirs", "title", "Mine", "Theirs", "A later edit won"]
    assert cells["description"][6] == "A later edit won"  # no reason given: the kind's words

    row_of = {view.model.conflict(r).id: r for r in range(2)}
    view.table.selectRow(row_of[lost])
    with qtbot.waitSignals([view.sig_local_edit, view.sig_changed], order="strict"):
        qtbot.mouseClick(view.reapply_button, Qt.MouseButton.LeftButton)
    assert mirror.get_row("lessons", lesson)["title"] == "Mine"
    queued = conn.execute("SELECT op, changed_fields FROM outbox WHERE row_id = ?", (lesson,)).fetchall()
    assert len(queued) == 1 and queued[0][0] == "update" and "title" in queued[0][1]  # it syncs as a new edit
    assert [c.id for c in mirror.list_conflicts()] == [other]
    assert bridge.snapshot.conflicts == 1

    view.table.selectRow(0)
    with qtbot.waitSignal(view.sig_changed):
        qtbot.mouseClick(view.dismiss_button, Qt.MouseButton.LeftButton)
    assert mirror.list_conflicts() == []
    resolved = {c.id: c.resolution for c in mirror.list_conflicts(include_resolved=True)}
    assert resolved == {lost: "reapplied", other: "dismissed"}
    assert mirror.get_row("lessons", lesson)["description"] == "kept"
    assert view.message.text() == "Nothing to review."
    conn.close()


def test_review_explains_a_row_that_is_gone(qtbot, bridge: SyncBridge, mirror: Mirror) -> None:
    missing = "00000000-0000-4000-8000-000000000001"
    mirror.record_conflict("lessons", missing, "rejected", ["title"], {"title": "Mine"}, {}, "not allowed")
    view = ReviewChangesView(bridge, mirror)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.model.data(view.model.index(0, 2)) == "00000000"  # no row to name: the start of its id
    when = view.model.data(view.model.index(0, 0))
    assert datetime.strptime(when, "%Y-%m-%d %H:%M")  # local time, to the minute
    view.table.selectRow(0)
    qtbot.mouseClick(view.reapply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "no longer on this PC" in view.message.text())
    assert len(mirror.list_conflicts()) == 1  # nothing was resolved


def test_module_has_no_widgets_in_the_listener(bridge: SyncBridge) -> None:
    """The listener must only emit: calling it outside any event loop does not touch a widget."""
    assert QApplication.instance() is not None
    bridge_module.SyncBridge.listener(bridge, SyncProgress(stage="push"))
    assert bridge.snapshot.state == "idle"  # folded later, on the GUI thread, not in the caller's thread


def test_the_status_starts_from_the_mirror_and_counts_new_edits(
    qtbot, bridge: SyncBridge, mirror: Mirror
) -> None:
    conn = mirror.connect()
    rows = repo.ensure_local_profile(conn, full_name="Ada")
    conn.execute("DELETE FROM outbox")
    repo.create_lesson(conn, organisation_id=rows.organisation_id, author_id=rows.user_id, title="One")
    five_minutes_ago = datetime.now(UTC) - timedelta(minutes=5, seconds=3)
    mirror.set_state("last_sync", five_minutes_ago.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    mirror.set_state("clock_offset_seconds", "-720.000")
    area = SyncStatusArea(bridge, lambda: None)
    banner = ClockBanner(bridge)
    qtbot.addWidget(area)
    qtbot.addWidget(banner)
    bridge.watch_mirror(mirror)
    qtbot.waitUntil(lambda: area.label.text() == "Synced 5 minutes ago; 1 change waiting")
    assert not banner.isHidden() and "12 minutes off" in banner.label.text()
    repo.create_lesson(conn, organisation_id=rows.organisation_id, author_id=rows.user_id, title="Two")
    area._timer.timeout.emit()  # the 30 s refresh also re-counts what waits to be sent
    qtbot.waitUntil(lambda: area.label.text() == "Synced 5 minutes ago; 2 changes waiting")
    conn.close()


def test_an_offline_profile_says_so(qtbot, bridge: SyncBridge) -> None:
    area = SyncStatusArea(bridge, None)
    qtbot.addWidget(area)
    assert area.label.text() == "Working offline: no server is set up for this profile"
    assert not area.button.isEnabled()


def test_pool_jobs_answer_on_the_gui_thread(qtbot) -> None:
    from desktop.syncview.jobs import PoolRunner

    runner = PoolRunner()
    gui = QThread.currentThread()
    answers: list[tuple[str, bool]] = []

    def job(_conn: object) -> str:
        return threading.current_thread().name

    runner.submit(job, lambda ran_on: answers.append((ran_on, QThread.currentThread() is gui)))
    qtbot.waitUntil(lambda: bool(answers))
    # Ran on a pool thread, answered on the GUI thread.
    assert answers[0][0] != threading.main_thread().name and answers[0][1]
    failures: list[BaseException] = []
    runner.submit(lambda _c: 1 / 0, None, failures.append)
    qtbot.waitUntil(lambda: bool(failures))
    assert isinstance(failures[0], ZeroDivisionError) and not runner.busy


def test_a_job_that_ends_after_its_view_closed_tells_nobody(qtbot) -> None:
    import shiboken6
    from PySide6.QtCore import QThreadPool

    from desktop.syncview.jobs import PoolRunner

    runner = PoolRunner()
    release = threading.Event()
    answers: list[object] = []
    runner.submit(lambda _c: str(release.wait(30)), answers.append, answers.append)
    shiboken6.delete(runner)  # the view (and its runner) closed while the job ran
    release.set()
    assert QThreadPool.globalInstance().waitForDone(30_000)
    QApplication.processEvents()
    assert answers == []  # and no exception reached the event loop (pytest-qt would fail the test)


def test_events_after_the_window_closed_are_dropped_quietly(qtbot, caplog: pytest.LogCaptureFixture) -> None:
    import shiboken6

    bridge = SyncBridge()
    listener = bridge.listener
    shiboken6.delete(bridge)
    worker = threading.Thread(target=listener, args=(SyncReport(status="ok"),))
    worker.start()
    worker.join()
    assert "Traceback" not in caplog.text and not caplog.records


def test_review_stops_saying_nothing_to_review_once_a_conflict_arrives(
    qtbot, bridge: SyncBridge, mirror: Mirror
) -> None:
    view = ReviewChangesView(bridge, mirror)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.message.text() == "Nothing to review.")
    missing = "00000000-0000-4000-8000-000000000002"
    mirror.record_conflict("lessons", missing, "lost", ["title"], {"title": "Mine"}, {"title": "Theirs"}, None)
    with qtbot.waitSignal(view.sig_changed):
        view.reload()  # as after a sync that recorded the conflict
    assert view.model.rowCount() == 1
    assert view.message.text() != "Nothing to review."


def test_sync_log_reads_one_line_per_step_with_counts_that_add_up(qtbot, bridge: SyncBridge) -> None:
    """The events of a real run (scheduler and engine, as the screenshots' second sync sent them)."""
    view = SyncLogView(bridge)
    qtbot.addWidget(view)
    report = SyncReport(pulled=1, pushed=1, conflicts=1, status="ok", message="Synced: 1 sent, 1 received.")
    deliver(
        qtbot,
        bridge,
        SyncEvent(SyncEventKind.STARTED, at=datetime.now(UTC), trigger="now"),
        SyncProgress(stage="session"),
        SyncProgress(stage="register"),
        SyncProgress(stage="push", rows_left=1),
        SyncProgress(stage="push", rows_pushed=1, rows_left=0),
        SyncProgress(stage="pull", rows_pushed=1),
        SyncProgress(stage="pull", table="lessons", rows_pushed=1, rows_pulled=1),
        SyncProgress(stage="check", rows_pushed=1, rows_pulled=1),
        SyncProgress(stage="done", rows_pushed=1, rows_pulled=1, message=report.message),
        SyncEvent(SyncEventKind.SUCCEEDED, at=datetime.now(UTC), report=report),
    )
    assert [e.text for e in view.model.entries()] == [
        "Sync started (you asked)",
        "Connecting",
        "Sending changes: 1 of 1",
        "Receiving changes: 1 received (now: lessons)",
        "Checking",
        "Finished: 1 sent, 1 received; 1 to review",
    ]
    # On screen the Stage column names the step; "What happened" adds to it and never repeats it.
    shown = [
        (view.model.data(view.model.index(row, 1)), view.model.data(view.model.index(row, 2)))
        for row in range(view.model.rowCount())
    ]
    assert shown[0] == ("Started", "you asked")
    assert shown[1:4] == [
        ("Connecting", ""),
        ("Sending changes", "1 of 1"),
        ("Receiving changes", "1 received (now: lessons)"),
    ]
    assert shown[-1] == ("Finished", "1 sent, 1 received; 1 to review")
    at = view.model.entries()[0].at.astimezone()
    assert view.model.data(view.model.index(0, 0)) == at.strftime("%H:%M:%S")  # one short line
    assert at.strftime("%Y-%m-%d") in view.model.data(view.model.index(0, 0), Qt.ItemDataRole.ToolTipRole)


def test_a_long_pull_is_one_line_that_counts_up_and_an_error_keeps_its_own_line(
    qtbot, bridge: SyncBridge
) -> None:
    """A first sync of 100 pages must not fill the log with 100 lines (and push earlier runs out of it)."""
    view = SyncLogView(bridge)
    qtbot.addWidget(view)
    pages = [
        SyncProgress(stage="pull", table="notes", rows_pulled=done, rows_left=5000 - done)
        for done in range(1000, 5001, 1000)
    ]
    deliver(qtbot, bridge, SyncEvent(SyncEventKind.STARTED, at=datetime.now(UTC), trigger="now"), *pages)
    texts = [e.text for e in view.model.entries()]
    assert texts[0] == "Sync started (you asked)"
    assert len(texts) == 2 and texts[1].startswith("Receiving changes")
    assert "5,000" in view.model.data(view.model.index(1, 2))
    failed = SyncReport(status="offline", message="No connection: nothing was lost.")
    deliver(qtbot, bridge, SyncEvent(SyncEventKind.FAILED, at=datetime.now(UTC), report=failed))
    assert len(view.model.entries()) == 3 and view.model.entries()[-1].is_error
