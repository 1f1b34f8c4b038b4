"""Settings: server, sync interval, theme, language, and the list of keyboard shortcuts."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import usersettings
from desktop.config import LANGUAGES, THEMES
from desktop.i18n import QT_TRANSLATE_NOOP
from desktop.mainwindow import SHORTCUTS

if TYPE_CHECKING:
    from desktop.app import TutorDeskApp

log = logging.getLogger(__name__)

THEME_WORDS = {
    "system": QT_TRANSLATE_NOOP("SettingsDialog", "Same as the system"),
    "light": QT_TRANSLATE_NOOP("SettingsDialog", "Light"),
    "dark": QT_TRANSLATE_NOOP("SettingsDialog", "Dark"),
}

#: config.LANGUAGES' name for "" (follow the system), marked here for the translation file.
SYSTEM_LANGUAGE = QT_TRANSLATE_NOOP("SettingsDialog", "System default")


class SettingsDialog(QDialog):
    """Edits the app's config file and the person's theme; OK saves, Cancel leaves everything as it was."""

    def __init__(self, app: TutorDeskApp, parent: QWidget | None = None) -> None:
        super().__init__(parent or app.window)
        self.app = app
        self.setWindowTitle(self.tr("Settings"))
        self.setAccessibleName(self.tr("Settings"))
        config = app.config
        self.server_url = QLineEdit(config.server_url)
        self.server_url.setPlaceholderText("https://your-project.supabase.co")
        self.anon_key = QLineEdit(config.anon_key)
        self.anon_key.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.interval = QSpinBox()
        self.interval.setRange(1, 240)
        self.interval.setSuffix(self.tr(" min"))
        self.interval.setValue(config.sync_interval_minutes)
        self.theme = QComboBox()
        for key in THEMES:
            self.theme.addItem(self.tr(THEME_WORDS[key]), key)
        self.theme.setCurrentIndex(
            max(0, self.theme.findData(app.qapp.property("tutordesk_theme_choice") or config.theme))
        )
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            # Only "System default" is words; the languages are named in their own language.
            self.language.addItem(self.tr(SYSTEM_LANGUAGE) if code == "" else name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(config.language)))
        self.note = QLabel()
        self.note.setWordWrap(True)
        names = {
            self.server_url: QT_TRANSLATE_NOOP("SettingsDialog", "Server address"),
            self.anon_key: QT_TRANSLATE_NOOP("SettingsDialog", "Server public key (anon key)"),
            self.interval: QT_TRANSLATE_NOOP("SettingsDialog", "Sync every how many minutes"),
            self.theme: QT_TRANSLATE_NOOP("SettingsDialog", "Theme"),
            self.language: QT_TRANSLATE_NOOP("SettingsDialog", "Language"),
        }
        for widget, name in names.items():
            widget.setAccessibleName(self.tr(name))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._layout()

    def _layout(self) -> None:
        server = QGroupBox(self.tr("Server"))
        server_form = QFormLayout(server)
        server_form.addRow(self.tr("&Address"), self.server_url)
        server_form.addRow(self.tr("Public &key"), self.anon_key)
        server_form.addRow(self.tr("Sync &every"), self.interval)
        look = QGroupBox(self.tr("Look and language"))
        look_form = QFormLayout(look)
        look_form.addRow(self.tr("&Theme"), self.theme)
        look_form.addRow(self.tr("&Language"), self.language)
        keys = QGroupBox(self.tr("Keyboard shortcuts"))
        keys_layout = QVBoxLayout(keys)
        table = self.shortcut_table = QTableWidget(len(SHORTCUTS), 2)
        table.setAccessibleName(self.tr("Keyboard shortcuts"))
        table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        shortcuts = [entry for entry in SHORTCUTS.values() if entry[2]]
        table.setRowCount(len(shortcuts))
        for row, (_menu, label, keys_text) in enumerate(shortcuts):
            # The labels are the menu's own, translated under the main window's context where they are marked.
            words = QCoreApplication.translate("MainWindow", label).replace("&", "").rstrip("…")
            table.setItem(row, 0, QTableWidgetItem(words))
            # Key names as the menus show them in this language ("Ctrl+Suppr" in French).
            key_names = QKeySequence(keys_text).toString(QKeySequence.SequenceFormat.NativeText)
            table.setItem(row, 1, QTableWidgetItem(key_names))
        table.horizontalHeader().setStretchLastSection(True)
        table.setColumnWidth(0, 200)
        keys_layout.addWidget(table)
        layout = QVBoxLayout(self)
        for widget in (server, look, keys, self.note):
            layout.addWidget(widget)
        layout.addWidget(self.buttons)
        self.resize(480, 560)

    @Slot()
    def accept(self) -> None:
        old = self.app.config
        theme = str(self.theme.currentData())
        new = old.with_changes(
            server_url=self.server_url.text().strip(),
            anon_key=self.anon_key.text().strip(),
            sync_interval_minutes=int(self.interval.value()),
            theme=theme,
            language=str(self.language.currentData()),
        )
        self.app.save_config(new)
        self.app.apply_theme(theme)
        self._save_user_theme(theme)
        if self.app.sync is not None:
            self.app.sync.settings_changed(old, new)
        if new.language != old.language:
            self.app.window.statusBar().showMessage(
                self.tr("The new language is used the next time TutorDesk starts."), 10_000
            )
        super().accept()

    def _save_user_theme(self, theme: str) -> None:
        author = self.app.author
        if author is None or author.user_id is None:
            return
        user_id, organisation_id = author.user_id, author.organisation_id
        self.app.runner.submit(
            lambda conn: usersettings.write_theme(
                conn, user_id=user_id, organisation_id=organisation_id, theme=theme
            ),
            lambda _r: self.app.on_local_change(),
        )
