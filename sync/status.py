"""What a sync tells the people watching it (S5): stages as data, progress events, the final report.

Everything here is a small frozen dataclass, safe to hand across threads (the desktop bridge turns them into
queued Qt signals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["REPORT_KEYS", "STAGES", "Stage", "SyncProgress", "SyncReport", "offline_message"]


class Stage:
    """The named stages of a run, in order (Anki's and morango's "sync in named stages")."""

    SESSION = "session"
    REGISTER = "register"
    PUSH = "push"
    PULL = "pull"
    SCHEMA = "schema"
    CHECK = "check"
    DONE = "done"


STAGES = (Stage.SESSION, Stage.REGISTER, Stage.PUSH, Stage.PULL, Stage.SCHEMA, Stage.CHECK, Stage.DONE)


@dataclass(frozen=True)
class SyncProgress:
    """One progress event. `rows_left` is None where the total is not known (the feed's length is not)."""

    stage: str
    table: str | None = None
    rows_pulled: int = 0
    rows_pushed: int = 0
    rows_left: int | None = None
    last_success: str | None = None
    last_error: str | None = None
    pending: int = 0
    conflicts: int = 0
    clock_offset_seconds: float | None = None
    message: str = ""


#: Keys of `tutordesk sync now --json`, in this order.
REPORT_KEYS = ("pulled", "pushed", "conflicts", "clamped", "rejected", "pending", "status", "message")


@dataclass(frozen=True)
class SyncReport:
    """The outcome of one run. `status`: "ok", "offline", "auth", "error" (or "cancelled").

    `conflicts` counts the values that lost during this run (C6); `rejected` the changes the server refused
    (C7); `pending` the rows still waiting to go up afterwards. `error` is the exception behind a failed run.
    """

    pulled: int = 0
    pushed: int = 0
    conflicts: int = 0
    clamped: int = 0
    rejected: int = 0
    pending: int = 0
    status: str = "ok"
    message: str = ""
    clock_offset_seconds: float | None = None
    warnings: tuple[str, ...] = ()
    error: BaseException | None = field(default=None, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def summary(self) -> dict[str, Any]:
        """The JSON summary (exactly REPORT_KEYS)."""
        return {key: getattr(self, key) for key in REPORT_KEYS}


def offline_message(pending: int) -> str:
    if pending == 0:
        return "No connection: nothing is waiting to be sent; the sync runs when the server can be reached."
    changes = "1 change is" if pending == 1 else f"{pending} changes are"
    return f"No connection: {changes} saved on this PC and will be sent later."
