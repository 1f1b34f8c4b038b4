"""What the sync area shows, as plain data: engine and scheduler events folded into one `SyncSnapshot`.

The engine (sync/status.py) and the scheduler (sync/scheduler.py) each report with their own small frozen
dataclasses. This module reads them by attribute name, tolerating the absence of any field, so the views
depend on the meaning of an event rather than on its exact class. Nothing here touches Qt: the fold is a pure
function, tested without widgets, and the bridge calls it on the GUI thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)

#: Overall states, in the words of the engine's SyncReport.status plus "syncing" and "idle".
IDLE, SYNCING, OK, OFFLINE, AUTH, ERROR, CANCELLED = (
    "idle",
    "syncing",
    "ok",
    "offline",
    "auth",
    "error",
    "cancelled",
)
#: Report statuses that end a run (SyncReport.status); anything else unknown counts as an error.
END_STATES = frozenset({OK, OFFLINE, AUTH, ERROR, CANCELLED, "app_too_old"})
#: C2: beyond this a person is told the PC's clock is wrong.
CLOCK_WARN_SECONDS = 5 * 60


@dataclass(frozen=True)
class SyncSnapshot:
    """Everything the status area, tray and banner need at one moment."""

    state: str = IDLE
    stage: str = ""
    table: str | None = None
    done: int = 0
    total: int | None = None
    pulled: int = 0
    pushed: int = 0
    last_success: datetime | None = None
    last_error: str | None = None
    message: str | None = None
    pending: int = 0
    conflicts: int = 0
    clock_offset: float | None = None

    @property
    def running(self) -> bool:
        return self.state == SYNCING

    @property
    def clock_off(self) -> bool:
        return self.clock_offset is not None and abs(self.clock_offset) > CLOCK_WARN_SECONDS


@dataclass(frozen=True)
class LogEntry:
    """One line of the sync log: when, which stage, what happened in plain words."""

    at: datetime
    stage: str
    text: str
    is_error: bool = False
    #: What the log's "What happened" column shows beside the stage's name; "" when `text` says it all.
    detail: str = ""


def _first(event: Any, *names: str) -> Any:
    for name in names:
        value = getattr(event, name, None)
        if value is None and isinstance(event, dict):
            value = event.get(name)
        if value is not None:
            return value
    return None


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        log.debug("unreadable time in a sync event: %r", value)
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _as_int(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def is_report(event: Any) -> bool:
    """A finished run's report (SyncReport): it has a final status and the totals, and no stage."""
    status = _first(event, "status")
    return (
        status is not None
        and _first(event, "stage") is None
        and _first(event, "pulled", "pushed") is not None
    )


def scheduler_kind(event: Any) -> str | None:
    """The scheduler's event kind ("started", "succeeded", "failed", ...) or None for other events."""
    kind = getattr(event, "kind", None)
    if kind is None:
        return None
    return str(getattr(kind, "value", kind))


def fold(snapshot: SyncSnapshot, event: Any) -> SyncSnapshot:
    """The snapshot after one engine/scheduler event or one final report."""
    kind = scheduler_kind(event)
    if kind is not None:
        return _fold_scheduler(snapshot, kind, event)
    changes: dict[str, Any] = {}
    for field, names in _FIELDS.items():
        value = _first(event, *names)
        if value is not None:
            changes[field] = value
    changes = _normalise(changes)
    if is_report(event):
        return _finish(snapshot, event, changes)
    if "stage" in changes and changes["stage"] != snapshot.stage:
        # A new stage: the last one's table and row total no longer describe the work ("2 of 1" otherwise).
        changes.setdefault("table", None)
        changes.setdefault("total", None)
    state = str(_first(event, "state", "status") or "")
    if ("stage" in changes or state in (SYNCING, "running", "started")) and state not in END_STATES:
        changes["state"] = SYNCING
    if state in END_STATES:
        changes["state"] = state
    if changes.get("state") == SYNCING and snapshot.state != SYNCING:
        # A new run: forget the last run's counters so the bar starts from zero.
        snapshot = replace(
            snapshot, stage="", table=None, done=0, total=None, pulled=0, pushed=0, message=None
        )
    return replace(snapshot, **changes)


