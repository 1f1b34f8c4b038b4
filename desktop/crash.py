"""Unexpected errors: logged with their traceback to a rotating file, shown to the person in plain words.

`install_excepthook()` replaces `sys.excepthook`, which is what PySide6 calls when a slot or an event handler
raises. The app keeps running: the hook logs the traceback, then `ErrorReporter.sig_error` carries a short
message to the GUI thread (queued), where the main window shows it without a traceback.
"""

from __future__ import annotations

import logging
import sys
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.i18n import fill

log = logging.getLogger(__name__)

LOG_FILE = "tutordesk.log"
_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


def log_dir() -> Path:
    from localdb import paths  # noqa: PLC0415 - lazy: keeps start-up light

    return Path(paths.log_dir())


def setup_file_logging(folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Add a rotating file handler (1 MB x 5) to the root logger once; answer the log file's path."""
    folder = folder or log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.setLevel(level)
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        # Lowering the root level for the file must not make the console louder than it was asked to be.
        for other in root.handlers:
            if other.level == logging.NOTSET:
                other.setLevel(root.level or logging.WARNING)
        root.setLevel(level)
    return path


class ErrorReporter(QObject):
    """Turns uncaught exceptions (from any thread) into a short message on the GUI thread."""

    sig_error = Signal(str)
    """An unexpected error happened and was logged. Arguments: the plain-words message to show."""

    def __init__(self, log_path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self.errors_seen = 0
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook

    def handle(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_hook(exc_type, exc, tb)
            return
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        self.errors_seen += 1
        if self.log_path:
            message = fill(
                self.tr("Something went wrong, but your work is safe. The details are in %1."), str(self.log_path)
            )
        else:
            message = self.tr("Something went wrong, but your work is safe.")
        # Emitting from a worker thread is fine: the connection to the window is queued.
        self.sig_error.emit(message)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)


class ErrorBox(QObject):
    """Shows one non-modal message at a time, so a burst of errors does not stack up dialogs."""

    def __init__(self, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self.box: QMessageBox | None = None
        self.last_message = ""

    @Slot(str)
    def on_error(self, message: str) -> None:
        self.last_message = message
        if self.box is None:
            self.box = QMessageBox(self._parent_widget)
            self.box.setIcon(QMessageBox.Icon.Warning)
            self.box.setWindowTitle(self.tr("TutorDesk"))
            self.box.setWindowModality(Qt.WindowModality.NonModal)
            self.box.setAccessibleName(self.tr("Error message"))
        self.box.setText(message)
        self.box.show()
