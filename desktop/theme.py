"""Light, dark or the system's look: a palette on the Fusion style, which looks the same on every OS."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

THEMES = ("system", "light", "dark")

_DARK = {
    QPalette.ColorRole.Window: "#2b2d30",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1f2023",
    QPalette.ColorRole.AlternateBase: "#292b2e",
    QPalette.ColorRole.ToolTipBase: "#3a3d41",
    QPalette.ColorRole.ToolTipText: "#f0f0f0",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#34373b",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Highlight: "#3d7bd9",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#7fb2ff",
    QPalette.ColorRole.PlaceholderText: "#8c8f94",
}


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return bool(hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark)


def effective_theme(theme: str) -> str:
    """ "light" or "dark": what `theme` means on this PC now."""
    if theme == "system":
        return "dark" if system_prefers_dark() else "light"
    return theme if theme in THEMES else "light"


def apply_theme(app: QApplication, theme: str) -> str:
    """Switch the whole app's palette; answers the theme actually applied ("light" or "dark")."""
    app.setStyle("Fusion")
    chosen = effective_theme(theme)
    style = app.style()
    palette = style.standardPalette()
    if chosen == "dark":
        for role, color in _DARK.items():
            palette.setColor(role, QColor(color))
        disabled = QColor("#7a7d82")
        for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
            palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    app.setPalette(palette)
    app.setProperty("tutordesk_theme", chosen)
    log.info("theme %s (asked: %s)", chosen, theme)
    return chosen
