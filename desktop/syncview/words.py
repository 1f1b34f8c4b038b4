"""Plain words for the sync status: "Synced 2 minutes ago", "Syncing 1,200 of 5,000", "Sign in again to sync".

All text goes through Qt's translate so the shipped translations cover it; the functions are otherwise pure.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from desktop.syncview.state import AUTH, CANCELLED, ERROR, OFFLINE, OK, SYNCING, LogEntry, SyncSnapshot

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
}


def tr(source: object) -> str:
    """Translated text. `source` is a str (QT_TRANSLATE_NOOP's marks are typed as object)."""
    text = str(source)
    for context in _CONTEXTS:
        translated = QCoreApplication.translate(context, text)
        if translated != text:
            return translated
    return text


def number(n: int) -> str:
    """1200 -> "1,200": the digits grouped so a long count reads at a glance."""
    return f"{n:,}"


def changes(n: int) -> str:
    return tr("1 change") if n == 1 else tr("{n} changes").format(n=number(n))


def ago(when: datetime | None, now: datetime | None = None) -> str:
    """ "just now", "2 minutes ago", "3 hours ago", "5 days ago"."""
    if when is None:
        return ""
    now = now or datetime.now(UTC)
    seconds = max(0, int((now - when).total_seconds()))
    # Whole literals (not built from parts) so translators see each phrase.
    for size, one, many in (
        (86400, "1 day ago", "{n} days ago"),
        (3600, "1 hour ago", "{n} hours ago"),
        (60, "1 minute ago", "{n} minutes ago"),
    ):
        count = seconds // size
        if count:
            return tr(one) if count == 1 else tr(many).format(n=count)
    return tr("just now")


def stage_words(stage: str) -> str:
    return tr(STAGE_WORDS.get(stage, stage.replace("_", " ").capitalize()))


def status_text(snap: SyncSnapshot, now: datetime | None = None) -> str:
    """The one line of the status bar and the tray tooltip."""
    if snap.state == SYNCING:
        if snap.total:
            return tr("Syncing {done} of {total}").format(done=number(snap.done), total=number(snap.total))
        if snap.stage:
            return tr("Syncing: {stage}").format(stage=stage_words(snap.stage).lower())
        return tr("Syncing")
    if snap.state == AUTH:
        return tr("Sign in again to sync")
    if snap.state == OFFLINE:
        if snap.pending:
            return tr("Not connected: {changes} saved on this PC").format(changes=changes(snap.pending))
        return tr("Not connected")
    if snap.state == "app_too_old":
        return tr("Update the app to sync: your work is saved on this PC")
    if snap.state in (ERROR, CANCELLED) and snap.last_error:
        return tr("Sync failed: {why}").format(why=snap.last_error)
    return _idle_text(snap, now)


def _idle_text(snap: SyncSnapshot, now: datetime | None) -> str:
    if snap.last_success is None:
        text = tr("Not synced yet")
    else:
        text = tr("Synced {ago}").format(ago=ago(snap.last_success, now))
    if snap.pending and snap.state != OK:
        text += tr("; {changes} waiting").format(changes=changes(snap.pending))
    return text


def detail_text(snap: SyncSnapshot) -> str:
    """A longer tooltip: pending, conflicts, last error."""
    parts = [tr("{changes} waiting to be sent").format(changes=changes(snap.pending))]
    if snap.conflicts:
        parts.append(tr("{n} to review").format(n=number(snap.conflicts)))
    if snap.last_error:
        parts.append(tr("Last problem: {why}").format(why=snap.last_error))
    return "\n".join(parts)


def clock_text(offset_seconds: float) -> str:
    """C2's warning: "This PC's clock is 10 minutes off; edits are stamped with the corrected time"."""
    minutes = round(abs(offset_seconds) / 60)
    if minutes >= 120:
        amount = tr("{n} hours").format(n=number(round(minutes / 60)))
    else:
        amount = tr("1 minute") if minutes == 1 else tr("{n} minutes").format(n=minutes)
    return tr("This PC's clock is {amount} off; edits are stamped with the corrected time").format(
        amount=amount
    )


def event_words(entry_stage: str, snap: SyncSnapshot, finished: bool) -> str:
    """The sync log's message for one event, given the snapshot right after it."""
    if finished:
        if snap.state == OK:
            return tr("Finished: {pushed} sent, {pulled} received").format(
                pushed=number(snap.pushed), pulled=number(snap.pulled)
            )
        return status_text(snap)
    text = stage_words(entry_stage) if entry_stage != "status" else status_text(snap)
    if snap.table:
        text += f" ({snap.table})"
    if snap.total:
        text += " " + tr("{done} of {total}").format(done=number(snap.done), total=number(snap.total))
    elif entry_stage == "pull" and snap.pulled:
        # The feed's length is not known ahead, so the pull counts up instead of "n of total".
        text += ": " + tr("{n} received").format(n=number(snap.pulled))
    return text


def finished_words(snap: SyncSnapshot, report: object) -> str:
    """The sync log's last line of a run; says when values lost a conflict and wait in "Review changes"."""
    text = event_words("done", snap, True)
    lost = getattr(report, "conflicts", 0) or 0
    if snap.state == OK and isinstance(lost, int) and lost:
        text += "; " + tr("{n} to review").format(n=number(lost))
    return text


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
        return tr("Sync started ({why})").format(why=tr(why)) if why else tr("Sync started")
    if kind == "offline":
        return tr("Not connected; will sync when the server is reachable")
    if kind == "online":
        return tr("The server is reachable again")
    if kind == "stopped":
        return tr("Automatic sync stopped")
    return ""


def log_line(entry: LogEntry) -> str:
    return f"{entry.at.astimezone().strftime('%H:%M:%S')}  {entry.text}"
