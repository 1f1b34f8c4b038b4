"""Signing in with Supabase Auth, refreshing before each sync, signing out (S6).

The refresh token is the only secret kept, and it lives in the OS keyring (`keyring`; PYTHON_KEYRING_BACKEND
is honoured). Where no usable keyring exists, it falls back to a file in the data folder that only this OS
user may read (0600), and says so once in the log. It never goes to SQLite, the config file or a log line.

Refresh tokens rotate: every refresh spends the old one, so the new one is saved before anything else happens.
When no refresh is possible (expired, revoked, spent), `SessionExpired` asks the person to sign in again;
local work and the outbox are not touched.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import keyring
import keyring.errors
from supabase import Client, ClientOptions, create_client
from supabase_auth.errors import AuthApiError, AuthRetryableError
from supabase_auth.errors import AuthError as SupabaseAuthError

from sync.errors import AuthError, Offline, ServerError, SessionExpired, SyncError
from sync.transport import make_http_client

__all__ = ["KEYRING_SERVICE", "Session", "SignedIn", "TokenStore", "token_key"]

log = logging.getLogger(__name__)

KEYRING_SERVICE = "TutorDesk"
_SECRETS_FILE = "secrets.json"
_fallback_logged = threading.Event()  # the keyring fallback is logged once per process


def token_key(server_url: str, user_id: str) -> str:
    """One refresh token per (server, user): a PC can hold several profiles and several servers."""
    return f"{server_url.rstrip('/')}#{user_id}"


class TokenStore:
    """Refresh tokens in the OS keyring, or in a 0600 file in the data folder when no keyring is usable."""

    def __init__(self, data_dir: Path) -> None:
        self._file = Path(data_dir) / _SECRETS_FILE
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        try:
            return keyring.get_password(KEYRING_SERVICE, key) or self._file_get(key)
        except keyring.errors.KeyringError:
            self._note_fallback()
            return self._file_get(key)

    def set(self, key: str, token: str) -> None:
        try:
            keyring.set_password(KEYRING_SERVICE, key, token)
        except keyring.errors.KeyringError:
            self._note_fallback()
            self._file_update(key, token)
        else:
            self._file_update(key, None)  # an older fallback copy must not outlive the keyring's

    def delete(self, key: str) -> None:
        # Absent, or no keyring at all: the file copy goes either way.
        with contextlib.suppress(keyring.errors.KeyringError):
            keyring.delete_password(KEYRING_SERVICE, key)
        self._file_update(key, None)

    @staticmethod
    def _note_fallback() -> None:
        if not _fallback_logged.is_set():
            _fallback_logged.set()
            log.warning("no usable OS keyring: sign-in tokens are kept in a private file in the data folder")

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self._file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("the private token file is unreadable; signing in again will replace it")
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _file_get(self, key: str) -> str | None:
        with self._lock:
            return self._read().get(key)

    def _file_update(self, key: str, token: str | None) -> None:
        with self._lock:
            data = self._read()
            if token is None and key not in data:
                return
            if token is None:
                data.pop(key)
            else:
                data[key] = token
            self._file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._file.with_suffix(".tmp")
            # Created 0600 from the first byte: the token is never readable by another OS user.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self._file)


@dataclass(frozen=True)
class SignedIn:
    """Who signed in: from the server's user record; role and school come from app_metadata (server-set)."""

    user_id: str
    email: str | None
    role: str | None
    organisation_id: str | None


def _signed_in(user: Any) -> SignedIn:
    meta = dict(getattr(user, "app_metadata", None) or {})
    org = meta.get("organisation_id") or meta.get("org")
    return SignedIn(
        user_id=str(user.id),
        email=getattr(user, "email", None),
        role=str(meta.get("tutordesk_role") or meta.get("role") or "") or None,
        organisation_id=str(org) if org else None,
    )


def _map_auth_error(exc: Exception, *, signing_in: bool) -> SyncError:
    if isinstance(exc, AuthRetryableError):
        return Offline(f"auth: {type(exc).__name__}", plain="Cannot reach the server to sign in.")
    if isinstance(exc, AuthApiError):
        status = int(exc.status or 0)
        if status >= 500:
            return ServerError(f"auth: status {status}", status_code=status)
        if status == 429:
            plain = "Too many sign-in attempts; wait a while, then retry."
            return AuthError("auth: rate limited", plain=plain)
        if signing_in:
            return AuthError(f"auth: {exc.code or status}")
        return SessionExpired(f"auth refresh refused: {exc.code or status}")
    return SessionExpired(f"auth: {type(exc).__name__}") if not signing_in else AuthError(str(type(exc)))


class Session:
    """A Supabase client for one profile; its session is refreshed from the stored token before each sync."""

    def __init__(
        self,
        url: str,
        anon_key: str,
        *,
        tokens: TokenStore,
        user_id: str | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.user_id = user_id
        self._tokens = tokens
        self.http = http_client or make_http_client()
        options = ClientOptions(
            # The engine decides when to refresh: a timer thread would spend rotating tokens behind its back.
            auto_refresh_token=False,
            persist_session=False,
            postgrest_client_retry=False,
            httpx_client=self.http,
        )
        try:
            self.client: Client = create_client(self.url, anon_key, options)
        except Exception as exc:  # supabase raises its own exception for a bad URL or key
            raise SyncError(str(exc), plain="That server address or key is not valid.") from exc

    @property
    def _key(self) -> str:
        if self.user_id is None:
            raise SessionExpired("no user for this session")
        return token_key(self.url, self.user_id)

    def sign_in(self, email: str, password: str) -> SignedIn:
        try:
            answer = self.client.auth.sign_in_with_password({"email": email, "password": password})
        except SupabaseAuthError as exc:
            raise _map_auth_error(exc, signing_in=True) from exc
        if answer.session is None or answer.user is None:
            raise AuthError("auth: no session in the answer")
        who = _signed_in(answer.user)
        self.user_id = who.user_id
        self._tokens.set(self._key, answer.session.refresh_token)
        log.info("signed in as user %s", who.user_id)
        return who

    def has_token(self) -> bool:
        return self.user_id is not None and self._tokens.get(self._key) is not None

    def refresh(self) -> None:
        """A fresh access token for this sync (S6); the rotated refresh token is saved at once."""
        token = self._tokens.get(self._key)
        if not token:
            raise SessionExpired("no saved session")
        try:
            answer = self.client.auth.refresh_session(token)
        except SupabaseAuthError as exc:
            error = _map_auth_error(exc, signing_in=False)
            if isinstance(error, SessionExpired):
                # A refused token never works again: forget it, so the profile shows "sign in again".
                self._tokens.delete(self._key)
            raise error from exc
        if answer.session is None:
            raise SessionExpired("refresh answered no session")
        self._tokens.set(self._key, answer.session.refresh_token)

    def sign_out(self) -> None:
        """Forget the session here; tell the server when it can be reached (best effort)."""
        try:
            if self.client.auth.get_session() is not None:
                self.client.auth.sign_out({"scope": "local"})
        except (SupabaseAuthError, httpx.HTTPError) as exc:
            log.info("server sign-out not confirmed (%s); the local copy goes anyway", type(exc).__name__)
        finally:
            if self.user_id is not None:
                self._tokens.delete(self._key)

    def close(self) -> None:
        self.http.close()
