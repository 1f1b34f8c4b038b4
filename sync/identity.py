"""Registering this device with the server once (the design's Identity 2), not before every sync.

The mirror's sync state remembers for which server, user and device the registration was made
(`REGISTERED_KEY`, the text of `device_identity`). A sync registers only when that is not this profile's identity,
or when a data call is answered "this device is not registered" (`DeviceUnknown`: the server forgot it, e.g. an
admin removed its row): `KnownDevice` then registers and sends that call once more.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sync.errors import DeviceUnknown
from sync.transport import PeekingTransport, PullAnswer, PullPage, PushAnswer, ServerInfo, TableCount, Transport

__all__ = ["MIN_APP_KEY", "REGISTERED_KEY", "KnownDevice", "device_identity"]

log = logging.getLogger(__name__)

#: Sync state: the identity (`device_identity`) this mirror's device was registered as.
REGISTERED_KEY = "registered_as"
#: Sync state: the server's `min_app_schema` in its last answer (P7), so a too-old app pushes nothing.
MIN_APP_KEY = "min_app_schema"

T = TypeVar("T")


def device_identity(server_url: str | None, user_id: str, device_id: str) -> str:
    """What a registration is for: a device is registered per server and user."""
    return f"{server_url or ''} {user_id} {device_id}"


class KnownDevice:
    """A `PeekingTransport` for one run: a data call answered with `DeviceUnknown` registers the device and is sent
    again, once. `registered` is the answer of a registration made through it (None when there was none).

    It may run on the pull's worker thread; the engine reads `registered` only after the pull has ended."""

    def __init__(self, inner: Transport, name: str, app_version: str) -> None:
        self.inner = inner
        self.name = name
        self.app_version = app_version
        self.registered: ServerInfo | None = None

    def server_info(self) -> ServerInfo:
        return self.inner.server_info()

    def register_device(self, name: str, app_version: str) -> ServerInfo:
        info = self.inner.register_device(name, app_version)
        self.registered = info
        return info

    def pull(
        self,
        cursor: str | None,
        limit: int,
        tables: Sequence[str] | None = None,
        counts: Sequence[str] | None = None,
    ) -> PullPage:
        return self._known(lambda: self.inner.pull(cursor, limit, tables, counts))

    def pull_answer(
        self,
        cursor: str | None,
        limit: int,
        tables: Sequence[str] | None = None,
        counts: Sequence[str] | None = None,
        skip: int = 0,
    ) -> PullAnswer:
        """`PeekingTransport.pull_answer` when the inner transport has it; else its decoded page (read ahead of
        nothing, so never asked with `skip`)."""
        inner = self.inner
        if isinstance(inner, PeekingTransport):
            return self._known(lambda: inner.pull_answer(cursor, limit, tables, counts, skip))
        assert not skip, "a page after skipped entries asked of a transport that cannot read ahead"
        return PullAnswer.decoded(self.pull(cursor, limit, tables, counts))

    def push(self, batch_id: str, changes: Sequence[Mapping[str, Any]]) -> PushAnswer:
        # The same batch id again: sync_push checks the device before it claims the batch (U2 holds either way).
        return self._known(lambda: self.inner.push(batch_id, changes))

    def counts(self, tables: Sequence[str]) -> dict[str, TableCount]:
        return self._known(lambda: self.inner.counts(tables))

    def _known(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except DeviceUnknown:
            log.warning("the server does not know this device (any more): registering it, then trying again")
            self.register_device(self.name, self.app_version)
            return call()
