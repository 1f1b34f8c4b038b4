"""`tutordesk devstack up --detach / add-user / down`, and `up` in the foreground, as a user runs them."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from supabase import ClientOptions, create_client

from devstack.pgcluster import free_port, port_is_free

pytestmark = pytest.mark.pg
ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "desktop"]


def tutordesk(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def stack_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="tutordesk-cli-"))
    os.chmod(folder, 0o755)
    try:
        yield folder / "stack"
    finally:
        subprocess.run(
            [*CLI, "devstack", "down", "--dir", str(folder / "stack")],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


def _sign_in(url: str, anon_key: str, email: str, password: str) -> str:
    with httpx.Client() as http:
        options = ClientOptions(auto_refresh_token=False, persist_session=False, httpx_client=http)
        client = create_client(url, anon_key, options)
        answer = client.auth.sign_in_with_password({"email": email, "password": password})
        assert answer.user is not None
        return answer.user.id


def test_up_detach_seed_add_user_down(stack_dir: Path) -> None:
    port = free_port()
    up = tutordesk(
        "devstack",
        "up",
        "--dir",
        str(stack_dir),
        "--port",
        str(port),
        "--db-port",
        str(free_port()),
        "--seed",
        "demo",
        "--detach",
    )
    assert up.returncode == 0, up.stderr
    lines = up.stdout.strip().splitlines()
    assert len(lines) == 1
    info = json.loads(lines[0])
    assert set(info) == {"url", "anon_key", "service_role_key", "db_url"}
    assert info["url"] == f"http://127.0.0.1:{port}"
    assert "demo school loaded" in up.stderr
    assert _sign_in(info["url"], info["anon_key"], "teacher1@demo.school", "demo-teacher-1")

    added = tutordesk(
        "devstack",
        "add-user",
        "--dir",
        str(stack_dir),
        "--email",
        "new.learner@demo.school",
        "--password",
        "fresh-pass-1",
        "--role",
        "learner",
        "--org",
        "Riverside Primary School",
        "--class",
        "Year 4 Sunflowers",
    )
    assert added.returncode == 0, added.stderr
    user_id = json.loads(added.stdout)["id"]
    assert _sign_in(info["url"], info["anon_key"], "new.learner@demo.school", "fresh-pass-1") == user_id

    again = tutordesk("devstack", "up", "--dir", str(stack_dir), "--detach")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == info  # same keys, same ports: the stack folder remembers them

    down = tutordesk("devstack", "down", "--dir", str(stack_dir))
    assert down.returncode == 0, down.stderr
    assert "front" in down.stderr and "database" in down.stderr
    assert port_is_free(port)
    late = tutordesk(
        "devstack",
        "add-user",
        "--dir",
        str(stack_dir),
        "--email",
        "x@y.z",
        "--password",
        "secret-1",
        "--role",
        "teacher",
    )
    assert late.returncode == 2
    assert "is not running" in late.stderr
    assert "Traceback" not in late.stderr


def test_up_in_the_foreground_stops_everything_on_sigterm(stack_dir: Path) -> None:
    port, db_port = free_port(), free_port()
    child = subprocess.Popen(
        [
            *CLI,
            "devstack",
            "up",
            "--dir",
            str(stack_dir),
            "--port",
            str(port),
            "--db-port",
            str(db_port),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()  # blocks until the stack answers (or the command fails)
        assert line, child.stderr.read() if child.stderr else ""
        info = json.loads(line)
        with httpx.Client() as http:
            answer = http.post(
                f"{info['url']}/rest/v1/rpc/no_such_fn", json={}, headers={"apikey": info["anon_key"]}
            )
        assert answer.status_code == 404
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=60) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    assert port_is_free(port)
    assert port_is_free(db_port)  # the database went down with it


def test_port_in_use_is_one_plain_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = tutordesk(
            "devstack",
            "up",
            "--dir",
            str(Path(tempfile.gettempdir()) / "unused-ds"),
            "--port",
            str(port),
            "--detach",
        )
    assert result.returncode == 2
    assert result.stderr.strip() == f"tutordesk: port {port} is in use: pick another with --port"
