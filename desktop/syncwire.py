"""Mounts the visible sync (the teammates' desktop.syncview) and runs the profile's scheduler.

Imported one event after the window is up: it pulls in the sync engine, supabase-py, httpx and APScheduler,
none of which the first frame needs. A profile without a server (the offline profile) gets the same views,
with "Sync now" disabled and words that say so; nothing here ever blocks the GUI thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from desktop.app import TutorDeskApp
    from desktop.config import AppConfig

log = logging.getLogger(__name__)

#: How long quitting waits for a running sync to reach its next page boundary.
_QUIT_GRACE_SECONDS = 3.0


class SyncWiring:
    """The bridge, status area, tray, log and review pages, and the scheduler of one open profile."""

    def __init__(self, app: TutorDeskApp) -> None:
        self.app = app
        self.bridge: Any = None
        self.status_area: Any = None
        self.tray: Any = None
        self.scheduler: Any = None
        self.profile_sync: Any = None  # sync.service.ProfileSync: owns the HTTP client, closed at shutdown
        self.review_view: QWidget | None = None

    # -- views -----------------------------------------------------------------------------------------------

    def mount(self) -> None:
        from desktop.syncview.bridge import SyncBridge  # noqa: PLC0415 - lazy import keeps start-up light
        from desktop.syncview.log_view import SyncLogView  # noqa: PLC0415 - lazy import keeps start-up light
        from desktop.syncview.status import (  # noqa: PLC0415 - lazy import keeps start-up light
            ClockBanner,
            SyncStatusArea,
            make_tray,
        )

        window = self.app.window
        self.bridge = SyncBridge(window)
        self.bridge.watch_mirror(self.app.mirror)
        self.bridge.sig_finished.connect(self._on_finished)
        run_sync = self._run_sync_callable()
        sync_now = self._start_scheduler(run_sync) if run_sync is not None else None
        self.status_area = SyncStatusArea(self.bridge, sync_now, window)
        window.statusBar().addPermanentWidget(self.status_area)
        window.add_banner(ClockBanner(self.bridge, window))
        self.tray = make_tray(self.bridge, sync_now, window.windowIcon())
        self.review_view = self._review_view()
        if self.review_view is not None:
            window.add_page("review", window.tr("Review changes"), self.review_view)
            self.status_area.sig_review_requested.connect(lambda: window.show_page("review"))
        window.add_page("synclog", window.tr("Sync log"), SyncLogView(self.bridge))
        window.set_sync_now(sync_now)

    def _on_finished(self, snap: Any) -> None:
        """A run that brought rows down (or settled pushed ones to the server's version) changed what the lists
        show: they are read again, so the person sees a colleague's lesson without a click (PRODUCT 4)."""
        if snap.pulled or snap.pushed:
            self.app.reload_lists()

    def _review_view(self) -> QWidget | None:
        try:
            from desktop.syncview import review  # noqa: PLC0415 - lazy import keeps start-up light
        except ImportError:
            log.info("review-changes view not available yet")
            return None
        factory: Callable[..., QWidget] | None = getattr(review, "ReviewChangesView", None)
        if factory is None:
            return None
        return factory(self.bridge, self.app.mirror, runner=self.app.runner)

    # -- scheduler -------------------------------------------------------------------------------------------

    def _run_sync_callable(self) -> Callable[[threading.Event], Any] | None:
        """The engine run for this profile, or None for a profile that has no server."""
        profile = self.app.profile
        if not getattr(profile, "server_url", None) or getattr(profile, "user_id", "local") == "local":
            return None
        try:
            from sync import service  # noqa: PLC0415 - lazy import keeps start-up light
        except ImportError:
            log.warning("the sync engine is not available in this build; working offline")
            return None
        # The service's pieces, kept (not only their run callable) so that shutdown can close the HTTP client.
        self.profile_sync = service.ProfileSync.open(
            self.app.data_dir, profile, mirror=self.app.mirror, listener=self.bridge.listener
        )
        result: Callable[[threading.Event], Any] = self.profile_sync.run_or_raise
        return result

    def _start_scheduler(self, run_sync: Callable[[threading.Event], Any]) -> Callable[[], None]:
        from sync.scheduler import SyncScheduler, http_probe  # noqa: PLC0415 - lazy import keeps start-up light

        server_url = getattr(self.app.profile, "server_url", None)
        # While offline, a cheap probe notices the server coming back, so sync resumes within seconds rather
        # than at the end of a backoff of up to 15 minutes.
        probe = http_probe(f"{server_url.rstrip('/')}/auth/v1/health") if server_url else None
        self.scheduler = SyncScheduler(
            run_sync,
            listener=self.bridge.listener,
            name=str(getattr(self.app.profile, "user_id", "default")),
            interval=self.app.config.sync_interval_minutes * 60.0,
            probe=probe,
        )
        self.scheduler.start()
        return self.scheduler.sync_now  # type: ignore[no-any-return]

    def notify_local_change(self) -> None:
        if self.scheduler is not None:
            self.scheduler.notify_local_change()

    def settings_changed(self, old: AppConfig, new: AppConfig) -> None:
        if (old.server_url, old.anon_key, old.sync_interval_minutes) != (
            new.server_url,
            new.anon_key,
            new.sync_interval_minutes,
        ):
            log.info("sync settings changed; used from the next start")

    def shutdown(self) -> None:
        """Called on aboutToQuit: the engine stops at its next page boundary.

        The window does not wait for a network call in flight (up to its timeout): every page and push settles in
        one transaction, so a run cut short leaves nothing half-written and resumes on the next start.
        """
        if self.scheduler is not None:
            self.scheduler.stop(wait=False)
            if not self.scheduler.wait_idle(timeout=_QUIT_GRACE_SECONDS):
                log.info("a sync was still waiting on the network at quit; it resumes on the next start")
            self.scheduler = None
        if self.profile_sync is not None:
            # Its sockets closed now rather than by the garbage collector. A run still waiting on the network
            # gets a transport error from its closed client and stops there, as if the link had dropped.
            self.profile_sync.close()  # the app's mirror stays open: the app closes it
            self.profile_sync = None
        if self.tray is not None:
            self.tray.hide()
