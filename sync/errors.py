"""The one exception tree of the sync engine. Every error carries a sentence for people (`plain`).

::

    SyncError                   root: anything the engine reports instead of a traceback
    +-- Offline                 cannot reach the server (no route, refused, timeout, cut, 502/503/504)
    +-- ServerError             the server answered with an error it should not have (5xx, unexpected 4xx)
    |   +-- MalformedAnswer     an answer that is not the expected shape; nothing of it was applied
    |   +-- DeviceUnknown       the server does not know this device (never registered, or forgotten)
    +-- AuthError               the server refused the credentials (wrong e-mail or password)
    |   +-- SessionExpired      the saved session cannot be refreshed: the person must sign in again (S6)
    +-- AppTooOld               the server needs a newer app (P7); local work carries on offline
    +-- Cancelled               the run was stopped by its cancel flag, at a page or batch boundary

Per-row outcomes of a push (applied, lost, rejected) are not exceptions: they are data in the answer (U3, C7).
"""

from __future__ import annotations

__all__ = [
    "AppTooOld",
    "AuthError",
    "Cancelled",
    "DeviceUnknown",
    "MalformedAnswer",
    "Offline",
    "ServerError",
    "SessionExpired",
    "SyncError",
]


class SyncError(Exception):
    """Root of the tree. `plain` is one sentence for people; `str(exc)` may add detail for the log."""

    #: The SyncReport status this error maps to.
    status = "error"
    #: The scheduler's `looks_offline` reads this to choose the "offline" backoff and network probe.
    offline = False
    default_plain = "The sync did not complete."

    def __init__(self, detail: str = "", *, plain: str | None = None) -> None:
        super().__init__(detail or plain or self.default_plain)
        self.plain = plain or self.default_plain


class Offline(SyncError):  # noqa: N818 (the names read as the situations they are)
    status = "offline"
    offline = True
    default_plain = "No connection to the server."


class ServerError(SyncError):
    default_plain = "The server had a problem; the sync will be tried again later."

    def __init__(
        self, detail: str = "", *, plain: str | None = None, code: str | None = None, status_code: int = 0
    ) -> None:
        super().__init__(detail, plain=plain)
        self.code = code
        self.status_code = status_code


class MalformedAnswer(ServerError):  # noqa: N818
    default_plain = "The server sent an answer this app does not understand; nothing of it was used."


class DeviceUnknown(ServerError):  # noqa: N818
    """The server has no row for this device and user (sync_require_device): register, then try again."""

    default_plain = "The server did not know this computer; it could not be registered for syncing."


class AuthError(SyncError):
    status = "auth"
    default_plain = "The e-mail or password is not right."


class SessionExpired(AuthError):  # noqa: N818
    default_plain = "Please sign in again: the saved sign-in has expired. Your changes stay saved on this PC."


class AppTooOld(SyncError):  # noqa: N818
    default_plain = "Please update the app: the server needs a newer version. You can keep working offline."


class Cancelled(SyncError):  # noqa: N818
    status = "cancelled"
    default_plain = "The sync was stopped; it will continue from where it stopped."
