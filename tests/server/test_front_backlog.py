"""The devstack front's listen backlog: a burst of clients connecting at once is taken in, none dropped.

socketserver's default backlog of 5 let the kernel complete only 6 handshakes while the accept loop was busy;
the others' SYNs were dropped and their connects stalled in retries (or failed, with a connect timeout).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from devstack.front import LISTEN_BACKLOG, DevstackFront
from devstack.keys import StackKeys

CLIENTS = 100
# Only a guard against a hung test: on loopback a handshake with room in the backlog completes at once,
# while a dropped SYN is retried after a second at the earliest, then 3, 7, ... seconds.
HANG_GUARD_SECONDS = 30.0


@pytest.fixture
def idle_front() -> Iterator[DevstackFront]:
    """A front listening but not yet accepting (its accept loop starts in the test); no database is used."""
    front = DevstackFront("postgresql://127.0.0.1:9/unused", StackKeys.generate())
    try:
        yield front
    finally:
        if front._thread is not None:  # started: stop() ends the accept loop, then closes
            front.stop()
        else:
            front.server.server_close()


def test_a_hundred_clients_connecting_at_once_are_all_answered(idle_front: DevstackFront) -> None:
    assert LISTEN_BACKLOG >= CLIENTS
    host, port = idle_front.server.server_address[:2]
    clients: list[socket.socket] = []
    try:
        # Every handshake completes while nothing accepts yet: all 100 wait in the listen backlog at once.
        for _ in range(CLIENTS):
            clients.append(socket.create_connection((str(host), int(port)), timeout=HANG_GUARD_SECONDS))
        idle_front.start()
        for sock in clients:
            sock.sendall(b"GET /nowhere HTTP/1.1\r\nHost: front\r\nConnection: close\r\n\r\n")
        status_lines = []
        for sock in clients:
            with sock.makefile("rb") as answer:
                status_lines.append(answer.readline())
        assert status_lines == [b"HTTP/1.1 404 Not Found\r\n"] * CLIENTS
    finally:
        for sock in clients:
            sock.close()
