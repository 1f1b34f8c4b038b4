"""A throwaway PostgreSQL cluster in a folder: initdb on first start, pg_ctl to start and stop.

Run as root, PostgreSQL refuses to start, so initdb and pg_ctl run as the `postgres` OS user (runuser) in a
folder that user can reach. When the folder asked for is not reachable by that user (a 0700 home folder, say),
the cluster lives in a folder under the temp dir and a pointer file in the asked-for folder records where.

Exceptions: `PgClusterError` (PostgreSQL missing, port in use, a failed initdb or start; the message is one
plain sentence, the server log tail is attached for developers).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

PG_ROOT = Path("/usr/lib/postgresql")
PREFERRED_VERSION = "15"
SERVICE_USER = "postgres"
POINTER_NAME = "pgdata.location"

# Throwaway clusters trade crash safety for speed: tests create and drop many databases.
FAST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "64MB",
}


class PgClusterError(Exception):
    """A cluster could not be set up or started; the message is meant for people."""


def find_bin_dir() -> Path:
    """The bin folder of PostgreSQL 15, else of the newest installed version."""
    env = os.environ.get("TUTORDESK_PG_BIN")
    if env and (Path(env) / "pg_ctl").exists():
        return Path(env)
    preferred = PG_ROOT / PREFERRED_VERSION / "bin"
    if (preferred / "pg_ctl").exists():
        return preferred
    versions = []
    if PG_ROOT.is_dir():
        for child in PG_ROOT.iterdir():
            if child.name.isdigit() and (child / "bin" / "pg_ctl").exists():
                versions.append(int(child.name))
    if versions:
        return PG_ROOT / str(max(versions)) / "bin"
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise PgClusterError(
        "PostgreSQL is not installed: install the postgresql package: apt-get install postgresql"
    )


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when a server could listen on the port now (binding as PostgreSQL and the front do)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Else closed connections lingering in TIME_WAIT would make a just-stopped stack's port look busy.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


class PgCluster:
    """One PostgreSQL cluster living in `root` (data, socket and log), listening on 127.0.0.1:`port`."""

    def __init__(self, root: Path, port: int | None = None) -> None:
        self.root = Path(root).resolve()
        self.port = port if port is not None else free_port()
        self.bin_dir = find_bin_dir()
        self.as_service_user = _is_root()
        self.home = self._choose_home()

    # -- paths

    @property
    def data_dir(self) -> Path:
        return self.home / "pgdata"

    @property
    def socket_dir(self) -> Path:
        return self.home / "socket"

    @property
    def log_file(self) -> Path:
        return self.home / "postgres.log"

    def _choose_home(self) -> Path:
        """Where the cluster's files live: `root` itself unless the postgres user cannot reach it."""
        self.root.mkdir(parents=True, exist_ok=True)
        if not self.as_service_user or self._service_user_can_enter(self.root):
            return self.root
        pointer = self.root / POINTER_NAME
        if pointer.exists():
            return Path(pointer.read_text(encoding="utf-8").strip())
        digest = hashlib.sha1(str(self.root).encode()).hexdigest()[:12]
        home = Path(tempfile.gettempdir()) / f"tutordesk-pg-{digest}"
        pointer.write_text(str(home), encoding="utf-8")
        log.info("the postgres user cannot reach %s; the cluster lives in %s", self.root, home)
        return home

    @staticmethod
    def _service_user_can_enter(folder: Path) -> bool:
        probe = subprocess.run(
            ["runuser", "-u", SERVICE_USER, "--", "test", "-x", str(folder)],
            capture_output=True,
            check=False,
        )
        return probe.returncode == 0

    # -- commands

    def _run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        program = Path(argv[0]).name
        if self.as_service_user:
            argv = ["runuser", "-u", SERVICE_USER, "--", *argv]
        # cwd inside home: runuser keeps the caller's cwd, which the postgres user may not enter.
        result = subprocess.run(argv, capture_output=True, text=True, cwd=self.home, check=False)
        if check and result.returncode != 0:
            raise PgClusterError(f"{program} failed: {(result.stderr or result.stdout).strip()[-800:]}")
        return result

    def _prepare_home(self) -> None:
        for folder in (self.home, self.socket_dir):
            folder.mkdir(parents=True, exist_ok=True)
        if self.as_service_user:
            os.chmod(self.home, 0o755)
            for folder in (self.home, self.socket_dir):
                shutil.chown(folder, SERVICE_USER, SERVICE_USER)
            if self.data_dir.exists():
                shutil.chown(self.data_dir, SERVICE_USER, SERVICE_USER)

    def initdb(self) -> None:
        """Create the cluster files when they are not there yet (idempotent)."""
        self._prepare_home()
        if (self.data_dir / "PG_VERSION").exists():
            return
        log.info("initdb in %s", self.data_dir)
        self._run(
            [
                str(self.bin_dir / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                # Local stand-in only: it listens on 127.0.0.1 alone and holds no real data.
                "--auth=trust",
                "--no-sync",
            ]
        )

    @property
    def running(self) -> bool:
        if not (self.data_dir / "PG_VERSION").exists():
            return False
        status = self._run([str(self.bin_dir / "pg_ctl"), "status", "-D", str(self.data_dir)], check=False)
        return status.returncode == 0

    def start(self) -> PgCluster:
        """initdb if needed, then start and wait until it accepts connections. Returns self."""
        if self.running:
            return self
        # Before initdb: a busy port should cost the user a second, not a cluster's creation.
        if not port_is_free(self.port):
            raise PgClusterError(f"port {self.port} is in use: pick another with --port")
        self.initdb()
        options = " ".join(
            [
                f"-p {self.port}",
                f"-k {self.socket_dir}",
                "-c listen_addresses=127.0.0.1",
                *(f"-c {key}={value}" for key, value in FAST_SETTINGS.items()),
            ]
        )
        pg_ctl = str(self.bin_dir / "pg_ctl")
        argv = [
            pg_ctl,
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-o",
            options,
        ]
        result = self._run(argv, check=False)
        if result.returncode != 0:
            raise PgClusterError(f"PostgreSQL did not start (see {self.log_file}): {self.log_tail()}")
        log.info("PostgreSQL running on 127.0.0.1:%s (%s)", self.port, self.data_dir)
        return self

    def stop(self) -> None:
        """Stop the cluster if it runs (fast mode: open sessions are cut)."""
        if not self.running:
            return
        self._run([str(self.bin_dir / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data_dir)])
        log.info("PostgreSQL on port %s stopped", self.port)

    def dsn(self, dbname: str = "postgres") -> str:
        """A superuser connection string for `dbname`."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> PgCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
