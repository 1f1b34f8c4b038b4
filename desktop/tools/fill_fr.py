# ruff: noqa: E501 - a word list reads best one entry a line, however long the sentence
"""Fills desktop/i18n/tutordesk_fr.ts from the French word list below, then compiles it with pyside6-lrelease.

Run after `pyside6-lupdate` found new strings: `python -m desktop.tools.fill_fr`. Strings without a French entry
stay unfinished (the app shows English for them) and are listed, so a translator can add them here.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TS = Path(__file__).resolve().parents[1] / "i18n" / "tutordesk_fr.ts"

FRENCH = {
    "TutorDesk": "TutorDesk",
    "Error message": "Message d'erreur",
    "Something went wrong, but your work is safe.": "Un problème est survenu, mais votre travail est en sécurité.",
    "Welcome to TutorDesk": "Bienvenue dans TutorDesk",
    "TutorDesk keeps everything on this PC and works without the internet. If your school has a TutorDesk "
    "server, connect to it so your lessons are shared and backed up.": "TutorDesk garde tout sur ce PC et fonctionne sans internet. Si votre école a un serveur TutorDesk, "
    "connectez-vous pour partager et sauvegarder vos leçons.",
    "Connect to a server…": "Se connecter à un serveur…",
    "Connect to a server": "Se connecter à un serveur",
    "Work offline for now": "Travailler hors ligne pour l'instant",
    "Active (learners can use it)": "Active (les élèves peuvent l'utiliser)",
    "Published": "Publiée",
    "optional: a media id from the media library": "facultatif : l'identifiant d'un média de la médiathèque",
    "Lesson code": "Code de la leçon",
    "Title": "Titre",
    "Description": "Description",
    "Lesson type": "Type de leçon",
    "Difficulty from 1 to 5": "Difficulté de 1 à 5",
    "Active": "Active",
    "Cover media": "Image de couverture",
    "Problem": "Problème",
    "Editor message": "Message de l'éditeur",
    "Save": "Enregistrer",
    "Save lesson": "Enregistrer la leçon",
    "&Code": "&Code",
    "&Title": "&Titre",
    "&Description": "&Description",
    "T&ype": "T&ype",
    "Di&fficulty": "Di&fficulté",
    "Co&ver": "Cou&verture",
    "Lesson": "Leçon",
    "Notes": "Notes",
    "Opening…": "Ouverture…",
    "This lesson is no longer on this PC.": "Cette leçon n'est plus sur ce PC.",
    "New lesson": "Nouvelle leçon",
    "Edit %s": "Modifier %s",
    "Please fix the marked fields, then save again.": "Corrigez les champs signalés, puis enregistrez à nouveau.",
    "Still opening your profile; save again in a moment.": "Ouverture du profil en cours ; réessayez dans un instant.",
    "Saving…": "Enregistrement…",
    "Saved on this PC.": "Enregistré sur ce PC.",
    "Not saved: %s": "Non enregistré : %s",
    "Search titles, descriptions and notes": "Rechercher dans les titres, descriptions et notes",
    "Search lessons": "Rechercher des leçons",
    "Filter by type": "Filtrer par type",
    "All types": "Tous les types",
    "Filter by difficulty": "Filtrer par difficulté",
    "Any difficulty": "Toute difficulté",
    "Difficulty %d": "Difficulté %d",
    "Filter by state": "Filtrer par état",
    "Published and drafts": "Publiées et brouillons",
    "Drafts": "Brouillons",
    "Number of lessons": "Nombre de leçons",
    "Lessons in trash": "Leçons dans la corbeille",
    "Lessons": "Leçons",
    "%n lesson(s) in the trash": ("%n leçon dans la corbeille", "%n leçons dans la corbeille"),
    "%n lesson(s)": ("%n leçon", "%n leçons"),
    "Code": "Code",
    "Type": "Type",
    "Difficulty": "Difficulté",
    "Status": "État",
    "Last changed": "Modifiée le",
    "Word": "Mot",
    "Sentence": "Phrase",
    "Freestyle": "Libre",
    "In trash": "Dans la corbeille",
    "Draft": "Brouillon",
    "Inactive": "Inactive",
    "Move to trash": "Mettre à la corbeille",
    "Move the selected lesson to the trash": "Mettre la leçon choisie à la corbeille",
    "Moved to the trash. Restore it from the Trash.": "Mise à la corbeille. Vous pouvez la restaurer depuis la Corbeille.",
    "Not done: %s": "Non effectué : %s",
    "&New lesson": "&Nouvelle leçon",
    "&Save": "&Enregistrer",
    "Move to &trash": "Mettre à la &corbeille",
    "Sign &in to a server…": "Se &connecter à un serveur…",
    "Se&ttings…": "&Paramètres…",
    "&Quit": "&Quitter",
    "&Search lessons": "&Rechercher des leçons",
    "Sync &now": "&Synchroniser maintenant",
    "Sections": "Rubriques",
    "Trash": "Corbeille",
    "Signed-in profile": "Profil connecté",
    "&File": "&Fichier",
    "&Edit": "É&dition",
    "S&ync": "S&ynchronisation",
    "&Undo": "&Annuler",
    "&Redo": "&Rétablir",
    "Unsaved changes": "Modifications non enregistrées",
    "This lesson has changes that are not saved. Save them before closing?": "Cette leçon a des modifications non enregistrées. Les enregistrer avant de fermer ?",
    "Notes of this lesson": "Notes de cette leçon",
    "Note title": "Titre de la note",
    "Write the note here": "Écrivez la note ici",
    "Note text": "Texte de la note",
    "Add note": "Ajouter une note",
    "Move up": "Monter",
    "Move down": "Descendre",
    "Delete note": "Supprimer la note",
    "Notes appear to learners in this order.": "Les élèves voient les notes dans cet ordre.",
    "(empty note)": "(note vide)",
    "Same as the system": "Comme le système",
    "Light": "Clair",
    "Dark": "Sombre",
    "Settings": "Paramètres",
    " min": " min",
    "Server address": "Adresse du serveur",
    "Server public key (anon key)": "Clé publique du serveur (clé anon)",
    "Sync every how many minutes": "Synchroniser toutes les combien de minutes",
    "Theme": "Thème",
    "Language": "Langue",
    "Server": "Serveur",
    "&Address": "&Adresse",
    "Public &key": "&Clé publique",
    "Sync &every": "Synchroniser &toutes les",
    "Look and language": "Apparence et langue",
    "&Theme": "&Thème",
    "&Language": "&Langue",
    "Keyboard shortcuts": "Raccourcis clavier",
    "Action": "Action",
    "Keys": "Touches",
    "System default": "Langue du système",
    "The new language is used the next time TutorDesk starts.": "La nouvelle langue sera utilisée au prochain démarrage de TutorDesk.",
    "Sign in": "Se connecter",
    "Sign-in message": "Message de connexion",
    "Server &address": "&Adresse du serveur",
    "&Email": "&E-mail",
    "&Password": "&Mot de passe",
    "Email": "E-mail",
    "Password": "Mot de passe",
    "Server public key": "Clé publique du serveur",
    "Please fill in all four fields.": "Veuillez remplir les quatre champs.",
    "Signing in…": "Connexion…",
    "Restore": "Restaurer",
    "Restore the selected lesson": "Restaurer la leçon choisie",
    "Deleted lessons stay here. Restoring one brings it back on every device.": "Les leçons supprimées restent ici. En restaurer une la ramène sur tous les appareils.",
    "Restored. It is back in Lessons.": "Restaurée. Elle est de retour dans Leçons.",
    "Not restored: %s": "Non restaurée : %s",
    "Offline profile (this PC only)": "Profil hors ligne (ce PC uniquement)",
    "Signed in as %s": "Connecté en tant que %s",
    "Signed in": "Connecté",
    "Test": "Test",
    "Type at least two letters to search.": "Tapez au moins deux lettres pour chercher.",
    "The test has changes that are not saved. Close anyway and lose them?":
        "Le test a des modifications non enregistrées. Fermer quand même et les perdre ?",
}


def fill(path: Path = TS) -> list[str]:
    tree = ET.parse(path)
    root = tree.getroot()
    root.set("language", "fr_FR")
    missing = []
    for message in root.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            translation = ET.SubElement(message, "translation")
        french = FRENCH.get(source)
        if french is None:
            missing.append(source)
            continue
        translation.attrib.pop("type", None)
        for child in list(translation):
            translation.remove(child)
        if message.get("numerus") == "yes":
            singular, plural = french if isinstance(french, tuple) else (french, french)
            translation.text = None
            for form in (singular, plural):
                ET.SubElement(translation, "numerusform").text = form
        else:
            translation.text = french if isinstance(french, str) else french[0]
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return missing


def main() -> int:
    missing = fill()
    for source in missing:
        print(f"no French yet: {source!r}", file=sys.stderr)
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    subprocess.run([str(lrelease), str(TS), "-qm", str(TS.with_suffix(".qm"))], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
