"""`tutordesk demo`: a local demo server with sample data, and the app signed in as a demo teacher.

The demo server is the devstack (`tutordesk devstack up --seed demo --detach`), kept in `<data>/devstack` and
reused when it is already running. Without PostgreSQL on this PC, the demo says so and opens the offline
profile."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)

DEMO_TEACHER = ("teacher1@demo.school", "demo-teacher-1")
NO_POSTGRES = (
    "PostgreSQL is not installed on this PC, so the demo server cannot start. "
    "TutorDesk opened the offline profile instead; install PostgreSQL 15 to try the demo with sync."
)


def postgres_installed() -> bool:
    if shutil.which("initdb") or shutil.which("pg_ctl"):
        return True
    return any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def start_devstack(data_dir: Path) -> dict[str, str]:
    """Start (or reuse) the detached demo devstack; answers its JSON line (url, anon_key, ...)."""
    folder = data_dir / "devstack"
    command = [
        sys.executable,
        "-m",
        "desktop",
        "--data-dir",
        str(data_dir),
        "devstack",
        "up",
        "--seed",
        "demo",
        "--detach",
        "--dir",
        str(folder),
    ]
    print("Starting the demo server (the first time takes a little while)…", file=sys.stderr)
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["the demo server did not start"])[-1]
        raise RuntimeError(last)
    for line in reversed(done.stdout.strip().splitlines()):
        if line.startswith("{"):
            info: dict[str, str] = json.loads(line)
            return info
    raise RuntimeError("the demo server did not say where it listens")


def prepare_demo(data_dir_override: str | None, *, offline: bool = False) -> tuple[str | None, str | None]:
    """Answers (profile key to open, a notice for the status bar)."""
    from desktop.firstrun import sign_in_and_store, sign_in_words  # noqa: PLC0415 - lazy
    from localdb import paths  # noqa: PLC0415 - lazy

    data_dir = Path(paths.data_dir(data_dir_override))
    if offline:
        return None, None
    if not postgres_installed():
        print(NO_POSTGRES, file=sys.stderr)
        return "local", NO_POSTGRES
    try:
        info = start_devstack(data_dir)
        email, password = DEMO_TEACHER
        profile = sign_in_and_store(data_dir, info["url"], info["anon_key"], email, password)
    except Exception as exc:  # whatever failed, the app still opens offline
        log.warning("demo server not available", exc_info=True)
        words = sign_in_words(exc) if not isinstance(exc, RuntimeError) else str(exc)
        notice = f"The demo server is not available ({words}). TutorDesk opened the offline profile."
        print(notice, file=sys.stderr)
        return "local", notice
    return str(profile.user_id), f"Demo: signed in as {DEMO_TEACHER[0]}."
