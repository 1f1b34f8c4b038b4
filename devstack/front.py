"""The HTTP front on 127.0.0.1: routes /auth/v1 and /rest/v1, limits bodies, compresses answers.

A stdlib `ThreadingHTTPServer` speaking HTTP/1.1 with keep-alive (the client reuses its connections); database
work is bounded by two small connection pools: `supabase_auth_admin` for Auth, `authenticator` for the Data
API.
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from psycopg.conninfo import make_conninfo

from devstack.gotrue import AuthApi, AuthSettings
from devstack.keys import StackKeys
from devstack.pgrst import RestApi
from devstack.pool import ConnectionPool
from devstack.wire import Reply, pgrst_error

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 16 * 1024 * 1024
#: Smaller answers are not worth the CPU of compressing them.
GZIP_MIN_BYTES = 1024
#: Connections the kernel completes for the front before its accept loop takes them.
LISTEN_BACKLOG = 128


@dataclass(frozen=True)
class FrontSettings:
    host: str = "127.0.0.1"
    port: int = 0
    pool_size: int = 8
    max_body_bytes: int = MAX_BODY_BYTES
    auth: AuthSettings = field(default_factory=AuthSettings)


class DevstackFront:
    """The HTTP front over the database of `db_dsn` (a superuser dsn: only its host, port and db are used)."""

    def __init__(self, db_dsn: str, keys: StackKeys, settings: FrontSettings | None = None) -> None:
        self.settings = settings or FrontSettings()
        self.keys = keys
        size = self.settings.pool_size
        self.rest_pool = ConnectionPool(
            make_conninfo(db_dsn, user="authenticator", application_name="devstack-rest"), size
        )
        self.auth_pool = ConnectionPool(
            make_conninfo(db_dsn, user="supabase_auth_admin", application_name="devstack-auth"), size
        )
        self.auth = AuthApi(keys, self.auth_pool, self.settings.auth)
        self.rest = RestApi(keys, self.rest_pool)
        self.server = _Server((self.settings.host, self.settings.port), _Handler)
        self.server.front = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> DevstackFront:
        """Serve on a background thread; returns self (use `.url`)."""
        self._thread = threading.Thread(target=self.server.serve_forever, name="devstack-front", daemon=True)
        self._thread.start()
        log.info("devstack front listening on %s", self.url)
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.server.cut_open_connections()
        if self._thread is not None:
            self._thread.join()
        self.rest_pool.close()
        self.auth_pool.close()

    def route(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        parts = urlsplit(target)
        path = unquote(parts.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        if path.startswith("/auth/v1/"):
            return self.auth.handle(method, path[len("/auth/v1/") :].strip("/"), query, headers, body)
        if path.startswith("/rest/v1/rpc/") and method == "POST":
            return self.rest.rpc(path[len("/rest/v1/rpc/") :], headers, body, path)
        if path.startswith("/rest/v1/") and method == "GET" and "/" not in path[len("/rest/v1/") :]:
            return self.rest.read_table(path[len("/rest/v1/") :], query, headers, path)
        if path.startswith("/rest/v1/"):
            return pgrst_error(
                405,
                "PGRST117",
                f"Unsupported HTTP method: {method} on {path} (the devstack serves "
                "POST /rest/v1/rpc/<function> and GET /rest/v1/<table> only)",
            )
        return pgrst_error(404, "PGRST125", f"Invalid path specified in request URL: {path}")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The listen backlog: socketserver's default of 5 drops the handshakes of a burst of clients connecting
    # at once (a classroom of devices syncing on the hour, the tests' parallel clients) until they retry.
    request_queue_size = LISTEN_BACKLOG
    front: DevstackFront

    def server_activate(self) -> None:
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().server_activate()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.open_connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.open_connections.discard(request)
        super().shutdown_request(request)

    def cut_open_connections(self) -> None:
        """End kept-alive client connections, so a stopped front really stops answering."""
        with self.connections_lock:
            connections = list(self.open_connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes; with Nagle's algorithm and the peer's delayed ACK each answer
    # would wait ~40 ms for nothing.
    disable_nagle_algorithm = True
    #: Idle kept-alive connections are closed after this many seconds, so abandoned clients free their thread.
    timeout = 120
    server: _Server

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_OPTIONS(self) -> None:
        # CORS preflight, answered as Supabase's gateway does, so supabase-js also works from a browser page.
        requested = self.headers.get("Access-Control-Request-Headers", "*")
        preflight = {
            "Access-Control-Allow-Methods": "GET, POST, PATCH, PUT, DELETE, OPTIONS",
            "Access-Control-Allow-Headers": requested,
            "Access-Control-Max-Age": "3600",
        }
        self._send(Reply(204, b"", preflight), "")

    def _serve(self, method: str) -> None:
        headers = {key.lower(): value for key, value in self.headers.items()}
        body = self._read_body(headers)
        if body is None:
            return
        try:
            reply = self.server.front.route(method, self.path, headers, body)
        except Exception:
            log.exception("devstack front failed on %s %s", method, urlsplit(self.path).path)
            reply = pgrst_error(500, "XX000", "The devstack failed on this request; see its log.")
        self._send(reply, headers.get("accept-encoding", ""), head=method == "HEAD")

    def _read_body(self, headers: dict[str, str]) -> bytes | None:
        """The request body, or None after answering 411/413 (the connection is then closed)."""
        limit = self.server.front.settings.max_body_bytes
        if "chunked" in headers.get("transfer-encoding", "").lower():
            self.close_connection = True
            self._send(pgrst_error(411, "PGRST000", "Length Required: send a Content-Length"), "")
            return None
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError:
            length = -1
        if length < 0 or length > limit:
            # Not read at all: refusing early is the point of a limit. Closing keeps the stream in sync.
            self.close_connection = True
            reply = pgrst_error(
                413, "PGRST413", f"Payload Too Large: the limit is {limit // (1024 * 1024)} MB"
            )
            self._send(reply, "")
            return None
        return self.rfile.read(length) if length else b""

    def _send(self, reply: Reply, accept_encoding: str, head: bool = False) -> None:
        body = reply.body
        headers = dict(reply.headers)
        if len(body) >= GZIP_MIN_BYTES and _accepts_gzip(accept_encoding):
            body = gzip.compress(body, compresslevel=5)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        self.send_response(reply.status)
        headers.setdefault("Access-Control-Allow-Origin", "*")
        headers.setdefault("Access-Control-Expose-Headers", "Content-Range, X-Supabase-Api-Version")
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if body and not head and reply.status not in (204, 304):
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines carry no secrets (tokens travel in headers and bodies), but keep them at debug level.
        log.debug("%s " + format, self.address_string(), *args)


def _accepts_gzip(accept_encoding: str) -> bool:
    for item in accept_encoding.split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0")
    return False
