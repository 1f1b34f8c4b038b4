"""The PostgREST subset under /rest/v1: `POST /rpc/<fn>` and a read-only `GET /<table>`.

Each request is one transaction on a pooled `authenticator` connection: verify the JWT, `SET LOCAL ROLE` to
its role claim, publish `request.jwt.claims`, `request.method`, `request.path`, `request.headers` and
`request.cookies` with `set_config(..., true)` as PostgREST does, then run the call. Arguments are bound the
way PostgREST binds them: `json_to_record` over the body, with the function's argument types from the catalog.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from devstack.keys import InvalidJwtError, StackKeys
from devstack.pool import ConnectionPool, PoolExhaustedError
from devstack.wire import Reply, pgrst_error, raw_json_reply, status_for_sqlstate

log = logging.getLogger(__name__)

SCHEMA = "public"
_FUNCTIONS_SQL = """
select p.proname, p.pronargs, p.pronargdefaults, p.proretset, p.prorettype = 'void'::regtype as is_void,
       t.typtype = 'c' or p.prorettype = 'record'::regtype as returns_row,
       coalesce(p.proargnames, '{}') as names, coalesce(p.proargmodes::text[], '{}') as modes,
       array(select format_type(x, null) from unnest(p.proargtypes) x) as in_types
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_type t on t.oid = p.prorettype
where n.nspname = %s and p.proname = %s and p.prokind = 'f'
"""
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Caller:
    role: str
    claims: dict[str, Any]


@dataclass(frozen=True)
class Function:
    name: str
    args: tuple[tuple[str, str], ...]  # (name, type) of the IN arguments, in order
    required: frozenset[str]
    returns_set: bool
    returns_row: bool
    is_void: bool


class RestError(Exception):
    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


class RestApi:
    def __init__(self, keys: StackKeys, pool: ConnectionPool) -> None:
        self.keys = keys
        self.pool = pool

    # -- entry points --------------------------------------------------------------------------------

    def rpc(self, name: str, headers: dict[str, str], body: bytes, path: str) -> Reply:
        def call() -> Reply:
            caller = self.authenticate(headers)
            args = _parse_args(body)
            with self.pool.connection() as conn:
                return self._rpc_in_transaction(
                    conn=conn, caller=caller, name=name, args=args, headers=headers, path=path
                )

        return _answer(call)

    def read_table(
        self, table: str, query: dict[str, list[str]], headers: dict[str, str], path: str
    ) -> Reply:
        def read() -> Reply:
            caller = self.authenticate(headers)
            with self.pool.connection() as conn:
                return self._read_in_transaction(
                    conn=conn, caller=caller, table=table, query=query, headers=headers, path=path
                )

        return _answer(read)

    def authenticate(self, headers: dict[str, str]) -> Caller:
        """The caller's role and claims: the bearer token, else the apikey itself (a key is a JWT too)."""
        apikey = headers.get("apikey", "")
        try:
            self.keys.verify(apikey)
        except InvalidJwtError as exc:
            reply = pgrst_error(401, "PGRST301", "Invalid API key", None, "Double check your API key.")
            raise RestError(reply) from exc
        bearer = headers.get("authorization", "")
        token = bearer[7:].strip() if bearer.lower().startswith("bearer ") else apikey
        try:
            claims = self.keys.verify(token)
        except InvalidJwtError as exc:
            raise RestError(pgrst_error(401, exc.code, exc.message)) from exc
        return Caller(str(claims["role"]), claims)

    # -- transactions --------------------------------------------------------------------------------

    def _rpc_in_transaction(
        self,
        *,
        conn: psycopg.Connection[Any],
        caller: Caller,
        name: str,
        args: dict[str, Any],
        headers: dict[str, str],
        path: str,
    ) -> Reply:
        function = _resolve(conn, name, args)
        # Only the arguments the body names are passed, so the others keep their SQL defaults.
        given = tuple((arg, typ) for arg, typ in function.args if arg in args)
        query = _call_sql(function, given)
        try:
            with conn.transaction():
                _enter_request(conn, caller, "POST", path, headers)
                row = conn.execute(query, (json.dumps(args),) if given else None).fetchone()
        except psycopg.Error as exc:
            return _db_error(exc, caller.role)
        if function.is_void:
            return Reply(204)
        return raw_json_reply(200, row[0] if row and row[0] is not None else "null")

    def _read_in_transaction(
        self,
        *,
        conn: psycopg.Connection[Any],
        caller: Caller,
        table: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        path: str,
    ) -> Reply:
        columns = _table_columns(conn, table)
        statement, offset = _select_sql(table, columns, query, headers)
        try:
            with conn.transaction():
                conn.execute("set transaction read only")
                _enter_request(conn, caller, "GET", path, headers)
                row = conn.execute(statement).fetchone()
        except psycopg.Error as exc:
            return _db_error(exc, caller.role)
        text, count = (row[0], row[1]) if row else ("[]", 0)
        content_range = f"{offset}-{offset + count - 1}/*" if count else "*/*"
        return raw_json_reply(200, text, {"Content-Range": content_range})


