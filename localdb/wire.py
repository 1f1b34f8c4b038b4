"""Wire form <-> SQLite storage for the rows of synced tables.

Wire form (what the server's JSON carries and what `sync` handles): a dict of JSON values; bools as `bool`,
JSON columns as parsed values, timestamps as canonical text `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, six
fraction digits, so that text order is time order). Storage (data-model.md): bools as 0/1, JSON as text,
numeric as REAL.

A `Codec` per table converts whole rows in one pass; it is on the hot path of applying pulled pages, so
columns that need no conversion are passed through untouched.
"""

from __future__ import annotations

import json
import json.encoder
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

import orjson

from localdb.tables import table_spec

__all__ = ["Codec", "canonical_timestamp", "codec", "dump_json"]

Converter = Callable[[Any], Any]


def canonical_timestamp(value: Any) -> str | None:
    """Any ISO-8601 timestamp (text or datetime; naive means UTC) as canonical text; None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        # Fast paths: already canonical, or Postgres' UTC form with six fraction digits.
        if len(value) == 27 and value[26] == "Z" and value[10] == "T" and value[19] == ".":
            return value
        if len(value) == 32 and value.endswith("+00:00") and value[19] == ".":
            return f"{value[:10]}T{value[11:26]}Z"
        moment = datetime.fromisoformat(value.replace(" ", "T", 1) if len(value) > 10 else value)
    elif isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        raise TypeError(f"not a timestamp: {value!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# json.dumps with non-default options builds a new encoder per call, and so does JSONEncoder.encode for its C
# part; one C encoder made once (no circular-reference check: wire values are trees) is ~3x faster.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_MAKE_C_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)  # CPython's accelerator, not in typeshed
_C_ENCODER: Any = (
    _MAKE_C_ENCODER(
        None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
    if _MAKE_C_ENCODER is not None
    else None
)
# orjson writes the same compact text (UTF-8 kept, no spaces) about 8x faster again: a first sync stores a JSON
# column or two (field_stamps at least) per row. What it would write differently or not at all goes to the
# standard encoder instead: a datetime, dataclass or subclass (passed through, so it fails there as before), an
# int beyond 64 bits, a non-text key, NaN. Floats may be spelled differently (1e16, not 1e+16): same value.
_ORJSON_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def _std_dump(value: Any) -> str:
    if _C_ENCODER is not None:
        return "".join(_C_ENCODER(value, 0))
    return _ENCODER.encode(value)


def dump_json(value: Any) -> str:
    """Compact JSON text, non-ASCII kept as it is (smaller and readable in the file)."""
    if value.__class__ is float:  # NaN and infinities: orjson would write null, the standard encoder says so
        return _std_dump(value)
    try:
        return orjson.dumps(value, option=_ORJSON_OPTIONS).decode()
    except TypeError:
        return _std_dump(value)


def _json_in(value: Any) -> str | None:
    return None if value is None else dump_json(value)


def _json_out(value: Any) -> Any:
    return None if value is None else json.loads(value)


def _bool_in(value: Any) -> int | None:
    return None if value is None else int(bool(value))


def _bool_out(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _real_in(value: Any) -> float | None:
    return None if value is None else float(value)


def _int_in(value: Any) -> int | None:
    return None if value is None else int(value)


_TO_STORAGE: dict[str, Converter | None] = {
    "json": _json_in,
    "bool": _bool_in,
    "timestamp": canonical_timestamp,
    "real": _real_in,
    "int": _int_in,
}
_FROM_STORAGE: dict[str, Converter | None] = {"json": _json_out, "bool": _bool_out, "real": _real_in}


class Codec:
    """Row conversion for one synced table; `columns` is the storage order used by every statement."""

    def __init__(self, table: str) -> None:
        spec = table_spec(table)
        self.table = table
        self.columns: tuple[str, ...] = tuple(spec.all_columns)
        kinds = spec.all_columns
        self._out = [(i, c, _FROM_STORAGE.get(kinds[c])) for i, c in enumerate(self.columns)]
        self.to_storage = _compile_to_storage(self.columns, kinds)

    def to_wire(self, row: Sequence[Any] | sqlite3.Row) -> dict[str, Any]:
        """A stored row (selected in `columns` order) as a wire dict."""
        return {c: (conv(row[i]) if conv is not None else row[i]) for i, c, conv in self._out}

    @property
    def select_list(self) -> str:
        return ", ".join(self.columns)


#: Per kind, the generated expression for one column: `{v}` is a fresh local name, `{c}` the column's name. The
#: common case is answered inline (already an int, a float, a bool; None; a canonical timestamp), the rest by
#: the converter of `_TO_STORAGE`; each expression gives exactly what that converter gives.
_INLINE: dict[str, str] = {
    "int": "({v} if ({v} := get({c})).__class__ is int else conv_int({v}))",
    "real": "({v} if ({v} := get({c})).__class__ is float else conv_real({v}))",
    "bool": "((1 if {v} else 0) if ({v} := get({c})).__class__ is bool else conv_bool({v}))",
    "json": "(None if ({v} := get({c})) is None else dump_json({v}))",
    "timestamp": (
        "({v} if ({v} := get({c})) is None or ({v}.__class__ is str and len({v}) == 27 and {v}[26] == 'Z' "
        "and {v}[10] == 'T' and {v}[19] == '.') else conv_timestamp({v}))"
    ),
}


def _compile_to_storage(
    columns: Sequence[str], kinds: Mapping[str, str]
) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """One straight-line function per table: `row -> tuple` in `columns` order (missing keys are NULL).

    Applying a first sync converts hundreds of thousands of rows; a generated tuple expression is about twice
    as fast as looping over (column, converter) pairs, and answering the usual case inline (see `_INLINE`)
    saves a call per column again. Column names come from tables.py, never from input.
    """
    env: dict[str, Any] = {f"conv_{kind}": conv for kind, conv in _TO_STORAGE.items() if conv is not None}
    env["dump_json"] = dump_json
    parts = []
    for n, c in enumerate(columns):
        inline = _INLINE.get(kinds[c])
        parts.append(inline.format(v=f"v{n}", c=repr(c)) if inline is not None else f"get({c!r})")
    source = f"def to_storage(row):\n    get = row.get\n    return ({', '.join(parts)},)\n"
    exec(compile(source, f"<to_storage {len(columns)} columns>", "exec"), env)
    function: Callable[[Mapping[str, Any]], tuple[Any, ...]] = env["to_storage"]
    return function


@cache
def codec(table: str) -> Codec:
    return Codec(table)
