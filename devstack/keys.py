"""The stack's JWT secret, its anon and service-role keys, and the access tokens it issues (HS256).

A hosted Supabase project signs everything with one project secret; the devstack makes one per stack folder
(`keys.json`, readable by its owner only) so two stacks never accept each other's tokens.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt

log = logging.getLogger(__name__)

KEYS_FILE = "keys.json"
ISSUER = "supabase-demo"
#: The API keys of a hosted project live for years; ten is what Supabase's local stack uses.
API_KEY_LIFETIME_SECONDS = 10 * 365 * 24 * 3600


class InvalidJwtError(Exception):
    """A token was refused. `code` is PostgREST's: PGRST301 (bad) or PGRST303 (expired)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class StackKeys:
    jwt_secret: str
    anon_key: str
    service_role_key: str

    @classmethod
    def generate(cls) -> StackKeys:
        secret = secrets.token_urlsafe(48)
        return cls(secret, api_key(secret, "anon"), api_key(secret, "service_role"))

    @classmethod
    def load_or_create(cls, folder: Path) -> StackKeys:
        """The keys stored in `folder`, made and stored on first use."""
        path = folder / KEYS_FILE
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(data["jwt_secret"], data["anon_key"], data["service_role_key"])
        keys = cls.generate()
        folder.mkdir(parents=True, exist_ok=True)
        # Created 0600 from the start: the secret must never be readable by other users, not even briefly.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(keys.__dict__, out)
        return keys

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token signed with this stack's secret; `InvalidJwtError` otherwise."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self.jwt_secret,
                algorithms=["HS256"],
                options={"verify_aud": False, "require": ["exp", "role"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidJwtError("PGRST303", "JWT expired") from exc
        except jwt.InvalidTokenError as exc:
            raise InvalidJwtError("PGRST301", _plain_jwt_error(exc)) from exc
        return claims

    def access_token(self, claims: dict[str, Any], lifetime: int) -> tuple[str, int]:
        """A signed access token with `claims` plus iat/exp; returns (token, expires_at)."""
        now = int(time.time())
        payload = {**claims, "iat": now, "exp": now + lifetime, "iss": f"{ISSUER}/auth/v1"}
        return jwt.encode(payload, self.jwt_secret, algorithm="HS256"), now + lifetime


def api_key(secret: str, role: str) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "role": role, "iat": now, "exp": now + API_KEY_LIFETIME_SECONDS}
    return jwt.encode(payload, secret, algorithm="HS256")


def _plain_jwt_error(exc: jwt.InvalidTokenError) -> str:
    if isinstance(exc, jwt.InvalidSignatureError):
        return "JWSError JWSInvalidSignature"
    if isinstance(exc, jwt.DecodeError):
        return "JWSError (CompactDecodeError Invalid number of parts: Expected 3 parts; got 1)"
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return f"JWT is missing the {exc.claim} claim"
    return "JWSError JWSInvalidSignature"