def _answer(handler: Callable[[], Reply]) -> Reply:
    """Run a request; refusals and database trouble become PostgREST's error answers."""
    try:
        return handler()
    except RestError as exc:
        return exc.reply
    except PoolExhaustedError as exc:
        return pgrst_error(503, "PGRST003", "Timed out acquiring connection from connection pool.", str(exc))
    except psycopg.OperationalError as exc:
        return _unreachable(exc)


def _enter_request(
    conn: psycopg.Connection[Any], caller: Caller, method: str, path: str, headers: dict[str, str]
) -> None:
    # One round trip, as PostgREST does it: set_config('role', ..., true) is SET LOCAL ROLE.
    conn.execute(
        "select set_config('role', %s, true), set_config('request.jwt.claims', %s, true),"
        " set_config('request.method', %s, true), set_config('request.path', %s, true),"
        " set_config('request.headers', %s, true), set_config('request.cookies', '{}', true)",
        (caller.role, json.dumps(caller.claims), method, path, json.dumps(headers)),
    )


def _unreachable(exc: psycopg.OperationalError) -> Reply:
    """The database could not be reached: 503, so clients treat it as "try again later", like PostgREST."""
    log.warning("database unreachable: %s", exc)
    return pgrst_error(503, "PGRST001", "Database client error. Retrying the connection.", None)


def _db_error(exc: psycopg.Error, role: str) -> Reply:
    diag = exc.diag
    sqlstate = diag.sqlstate or exc.sqlstate or "XX000"
    if isinstance(exc, psycopg.OperationalError) and not diag.sqlstate:
        return _unreachable(exc)
    message = diag.message_primary or str(exc)
    log.debug("SQL error %s: %s", sqlstate, message)
    return pgrst_error(
        status_for_sqlstate(sqlstate, role), sqlstate, message, diag.message_detail, diag.message_hint
    )


def _parse_args(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RestError(pgrst_error(400, "PGRST102", "Empty or invalid json", str(exc))) from exc
    if not isinstance(value, dict):
        raise RestError(pgrst_error(400, "PGRST102", "Empty or invalid json", "expected a JSON object"))
    return value


def _resolve(conn: psycopg.Connection[Any], name: str, args: dict[str, Any]) -> Function:
    """The overload of public.`name` whose argument names fit the body, as PostgREST picks it."""
    candidates = [_function_from_row(row) for row in conn.execute(_FUNCTIONS_SQL, (SCHEMA, name))]
    given = set(args)
    for function in candidates:
        names = {arg for arg, _ in function.args}
        if function.required <= given <= names:
            return function
    shown = ", ".join(sorted(given))
    raise RestError(
        pgrst_error(
            404,
            "PGRST202",
            f"Could not find the function {SCHEMA}.{name}({shown}) in the schema cache",
            f"Searched for the function {SCHEMA}.{name} with parameters {shown or 'none'}, "
            "but no matches were found in the schema cache.",
            None,
        )
    )


def _function_from_row(row: tuple[Any, ...]) -> Function:
    name, nargs, ndefaults, retset, is_void, returns_row, names, modes, in_types = row
    in_names = (
        [n for n, m in zip(names, modes, strict=False) if m in ("i", "b", "v")] if modes else names[:nargs]
    )
    args = tuple(zip(in_names, in_types, strict=False))
    required = frozenset(arg for arg, _ in args[: nargs - ndefaults])
    return Function(name, args, required, bool(retset), bool(returns_row), bool(is_void))


def _call_sql(function: Function, given: tuple[tuple[str, str], ...]) -> sql.Composed:
    call_args = sql.SQL(", ").join(
        sql.SQL("{} := _args.{}").format(sql.Identifier(arg), sql.Identifier(arg)) for arg, _ in given
    )
    call = sql.SQL("{}.{}({})").format(sql.Identifier(SCHEMA), sql.Identifier(function.name), call_args)
    source: sql.Composable = sql.SQL("")
    if given:
        # Types come from format_type() in the catalog, so they are already valid, quoted SQL type names.
        columns = sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(arg), sql.SQL(typ)) for arg, typ in given
        )
        source = sql.SQL(" from json_to_record(%s::json) as _args({})").format(columns)
    if function.returns_set:
        joiner = sql.SQL(", lateral ") if given else sql.SQL(" from ")
        return sql.SQL("select coalesce(json_agg(_r), '[]')::text{}{}{} _r").format(source, joiner, call)
    return sql.SQL("select to_json({})::text{}").format(call, source)


def _table_columns(conn: psycopg.Connection[Any], table: str) -> list[str]:
    rows = conn.execute(
        "select a.attname from pg_attribute a join pg_class c on c.oid = a.attrelid "
        "join pg_namespace n on n.oid = c.relnamespace where n.nspname = %s and c.relname = %s "
        "and c.relkind in ('r', 'v', 'm', 'p', 'f') and a.attnum > 0 and not a.attisdropped "
        "order by a.attnum",
        (SCHEMA, table),
    ).fetchall()
    if not rows:
        raise RestError(
            pgrst_error(404, "PGRST205", f"Could not find the table '{SCHEMA}.{table}' in the schema cache")
        )
    return [r[0] for r in rows]


