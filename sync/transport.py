"""The network seam: a narrow `Transport` protocol and `SupabaseTransport`, which calls the sync RPCs of
docs/sync-protocol.md through supabase-py on an httpx client the engine controls.

Every answer is checked before anyone uses it: an answer of the wrong shape raises `MalformedAnswer` and
nothing of it is applied. Every failure is mapped to the tree of `sync.errors`. Tests swap the transport
(fault injection, dropped answers) without touching the engine.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Protocol, TypeVar, runtime_checkable

import httpx
import orjson
from postgrest.exceptions import APIError, APIErrorFromJSON, generate_default_error_message
from pydantic import ValidationError
from supabase import Client

from localdb.tables import TABLE_NAMES, table_spec
from sync.errors import (
    AuthError,
    DeviceUnknown,
    MalformedAnswer,
    Offline,
    ServerError,
    SessionExpired,
    SyncError,
)
from sync.rules import canonical

__all__ = [
    "PUSH_STATUSES",
    "PeekingTransport",
    "PullAnswer",
    "PullPage",
    "PushAnswer",
    "PushResult",
    "ServerInfo",
    "SupabaseTransport",
    "TableCount",
    "Transport",
    "make_http_client",
    "parse_counts",
    "parse_pull",
    "parse_push",
    "parse_server_info",
]

log = logging.getLogger(__name__)

PUSH_STATUSES = frozenset({"applied", "lost", "rejected"})
#: PostgREST / HTTP codes that mean "the server is not reachable right now" rather than "it said no".
#: PGRST000-003: PostgREST cannot reach its database, or waited too long for a connection (503/504).
_UNREACHABLE = {"502", "503", "504", "520", "521", "522", "523", "524", "530",
                "PGRST000", "PGRST001", "PGRST002", "PGRST003"}
_JWT_CODES = {"PGRST301", "PGRST302", "PGRST303"}
#: sync_require_device's SQLSTATE (no_data_found): the server has no devices row for this device and user.
_DEVICE_UNKNOWN = "P0002"
_TABLE_NAMES = frozenset(TABLE_NAMES)
_T = TypeVar("_T")


@dataclass(frozen=True)
class ServerInfo:
    server_time: str
    schema_version: int
    min_app_schema: int
    epoch: str
    device_id: str | None = None


@dataclass(frozen=True)
class TableCount:
    count: int
    checksum: str


@dataclass(frozen=True)
class PullPage:
    """One page of the feed. Only the last page (has_more false, no reset; schema 8 on) has `columns` (per synced
    table, a hash of the server's columns) and, when the pull named `p_counts`, `counts` (P7, P8)."""

    rows: list[tuple[str, dict[str, Any]]]
    cursor: str | None
    has_more: bool
    schema_version: int
    min_app_schema: int
    server_time: str
    reset: bool
    columns: dict[str, str] | None = None
    counts: dict[str, TableCount] | None = None
    #: A read-ahead page (`p_skip`, schema 9 on): the cursor of the last feed entry it skipped.
    after: str | None = None


#: A pull answer's head from schema 9 on: `{"cursor" : "...", "has_more" : true, ...`, the rows after it.
_PULL_HEAD = re.compile(
    rb'\s*\{\s*"cursor"\s*:\s*(?:"([^"\\]{1,200})"|null)\s*,\s*"has_more"\s*:\s*(true|false)\s*[,}]'
)


@dataclass(frozen=True)
class PullAnswer:
    """A pull's answer as received and not yet decoded. `next_cursor`: the cursor to ask for next, when the
    answer's first bytes say there is more (schema 9 puts `cursor` and `has_more` first); None when they say
    this is the last page, or do not say (an older server: the puller then asks once the page is decoded).

    `page()` decodes and checks it. It fails (MalformedAnswer) when the body says something else than the head,
    so a request sent on the head's word is never used for a page the body does not vouch for. An answer some
    other way decoded already (`decoded`) has nothing to read ahead of."""

    body: bytes
    next_cursor: str | None
    _page: PullPage | None = None

    @classmethod
    def decoded(cls, page: PullPage) -> PullAnswer:
        return cls(b"", None, page)

    @classmethod
    def of(cls, body: bytes) -> PullAnswer:
        head = _PULL_HEAD.match(body)
        if head is None or head.group(1) is None or head.group(2) != b"true":
            return cls(body, None)
        return cls(body, head.group(1).decode("utf-8", "replace"))

    def page(self) -> PullPage:
        if self._page is not None:
            return self._page
        try:
            data = orjson.loads(self.body)
        except orjson.JSONDecodeError as exc:
            raise MalformedAnswer(f"sync_pull: the answer is not JSON: {exc}") from exc
        page = parse_pull(data)
        if self.next_cursor is not None and (not page.has_more or page.cursor != self.next_cursor):
            raise MalformedAnswer("pull: the answer's first bytes and its body disagree on what comes next")
        return page


@dataclass(frozen=True)
class PushResult:
    change_id: str
    table: str
    id: str
    status: str
    row: dict[str, Any] | None
    lost_fields: list[str]
    reason: str | None
    code: str | None
    clamped: bool


@dataclass(frozen=True)
class PushAnswer:
    results: list[PushResult]
    clamped: int
    server_time: str
    schema_version: int


class Transport(Protocol):
    """What the engine needs from the server. Implementations raise only `sync.errors.SyncError`s."""

    def server_info(self) -> ServerInfo: ...

    def register_device(self, name: str, app_version: str) -> ServerInfo: ...

    def pull(
        self,
        cursor: str | None,
        limit: int,
        tables: Sequence[str] | None = None,
        counts: Sequence[str] | None = None,
    ) -> PullPage:
        """A feed page; `counts`: the tables whose counts the last page should carry (P8)."""
        ...

    def push(self, batch_id: str, changes: Sequence[Mapping[str, Any]]) -> PushAnswer: ...

    def counts(self, tables: Sequence[str]) -> dict[str, TableCount]: ...


@runtime_checkable
class PeekingTransport(Transport, Protocol):
    """A transport that can hand over a pull's answer before decoding it, with what its first bytes say comes
    next (schema 9 on): the puller sends the next requests at once and decodes this page meanwhile. `skip` (only
    to a server whose answers had that head): the page after the first `skip` feed entries past `cursor`."""

    def pull_answer(
        self,
        cursor: str | None,
        limit: int,
        tables: Sequence[str] | None = None,
        counts: Sequence[str] | None = None,
        skip: int = 0,
    ) -> PullAnswer: ...


class GatewayUnavailableError(Exception):
    """An answer whose HTTP status says the server is not there right now (a gateway's 502/503/504 ...)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


def _raise_when_unreachable(response: httpx.Response) -> None:
    # A gateway in front of the server may answer 503 with a JSON body that has no PostgREST code; the client then
    # reports no code at all. The status alone decides that this is "not reachable now", not a server fault.
    # Only the Data API: Supabase Auth's answers are read (and their 5xx handled) by the session.
    if str(response.status_code) in _UNREACHABLE and "/rest/v1/" in response.request.url.path:
        response.read()  # finish the answer so the connection is handed back cleanly
        raise GatewayUnavailableError(response.status_code)


def make_http_client(*, timeout: float = 30.0, connect_timeout: float = 10.0) -> httpx.Client:
    """The one httpx client of a profile: timeouts on every call (S3), compressed answers, few connections."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=connect_timeout),
        limits=httpx.Limits(max_connections=4, max_keepalive_connections=2),
        headers={"Accept-Encoding": "gzip"},
        follow_redirects=True,
        event_hooks={"response": [_raise_when_unreachable]},
    )


