"""Words of the sync views and the test editor reach translators and come back translated."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from desktop.syncview import words
from desktop.syncview.state import SyncSnapshot
from desktop.tests_editor.items import TYPE_NAMES, ItemDraft, TestHeader, all_problems, summary
from desktop.tests_editor.items import tr as editor_tr

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "desktop" / "syncview").glob("*.py")) + sorted(
    (ROOT / "desktop" / "tests_editor").glob("*.py")
)
#: A few phrases from every kind of call site: bare tr(), words.tr(), and marked table entries.
FRENCH = {
    "Syncing {done} of {total}": "Synchronisation : {done} sur {total}",
    "Sync now": "Synchroniser",
    "Receiving changes": "Réception des modifications",
    "Picture": "Image",
    "The test needs a title.": "Le test doit avoir un titre.",
    "Item {n}: {problem}": "Élément {n} : {problem}",
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
        assert summary(ItemDraft("illustration", content={"image": "a.png"})).startswith("Image: ")
        problems = all_problems(TestHeader(title=""), [ItemDraft("illustration")])
        assert problems[0] == "Le test doit avoir un titre."
        assert "Élément 1 : Choisissez l'image." in problems
    finally:
        app.removeTranslator(translator)
    assert words.tr("Sync now") == "Sync now"