def _select_sql(
    table: str, columns: list[str], query: dict[str, list[str]], headers: dict[str, str]
) -> tuple[sql.Composed, int]:
    chosen = _chosen_columns(query.get("select", ["*"])[0], columns)
    order = _order_by(query.get("order", [""])[0], columns)
    offset, limit = _window(query, headers)
    statement = sql.SQL(
        "select coalesce(json_agg(_t), '[]')::text, count(*) from (select {} from {}.{}{}{}{}) _t"
    ).format(
        chosen,
        sql.Identifier(SCHEMA),
        sql.Identifier(table),
        _where(query, columns),
        order,
        sql.SQL(" limit {} offset {}").format(
            sql.Literal(limit) if limit is not None else sql.SQL("all"), sql.Literal(offset)
        ),
    )
    return statement, offset


_RESERVED = {"select", "order", "limit", "offset", "columns", "on_conflict"}
_OPERATORS = {
    "eq": "=",
    "neq": "<>",
    "lt": "<",
    "lte": "<=",
    "gt": ">",
    "gte": ">=",
    "like": "like",
    "ilike": "ilike",
}
_IS_VALUES = {"null": "null", "true": "true", "false": "false", "unknown": "unknown"}


def _where(query: dict[str, list[str]], columns: list[str]) -> sql.Composable:
    """PostgREST's filters `col=op.value` (with `not.`): eq neq lt lte gt gte like ilike is in."""
    terms: list[sql.Composable] = []
    for column, values in query.items():
        if column in _RESERVED:
            continue
        if column not in columns:
            raise RestError(pgrst_error(400, "42703", f"column {column} does not exist"))
        terms.extend(_filter(column, value) for value in values)
    if not terms:
        return sql.SQL("")
    return sql.SQL(" where ") + sql.SQL(" and ").join(terms)


def _filter(column: str, expression: str) -> sql.Composable:
    negate = expression.startswith("not.")
    operator, _, value = expression.removeprefix("not.").partition(".")
    target = sql.Identifier(column)
    if operator in _OPERATORS:
        # A literal of unknown type: Postgres reads it as the column's type, as it does for PostgREST.
        term: sql.Composable = sql.SQL("{} {} {}").format(
            target,
            sql.SQL(_OPERATORS[operator]),
            sql.Literal(value.replace("*", "%") if "like" in operator else value),
        )
    elif operator == "is" and value in _IS_VALUES:
        term = sql.SQL("{} is {}").format(target, sql.SQL(_IS_VALUES[value]))
    elif operator == "in" and value.startswith("(") and value.endswith(")"):
        items = [item.strip().strip('"') for item in value[1:-1].split(",") if item.strip()]
        listed = sql.SQL(", ").join(sql.Literal(item) for item in items)
        term = sql.SQL("{} in ({})").format(target, listed) if items else sql.SQL("false")
    else:
        raise RestError(pgrst_error(400, "PGRST100", f'"failed to parse filter ({operator}.{value})"'))
    return sql.SQL("not ({})").format(term) if negate else term


def _chosen_columns(select: str, columns: list[str]) -> sql.Composable:
    if select.strip() in ("", "*"):
        return sql.SQL("*")
    names = [part.strip() for part in select.split(",")]
    for name in names:
        if name not in columns:
            raise RestError(pgrst_error(400, "42703", f"column {name} does not exist"))
    return sql.SQL(", ").join(sql.Identifier(name) for name in names)


def _order_by(order: str, columns: list[str]) -> sql.Composable:
    if not order:
        return sql.SQL("")
    terms = []
    for term in order.split(","):
        parts = term.strip().split(".")
        if parts[0] not in columns or not set(parts[1:]) <= {"asc", "desc", "nullsfirst", "nullslast"}:
            raise RestError(pgrst_error(400, "PGRST100", f'"failed to parse order ({order})"'))
        words = [{"nullsfirst": "nulls first", "nullslast": "nulls last"}.get(p, p) for p in parts[1:]]
        terms.append(sql.SQL("{} {}").format(sql.Identifier(parts[0]), sql.SQL(" ".join(words))))
    return sql.SQL(" order by ") + sql.SQL(", ").join(terms)


def _window(query: dict[str, list[str]], headers: dict[str, str]) -> tuple[int, int | None]:
    """offset and limit from `offset`/`limit` parameters, else from a `Range: a-b` header."""
    try:
        offset = int(query.get("offset", ["0"])[0])
        limit = int(query["limit"][0]) if "limit" in query else None
        match = re.fullmatch(r"\s*(\d+)-(\d*)\s*", headers.get("range", ""))
        if match and "offset" not in query and "limit" not in query:
            offset = int(match.group(1))
            limit = int(match.group(2)) - offset + 1 if match.group(2) else None
    except ValueError as exc:
        raise RestError(pgrst_error(400, "PGRST100", "limit and offset must be whole numbers")) from exc
    if offset < 0 or (limit is not None and limit < 0):
        raise RestError(pgrst_error(416, "PGRST103", "Requested range not satisfiable"))
    return offset, limit
