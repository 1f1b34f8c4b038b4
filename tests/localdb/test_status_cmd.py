"""`tutordesk status` run as a real subprocess, the way a script or a support person would run it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from localdb.profiles import Profile, ProfileStore

ROOT = Path(__file__).resolve().parents[2]


def tutordesk(*args: str, env_data: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("TUTORDESK_DATA_DIR", None)
    if env_data is not None:
        env["TUTORDESK_DATA_DIR"] = str(env_data)
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def status_json(folder: Path) -> dict[str, Any]:
    done = tutordesk("--data-dir", str(folder), "status", "--json")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1  # exactly one JSON object
    result: dict[str, Any] = json.loads(lines[0])
    return result


def test_first_run_creates_the_offline_profile_and_its_mirror(tmp_path: Path) -> None:
    folder = tmp_path / "fresh"
    status = status_json(folder)
    [local] = status["profiles"]
    assert {k: local[k] for k in ("name", "email", "user_id", "pending", "last_sync")} == {
        "name": "Offline (this computer)",
        "email": None,
        "user_id": "local",
        "pending": 0,
        "last_sync": None,
    }
    assert Path(local["mirror_path"]).is_file()
    assert Path(local["mirror_path"]).is_relative_to(folder)
    assert status_json(folder)["device_id"] == status["device_id"]  # stable across runs


def test_pending_changes_and_other_profiles_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    local = Path(status_json(folder)["profiles"][0]["mirror_path"])
    conn = sqlite3.connect(local)  # an edit through any path is pending (U1)
    conn.execute("INSERT INTO lessons (id, organisation_id, title) VALUES ('l1', 'o1', 'Fractions')")
    conn.execute("INSERT INTO sync_state (key, value) VALUES ('last_sync', '2025-03-01T10:00:00.000000Z')")
    conn.commit()
    conn.close()
    ProfileStore(folder).upsert(
        Profile(name="Ada", email="ada@example.org", user_id="3f1c2a9e-0000-4000-8000-000000000001")
    )
    by_id = {p["user_id"]: p for p in status_json(folder)["profiles"]}
    assert by_id["local"]["pending"] == 1 and by_id["local"]["last_sync"] == "2025-03-01T10:00:00.000000Z"
    ada = by_id["3f1c2a9e-0000-4000-8000-000000000001"]
    assert (ada["email"], ada["pending"], ada["last_sync"]) == ("ada@example.org", 0, None)


def test_the_environment_folder_is_used_and_a_summary_is_printed_without_json(tmp_path: Path) -> None:
    done = tutordesk("status", env_data=tmp_path / "env")
    assert done.returncode == 0, done.stderr
    assert "Offline (this computer): nothing waiting to be sent, never synced" in done.stdout
    assert str(tmp_path / "env") in done.stdout
    assert (tmp_path / "env" / "profiles" / "local" / "mirror.sqlite3").is_file()


def test_a_damaged_mirror_is_reported_in_words_and_the_rest_still_listed(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    status_json(folder)
    store = ProfileStore(folder)
    other = store.upsert(Profile(name="Bo", email="bo@example.org", user_id="bo-1"))
    other.mirror_path.parent.mkdir(parents=True)
    other.mirror_path.write_bytes(b"garbage" * 1000)
    by_id = {p["user_id"]: p for p in status_json(folder)["profiles"]}
    assert by_id["local"]["pending"] == 0
    assert by_id["bo-1"]["pending"] is None and "damaged" in by_id["bo-1"]["error"]
    assert "Traceback" not in by_id["bo-1"]["error"]
