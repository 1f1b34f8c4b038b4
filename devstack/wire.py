"""What a handler answers, and PostgREST's table from Postgres error codes to HTTP statuses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

JSON_TYPE = "application/json; charset=utf-8"


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def json_reply(status: int, value: Any, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps(value, separators=(",", ":"), default=_plain).encode()
    return Reply(status, body, {"Content-Type": JSON_TYPE, **(headers or {})})


def raw_json_reply(status: int, text: str, headers: dict[str, str] | None = None) -> Reply:
    """A body Postgres already rendered as JSON: passed through without a decode and re-encode."""
    return Reply(status, text.encode(), {"Content-Type": JSON_TYPE, **(headers or {})})


def pgrst_error(
    status: int, code: str, message: str, details: str | None = None, hint: str | None = None
) -> Reply:
    return json_reply(status, {"code": code, "details": details, "hint": hint, "message": message})


# PostgREST's "HTTP status codes" table for errors raised by PostgreSQL: exact codes first, then classes.
_EXACT_STATUS = {
    "23503": 409,
    "23505": 409,
    "25006": 405,
    "42883": 404,
    "42P01": 404,
    "42P17": 500,
    "53400": 500,  # config limit exceeded: a server setting to fix, not a busy server to retry
    "P0001": 400,
}
_CLASS_STATUS = {
    "08": 503,
    "09": 500,
    "0L": 403,
    "0P": 403,
    "25": 500,
    "28": 403,
    "2D": 500,
    "38": 500,
    "39": 500,
    "3B": 500,
    "40": 500,
    "53": 503,
    "54": 500,
    "55": 500,
    "57": 500,
    "58": 500,
    "F0": 500,
    "HV": 500,
    "P0": 500,
    "XX": 500,
}


def status_for_sqlstate(sqlstate: str, role: str) -> int:
    """The HTTP status PostgREST gives a Postgres error with this SQLSTATE, for a request made as `role`."""
    if sqlstate == "42501":
        # Insufficient privilege: "log in first" for anonymous callers, "not allowed" for everyone else.
        return 401 if role == "anon" else 403
    if sqlstate.startswith("PT") and sqlstate[2:].isdigit():
        return int(sqlstate[2:])  # PostgREST lets SQL choose its status with SQLSTATE 'PTxyz'
    if sqlstate in _EXACT_STATUS:
        return _EXACT_STATUS[sqlstate]
    return _CLASS_STATUS.get(sqlstate[:2], 400)
