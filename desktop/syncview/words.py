"""Plain words for the sync status: "Synced 2 minutes ago", "Syncing 1,200 of 5,000", "Sign in again to sync".

All text goes through Qt's translate so the shipped translations cover it; the functions are otherwise pure.
Values go into whole translatable sentences as %1, %2 (`fill`), counts as %Ln with Qt's plural forms, so a
translator can reorder them and agree words with the count ("1 modification enregistrée", "12 ... enregistrées").
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from desktop.i18n import fill
from desktop.i18n import locale as number_locale
from desktop.i18n import number as _grouped
from desktop.syncview.state import AUTH, CANCELLED, ERROR, OFFLINE, OK, SYNCING, LogEntry, SyncSnapshot

#: `fill` is re-exported on purpose: the views write `words.fill(words.tr("..."), ...)` beside `words.tr`.
__all__ = [
    "STAGE_WORDS", "TABLE_WORDS", "ago", "changes", "clock_text", "detail_text", "event_detail", "event_words",
    "fill", "finished_detail", "finished_words", "log_line", "number", "scheduler_words", "stage_words",
    "started_detail", "status_text", "table_words", "tr",
]

#: The contexts pyside6-lupdate files these strings under: "" for a bare `tr("...")`, "words" for
#: `words.tr("...")` in the other syncview modules. Looking in both keeps extraction and lookup in step.
_CONTEXTS = ("", "words")

#: The engine's stage names -> what a person reads in the status bar and the log.
STAGE_WORDS = {
    "register": QT_TRANSLATE_NOOP("", "Connecting"),
    "session": QT_TRANSLATE_NOOP("", "Connecting"),
    "connect": QT_TRANSLATE_NOOP("", "Connecting"),
    "clock": QT_TRANSLATE_NOOP("", "Checking the clock"),
    "push": QT_TRANSLATE_NOOP("", "Sending changes"),
    "pull": QT_TRANSLATE_NOOP("", "Receiving changes"),
    "reset": QT_TRANSLATE_NOOP("", "Downloading everything again"),
    "backfill": QT_TRANSLATE_NOOP("", "Receiving new columns"),
    "schema": QT_TRANSLATE_NOOP("", "Receiving new columns"),
    "sanity": QT_TRANSLATE_NOOP("", "Checking"),
    "check": QT_TRANSLATE_NOOP("", "Checking"),
    "done": QT_TRANSLATE_NOOP("", "Finished"),
    # The scheduler's events, as the log's Stage column names them.
    "started": QT_TRANSLATE_NOOP("", "Started"),
    "finished": QT_TRANSLATE_NOOP("", "Finished"),
    "offline": QT_TRANSLATE_NOOP("", "Not connected"),
    "online": QT_TRANSLATE_NOOP("", "Connected"),
    "stopped": QT_TRANSLATE_NOOP("", "Stopped"),
    "status": QT_TRANSLATE_NOOP("", "Status"),
}


#: A context no translation uses: what Qt answers for a text it has no translation of (%Ln filled in).
_UNTRANSLATED = "tutordesk-untranslated"


#: Synced tables as a person names them, in the middle of a sentence ("Receiving changes: lessons, 1 received").
TABLE_WORDS = {
    "organisations": QT_TRANSLATE_NOOP("", "schools"),
    "users": QT_TRANSLATE_NOOP("", "people"),
    "user_settings": QT_TRANSLATE_NOOP("", "settings"),
    "classes": QT_TRANSLATE_NOOP("", "classes"),
    "class_members": QT_TRANSLATE_NOOP("", "class members"),
    "media_assets": QT_TRANSLATE_NOOP("", "media"),
    "lessons": QT_TRANSLATE_NOOP("", "lessons"),
    "notes": QT_TRANSLATE_NOOP("", "notes"),
    "tests": QT_TRANSLATE_NOOP("", "tests"),
    "tests_content": QT_TRANSLATE_NOOP("", "test items"),
    "test_attempts": QT_TRANSLATE_NOOP("", "test attempts"),
    "practice_sessions": QT_TRANSLATE_NOOP("", "practice sessions"),
    "audit_log": QT_TRANSLATE_NOOP("", "audit log"),
}


def tr(source: object, disambiguation: str | None = None, n: int = -1) -> str:
    """Translated text. `source` is a str (QT_TRANSLATE_NOOP's marks are typed as object).

    With a count `n`, the source says "%Ln change(s)": Qt picks the translation's plural form and writes the
    count grouped; untranslated (English), "(s)" becomes "" for one and "s" otherwise.
    """
    text = str(source)
    number_locale()  # %Ln groups digits as `number` does
    untranslated = QCoreApplication.translate(_UNTRANSLATED, text, disambiguation, n)
    for context in _CONTEXTS:
        translated = QCoreApplication.translate(context, text, disambiguation, n)
        if translated != untranslated:
            return translated
    if n < 0:
        return untranslated
    return untranslated.replace("(s)", "" if n == 1 else "s")


def number(n: int) -> str:
    """1200 -> "1,200" in English, "1 200" in French: digits grouped so a long count reads at a glance."""
    return _grouped(n)


def changes(n: int) -> str:
    return tr("%Ln change(s)", "", n)


def ago(when: datetime | None, now: datetime | None = None) -> str:
    """ "just now", "2 minutes ago", "3 hours ago", "5 days ago"."""
    if when is None:
        return ""
    now = now or datetime.now(UTC)
    seconds = max(0, int((now - when).total_seconds()))
    # Whole phrases (not built from parts) so translators see each one.
    if seconds >= 86400:
        return tr("%Ln day(s) ago", "", seconds // 86400)
    if seconds >= 3600:
        return tr("%Ln hour(s) ago", "", seconds // 3600)
    if seconds >= 60:
        return tr("%Ln minute(s) ago", "", seconds // 60)
    return tr("just now")


def stage_words(stage: str) -> str:
    return tr(STAGE_WORDS.get(stage, stage.replace("_", " ").capitalize()))


def status_text(snap: SyncSnapshot, now: datetime | None = None) -> str:
    """The one line of the status bar and the tray tooltip."""
    if snap.state == SYNCING:
        if snap.total:
            return fill(tr("Syncing %1 of %2"), number(snap.done), number(snap.total))
        if snap.stage:
            return fill(tr("Syncing: %1"), stage_words(snap.stage).lower())
        return tr("Syncing")
    if snap.state == AUTH:
        return tr("Sign in again to sync")
    if snap.state == OFFLINE:
        if snap.pending:
            return tr("Not connected: %Ln change(s) saved on this PC", "", snap.pending)
        return tr("Not connected")
    if snap.state == "app_too_old":
        return tr("Update the app to sync: your work is saved on this PC")
    if snap.state in (ERROR, CANCELLED) and snap.last_error:
        return fill(tr("Sync failed: %1"), snap.last_error)
    return _idle_text(snap, now)


def _idle_text(snap: SyncSnapshot, now: datetime | None) -> str:
    synced = snap.last_success is not None
    text = fill(tr("Synced %1"), ago(snap.last_success, now)) if synced else tr("Not synced yet")
    if snap.pending and snap.state != OK:
        text += tr("; %Ln change(s) waiting", "", snap.pending)
    return text


def detail_text(snap: SyncSnapshot) -> str:
    """A longer tooltip: pending, conflicts, last error."""
    parts = [tr("%Ln change(s) waiting to be sent", "", snap.pending)]
    if snap.conflicts:
        parts.append(fill(tr("%1 to review"), number(snap.conflicts)))
    if snap.last_error:
        parts.append(fill(tr("Last problem: %1"), snap.last_error))
    return "\n".join(parts)


def clock_text(offset_seconds: float) -> str:
    """C2's warning: "This PC's clock is 10 minutes off; edits are stamped with the corrected time"."""
    minutes = round(abs(offset_seconds) / 60)
    hours = minutes >= 120
    amount = tr("%Ln hour(s)", "", round(minutes / 60)) if hours else tr("%Ln minute(s)", "", minutes)
    return fill(tr("This PC's clock is %1 off; edits are stamped with the corrected time"), amount)


def table_words(table: str) -> str:
    """A synced table as a person names it: "test_attempts" -> "test attempts"."""
    return tr(TABLE_WORDS.get(table, table.replace("_", " ")))


def event_detail(entry_stage: str, snap: SyncSnapshot) -> str:
    """What the sync log adds to a stage's name: how far the run is and the table it is on, or "".

    The counts are the run's so far, not the table's: "251 received (now: test attempts)"."""
    counts = ""
    if snap.total and snap.done:
        counts = fill(tr("%1 of %2"), number(snap.done), number(snap.total))
    elif entry_stage == "pull" and snap.pulled:
        # The feed's length is not known ahead, so the pull counts up instead of "n of total".
        counts = fill(tr("%1 received"), number(snap.pulled))
    table = table_words(snap.table) if snap.table else ""
    if table and counts:
        return fill(tr("%1 (now: %2)"), counts, table)
    return table or counts


def event_words(entry_stage: str, snap: SyncSnapshot, finished: bool) -> str:
    """The sync log's message for one event, given the snapshot right after it."""
    if finished:
        if snap.state == OK:
            return fill(tr("Finished: %1 sent, %2 received"), number(snap.pushed), number(snap.pulled))
        return status_text(snap)
    text = stage_words(entry_stage) if entry_stage != "status" else status_text(snap)
    detail = event_detail(entry_stage, snap)
    return fill(tr("%1: %2"), text, detail) if detail else text


def finished_words(snap: SyncSnapshot, report: object) -> str:
    """The sync log's last line of a run; says when values lost a conflict and wait in "Review changes"."""
    text = event_words("done", snap, True)
    lost = getattr(report, "conflicts", 0) or 0
    if snap.state == OK and isinstance(lost, int) and lost:
        text += "; " + fill(tr("%1 to review"), number(lost))
    return text


def finished_detail(snap: SyncSnapshot, report: object) -> str:
    """The last line's "What happened" beside "Finished": "1 sent, 1 received; 1 to review"."""
    if snap.state != OK:
        return status_text(snap)
    text = fill(tr("%1 sent, %2 received"), number(snap.pushed), number(snap.pulled))
    lost = getattr(report, "conflicts", 0) or 0
    if isinstance(lost, int) and lost:
        text += "; " + fill(tr("%1 to review"), number(lost))
    return text


def started_detail(event: object) -> str:
    """Why a run started ("you asked", "after your edits"), beside "Started" in the log."""
    trigger = str(getattr(event, "trigger", "") or "")
    return tr(_TRIGGERS.get(trigger, trigger))


_TRIGGERS = {
    "now": QT_TRANSLATE_NOOP("", "you asked"),
    "edit": QT_TRANSLATE_NOOP("", "after your edits"),
    "network": QT_TRANSLATE_NOOP("", "the connection came back"),
    "interval": QT_TRANSLATE_NOOP("", "on schedule"),
    "start": QT_TRANSLATE_NOOP("", "at start"),
    "retry": QT_TRANSLATE_NOOP("", "retrying"),
}


def scheduler_words(kind: str, event: object) -> str:
    """The log line for a scheduler event that is not the end of a run."""
    if kind == "started":
        trigger = str(getattr(event, "trigger", "") or "")
        why = _TRIGGERS.get(trigger, trigger)
        return fill(tr("Sync started (%1)"), tr(why)) if why else tr("Sync started")
    if kind == "offline":
        return tr("Not connected; will sync when the server is reachable")
    if kind == "online":
        return tr("The server is reachable again")
    if kind == "stopped":
        return tr("Automatic sync stopped")
    return ""


def log_line(entry: LogEntry) -> str:
    return f"{entry.at.astimezone().strftime('%H:%M:%S')}  {entry.text}"
