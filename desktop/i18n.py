"""Translations: the app's .qm files (from desktop/i18n/*.ts by pyside6-lrelease) and Qt's own strings."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

I18N_DIR = Path(__file__).resolve().parent / "i18n"
_installed: list[QTranslator] = []


def available_languages() -> list[str]:
    return ["en", *sorted(p.stem.removeprefix("tutordesk_") for p in I18N_DIR.glob("tutordesk_*.qm"))]


def install_translators(app: QApplication, language: str) -> list[QTranslator]:
    """Load the language's translators into `app` ("" = the system's language); English needs none.

    The translators are parented to the app so they live as long as it does.
    """
    for old in _installed:
        app.removeTranslator(old)  # a second window (or test) in one process starts from English
    _installed.clear()
    locale = QLocale(language) if language else QLocale.system()
    code = locale.name().split("_")[0]
    installed: list[QTranslator] = []
    if code in ("en", "C"):
        return installed
    ours = QTranslator(app)
    if ours.load(str(I18N_DIR / f"tutordesk_{code}.qm")):
        app.installTranslator(ours)
        installed.append(ours)
    else:
        log.info("no translation of TutorDesk for %s; using English", code)
    qt_own = QTranslator(app)
    if qt_own.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
        installed.append(qt_own)
    _installed.extend(installed)
    return installed


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks `text` for the translation file under `context`; the text is translated where it is shown.

    Qt's own QT_TRANSLATE_NOOP is typed as returning `object`; this one keeps `str` for the type checker.
    """
    del context
    return text
