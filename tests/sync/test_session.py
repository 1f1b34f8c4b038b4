"""Sessions (S6) against the devstack's Supabase Auth, and where the refresh token is kept."""

from __future__ import annotations

import logging
import socket
import stat
import threading
from pathlib import Path
from typing import Any

import httpx
import keyring
import pytest
from keyring.backend import KeyringBackend
from supabase import ClientOptions, create_client

from sync import session as session_module
from sync.errors import AuthError, Offline, SessionExpired
from sync.service import login
from sync.session import KEYRING_SERVICE, TokenStore, token_key
from tests.sync.support import PASSWORD, DevicePark, School, server_row


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there once the socket is closed


def _stored_token(device: Any) -> str:
    profile = device.profile
    token = TokenStore(device.folder).get(token_key(profile.server_url, profile.user_id))
    assert token
    return token


def test_wrong_password_is_not_a_network_failure(school: School, tmp_path: Path, server: Any) -> None:
    email = school.add("teacher", "teacher")
    with pytest.raises(AuthError) as wrong:
        login(tmp_path, server.url, server.anon_key, email, "not the password")
    assert not isinstance(wrong.value, SessionExpired)
    assert "password" in wrong.value.plain
    with pytest.raises(Offline) as unreachable:
        login(tmp_path, _closed_port_url(), server.anon_key, email, PASSWORD)
    assert "reach" in unreachable.value.plain
    assert wrong.value.plain != unreachable.value.plain
    assert not (tmp_path / "profiles.json").exists()  # nothing half-made


def test_token_falls_back_to_a_private_file_and_never_lands_in_sqlite_config_or_log(
    school: School, devices: DevicePark, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_module, "_fallback_logged", threading.Event())
    with caplog.at_level(logging.DEBUG):
        teacher = devices.new(school.add("teacher", "teacher"))
        assert teacher.sync().ok
    token = _stored_token(teacher)
    secrets = teacher.folder / "secrets.json"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert token in secrets.read_text(encoding="utf-8")
    for path in teacher.folder.rglob("*"):
        if path.is_file() and path != secrets:
            assert token.encode() not in path.read_bytes(), path
    assert token not in caplog.text
    fallback_lines = [r for r in caplog.records if "no usable OS keyring" in r.getMessage()]
    assert len(fallback_lines) == 1  # said once, not at every read


class MemoryKeyring(KeyringBackend):
    """A working OS keyring stand-in (the real ones need a desktop session)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


def test_a_usable_keyring_holds_the_token_and_no_file_is_written(
    school: School, devices: DevicePark
) -> None:
    before = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    try:
        teacher = devices.new(school.add("teacher", "teacher"))
        assert teacher.sync().ok
        key = token_key(teacher.profile.server_url, teacher.profile.user_id)
        assert memory.items[(KEYRING_SERVICE, key)] == _stored_token(teacher)
        assert not (teacher.folder / "secrets.json").exists()
    finally:
        keyring.set_keyring(before)


def test_each_sync_refreshes_and_rotates_the_token(school: School, devices: DevicePark) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    first = _stored_token(teacher)
    assert teacher.sync().ok
    assert _stored_token(teacher) != first


def test_s6_spent_token_asks_to_sign_in_again_and_loses_nothing(school: School, devices: DevicePark) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    lesson = teacher.new_lesson("Typed during weeks offline")
    # Someone (or a crashed earlier run) used the token: it rotated, the saved one is spent.
    with httpx.Client() as http:
        options = ClientOptions(auto_refresh_token=False, persist_session=False, httpx_client=http)
        other = create_client(teacher.server.url, teacher.server.anon_key, options)
        other.auth.refresh_session(_stored_token(teacher))

    report = teacher.sync()

    assert report.status == "auth"
    assert "sign in again" in report.message.lower()
    assert report.pending == 1 and teacher.row("lessons", lesson)["title"] == "Typed during weeks offline"
    assert server_row(teacher.server, "lessons", lesson) is None
    assert not teacher.sync_parts.session.has_token()  # the profile now says "sign in again"

    teacher.sign_in(school.emails["teacher"])
    again = teacher.sync()
    assert again.ok, again.message
    assert again.pending == 0
    assert server_row(teacher.server, "lessons", lesson)["title"] == "Typed during weeks offline"


def test_sign_out_forgets_the_token_and_sync_then_asks_to_sign_in(
    school: School, devices: DevicePark
) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    assert teacher.sync().ok
    teacher.sync_parts.session.sign_out()
    profile = teacher.profile
    assert TokenStore(teacher.folder).get(token_key(profile.server_url, profile.user_id)) is None
    assert teacher.sync().status == "auth"


def test_token_file_store_round_trip_and_damage(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = TokenStore(tmp_path)
    store.set("https://a#u1", "token-1")
    store.set("https://b#u2", "token-2")
    assert store.get("https://a#u1") == "token-1" and store.get("https://b#u2") == "token-2"
    store.delete("https://a#u1")
    assert store.get("https://a#u1") is None and store.get("https://b#u2") == "token-2"
    assert stat.S_IMODE((tmp_path / "secrets.json").stat().st_mode) == 0o600
    (tmp_path / "secrets.json").write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert store.get("https://b#u2") is None  # unreadable: sign in again replaces it
    assert "unreadable" in caplog.text
    store.set("https://b#u2", "token-3")
    assert store.get("https://b#u2") == "token-3"
