"""The Supabase Auth subset under /auth/v1: password and refresh-token grants, GET /user, POST /logout.

Users, sessions and refresh tokens live in Supabase's own `auth` tables; passwords are bcrypt hashes checked
with pgcrypto's crypt(). A refresh token is spent when used: using it again is refused and, as Supabase Auth
does on reuse, ends the whole session (a stolen token then locks out the thief and the owner alike).
Repeated wrong passwords for one email lock that email out for a while.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row

from devstack.keys import InvalidJwtError, StackKeys
from devstack.pool import ConnectionPool, PoolExhaustedError
from devstack.wire import Reply, json_reply

log = logging.getLogger(__name__)

API_VERSION_HEADER = "x-supabase-api-version"
API_VERSION = "2024-01-01"

_USER_SQL = """
select id::text, aud, role, email, encrypted_password, email_confirmed_at, confirmed_at, last_sign_in_at,
       coalesce(raw_app_meta_data, '{}') as app_metadata, coalesce(raw_user_meta_data, '{}') as user_metadata,
       created_at, updated_at, banned_until, coalesce(phone, '') as phone, is_anonymous,
       banned_until is not null and banned_until > now() as banned
from auth.users where deleted_at is null and {where}
"""


def _user_sql(where: str) -> str:
    return _USER_SQL.replace("{where}", where)


@dataclass(frozen=True)
class AuthSettings:
    access_token_lifetime: int = 3600
    lockout_failures: int = 5
    lockout_window_seconds: int = 15 * 60


class AuthRequestError(Exception):
    def __init__(self, status: int, error_code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message


class AuthApi:
    def __init__(self, keys: StackKeys, pool: ConnectionPool, settings: AuthSettings | None = None) -> None:
        self.keys = keys
        self.pool = pool
        self.settings = settings or AuthSettings()

    def handle(
        self, method: str, route: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> Reply:
        versioned = headers.get(API_VERSION_HEADER) == API_VERSION
        try:
            reply = self._dispatch(method, route, query, headers, body)
        except AuthRequestError as exc:
            reply = _error_reply(exc, versioned)
        except PoolExhaustedError:
            reply = _error_reply(
                AuthRequestError(503, "unexpected_failure", "The auth service is busy."), versioned
            )
        except psycopg.OperationalError as exc:
            log.warning("auth database unreachable: %s", exc)
            failure = AuthRequestError(
                503, "unexpected_failure", "The auth service cannot reach its database."
            )
            reply = _error_reply(failure, versioned)
        if versioned:
            reply.headers["X-Supabase-Api-Version"] = API_VERSION
        return reply

    def _dispatch(
        self, method: str, route: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> Reply:
        self._check_apikey(headers)
        grant = query.get("grant_type", [""])[0]
        if (method, route, grant) == ("POST", "token", "password"):
            return self._password_grant(_json_object(body))
        if (method, route, grant) == ("POST", "token", "refresh_token"):
            return self._refresh_grant(_json_object(body))
        if (method, route) == ("GET", "user"):
            return self._get_user(headers)
        if (method, route) == ("POST", "logout"):
            return self._logout(headers, query.get("scope", ["global"])[0])
        if route == "token":
            raise AuthRequestError(400, "unsupported_grant_type", f"Unsupported grant type {grant!r}")
        raise AuthRequestError(404, "not_found", "Not found")

    def _check_apikey(self, headers: dict[str, str]) -> None:
        try:
            self.keys.verify(headers.get("apikey", ""))
        except InvalidJwtError as exc:
            raise AuthRequestError(401, "no_authorization", "Invalid API key") from exc

    # -- grants --------------------------------------------------------------------------------------

    def _password_grant(self, body: dict[str, Any]) -> Reply:
        email = str(body.get("email") or "").strip().lower()
        password = str(body.get("password") or "")
        if not email or not password:
            raise AuthRequestError(400, "validation_failed", "You must provide an email and a password.")
        with self.pool.connection() as conn, conn.transaction():
            conn.row_factory = dict_row
            self._refuse_if_locked(conn, email)
            user = conn.execute(_user_sql("lower(email) = %s"), (email,)).fetchone()
            matched = _password_matches(conn, password, user["encrypted_password"] if user else None)
            if user is None or not matched:
                user = None
                conn.execute("insert into auth.sign_in_failures (email) values (%s)", (email,))
            else:
                self._refuse_if_unusable(user)
                conn.execute("delete from auth.sign_in_failures where lower(email) = %s", (email,))
                conn.execute("update auth.users set last_sign_in_at = now() where id = %s", (user["id"],))
                session_id = str(uuid.uuid4())
                conn.execute(
                    "insert into auth.sessions (id, user_id, created_at, updated_at, aal) "
                    "values (%s, %s, now(), now(), 'aal1')",
                    (session_id, user["id"]),
                )
                refresh = self._new_refresh_token(conn, user["id"], session_id, parent=None)
                user = conn.execute(_user_sql("id = %s"), (user["id"],)).fetchone()
        if user is None:
            log.info("failed sign-in for an account (wrong email or password)")
            raise AuthRequestError(400, "invalid_credentials", "Invalid login credentials")
        return json_reply(200, self._session(user, session_id, refresh))

    def _refuse_if_locked(self, conn: psycopg.Connection[Any], email: str) -> None:
        row = conn.execute(
            "select count(*) as n from auth.sign_in_failures where lower(email) = %s "
            "and failed_at > now() - make_interval(secs => %s)",
            (email, self.settings.lockout_window_seconds),
        ).fetchone()
        if row is not None and row["n"] >= self.settings.lockout_failures:
            minutes = max(1, self.settings.lockout_window_seconds // 60)
            raise AuthRequestError(
                429,
                "over_request_rate_limit",
                f"Too many failed sign-ins for this account. Wait {minutes} minutes, then try again.",
            )

    @staticmethod
    def _refuse_if_unusable(user: dict[str, Any]) -> None:
        if user["banned"]:
            raise AuthRequestError(400, "user_banned", "User is banned")
        if user["email_confirmed_at"] is None:
            raise AuthRequestError(400, "email_not_confirmed", "Email not confirmed")

    def _refresh_grant(self, body: dict[str, Any]) -> Reply:
        token = str(body.get("refresh_token") or "")
        if not token:
            raise AuthRequestError(400, "validation_failed", "Refresh token is missing")
        spent = False
        with self.pool.connection() as conn, conn.transaction():
            conn.row_factory = dict_row
            row = conn.execute(
                "select id, user_id, revoked, session_id::text from auth.refresh_tokens "
                "where token = %s for update",
                (token,),
            ).fetchone()
            if row is None:
                raise AuthRequestError(
                    400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found"
                )
            if row["revoked"]:
                # Reuse of a spent token: end the session it belonged to (Supabase Auth's reuse detection).
                conn.execute("delete from auth.sessions where id = %s", (row["session_id"],))
                spent = True
            else:
                conn.execute(
                    "update auth.refresh_tokens set revoked = true, updated_at = now() where id = %s",
                    (row["id"],),
                )
                conn.execute(
                    "update auth.sessions set refreshed_at = now(), updated_at = now() where id = %s",
                    (row["session_id"],),
                )
                refresh = self._new_refresh_token(conn, row["user_id"], row["session_id"], parent=token)
                user = conn.execute(_user_sql("id = %s"), (row["user_id"],)).fetchone()
        if spent:
            raise AuthRequestError(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used")
        if user is None or user["banned"]:
            raise AuthRequestError(400, "user_not_found", "User from sub claim in JWT does not exist")
        return json_reply(200, self._session(user, row["session_id"], refresh))

    @staticmethod
    def _new_refresh_token(
        conn: psycopg.Connection[Any], user_id: str, session_id: str, parent: str | None
    ) -> str:
        token = secrets.token_urlsafe(24)
        conn.execute(
            "insert into auth.refresh_tokens "
            "(token, user_id, revoked, created_at, updated_at, parent, session_id) "
            "values (%s, %s, false, now(), now(), %s, %s)",
            (token, user_id, parent, session_id),
        )
        return token

    def _session(self, user: dict[str, Any], session_id: str, refresh_token: str) -> dict[str, Any]:
        claims = {
            "aud": user["aud"] or "authenticated",
            "sub": user["id"],
            "email": user["email"],
            "phone": user["phone"],
            "app_metadata": user["app_metadata"],
            "user_metadata": user["user_metadata"],
            "role": user["role"] or "authenticated",
            "aal": "aal1",
            "amr": [{"method": "password", "timestamp": int(time.time())}],
            "session_id": session_id,
            "is_anonymous": bool(user["is_anonymous"]),
        }
        access, expires_at = self.keys.access_token(claims, self.settings.access_token_lifetime)
        return {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": self.settings.access_token_lifetime,
            "expires_at": expires_at,
            "refresh_token": refresh_token,
            "user": _user_json(user),
        }

    # -- bearer endpoints -----------------------------------------------------------------------------

    def _claims_of_session(self, conn: psycopg.Connection[Any], headers: dict[str, str]) -> dict[str, Any]:
        bearer = headers.get("authorization", "")
        token = bearer[7:].strip() if bearer.lower().startswith("bearer ") else ""
        try:
            claims = self.keys.verify(token)
        except InvalidJwtError as exc:
            raise AuthRequestError(
                403, "bad_jwt", f"invalid JWT: unable to parse or verify signature, {exc.message}"
            ) from exc
        if not claims.get("sub"):
            raise AuthRequestError(403, "bad_jwt", "invalid claim: missing sub claim")
        session_id = claims.get("session_id")
        if (
            session_id
            and conn.execute("select 1 from auth.sessions where id = %s", (session_id,)).fetchone() is None
        ):
            raise AuthRequestError(
                403, "session_not_found", "Session from session_id claim in JWT does not exist"
            )
        return claims

    def _get_user(self, headers: dict[str, str]) -> Reply:
        with self.pool.connection() as conn:
            claims = self._claims_of_session(conn, headers)
            conn.row_factory = dict_row
            user = conn.execute(_user_sql("id = %s"), (claims["sub"],)).fetchone()
        if user is None:
            raise AuthRequestError(403, "user_not_found", "User from sub claim in JWT does not exist")
        return json_reply(200, _user_json(user))

    def _logout(self, headers: dict[str, str], scope: str) -> Reply:
        with self.pool.connection() as conn, conn.transaction():
            claims = self._claims_of_session(conn, headers)
            user_id, session_id = claims["sub"], claims.get("session_id")
            if scope == "local":
                conn.execute("delete from auth.sessions where id = %s", (session_id,))
            elif scope == "others":
                conn.execute(
                    "delete from auth.sessions where user_id = %s and id <> %s", (user_id, session_id)
                )
            else:
                conn.execute("delete from auth.sessions where user_id = %s", (user_id,))
        return Reply(204)


def _password_matches(conn: psycopg.Connection[Any], password: str, stored: str | None) -> bool:
    """bcrypt check in the database. An unknown email is hashed too (with a fresh salt of the same cost), so
    the answer's timing does not tell which emails have accounts."""
    row = conn.execute(
        "select extensions.crypt(%s, coalesce(%s, extensions.gen_salt('bf', 10))) = %s as ok",
        (password, stored, stored),
    ).fetchone()
    return bool(row and row["ok"])


def _user_json(user: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": user["id"],
        "aud": user["aud"] or "authenticated",
        "role": user["role"] or "authenticated",
        "email": user["email"],
        "email_confirmed_at": user["email_confirmed_at"],
        "phone": user["phone"],
        "confirmed_at": user["confirmed_at"],
        "last_sign_in_at": user["last_sign_in_at"],
        "app_metadata": user["app_metadata"],
        "user_metadata": user["user_metadata"],
        "identities": [],
        "created_at": user["created_at"],
        "updated_at": user["updated_at"],
        "is_anonymous": bool(user["is_anonymous"]),
    }


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise AuthRequestError(400, "bad_json", "Could not parse request body as JSON") from exc
    if not isinstance(value, dict):
        raise AuthRequestError(400, "bad_json", "Could not parse request body as JSON")
    return value


def _error_reply(exc: AuthRequestError, versioned: bool) -> Reply:
    # Supabase Auth's two error shapes: the dated API version has string codes, the legacy one numeric codes.
    if versioned:
        return json_reply(exc.status, {"code": exc.error_code, "message": exc.message})
    return json_reply(exc.status, {"code": exc.status, "error_code": exc.error_code, "msg": exc.message})
