"""The exceptions of `localdb`: one root, so callers can catch everything the mirror raises in one place.

    LocalDbError                 anything the local mirror could not do
    ├── MirrorCorrupt            the file is not a readable SQLite database; it was moved aside (`moved_to`)
    ├── MirrorLocked             another program held the file longer than the busy timeout
    ├── MirrorTooNew             written by a newer app (its local schema version is ahead of ours)
    ├── DiskFull                 the disk (or the file's page limit) is full; the transaction was rolled back
    └── ProfileError             the profile registry could not be read or has no such profile

Every message is plain words for a person; the desktop layer may show `str(exc)` as it is.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DiskFull", "LocalDbError", "MirrorCorrupt", "MirrorLocked", "MirrorTooNew", "ProfileError"]


class LocalDbError(Exception):
    """Root of every error `localdb` raises on purpose."""


class MirrorCorrupt(LocalDbError):  # noqa: N818 - names fixed by the API contract
    """The mirror file was unreadable and has been moved aside (never deleted); opening again starts fresh."""

    def __init__(self, path: Path, moved_to: Path) -> None:
        super().__init__(
            f"The local data file {path.name} was damaged. It was kept as {moved_to.name} and a fresh copy "
            "will be downloaded at the next sync; changes not yet sent may be in the kept file."
        )
        self.path = path
        self.moved_to = moved_to


class MirrorLocked(LocalDbError):  # noqa: N818 - names fixed by the API contract
    """Another program (or another TutorDesk window) kept the file busy for longer than the busy timeout."""

    def __init__(self, path: Path, waited_seconds: float) -> None:
        super().__init__(
            f"The local data file {path.name} is in use by another program (waited {waited_seconds:g} s). "
            "Close other TutorDesk windows and try again."
        )
        self.path = path


class MirrorTooNew(LocalDbError):  # noqa: N818 - names fixed by the API contract
    """The file's local schema version is newer than this app knows; we never migrate down."""

    def __init__(self, path: Path, found: int, known: int) -> None:
        super().__init__(
            f"The local data file {path.name} was written by a newer version of TutorDesk "
            f"(data version {found}, this app knows up to {known}). Please update the app."
        )
        self.path = path
        self.found = found
        self.known = known


class DiskFull(LocalDbError):  # noqa: N818 - names fixed by the API contract
    """SQLITE_FULL: nothing of the failed transaction was written."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"The disk holding {path.name} is full. Nothing of the last change was saved; "
            "free some space and try again."
        )
        self.path = path


class ProfileError(LocalDbError):
    """The profile registry is unreadable, or the asked-for profile does not exist."""