# --- answer validation ---


def _field(obj: Mapping[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
    value = obj.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise MalformedAnswer(f"{what}: {key!r} is {type(value).__name__}, expected {kind}")
    return value


def _object(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise MalformedAnswer(f"{what}: answer is {type(data).__name__}, not an object")
    return data


#: Postgres' UTC text (`set timezone = 'UTC'` in the sync functions) with six fraction digits, or the canonical
#: form itself: nearly every timestamp of a pull. Anything else takes the general (slower) path.
_UTC_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}(?:\+00:00|Z)")


def _timestamp(value: Any, what: str, column: str | None = None) -> str:
    """The canonical text of a timestamp in an answer (`what`, and `column` of a row: for the error only)."""
    if value.__class__ is str and _is_utc_text(value):
        # A first sync has hundreds of thousands of these (Postgres' `to_json` under UTC): cut the text into shape
        # instead of formatting a datetime (~15x faster); fromisoformat still checks that it names a real moment
        # (no 25:00, no Feb 30). The shape is checked by position, the common case without a regex.
        try:
            _from_iso(value)
        except ValueError as exc:
            raise MalformedAnswer(f"{_where(what, column)}: bad timestamp {value!r}") from exc
        return value[:26] + "Z"
    if isinstance(value, str) and _UTC_TEXT.fullmatch(value):  # the same moment written with ' ' or 'Z'
        try:
            _from_iso(value)
        except ValueError as exc:
            raise MalformedAnswer(f"{_where(what, column)}: bad timestamp {value!r}") from exc
        return f"{value[:10]}T{value[11:26]}Z"
    try:
        return canonical(value)
    except (TypeError, ValueError, AttributeError) as exc:
        raise MalformedAnswer(f"{_where(what, column)}: bad timestamp {value!r}") from exc


def _where(what: str, column: str | None) -> str:
    return what if column is None else f"{what}.{column}"


def _is_utc_text(value: str) -> bool:
    """The shape of `to_json(timestamptz)` under UTC: `2026-11-23T16:59:19.474439+00:00`."""
    return (
        len(value) == 32
        and value[26:] == "+00:00"
        and value[10] == "T"
        and value[13] == ":"
        and value[16] == ":"
        and value[19] == "."
    )


_from_iso = datetime.fromisoformat


@cache
def _timestamp_columns(table: str) -> tuple[str, ...]:
    return tuple(column for column, kind in table_spec(table).all_columns.items() if kind == "timestamp")


def _normalise_in_place(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """`normalise_row` on a row this module owns (just decoded from the answer): no copy of it is made."""
    get = row.get
    for column in _timestamp_columns(table):
        value = get(column)
        if isinstance(value, str):
            row[column] = _timestamp(value, table, column)
    if not isinstance(get("id"), str):
        raise MalformedAnswer(f"{table}: row without an id")
    if not isinstance(get("field_stamps", _NO_STAMPS), dict):
        raise MalformedAnswer(f"{table}: field_stamps is not an object")
    return row


_NO_STAMPS: dict[str, Any] = {}


def normalise_row(table: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """The device's wire form: every timestamp column in the canonical text (data-model.md). A new dict."""
    return _normalise_in_place(table, dict(row))


def _known_table(name: Any, what: str) -> str:
    if not isinstance(name, str):
        raise MalformedAnswer(f"{what}: table is {type(name).__name__}")
    if name not in _TABLE_NAMES:  # a set, not table_spec's KeyError: this runs once per pulled row
        raise MalformedAnswer(f"{what}: unknown table {name!r}")
    return name


def parse_server_info(data: Any) -> ServerInfo:
    obj = _object(data, "server info")
    return ServerInfo(
        server_time=_timestamp(obj.get("server_time"), "server info"),
        schema_version=_field(obj, "schema_version", int, "server info"),
        min_app_schema=_field(obj, "min_app_schema", int, "server info"),
        epoch=str(obj.get("epoch") or ""),
        device_id=obj.get("device_id") if isinstance(obj.get("device_id"), str) else None,
    )


def parse_pull(data: Any) -> PullPage:
    obj = _object(data, "pull")
    entries = _field(obj, "rows", list, "pull")
    rows: list[tuple[str, dict[str, Any]]] = []
    for raw in entries:
        entry = _object(raw, "pull entry")
        table = _known_table(entry.get("t"), "pull entry")
        rows.append((table, _normalise_in_place(table, _object(entry.get("r"), "pull row"))))
    cursor = obj.get("cursor")
    if cursor is not None and not isinstance(cursor, str):
        raise MalformedAnswer("pull: cursor is not text")
    after = obj.get("after")
    if after is not None and not isinstance(after, str):
        raise MalformedAnswer("pull: after is not text")
    return PullPage(
        rows=rows,
        cursor=cursor,
        has_more=_field(obj, "has_more", bool, "pull"),
        schema_version=_field(obj, "schema_version", int, "pull"),
        min_app_schema=_field(obj, "min_app_schema", int, "pull"),
        server_time=_timestamp(obj.get("server_time"), "pull"),
        reset=bool(obj.get("reset", False)),
        columns=_columns(obj.get("columns")),
        counts=None if obj.get("counts") is None else parse_counts(obj["counts"], list(obj["counts"])),
        after=after,
    )


def _columns(data: Any) -> dict[str, str] | None:
    """The last page's column hashes; absent (a page before the last, or a server before schema 8) is None."""
    if data is None:
        return None
    obj = _object(data, "pull columns")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in obj.items()):
        raise MalformedAnswer("pull columns: not a map of table names to text")
    return dict(obj)


def _parse_result(obj: Any) -> PushResult:
    res = _object(obj, "push result")
    table = _known_table(res.get("table"), "push result")
    status = res.get("status")
    if status not in PUSH_STATUSES:
        raise MalformedAnswer(f"push result: status {status!r}")
    row = res.get("row")
    lost = res.get("lost_fields") or []
    if not isinstance(lost, list) or not all(isinstance(f, str) for f in lost):
        raise MalformedAnswer("push result: lost_fields is not a list of names")
    return PushResult(
        change_id=_field(res, "change_id", str, "push result"),
        table=table,
        id=_field(res, "id", str, "push result"),
        status=str(status),
        row=_normalise_in_place(table, _object(row, "push row")) if row is not None else None,
        lost_fields=list(lost),
        reason=res.get("reason") if isinstance(res.get("reason"), str) else None,
        code=res.get("code") if isinstance(res.get("code"), str) else None,
        clamped=bool(res.get("clamped", False)),
    )


def parse_push(data: Any, sent: Sequence[Mapping[str, Any]]) -> PushAnswer:
    obj = _object(data, "push")
    results = [_parse_result(r) for r in _field(obj, "results", list, "push")]
    if [r.change_id for r in results] != [str(c["change_id"]) for c in sent]:
        raise MalformedAnswer("push: the results do not match the changes sent")
    return PushAnswer(
        results=results,
        clamped=int(obj.get("clamped") or 0),
        server_time=_timestamp(obj.get("server_time"), "push"),
        schema_version=_field(obj, "schema_version", int, "push"),
    )


def parse_counts(data: Any, tables: Sequence[str]) -> dict[str, TableCount]:
    obj = _object(data, "counts")
    out: dict[str, TableCount] = {}
    for table in tables:
        entry = _object(obj.get(table), f"counts of {table}")
        out[table] = TableCount(
            count=_field(entry, "count", int, "counts"), checksum=_field(entry, "checksum", str, "counts")
        )
    return out


# --- the Supabase transport ---


def map_api_error(exc: APIError, fn: str) -> SyncError:
    """PostgREST's error (code = SQLSTATE, PGRST code or HTTP status) as one of ours."""
    code = str(exc.code or "")
    detail = f"{fn}: {code} {exc.message}"
    if code in _UNREACHABLE or code.startswith(("08", "53")):
        return Offline(detail, plain="The server is not reachable right now.")
    if code in _JWT_CODES or code == "401":
        return SessionExpired(detail)
    if code == _DEVICE_UNKNOWN:
        return DeviceUnknown(detail, code=code)
    if code in {"PGRST202", "404"}:
        return ServerError(detail, code=code, plain="The server is not set up for this app's sync.")
    if code in {"42501", "403"}:
        return AuthError(detail, plain="The server refused access for this account.")
    return ServerError(detail, code=code)


class SupabaseTransport:
    """`Transport` over supabase-py's `client.rpc`. The client must carry the user's session already."""

    def __init__(self, client: Client, device_id: str) -> None:
        self._client = client
        self.device_id = device_id

    def _rpc(self, fn: str, params: dict[str, Any]) -> Any:
        return self._guarded(fn, self._call, fn, params)

    def _guarded(self, fn: str, call: Callable[..., _T], *args: Any) -> _T:
        """`call(*args)` with every failure mapped to the tree of `sync.errors`."""
        try:
            return call(*args)
        except httpx.TimeoutException as exc:
            raise Offline(f"{fn}: timeout", plain="The server did not answer in time.") from exc
        except httpx.TransportError as exc:
            raise Offline(f"{fn}: {type(exc).__name__}") from exc
        except GatewayUnavailableError as exc:
            raise Offline(f"{fn}: {exc}", plain="The server is not reachable right now.") from exc
        except APIError as exc:
            raise map_api_error(exc, fn) from exc
        except (ValueError, httpx.DecodingError) as exc:  # a body that is not JSON, or broken gzip
            raise MalformedAnswer(f"{fn}: {type(exc).__name__}: {exc}") from exc

    def _call(self, fn: str, params: dict[str, Any]) -> Any:
        """The RPC's decoded answer. supabase-py decodes with the standard json module (~2x slower than orjson on
        a page of 1,000 rows, on the thread that fetches the next page); where its request object can be sent
        on its own, the answer is decoded here instead."""
        body = self._body(fn, params)
        if not isinstance(body, bytes):
            return body  # another supabase-py version: decoded its own way
        return orjson.loads(body) if body else []

    def _body(self, fn: str, params: dict[str, Any]) -> Any:
        """The RPC's answer body as bytes, an error answer read as the library reads it; with a supabase-py whose
        request object cannot be sent on its own, the library's decoded answer instead (not bytes)."""
        builder = self._client.rpc(fn, params)
        request = getattr(builder, "request", None)
        if not callable(getattr(request, "send", None)):
            return builder.execute().data
        response: httpx.Response = request.send(httpx.Headers())  # type: ignore[union-attr]
        if not response.is_success:
            try:
                error = APIErrorFromJSON.model_validate_json(response.content)
            except ValidationError:
                raise APIError(generate_default_error_message(response)) from None
            raise APIError(dict(error))
        return response.content

    def server_info(self) -> ServerInfo:
        return parse_server_info(self._rpc("sync_server_info", {}))

    def register_device(self, name: str, app_version: str) -> ServerInfo:
        params = {"p_device_id": self.device_id, "p_name": name, "p_app_version": app_version}
        return parse_server_info(self._rpc("sync_register_device", params))

    def pull(
        self,
        cursor: str | None,
        limit: int,
        tables: Sequence[str] | None = None,
        counts: Sequence[str] | None = None,
    ) -> PullPage:
        return parse_pull(self._rpc("sync_pull", self._pull_params(cursor, limit, tables, counts)))

    def pull_answer(
        self,
        cursor: str | None,
        limit: int,
        tables: Sequence[str] | None = None,
        counts: Sequence[str] | None = None,
        skip: int = 0,
    ) -> PullAnswer:
        params = self._pull_params(cursor, limit, tables, counts)
        if skip:
            params["p_skip"] = skip
        body = self._guarded("sync_pull", self._body, "sync_pull", params)
        if not isinstance(body, bytes):  # decoded by the library already: nothing to read ahead of
            return PullAnswer.decoded(parse_pull(body))
        return PullAnswer.of(body)

    def _pull_params(
        self, cursor: str | None, limit: int, tables: Sequence[str] | None, counts: Sequence[str] | None
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"p_device_id": self.device_id, "p_cursor": cursor, "p_limit": limit}
        if tables is not None:
            params["p_tables"] = list(tables)
        if counts is not None:
            params["p_counts"] = list(counts)
        return params

    def push(self, batch_id: str, changes: Sequence[Mapping[str, Any]]) -> PushAnswer:
        params = {"p_device_id": self.device_id, "p_batch_id": batch_id, "p_changes": list(changes)}
        return parse_push(self._rpc("sync_push", params), changes)

    def counts(self, tables: Sequence[str]) -> dict[str, TableCount]:
        return parse_counts(self._rpc("sync_counts", {"p_tables": list(tables)}), tables)
