"""A small bounded pool of psycopg connections (the HTTP front's threads share it)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

log = logging.getLogger(__name__)


class PoolExhaustedError(Exception):
    """No connection came free in time; the front answers 503 like PostgREST's pool timeout."""


class ConnectionPool:
    """Up to `size` autocommit connections made on demand; a broken one is thrown away, not reused."""

    def __init__(self, conninfo: str, size: int = 8, wait_seconds: float = 10.0) -> None:
        self.conninfo = conninfo
        self.size = size
        self.wait_seconds = wait_seconds
        self._idle: queue.LifoQueue[psycopg.Connection[Any]] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)
        self._closed = False

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        if not self._slots.acquire(timeout=self.wait_seconds):
            raise PoolExhaustedError(f"no database connection free within {self.wait_seconds:g} s")
        conn: psycopg.Connection[Any] | None = None
        try:
            conn = self._take()
            yield conn
        finally:
            if conn is not None:
                self._give_back(conn)
            self._slots.release()

    def _take(self) -> psycopg.Connection[Any]:
        while True:
            try:
                conn = self._idle.get_nowait()
            except queue.Empty:
                return psycopg.connect(self.conninfo, autocommit=True)
            if not conn.closed:
                return conn

    def _give_back(self, conn: psycopg.Connection[Any]) -> None:
        healthy = not conn.closed and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        if healthy and not self._closed:
            self._idle.put(conn)
        else:
            conn.close()

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
