"""Words reach translators and come back translated: messages built from values (counts, names, times) are
whole sentences with %1/%Ln placeholders, the shipped French covers every string of the app, and a French run
shows French for them, numbers written the French way."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication

from desktop.app import TutorDeskApp
from desktop.i18n import I18N_DIR, install_translators
from desktop.syncview import words
from desktop.syncview.state import SyncSnapshot
from desktop.tests_editor.items import TYPE_NAMES, ItemDraft, TestHeader, all_problems, summary
from desktop.tests_editor.items import tr as editor_tr

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "desktop" / "syncview").glob("*.py")) + sorted(
    (ROOT / "desktop" / "tests_editor").glob("*.py")
)
ALL_SOURCES = sorted(p for p in (ROOT / "desktop").rglob("*.py") if "tools" not in p.parts)
NNBSP = "\u202f"  # French groups digits with a narrow no-break space: 1 200
#: A few phrases from every kind of call site: bare tr(), words.tr(), and marked table entries.
FRENCH = {
    "Syncing %1 of %2": "Synchronisation : %1 sur %2",
    "Sync now": "Synchroniser",
    "Receiving changes": "Réception des modifications",
    "Picture": "Image",
    "The test needs a title.": "Le test doit avoir un titre.",
    "Item %1: %2": "Élément %1 : %2",
    "Choose the picture.": "Choisissez l'image.",
    "Give at least two choices.": "Donnez au moins deux choix.",
    "Mark the correct answer among the choices.": "Indiquez la bonne réponse parmi les choix.",
}


def _tool(name: str) -> str:
    path = Path(sys.executable).with_name(name)
    found = str(path) if path.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: it ships with PySide6, a dependency of the app")
    return found


def _qapp() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


@pytest.fixture
def french(qtbot) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The shipped French translation installed as the app does it, English again afterwards."""
    installed = install_translators(_qapp(), "fr")
    assert installed, "the shipped French .qm did not load"
    try:
        yield
    finally:
        install_translators(_qapp(), "en")


def test_extracted_strings_translate_at_run_time(qtbot, tmp_path: Path) -> None:
    ts = tmp_path / "syncview_fr.ts"
    subprocess.run([_tool("pyside6-lupdate"), *map(str, SOURCES), "-ts", str(ts)], check=True,
                   capture_output=True)
    tree = ET.parse(ts)
    found = set()
    for message in tree.iter("message"):
        source = message.findtext("source")
        found.add(source)
        if source in FRENCH:
            translation = message.find("translation")
            assert translation is not None
            translation.text = FRENCH[source]
            translation.attrib.pop("type", None)
    assert set(FRENCH) <= found, f"not extracted: {set(FRENCH) - found}"
    tree.write(ts, encoding="utf-8")
    qm = tmp_path / "syncview_fr.qm"
    subprocess.run([_tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)
    translator = QTranslator()
    assert translator.load(str(qm))
    app = QCoreApplication.instance()
    assert app is not None
    app.installTranslator(translator)
    try:
        syncing = SyncSnapshot(state="syncing", done=1200, total=5000)
        assert words.status_text(syncing) == "Synchronisation : 1,200 sur 5,000"
        assert words.tr("Sync now") == "Synchroniser"
        assert words.stage_words("pull") == "Réception des modifications"
        assert editor_tr(TYPE_NAMES["illustration"]) == "Image"
        problems = all_problems(TestHeader(title=""), [ItemDraft("illustration")])
        assert problems[0] == "Le test doit avoir un titre."
        assert "Élément 1 : Choisissez l'image." in problems
    finally:
        app.removeTranslator(translator)
    assert words.tr("Sync now") == "Sync now"


def test_english_counts_agree_with_the_number() -> None:
    offline = SyncSnapshot(state="offline", pending=1)
    assert words.status_text(offline) == "Not connected: 1 change saved on this PC"
    assert words.status_text(SyncSnapshot(state="offline", pending=1200)) == (
        "Not connected: 1,200 changes saved on this PC"
    )
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert words.ago(now - timedelta(minutes=1), now) == "1 minute ago"
    assert words.ago(now - timedelta(days=3), now) == "3 days ago"
    assert words.clock_text(-600) == "This PC's clock is 10 minutes off; edits are stamped with the corrected time"


def test_a_french_run_shows_french_for_messages_built_from_values(french: None) -> None:
    assert words.status_text(SyncSnapshot(state="syncing", done=1200, total=5000)) == (
        f"Synchronisation : 1{NNBSP}200 sur 5{NNBSP}000"
    )
    assert words.status_text(SyncSnapshot(state="offline", pending=1)) == (
        "Hors ligne : 1 modification enregistrée sur ce PC"
    )
    assert words.status_text(SyncSnapshot(state="offline", pending=12)) == (
        "Hors ligne : 12 modifications enregistrées sur ce PC"
    )
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    idle = SyncSnapshot(state="error", last_success=now - timedelta(minutes=2), pending=3)
    assert words.status_text(idle, now) == "Synchronisé il y a 2 minutes ; 3 modifications en attente"
    assert words.clock_text(7200 + 30) == (
        "L'horloge de ce PC est décalée de 2 heures ; les modifications sont datées avec l'heure corrigée"
    )
    done = SyncSnapshot(state="ok", pushed=3, pulled=1500)
    assert words.event_words("done", done, True) == f"Terminé : 3 envoyées, 1{NNBSP}500 reçues"
    assert summary(ItemDraft("illustration", content={"image": "a.png"})).startswith("Image : ")
    problems = all_problems(TestHeader(title=""), [ItemDraft("illustration")])
    assert problems[0] == "Le test doit avoir un titre."
    assert "Élément 1 : Choisissez l'image." in problems


def test_the_app_opened_in_french_shows_the_profile_menu_in_french(
    french_config: None, open_app: Callable[..., TutorDeskApp]
) -> None:
    app = open_app()
    menu = app.window.profile_menu
    assert menu.controller is app  # mounted by the app's start
    menu.rebuild()
    assert menu.title() == "&Profil"
    assert menu.sign_in_action.text() == "Se connecter avec un &autre compte…"
    assert [a.text() for a in menu.profile_actions.values()] == ["Profil hors ligne (ce PC uniquement)"]
    assert app.window.profile_label.text() == "Profil hors ligne (ce PC uniquement)"
    assert words.number(1200) == f"1{NNBSP}200"


def test_the_shipped_french_covers_every_string_of_the_app(tmp_path: Path) -> None:
    """Run lupdate over the app into a copy of the shipped .ts: nothing new, nothing unfinished."""
    ts = tmp_path / "tutordesk_fr.ts"
    shutil.copy(I18N_DIR / "tutordesk_fr.ts", ts)
    done = subprocess.run(
        [_tool("pyside6-lupdate"), *map(str, ALL_SOURCES), "-ts", str(ts)], check=True, capture_output=True,
        text=True,
    )
    missing = [
        message.findtext("source")
        for message in ET.parse(ts).iter("message")
        if (message.find("translation") is not None)
        and message.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
    ]
    assert not missing, (
        "strings without French: add them to desktop/tools/fill_fr.py and run `python -m desktop.tools.fill_fr` "
        f"(it runs lupdate too): {missing} ({done.stdout.strip()})"
    )
