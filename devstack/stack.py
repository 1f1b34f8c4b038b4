"""A devstack in a folder: its cluster, keys and ports, brought up and down as one.

Folder layout: `stack.json` (ports), `keys.json` (JWT secret and API keys, owner-only), the cluster's files
(see `PgCluster`), `front.pid` and `front.log` while a detached front runs. The database is `postgres`, as
in a Supabase project. `python -m devstack.serve --dir DIR` is the detached front's process.

Exceptions: `StackError` (one plain sentence for people); `PgClusterError` passes through.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from devstack.bootstrap import bootstrap_supabase
from devstack.front import DevstackFront, FrontSettings
from devstack.gotrue import AuthSettings
from devstack.keys import StackKeys
from devstack.pgcluster import PgCluster, PgClusterError, port_is_free

log = logging.getLogger(__name__)

DEFAULT_HTTP_PORT = 54321
STACK_FILE = "stack.json"
PID_FILE = "front.pid"
LOG_FILE = "front.log"
DATABASE = "postgres"
#: How long `up --detach` waits for the background front to listen before calling it a failure.
DETACH_WAIT_SECONDS = 30.0


class StackError(Exception):
    """The stack could not be brought up, down or used; the message is meant for people."""


@dataclass(frozen=True)
class StackConfig:
    http_port: int
    db_port: int
    #: Access-token lifetime in seconds (Supabase's `jwt_expiry`); short values let a demo show a refresh.
    jwt_expiry: int = 3600

    def save(self, folder: Path) -> None:
        (folder / STACK_FILE).write_text(json.dumps(asdict(self)), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> StackConfig | None:
        try:
            data = json.loads((folder / STACK_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return cls(int(data["http_port"]), int(data["db_port"]), int(data.get("jwt_expiry", 3600)))


class Stack:
    def __init__(
        self,
        folder: Path,
        http_port: int | None = None,
        db_port: int | None = None,
        jwt_expiry: int | None = None,
    ) -> None:
        self.folder = Path(folder).resolve()
        saved = StackConfig.load(self.folder)
        http = http_port or (saved.http_port if saved else DEFAULT_HTTP_PORT)
        # The database port sits next to the API port by default, as in Supabase's local stack (54321/54322).
        db = db_port or (saved.db_port if saved and not http_port else http + 1)
        expiry = jwt_expiry or (saved.jwt_expiry if saved else 3600)
        self.config = StackConfig(http, db, expiry)
        self.cluster = PgCluster(self.folder, db)

    # -- facts -----------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.config.http_port}"

    @property
    def db_url(self) -> str:
        return self.cluster.dsn(DATABASE)

    def keys(self) -> StackKeys:
        return StackKeys.load_or_create(self.folder)

    def summary(self) -> dict[str, str]:
        keys = self.keys()
        return {
            "url": self.url,
            "anon_key": keys.anon_key,
            "service_role_key": keys.service_role_key,
            "db_url": self.db_url,
        }

    # -- database --------------------------------------------------------------------------------------

    def start_database(self, migrate: Callable[[str], object] | None = None) -> None:
        """Start (or create) the cluster, bootstrap its database, then run `migrate(db_url)`; safe to repeat.

        The schema comes in as a callable so the devstack stays free of the app's packages.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self.cluster.running and not port_is_free(self.config.db_port):
            raise StackError(f"port {self.config.db_port} is in use: pick another with --db-port (or --port)")
        self.cluster.start()
        self.config.save(self.folder)
        bootstrap_supabase(self.db_url)
        if migrate is not None:
            applied = migrate(self.db_url)
            log.info("server migrations applied: %s", applied or "none (schema is current)")

    def require_running(self) -> None:
        if not self.cluster.running:
            raise StackError(
                f"the devstack in {self.folder} is not running: start it with "
                f"tutordesk devstack up --dir {self.folder}"
            )

    # -- front -----------------------------------------------------------------------------------------

    def check_http_port(self) -> None:
        """Refuse early (before minutes of set-up) when another program holds the HTTP port."""
        if self.front_pid() is None and not port_is_free(self.config.http_port):
            raise StackError(f"port {self.config.http_port} is in use: pick another with --port")

    def make_front(self) -> DevstackFront:
        self.check_http_port()
        settings = FrontSettings(
            port=self.config.http_port, auth=AuthSettings(access_token_lifetime=self.config.jwt_expiry)
        )
        return DevstackFront(self.db_url, self.keys(), settings)

    def front_pid(self) -> int | None:
        """The pid of a detached front that is still alive, else None."""
        try:
            pid = int((self.folder / PID_FILE).read_text(encoding="utf-8").strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        # After a crash or reboot the number may belong to another program: never trust or signal that one.
        return pid if _runs_our_front(pid, self.folder) else None

    def start_detached_front(self) -> int:
        """Run the front in a background process; returns its pid once it listens."""
        running = self.front_pid()
        if running is not None:
            return running
        self.check_http_port()
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
        with open(self.folder / LOG_FILE, "ab") as out:
            child = subprocess.Popen(
                [sys.executable, "-m", "devstack.serve", "--dir", str(self.folder)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                env=env,
                start_new_session=True,  # Ctrl-C in the terminal that ran `up` must not reach it
            )
        (self.folder / PID_FILE).write_text(str(child.pid), encoding="utf-8")
        self._wait_until_listening(child)
        return child.pid

    def _wait_until_listening(self, child: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + DETACH_WAIT_SECONDS
        while time.monotonic() < deadline:
            if child.poll() is not None:
                (self.folder / PID_FILE).unlink(missing_ok=True)
                raise StackError(f"the devstack front stopped at start; see {self.folder / LOG_FILE}")
            with socket.socket() as probe:
                probe.settimeout(0.5)
                if probe.connect_ex(("127.0.0.1", self.config.http_port)) == 0:
                    return
            time.sleep(0.1)  # polling a child process at start-up; nothing to wait on but the port
        child.terminate()
        raise StackError(f"the devstack front did not start within {DETACH_WAIT_SECONDS:g} s")

    def stop_front(self) -> bool:
        """Stop a detached front (SIGTERM, then wait for it to go); False when none ran."""
        pid = self.front_pid()
        (self.folder / PID_FILE).unlink(missing_ok=True)
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            _reap(pid)
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)
        return True

    def down(self) -> dict[str, Any]:
        front = self.stop_front()
        cluster = self.cluster.running
        self.cluster.stop()
        return {"front_stopped": front, "database_stopped": cluster}


def _runs_our_front(pid: int, folder: Path) -> bool:
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.parent.exists():
        return True  # no /proc (not Linux): the pid file is all there is to go on
    try:
        args = cmdline.read_bytes().split(b"\0")
    except OSError:
        return False
    return b"devstack.serve" in args and str(folder).encode() in args


def _reap(pid: int) -> None:
    """Collect the exit status when the front is our own child (`up --detach` then `down` in one process)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


__all__ = ["DEFAULT_HTTP_PORT", "PgClusterError", "Stack", "StackConfig", "StackError"]
