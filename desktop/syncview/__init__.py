"""The visible sync: engine and scheduler events turned into Qt signals, and the views that show them.

How to mount (the main window does this in desktop/syncwire.py)::

    from desktop.syncview.bridge import SyncBridge
    from desktop.syncview.status import ClockBanner, SyncStatusArea, make_tray
    from desktop.syncview.log_view import SyncLogView
    from desktop.syncview.review import ReviewChangesView

    bridge = SyncBridge(window)                     # lives on the GUI thread
    listener = bridge.listener                      # for SyncScheduler(listener=...) and the engine
    area = SyncStatusArea(bridge, scheduler.sync_now)  # sync_now returns at once; None: offline profile
    window.statusBar().addPermanentWidget(area)
    banner = ClockBanner(bridge)                    # C2 warning, hidden until the clock is > 5 min off
    tray = make_tray(bridge, scheduler.sync_now)    # None where there is no tray (Xvfb, offscreen)
    log_page = SyncLogView(bridge)                  # the last 500 events
    review_page = ReviewChangesView(bridge, mirror) # C6 conflicts: re-apply or dismiss
    review_page.sig_local_edit.connect(scheduler.notify_local_change)
    area.sig_review_requested.connect(show_review_page)
    area.sig_sign_in_requested.connect(show_sign_in)  # after "Sign in again to sync"
    bridge.watch_mirror(mirror)                     # start from the mirror's last sync and pending count
                                                    # (ReviewChangesView does this if nobody did)

Without a scheduler, `BackgroundSync(run_sync, bridge).sync_now` runs one sync on a thread, reporting its end.
Only `SyncBridge.listener` may be called from another thread; everything else belongs to the GUI thread.
"""
