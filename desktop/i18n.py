"""Translations: the app's .qm files (from desktop/i18n/*.ts by pyside6-lrelease) and Qt's own strings."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
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
    # Numbers in messages ("1,200" / "1 200") follow the language the words are in.
    QLocale.setDefault(_ENGLISH if code in ("en", "C") else locale)
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


_ENGLISH = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
_PLACEHOLDER = re.compile(r"%([1-9])")


def fill(text: str, *values: object) -> str:
    """QString.arg for Python strings: "%1 of %2" with values in one pass (a value's own "%2" stays as is).

    PySide6 hands translations back as `str`, which has no `.arg()`; translators move %1, %2 freely.
    """

    def value(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return str(values[index]) if index < len(values) else match.group(0)

    return _PLACEHOLDER.sub(value, text)


def locale() -> QLocale:
    """The locale numbers are written in: the app's language, English (US) where the system says only "C"."""
    if QLocale().language() == QLocale.Language.C:
        # "C" writes 1200 ungrouped; it is no one's language, and the source text is English.
        QLocale.setDefault(_ENGLISH)
    return QLocale()


def number(n: int) -> str:
    """1200 -> "1,200" in English, "1 200" in French: digits grouped so a long count reads at a glance."""
    return str(locale().toString(n))


def counted(text: str, n: int) -> str:
    """English plurals for an untranslated "%Ln change(s)": "(s)" goes for one, becomes "s" for more.

    Translations give each plural form in full, so they hold no "(s)" and pass through unchanged."""
    return text.replace("(s)", "" if n == 1 else "s")


def plural(context: str, source: str, n: int) -> str:
    """A translated message with a count: `source` uses %Ln (the count, grouped as `number` does) and may
    hold %1, %2 for `fill`. Qt picks the translation's plural form from n (French: 0 and 1 are singular)."""
    locale()
    return counted(QCoreApplication.translate(context, source, None, n), n)


def local_minute(stamp: str | None) -> str:
    """A stored UTC stamp as this PC's date and time to the minute ("2026-11-23 14:05"): short, and it sorts."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp[:16]
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
