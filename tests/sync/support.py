"""Helpers for the sync and end-to-end tests: devices (data folders signed in to the devstack), fresh
accounts per test, and transport wrappers for fault injection.

A `Device` is what one installation of the app has: a data folder, a profile signed in through the real
`sync.service.login`, its mirror, and `sync()` running the real engine over the real supabase-py client.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from localdb import repo
from localdb.mirror import Mirror
from localdb.profiles import Profile
from sync.service import ProfileSync, login
from sync.status import SyncProgress, SyncReport
from sync.transport import PullPage, PushAnswer, ServerInfo, TableCount, Transport

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}-{next(_numbers)}"


@dataclass
class School:
    """A fresh organisation with accounts in it, made per test so tests never see each other's rows."""

    server: Any
    name: str
    emails: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    def add(self, who: str, role: str, class_: str | None = None) -> str:
        email = f"{unique(who)}@example.org"
        user_id = self.server.add_user(email, PASSWORD, role, org=self.name, class_=class_)
        self.emails[who] = email
        self.ids[who] = str(user_id)
        return email

    @property
    def organisation_id(self) -> str:
        with psycopg.connect(self.server.db_url) as conn:
            row = conn.execute("select id::text from organisations where name = %s", (self.name,)).fetchone()
        assert row is not None
        return str(row[0])


class Device:
    """One installation: a data folder with a profile signed in to the devstack."""

    def __init__(self, server: Any, folder: Path) -> None:
        self.server = server
        self.folder = folder
        self.profile: Profile | None = None
        self.events: list[SyncProgress] = []
        self._sync: ProfileSync | None = None

    def sign_in(self, email: str, password: str = PASSWORD, *, url: str | None = None) -> Profile:
        """Sign in through the real login; `url` points the device elsewhere (e.g. a fault proxy)."""
        self.profile = login(self.folder, url or self.server.url, self.server.anon_key, email, password)
        return self.profile

    @property
    def sync_parts(self) -> ProfileSync:
        if self._sync is None:
            assert self.profile is not None, "sign in first"
            self._sync = ProfileSync.open(self.folder, self.profile, listener=self.events.append)
        return self._sync

    @property
    def mirror(self) -> Mirror:
        return self.sync_parts.mirror

    @property
    def conn(self) -> Any:
        return self.mirror.conn

    def sync(self, cancel: threading.Event | None = None) -> SyncReport:
        return self.sync_parts.run(cancel)

    def wrap_transport(self, wrap: Callable[[Transport], Transport]) -> None:
        """Put a fault-injecting wrapper between this device's engine and the real transport."""
        engine = self.sync_parts.engine
        engine.transport = wrap(engine.transport)

    def row(self, table: str, row_id: str) -> dict[str, Any] | None:
        return self.mirror.get_row(table, row_id)

    def new_lesson(self, title: str, **extra: Any) -> str:
        assert self.profile is not None and self.profile.organisation_id is not None
        return repo.create_lesson(
            self.conn, organisation_id=self.profile.organisation_id, author_id=self.profile.user_id,
            title=title, **extra,
        )

    def close(self) -> None:
        if self._sync is not None:
            self._sync.close()
            self._sync = None


class DevicePark:
    """Makes devices (each with its own data folder) and closes them at the end of the test."""

    def __init__(self, server: Any, root: Path) -> None:
        self.server = server
        self.root = root
        self.devices: list[Device] = []

    def new(self, email: str | None = None, *, url: str | None = None) -> Device:
        folder = self.root / f"device-{len(self.devices) + 1}"
        folder.mkdir(parents=True)
        device = Device(self.server, folder)
        self.devices.append(device)
        if email is not None:
            device.sign_in(email, url=url)
        return device

    def close(self) -> None:
        for device in self.devices:
            device.close()


@contextmanager
def server_sql(server: Any) -> Iterator[psycopg.Connection[Any]]:
    """A superuser connection to the devstack's database, for looking behind the API in assertions."""
    with psycopg.connect(server.db_url, autocommit=True) as conn:
        yield conn


def server_row(server: Any, table: str, row_id: str) -> dict[str, Any] | None:
    with server_sql(server) as conn, conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        cur.execute(f"select * from public.{table} where id = %s", (row_id,))  # table names are ours
        return cur.fetchone()


class PassThrough:
    """A transport wrapper that forwards everything; subclasses override what they break."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.calls: list[str] = []

    def server_info(self) -> ServerInfo:
        self.calls.append("server_info")
        return self.inner.server_info()

    def register_device(self, name: str, app_version: str) -> ServerInfo:
        self.calls.append("register_device")
        return self.inner.register_device(name, app_version)

    def pull(
        self,
        cursor: str | None,
        limit: int,
        tables: Sequence[str] | None = None,
        counts: Sequence[str] | None = None,
    ) -> PullPage:
        self.calls.append("pull")
        return self.inner.pull(cursor, limit, tables, counts)

    def push(self, batch_id: str, changes: Sequence[Mapping[str, Any]]) -> PushAnswer:
        self.calls.append("push")
        return self.inner.push(batch_id, changes)

    def counts(self, tables: Sequence[str]) -> dict[str, TableCount]:
        self.calls.append("counts")
        return self.inner.counts(tables)
