"""The visible sync: a status-bar area (words, progress bar, "Sync now"), the tray icon and the clock banner.

All three only listen to a `SyncBridge`; none of them calls the engine or waits on anything. "Sync now" is a
callable given by whoever mounts the area (the scheduler's `sync_now`, or `BackgroundSync.sync_now`) and must
return at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QStyle,
    QSystemTrayIcon,
    QToolButton,
    QWidget,
)

from desktop.i18n import fill
from desktop.syncview import words
from desktop.syncview.bridge import SyncBridge
from desktop.syncview.state import AUTH, CLOCK_WARN_SECONDS, IDLE, SyncSnapshot

log = logging.getLogger(__name__)

#: How often "Synced 2 minutes ago" is re-worded with no event coming in.
REFRESH_MS = 30_000


class SyncStatusArea(QWidget):
    """Words, a progress bar and a "Sync now" button, for the main window's status bar."""

    sig_review_requested = Signal()

    sig_sign_in_requested = Signal()
    """The person clicked "Sign in" after the session expired (S6). No arguments."""
    """The person clicked the "to review" link. No arguments."""

    def __init__(
        self,
        bridge: SyncBridge,
        sync_now: Callable[[], None] | None = None,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._sync_now = sync_now
        self._clock = clock
        self.label = QLabel(self)
        self.label.setAccessibleName(words.tr("Sync status"))
        self.review_link = QLabel(self)
        self.review_link.setTextFormat(Qt.TextFormat.RichText)
        self.review_link.linkActivated.connect(self._on_link)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(words.tr("Sync progress"))
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.button = QPushButton(words.tr("Sync now"), self)
        self.button.setAccessibleName(words.tr("Sync now"))
        self.button.setEnabled(sync_now is not None)
        self.button.clicked.connect(self.on_sync_now)
        self.action_sync_now = QAction(words.tr("Sync now"), self)
        self.action_sync_now.triggered.connect(self.on_sync_now)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        for widget in (self.label, self.review_link, self.progress, self.button):
            layout.addWidget(widget)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        bridge.sig_status.connect(self.on_status)
        self.on_status(bridge.snapshot)

    def set_sync_now(self, sync_now: Callable[[], None] | None) -> None:
        self._sync_now = sync_now
        self.button.setEnabled(sync_now is not None and not self._bridge.snapshot.running)

    @Slot()
    def on_sync_now(self) -> None:
        if self._sync_now is None:
            return
        log.info("sync now requested from the status area")
        # The button follows the run's state (disabled while one runs), not the click: a click that starts
        # nothing (a stopped scheduler) must not leave it disabled for ever.
        self._sync_now()

    @Slot(object)
    def on_status(self, snap: SyncSnapshot) -> None:
        if self._sync_now is None and snap.state == IDLE:
            self.label.setText(words.tr("Working offline: no server is set up for this profile"))
        else:
            self.label.setText(words.status_text(snap, self._clock() if self._clock else None))
        self.setToolTip(words.detail_text(snap))
        self._show_link(snap)
        if snap.running:
            self.progress.setRange(0, snap.total or 0)  # (0, 0): a busy bar while the total is unknown
            if snap.total:
                self.progress.setValue(min(snap.done, snap.total))
            self.progress.show()
        else:
            self.progress.hide()
        self.button.setEnabled(self._sync_now is not None and not snap.running)

    def _show_link(self, snap: SyncSnapshot) -> None:
        """One link beside the words: "Sign in" when the session expired, else "N to review" if any."""
        if snap.state == AUTH:
            self.review_link.setText(f'<a href="sign-in">{words.tr("Sign in")}</a>')
        elif snap.conflicts:
            text = fill(words.tr("%1 to review"), words.number(snap.conflicts))
            self.review_link.setText(f'<a href="review">{text}</a>')
        else:
            self.review_link.hide()
            return
        self.review_link.show()

    @Slot(str)
    def _on_link(self, link: str) -> None:
        if link == "sign-in":
            self.sig_sign_in_requested.emit()
        else:
            self.sig_review_requested.emit()

    @Slot()
    def refresh(self) -> None:
        """Re-word the relative time ("2 minutes ago") with no new event, and re-count pending edits."""
        self.on_status(self._bridge.snapshot)
        self._bridge.refresh_from_mirror()


class SyncTray(QSystemTrayIcon):
    """The tray icon with the same words, and "Sync now" in its menu. Only built when a tray exists."""

    def __init__(
        self, bridge: SyncBridge, sync_now: Callable[[], None] | None, icon: QIcon | None = None
    ) -> None:
        app = QApplication.instance()
        style = app.style() if isinstance(app, QApplication) else None
        fallback = style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload) if style else QIcon()
        super().__init__(icon or fallback)
        self._menu = QMenu()
        self.action_sync_now = self._menu.addAction(words.tr("Sync now"))
        if sync_now is not None:
            self.action_sync_now.triggered.connect(sync_now)
        self.setContextMenu(self._menu)
        self._last_told: str | None = None
        bridge.sig_status.connect(self.on_status)
        bridge.sig_finished.connect(self.on_finished)
        self.on_status(bridge.snapshot)

    @Slot(object)
    def on_status(self, snap: SyncSnapshot) -> None:
        self.setToolTip("TutorDesk: " + words.status_text(snap))
        self.action_sync_now.setEnabled(not snap.running)

    @Slot(object)
    def on_finished(self, snap: SyncSnapshot) -> None:
        """A balloon when the outcome changes (online -> offline, ...), not at every retry while offline."""
        if snap.state != self._last_told and snap.state not in ("ok", "cancelled"):
            self.showMessage("TutorDesk", words.status_text(snap), QSystemTrayIcon.MessageIcon.Warning)
        self._last_told = snap.state


def make_tray(
    bridge: SyncBridge, sync_now: Callable[[], None] | None, icon: QIcon | None = None
) -> SyncTray | None:
    """A shown tray icon where the desktop has one; None otherwise (Xvfb, offscreen): the status bar alone."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        log.info("no system tray here; the sync status stays in the status bar")
        return None
    tray = SyncTray(bridge, sync_now, icon)
    tray.show()
    return tray


class ClockBanner(QFrame):
    """C2's warning strip, shown while this PC's clock is more than 5 minutes off the server's."""

    def __init__(self, bridge: SyncBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clockBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#clockBanner { background: #fff4ce; color: #3b2f00; }")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setAccessibleName(words.tr("Clock warning"))
        close = QToolButton(self)
        close.setText("✕")
        close.setAccessibleName(words.tr("Hide the clock warning"))
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.hide()
        bridge.sig_clock.connect(self.on_clock)
        if bridge.snapshot.clock_offset is not None:
            self.on_clock(bridge.snapshot.clock_offset)

    @Slot(float)
    def on_clock(self, offset_seconds: float) -> None:
        if abs(offset_seconds) > CLOCK_WARN_SECONDS:
            self.label.setText(words.clock_text(offset_seconds))
            self.show()
        else:
            self.hide()
