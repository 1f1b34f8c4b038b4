"""From the command line to a running window: QApplication, logging, translations, profile, mirror."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import config as app_config
from desktop.crash import ErrorReporter, setup_file_logging

log = logging.getLogger(__name__)


def qt_app() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName("TutorDesk")
    app.setOrganizationName("TutorDesk")
    app.setDesktopFileName("tutordesk")
    return app


def resolve_data_dir(override: str | None) -> Path:
    from localdb import paths  # noqa: PLC0415 - lazy import keeps start-up light

    return Path(paths.data_dir(override))


def choose_profile(data_dir: Path, profile_key: str | None) -> Any:
    """The asked-for profile, else the last used one, else the offline local profile (first run)."""
    from localdb.profiles import ProfileStore  # noqa: PLC0415 - lazy import keeps start-up light

    store = ProfileStore(data_dir)
    profile = store.get(profile_key) if profile_key else None
    if profile is None and profile_key:
        log.warning("no profile %s on this PC; opening the last one", profile_key)
    if profile is None:
        profile = store.last_used()
    if profile is None:
        profile = store.ensure_local()
    store.set_last_used(profile.email or profile.user_id)
    return profile


def open_mirror(path: Path, data_dir: Path | None = None) -> Any:
    """Open a mirror with this PC's device id; a damaged file is moved aside (kept) and a fresh one made (when
    a check at an earlier start found the damage, or this open could tell).

    The person is told in plain words when that happened: changes not yet sent may be in the kept file.
    """
    from localdb.mirror import Mirror  # noqa: PLC0415 - lazy import keeps start-up light
    from localdb.paths import device_id  # noqa: PLC0415 - lazy import keeps start-up light

    folder = data_dir or path.parent.parent.parent
    # The whole-file check (0.65 s at 100,000 lessons) runs once the window is up (TutorDeskApp.after_show);
    # until it has, the mirror holds back every write.
    mirror = Mirror.open(path, device_id=device_id(folder), fresh_if_corrupt=True, defer_check=True)
    moved = getattr(mirror, "moved_aside", None)
    if moved is not None:
        from PySide6.QtCore import QCoreApplication  # noqa: PLC0415 - lazy import keeps start-up light

        from desktop.i18n import fill  # noqa: PLC0415 - lazy import keeps start-up light

        words = QCoreApplication.translate(
            "launch",
            "The local data file was damaged. It was kept as %1 and a fresh copy will be downloaded at the next "
            "sync.",
        )
        QMessageBox.warning(None, "TutorDesk", fill(words, Path(moved).name))
    return mirror


def build(data_dir: Path, profile_key: str | None = None, *, reporter: ErrorReporter | None = None) -> Any:
    """Everything but the event loop: used by `launch` and by the GUI tests."""
    from desktop.app import TutorDeskApp  # noqa: PLC0415 - lazy import keeps start-up light
    from desktop.i18n import install_translators  # noqa: PLC0415 - lazy import keeps start-up light
    from desktop.theme import apply_theme  # noqa: PLC0415 - lazy import keeps start-up light

    qapp = qt_app()
    config = app_config.load_config()
    install_translators(qapp, config.language)
    apply_theme(qapp, config.theme)
    profile = choose_profile(data_dir, profile_key)
    mirror = open_mirror(Path(profile.mirror_path), data_dir)
    return TutorDeskApp(
        qapp, data_dir=data_dir, profile=profile, mirror=mirror, config=config, reporter=reporter
    )


def probe_startup(app: Any) -> None:
    """For the start-up benchmark and smoke checks: say when the window is up, when the list has its first
    page and when the mirror's whole-file check has answered (wall-clock seconds on stdout), then quit."""
    from PySide6.QtCore import QTimer  # noqa: PLC0415 - lazy import keeps start-up light

    seen: dict[str, float] = {}

    def note(moment: str) -> None:
        seen.setdefault(moment, time.time())
        if len(seen) == 3:
            for name in ("shown", "listed", "checked"):
                print(name, seen[name], flush=True)
            app.qapp.quit()

    app.lessons_page.list.model.sig_page.connect(lambda _rows: note("listed"))
    app.sig_mirror_checked.connect(lambda _sound: note("checked"))
    QTimer.singleShot(0, lambda: note("shown"))


def launch(*, data_dir: str | None, profile_key: str | None = None, notice: str | None = None) -> int:
    from localdb.errors import LocalDbError  # noqa: PLC0415 - lazy import keeps start-up light

    qapp = qt_app()
    log_path = setup_file_logging()
    reporter = ErrorReporter(log_path)
    reporter.install()
    try:
        app = build(resolve_data_dir(data_dir), profile_key, reporter=reporter)
    except LocalDbError as exc:
        # Plain words, and a clean exit: nothing to show without a mirror.
        QMessageBox.critical(None, "TutorDesk", str(exc))
        return 1
    if os.environ.get("TUTORDESK_EXIT_AFTER_SHOW"):
        probe_startup(app)
    window = app.start()
    if notice:
        window.statusBar().showMessage(notice, 15_000)
    # TutorDeskApp.current holds the open app from here: after a profile switch the first one can go.
    del app, window
    code = qapp.exec()
    reporter.uninstall()
    return int(code)
