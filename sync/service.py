"""Wiring for callers (the CLI, the desktop app, the scheduler): a data folder and a profile in, a ready
`ProfileSync` (mirror + session + transport + engine) out, plus `login`.

    sync = ProfileSync.open(data_dir, profile)
    report = sync.run(cancel_event)   # a SyncReport; never raises for sync failures
    sync.close()

The scheduler wants failures as exceptions (to back off); `run_or_raise` gives it the report's error.
"""

from __future__ import annotations

import logging
import platform
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from localdb.mirror import Mirror
from localdb.paths import device_id as stable_device_id
from localdb.profiles import Profile, ProfileStore
from sync.engine import APP_VERSION, Listener, SyncEngine
from sync.errors import Offline, SessionExpired
from sync.identity import MIN_APP_KEY, REGISTERED_KEY, device_identity
from sync.session import Session, SignedIn, TokenStore
from sync.status import SyncReport
from sync.transport import ServerInfo, SupabaseTransport

__all__ = ["ProfileSync", "login", "run_sync_for"]

log = logging.getLogger(__name__)


def device_name() -> str:
    return f"TutorDesk on {platform.node() or 'this computer'}"


@dataclass
class ProfileSync:
    """Everything one profile needs to sync. Close it when done (it owns the mirror and the HTTP client)."""

    profile: Profile
    mirror: Mirror
    session: Session
    transport: SupabaseTransport
    engine: SyncEngine
    owns_mirror: bool = True

    @classmethod
    def open(
        cls,
        data_dir: Path,
        profile: Profile,
        *,
        listener: Listener | None = None,
        mirror: Mirror | None = None,
        **engine_options: Any,
    ) -> ProfileSync:
        """Build the pieces; with `mirror`, use that open mirror (the app's) instead of opening the file."""
        if profile.server_url is None or profile.anon_key is None:
            raise SessionExpired(
                "profile has no server", plain="This profile is offline only: sign in to a server to sync."
            )
        device = stable_device_id(Path(data_dir))
        owns_mirror = mirror is None
        if mirror is None:
            mirror = Mirror.open(profile.mirror_path, device_id=device)
        session = Session(
            profile.server_url, profile.anon_key, tokens=TokenStore(Path(data_dir)), user_id=profile.user_id
        )
        transport = SupabaseTransport(session.client, device)
        engine_options.setdefault("identity", device_identity(profile.server_url, profile.user_id, device))
        engine = SyncEngine(
            mirror, transport, device, listener=listener, prepare=session.refresh,
            device_name=device_name(), **engine_options,
        )
        return cls(profile, mirror, session, transport, engine, owns_mirror)

    def run(self, cancel: threading.Event | None = None) -> SyncReport:
        return self.engine.run(cancel)

    def run_or_raise(self, cancel: threading.Event | None = None) -> SyncReport:
        """For the scheduler: a failed run raises its error (an Offline one backs off as "offline")."""
        report = self.engine.run(cancel)
        if report.error is not None and report.status != "cancelled":
            raise report.error
        return report

    def close(self) -> None:
        self.session.close()
        if self.owns_mirror:
            self.mirror.close()

    def __enter__(self) -> ProfileSync:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_sync_for(
    data_dir: Path, profile: Profile, *, mirror: Mirror | None = None, listener: Listener | None = None
) -> Callable[[threading.Event], SyncReport]:
    """The scheduler's `run_sync(cancel)` for one profile: a failed run raises its error, so the scheduler
    backs off (an `Offline` error as "offline"). The pieces live as long as the returned callable."""
    sync = ProfileSync.open(Path(data_dir), profile, listener=listener, mirror=mirror)
    return sync.run_or_raise


def login(data_dir: Path, url: str, anon_key: str, email: str, password: str) -> Profile:
    """Sign in, save the refresh token (keyring or private file), create or update the profile, and register
    this device with the server (remembered in the mirror, so syncs do not register again). Raises `SyncError`s
    with plain words (wrong password != no connection)."""
    data_dir = Path(data_dir)
    tokens = TokenStore(data_dir)
    session = Session(url, anon_key, tokens=tokens)
    try:
        who: SignedIn = session.sign_in(email, password)
        store = ProfileStore(data_dir)
        profile = store.upsert(
            Profile(
                name=who.email or email, email=who.email or email, user_id=who.user_id,
                server_url=url.rstrip("/"), anon_key=anon_key, role=who.role,
                organisation_id=who.organisation_id,
            )
        )
        store.set_last_used(profile.user_id)
        device = stable_device_id(data_dir)
        # The mirror is created now, so the app can open the profile offline at once.
        with Mirror.open(profile.mirror_path, device_id=device) as mirror:
            info: ServerInfo | None = None
            try:
                info = SupabaseTransport(session.client, device).register_device(device_name(), APP_VERSION)
            except Offline:
                # Signed in a moment ago, so the link is flaky rather than gone: the next sync registers.
                log.warning("device registration did not get through; the next sync does it")
            if info is not None:
                mirror.set_state(REGISTERED_KEY, device_identity(profile.server_url, profile.user_id, device))
                mirror.set_state(MIN_APP_KEY, str(info.min_app_schema))
    finally:
        session.close()
    log.info("profile %s ready on this device", profile.user_id)
    return profile