def _fold_scheduler(snapshot: SyncSnapshot, kind: str, event: Any) -> SyncSnapshot:
    """The scheduler says when runs start and end; the engine's own events carry the details in between."""
    if kind == "started":
        return fold(snapshot, {"state": SYNCING})
    if kind == "succeeded" and event.report is not None:
        return fold(snapshot, event.report)
    if kind == "succeeded":
        return replace(snapshot, state=OK, last_success=_as_datetime(event.at), last_error=None, total=None)
    if kind == "cancelled":
        return replace(snapshot, state=CANCELLED if snapshot.running else snapshot.state, total=None)
    if kind == "failed":
        state, text = error_state(event.error)
        return replace(snapshot, state=state, last_error=text, message=text, total=None)
    if kind == "offline":
        return replace(snapshot, state=OFFLINE)
    return snapshot


def error_state(error: BaseException | None) -> tuple[str, str]:
    """(state, plain words) for an exception a run raised; never a traceback."""
    if error is None:
        return ERROR, "Sync stopped"
    name = type(error).__name__
    if name in ("SessionExpired", "AuthError", "NotSignedIn"):
        return AUTH, "Sign in again to sync"
    plain = getattr(error, "plain", None)  # the sync package's errors carry a sentence for people
    if name == "AppTooOld":
        return "app_too_old", str(plain or error)
    # Lazy: importing the scheduler pulls in APScheduler and httpx, which the first frame does not need.
    from sync.scheduler import looks_offline  # noqa: PLC0415

    if looks_offline(error) or name == "Offline":
        return OFFLINE, "No connection"
    # Anything without plain words is a bug: named, never dumped on the person.
    return ERROR, str(plain) if plain else f"unexpected problem ({name})"


def _finish(snapshot: SyncSnapshot, report: Any, changes: dict[str, Any]) -> SyncSnapshot:
    status = str(_first(report, "status"))
    changes["state"] = status if status in END_STATES else ERROR
    changes.pop("done", None)
    # A report counts this run's losses, not the open conflicts: the review view keeps that count.
    changes.pop("conflicts", None)
    changes["total"] = None
    message = _first(report, "message")
    if changes["state"] == OK:
        changes.setdefault("last_success", datetime.now(UTC))
        changes["last_error"] = None
    elif message:
        changes["last_error"] = str(message)
    return replace(snapshot, **changes)


def _normalise(changes: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key in ("last_success",):
            out[key] = _as_datetime(value)
        elif key in ("done", "total", "left", "pulled", "pushed", "pending", "conflicts"):
            number = _as_int(value)
            if number is not None:
                out[key] = number
        elif key == "clock_offset":
            out[key] = float(value)
        else:
            out[key] = str(value)
    if "done" not in out and ("pulled" in out or "pushed" in out):
        out["done"] = out.get("pulled", 0) + out.get("pushed", 0)
    left = out.pop("left", None)
    if left is not None and "total" not in out:
        # The engine says how many rows are left; the bar wants done-of-total.
        out["total"] = out.get("done", 0) + left
    return out


# snapshot field -> attribute names the engine's or the scheduler's events may use for it, most likely first
_FIELDS: dict[str, tuple[str, ...]] = {
    "stage": ("stage",),
    "table": ("table",),
    "done": ("done", "rows_done"),
    "total": ("total", "rows_total", "rows_expected"),
    "left": ("rows_left",),
    "pulled": ("pulled", "rows_pulled"),
    "pushed": ("pushed", "rows_pushed"),
    "last_success": ("last_success", "last_sync"),
    "last_error": ("last_error",),
    "message": ("message",),
    "pending": ("pending", "pending_count"),
    "conflicts": ("conflicts", "conflict_count"),
    "clock_offset": ("clock_offset", "clock_offset_seconds"),
}


def log_entry(event: Any, words: str, now: datetime | None = None) -> LogEntry:
    """The sync log's line for one event."""
    at = _as_datetime(_first(event, "at", "time", "timestamp")) or now or datetime.now(UTC)
    kind = scheduler_kind(event)
    if kind is not None:
        report = getattr(event, "report", None)
        stage = "finished" if kind in ("succeeded", "failed", "cancelled") else kind
        failed = kind in ("failed", "offline") or (report is not None and _first(report, "status") != OK)
        return LogEntry(at=at, stage=stage, text=words, is_error=failed)
    stage = str(_first(event, "stage") or ("finished" if is_report(event) else "status"))
    status = str(_first(event, "status", "state") or "")
    is_error = status in (ERROR, OFFLINE, AUTH, "app_too_old") or _first(event, "error") is not None
    return LogEntry(at=at, stage=stage, text=words, is_error=is_error)
