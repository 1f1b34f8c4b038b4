"""The same two-device story through the command line alone: `tutordesk login` and `tutordesk sync now`
run as separate processes, as a school's IT person would script them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from localdb import repo
from localdb.mirror import Mirror
from localdb.profiles import ProfileStore
from sync.status import REPORT_KEYS
from tests.sync.support import PASSWORD, School

ROOT = Path(__file__).resolve().parents[2]


def tutordesk(folder: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(folder), *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )


def login(
    folder: Path, server: Any, email: str, password: str = PASSWORD
) -> subprocess.CompletedProcess[str]:
    return tutordesk(
        folder, "login", "--url", server.url, "--anon-key", server.anon_key, "--email", email,
        "--password-stdin", stdin=password + "\n",
    )


def test_login_and_sync_now_carry_a_lesson_between_two_data_folders(
    school: School, server: Any, tmp_path: Path
) -> None:
    email = school.add("teacher", "teacher")
    laptop, classroom = tmp_path / "laptop", tmp_path / "classroom"

    signed = login(laptop, server, email)
    assert signed.returncode == 0, signed.stderr
    assert PASSWORD not in signed.stdout + signed.stderr
    profile = ProfileStore(laptop).get(email)
    assert profile is not None and profile.organisation_id is not None
    with Mirror.open(profile.mirror_path) as mirror:
        lesson = repo.create_lesson(
            mirror.conn, organisation_id=profile.organisation_id, author_id=profile.user_id, title="By CLI"
        )

    sent = tutordesk(laptop, "sync", "now", "--json")
    assert sent.returncode == 0, sent.stderr
    summary = json.loads(sent.stdout)
    assert list(summary) == list(REPORT_KEYS)
    assert summary["status"] == "ok" and summary["pushed"] == 1 and summary["pending"] == 0

    assert login(classroom, server, email).returncode == 0
    received = tutordesk(classroom, "sync", "now", "--json")
    assert received.returncode == 0, received.stderr
    assert json.loads(received.stdout)["pulled"] >= 1
    other = ProfileStore(classroom).get(email)
    assert other is not None
    with Mirror.open(other.mirror_path) as mirror:
        assert mirror.get_row("lessons", lesson)["title"] == "By CLI"

    status = tutordesk(classroom, "sync", "status", "--json")
    assert status.returncode == 0, status.stderr
    info = json.loads(status.stdout)
    for key in ("last_success", "last_error", "pending_by_table", "conflicts", "clock_offset_seconds"):
        assert key in info
    assert info["last_success"] and info["pending_by_table"] == {} and info["last_error"] is None

    out = tutordesk(classroom, "logout")
    assert out.returncode == 0, out.stderr
    after = tutordesk(classroom, "sync", "now", "--json")
    assert after.returncode == 4 and json.loads(after.stdout)["status"] == "auth"


def test_cli_wrong_password_is_one_plain_line(school: School, server: Any, tmp_path: Path) -> None:
    email = school.add("teacher", "teacher")
    wrong = login(tmp_path / "pc", server, email, "guess")
    assert wrong.returncode == 2
    assert "Traceback" not in wrong.stderr and "password" in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1
    nothing = tutordesk(tmp_path / "pc", "sync", "now")
    assert nothing.returncode == 2 and "sign in" in nothing.stderr
