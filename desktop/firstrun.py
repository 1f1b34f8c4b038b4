"""The first-run setup and the sign-in dialog.

First run offers two ways: connect to a server (address and public key, then sign in) or work offline for now.
Signing in talks to the server, so it runs on a worker thread; the dialog stays responsive and shows the
answer in plain words ("That email and password do not match." is not "Cannot reach the server.")."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import QT_TRANSLATE_NOOP, fill

if TYPE_CHECKING:
    from desktop.app import TutorDeskApp

log = logging.getLogger(__name__)


class _Signals(QObject):
    sig_done = Signal(object, object)
    """The sign-in ended. Arguments: result (the new profile, or None), error (an exception, or None)."""


class _SignInJob(QRunnable):
    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()
        self.signals = _Signals()
        self._work = work

    def run(self) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = self._work()
        except Exception as exc:  # shown in plain words by the dialog
            error = exc
        finally:
            # Always answer, so the Sign in button never stays disabled.
            self.signals.sig_done.emit(result, error)


#: The sync package's sentences a sign-in can end with (its errors' `plain`), marked for the translation file;
#: a sentence not listed here is shown as the sync package wrote it.
SIGN_IN_PROBLEMS = (
    QT_TRANSLATE_NOOP("SignInDialog", "Cannot reach the server to sign in."),
    QT_TRANSLATE_NOOP("SignInDialog", "No connection to the server."),
    QT_TRANSLATE_NOOP("SignInDialog", "The server is not reachable right now."),
    QT_TRANSLATE_NOOP("SignInDialog", "The server did not answer in time."),
    QT_TRANSLATE_NOOP("SignInDialog", "The e-mail or password is not right."),
    QT_TRANSLATE_NOOP("SignInDialog", "Too many sign-in attempts; wait a while, then retry."),
    QT_TRANSLATE_NOOP("SignInDialog", "That server address or key is not valid."),
    QT_TRANSLATE_NOOP("SignInDialog", "The server had a problem; the sync will be tried again later."),
    QT_TRANSLATE_NOOP("SignInDialog", "The server is not set up for this app's sync."),
    QT_TRANSLATE_NOOP("SignInDialog", "The server refused access for this account."),
    QT_TRANSLATE_NOOP(
        "SignInDialog", "The server did not know this computer; it could not be registered for syncing."
    ),
    QT_TRANSLATE_NOOP(
        "SignInDialog", "Please update the app: the server needs a newer version. You can keep working offline."
    ),
)


def sign_in_words(error: BaseException) -> str:
    """Plain words for a failed sign-in: wrong password, no connection, bad address are told apart."""
    plain = getattr(error, "plain", None)
    said = QCoreApplication.translate("SignInDialog", str(plain)) if plain else ""
    if type(error).__name__ == "Offline":
        said = said or QCoreApplication.translate("SignInDialog", "No connection to the server.")
        later = QCoreApplication.translate("SignInDialog", "%1 You can keep working offline and sign in later.")
        return fill(later, said)
    if said:
        return said
    return QCoreApplication.translate(
        "SignInDialog", "Signing in did not work. You can keep working offline and sign in later."
    )


def sign_in_and_store(data_dir: Any, url: str, anon_key: str, email: str, password: str) -> Any:
    """Sign in with Supabase Auth (token to the keyring), register the profile and this device."""
    from sync.service import login  # noqa: PLC0415 - lazy: pulls in supabase-py

    return login(Path(data_dir), url, anon_key, email, password)


class SignInDialog(QDialog):
    """Server address, public key, email and password; signs in off the GUI thread."""

    sig_signed_in = Signal(object)
    """Signing in worked. Arguments: the new profile (localdb.profiles.Profile)."""

    def __init__(self, app: TutorDeskApp, parent: QWidget | None = None) -> None:
        super().__init__(parent or app.window)
        self.app = app
        self.setWindowTitle(self.tr("Sign in"))
        self.url = QLineEdit(app.config.server_url)
        self.url.setPlaceholderText("https://your-project.supabase.co")
        self.key = QLineEdit(app.config.anon_key)
        self.key.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.email = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for widget, name in (
            (self.url, "Server address"),
            (self.key, "Server public key"),
            (self.email, "Email"),
            (self.password, "Password"),
        ):
            widget.setAccessibleName(self.tr(name))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Sign-in message"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = QPushButton(self.tr("Sign in"))
        self.sign_in_button.setDefault(True)
        self.buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.sign_in_button.clicked.connect(self.on_sign_in)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Server &address"), self.url)
        form.addRow(self.tr("Public &key"), self.key)
        form.addRow(self.tr("&Email"), self.email)
        form.addRow(self.tr("&Password"), self.password)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.job: _SignInJob | None = None

    @Slot()
    def on_sign_in(self) -> None:
        url, key = self.url.text().strip(), self.key.text().strip()
        email, password = self.email.text().strip(), self.password.text()
        if not (url and key and email and password):
            self.message.setText(self.tr("Please fill in all four fields."))
            return
        self.sign_in_button.setEnabled(False)
        self.message.setText(self.tr("Signing in…"))
        data_dir = self.app.data_dir
        self.job = _SignInJob(lambda: sign_in_and_store(data_dir, url, key, email, password))
        self.job.signals.sig_done.connect(self.on_done)
        QThreadPool.globalInstance().start(self.job)

    @Slot(object, object)
    def on_done(self, profile: Any, error: BaseException | None) -> None:
        self.sign_in_button.setEnabled(True)
        self.password.clear()
        if error is not None:
            log.info("sign-in failed: %s", type(error).__name__)
            self.message.setText(self.tr(sign_in_words(error)))
            return
        self.app.save_config(
            self.app.config.with_changes(
                server_url=self.url.text().strip(), anon_key=self.key.text().strip(), first_run_done=True
            )
        )
        self.sig_signed_in.emit(profile)
        self.accept()


class FirstRunDialog(QDialog):
    """ "Connect to a server" or "Work offline for now"; either way the app is usable at once."""

    def __init__(self, app: TutorDeskApp, parent: QWidget | None = None) -> None:
        super().__init__(parent or app.window)
        self.app = app
        self.setWindowTitle(self.tr("Welcome to TutorDesk"))
        intro = QLabel(
            self.tr(
                "TutorDesk keeps everything on this PC and works without the internet. If your school has a "
                "TutorDesk server, connect to it so your lessons are shared and backed up."
            )
        )
        intro.setWordWrap(True)
        self.connect_button = QPushButton(self.tr("Connect to a server…"))
        self.connect_button.setAccessibleName(self.tr("Connect to a server"))
        self.offline_button = QPushButton(self.tr("Work offline for now"))
        self.offline_button.setAccessibleName(self.tr("Work offline for now"))
        self.offline_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.connect_button)
        layout.addWidget(self.offline_button)
        self.connect_button.clicked.connect(self.on_connect)
        self.offline_button.clicked.connect(self.on_offline)
        self.sign_in: SignInDialog | None = None

    @Slot()
    def on_offline(self) -> None:
        self.app.save_config(self.app.config.with_changes(first_run_done=True))
        self.accept()

    @Slot()
    def on_connect(self) -> None:
        self.accept()
        self.sign_in = SignInDialog(self.app)
        self.sign_in.sig_signed_in.connect(self.app.switch_profile)
        self.sign_in.rejected.connect(self.on_offline)
        self.sign_in.open()
