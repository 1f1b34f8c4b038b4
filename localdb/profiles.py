"""The profiles signed in on this device: `<data>/profiles.json`, written atomically.

A profile is one person's account on one server (or the offline "local" profile) and its own mirror file at
`<data>/profiles/<user_id>/mirror.sqlite3`. Tokens and passwords never live here (they go to the OS keyring).
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from localdb.errors import ProfileError
from localdb.paths import read_json, write_json_atomic

__all__ = ["LOCAL_USER_ID", "Profile", "ProfileStore"]

log = logging.getLogger(__name__)

LOCAL_USER_ID = "local"
REGISTRY = "profiles.json"
MIRROR_NAME = "mirror.sqlite3"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class Profile:
    """One profile; `mirror_path` is absolute (it is stored relative to the data folder)."""

    name: str
    email: str | None
    user_id: str
    server_url: str | None = None
    anon_key: str | None = None
    mirror_path: Path = field(default=Path())
    role: str | None = None
    organisation_id: str | None = None

    @property
    def is_local(self) -> bool:
        return self.user_id == LOCAL_USER_ID

    def matches(self, key: str) -> bool:
        return key == self.user_id or (self.email is not None and key.lower() == self.email.lower())


class ProfileStore:
    """The registry of profiles. Every change re-reads the file, so two windows do not undo each other."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / REGISTRY

    def mirror_path_for(self, user_id: str) -> Path:
        if not _SAFE_ID.match(user_id):  # the id names a folder: never let it climb out of ours
            raise ProfileError(f"Not a valid account id: {user_id!r}")
        return self.data_dir / "profiles" / user_id / MIRROR_NAME

    def _load(self) -> dict[str, Any]:
        raw = read_json(self.path)
        if not isinstance(raw, dict) or not isinstance(raw.get("profiles"), list):
            return {"version": 1, "last_used": None, "profiles": []}
        return raw

    def _profile(self, item: dict[str, Any]) -> Profile:
        user_id = str(item["user_id"])
        return Profile(
            name=str(item.get("name") or user_id),
            email=item.get("email"),
            user_id=user_id,
            server_url=item.get("server_url"),
            anon_key=item.get("anon_key"),
            mirror_path=self.mirror_path_for(user_id),
            role=item.get("role"),
            organisation_id=item.get("organisation_id"),
        )

    def _item(self, profile: Profile) -> dict[str, Any]:
        item = asdict(profile)
        item["mirror_path"] = str(self.mirror_path_for(profile.user_id).relative_to(self.data_dir))
        return item

    def list(self) -> list[Profile]:
        profiles = []
        for item in self._load()["profiles"]:
            try:
                profiles.append(self._profile(item))
            except (KeyError, TypeError, ProfileError):
                log.warning("skipping an unreadable entry of %s", REGISTRY)
        return profiles

    def get(self, key: str) -> Profile | None:
        """The profile whose user id or email (any case) is `key`."""
        return next((p for p in self.list() if p.matches(key)), None)

    def upsert(self, profile: Profile) -> Profile:
        """Add the profile, or replace the one with the same user id; answers it with its mirror path."""
        profile = replace(profile, mirror_path=self.mirror_path_for(profile.user_id))
        raw = self._load()
        items = [i for i in raw["profiles"] if i.get("user_id") != profile.user_id]
        raw["profiles"] = [*items, self._item(profile)]
        write_json_atomic(self.path, raw)
        return profile

    def remove(self, key: str) -> None:
        """Forget the profile (its mirror file stays on disk)."""
        found = self.get(key)
        if found is None:
            raise ProfileError(f"There is no profile {key!r} on this computer.")
        raw = self._load()
        raw["profiles"] = [i for i in raw["profiles"] if i.get("user_id") != found.user_id]
        if raw.get("last_used") == found.user_id:
            raw["last_used"] = None
        write_json_atomic(self.path, raw)

    def ensure_local(self) -> Profile:
        """The offline local profile, created (in the registry; its mirror on first open) on first run."""
        found = self.get(LOCAL_USER_ID)
        if found is not None:
            return found
        log.info("creating the offline local profile")
        return self.upsert(Profile(name="Offline (this computer)", email=None, user_id=LOCAL_USER_ID))

    def last_used(self) -> Profile | None:
        key = self._load().get("last_used")
        return self.get(key) if isinstance(key, str) else None

    def set_last_used(self, key: str) -> None:
        found = self.get(key)
        if found is None:
            raise ProfileError(f"There is no profile {key!r} on this computer.")
        raw = self._load()
        raw["last_used"] = found.user_id
        write_json_atomic(self.path, raw)
