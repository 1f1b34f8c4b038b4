"""The fast paths of a first sync give exactly what the general code gives (and the checksum of P8 too).

`Codec.to_storage` answers the usual value of each kind inline, `dump_json` writes with orjson and falls back to
the standard encoder, and the transport cuts Postgres' UTC text into the canonical form instead of formatting a
datetime. Each is compared here with the plain conversion it replaces, on values drawn by Hypothesis.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localdb import apply as apply_module
from localdb.tables import TABLES
from localdb.wire import _TO_STORAGE, canonical_timestamp, codec, dump_json
from sync.errors import MalformedAnswer
from sync.rules import canonical
from sync.transport import _timestamp, parse_pull
from tests.localdb.mirror_helpers import merge_fieldwise, open_mirror, wire_row

TEXT = st.text(max_size=8)
# No NaN or infinity inside a value: JSON has none, and orjson writes them as null (see the test below).
FINITE = st.floats(allow_nan=False, allow_infinity=False)
JSON_LEAF = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | FINITE | TEXT
JSON = st.recursive(
    JSON_LEAF, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8
)
MOMENT = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
#: What a server or a device may put in each kind of column (right types, wrong types, NULL).
BY_KIND: dict[str, st.SearchStrategy[Any]] = {
    "int": st.none() | st.integers() | st.booleans() | FINITE,
    "real": st.none() | FINITE | st.integers(-(2**60), 2**60) | st.booleans(),
    "bool": st.none() | st.booleans() | st.integers(-2, 2),
    "json": JSON,
    "timestamp": st.none()
    | MOMENT.map(canonical)
    | MOMENT.map(lambda m: m.isoformat())
    | MOMENT.map(lambda m: m.replace(tzinfo=None).isoformat(sep=" ")),
    "text": st.none() | TEXT,
    "uuid": st.none() | st.uuids().map(str),
    "date": st.none() | st.dates().map(str),
}


TABLES_BY_NAME = {spec.name: spec for spec in TABLES}


def reference_to_storage(table: str, row: dict[str, Any]) -> tuple[Any, ...]:
    """The conversion as written before the fast paths: each column through its kind's converter."""
    kinds = TABLES_BY_NAME[table].all_columns
    out = []
    for column in codec(table).columns:
        conv = _TO_STORAGE.get(kinds[column])
        out.append(conv(row.get(column)) if conv is not None else row.get(column))
    return tuple(out)


def has_float(value: Any) -> bool:
    if isinstance(value, dict):
        return any(has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(has_float(v) for v in value)
    return isinstance(value, float)


@st.composite
def table_rows(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    spec = draw(st.sampled_from(TABLES))
    row = {column: draw(BY_KIND[kind]) for column, kind in spec.all_columns.items()}
    missing = draw(st.lists(st.sampled_from(list(row)), max_size=3))
    for column in missing:
        row.pop(column, None)  # a missing key is NULL
    return spec.name, row


def comparable(values: tuple[Any, ...], table: str) -> list[tuple[type, Any]]:
    """Each value with its type (1, 1.0 and True differ for SQLite); JSON text by value (1e-07 is 1e-7)."""
    kinds = TABLES_BY_NAME[table].all_columns.values()
    return [
        (type(v), json.loads(v) if kind == "json" and isinstance(v, str) else v)
        for v, kind in zip(values, kinds, strict=True)
    ]


@given(table_rows())
def test_to_storage_gives_what_the_converters_give(case: tuple[str, dict[str, Any]]) -> None:
    table, row = case
    fast, slow = codec(table).to_storage(row), reference_to_storage(table, row)
    assert comparable(fast, table) == comparable(slow, table)


@given(JSON)
def test_dump_json_writes_compact_text_of_the_same_value(value: Any) -> None:
    text = dump_json(value)
    assert json.loads(text) == value
    if not has_float(value):  # floats may be spelled differently (1e-07 / 1e-7), all else is the same text
        assert text == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"a": "é\u2028", "b": [1, 2.5, None, True]}, "{\"a\":\"é\u2028\",\"b\":[1,2.5,null,true]}"),
        (2**70, "1180591620717411303424"),  # beyond orjson's 64 bits: the standard encoder writes it
        ({1: 2}, '{"1":2}'),  # a non-text key, as json.dumps writes it
        (float("nan"), "NaN"),
    ],
)
def test_dump_json_edge_values_are_written_as_the_standard_encoder_writes_them(value: Any, expected: str) -> None:
    assert dump_json(value) == expected


@pytest.mark.parametrize("value", [datetime(2026, 1, 1), {"when": datetime(2026, 1, 1).date()}, object()])
def test_dump_json_still_refuses_what_is_not_json(value: Any) -> None:
    with pytest.raises(TypeError):
        dump_json(value)


@given(MOMENT, st.sampled_from(["iso", "space", "canonical", "offset"]))
def test_pulled_timestamps_become_the_canonical_text_of_the_same_instant(moment: datetime, form: str) -> None:
    text = {
        "iso": moment.isoformat(),  # Postgres' UTC form; without a fraction when it is zero
        "space": moment.isoformat(sep=" "),
        "canonical": canonical(moment),
        "offset": moment.astimezone(timezone(timedelta(hours=5, minutes=30))).isoformat(),  # general path
    }[form]
    assert _timestamp(text, "t") == canonical(moment) == canonical_timestamp(text)


@pytest.mark.parametrize(
    "text",
    [
        "2026-13-01T00:00:00.000000+00:00",  # month 13: the shape of the fast path, not a moment
        "2026-02-30T00:00:00.000000Z",
        "2026-11-23T25:00:00.000000+00:00",
        "2026-11-23T14:41:24.588698+00:00trailing",
        "yesterday-ish",
    ],
)
def test_a_bad_timestamp_in_a_pull_is_a_malformed_answer(text: str) -> None:
    page = {
        "rows": [{"t": "organisations", "r": {"id": "o1", "updated_at": text}}], "cursor": "e:1:1",
        "has_more": False, "schema_version": 5, "min_app_schema": 1,
        "server_time": "2026-11-23T12:00:00+00:00",
    }  # fmt: skip
    with pytest.raises(MalformedAnswer):
        parse_pull(page)


@pytest.mark.parametrize("table", [[1], {"a": 1}, 5, None])
def test_a_table_name_that_is_not_text_is_a_malformed_answer(table: Any) -> None:
    page = {"rows": [{"t": table, "r": {"id": "x"}}], "cursor": None, "has_more": False,
            "schema_version": 5, "min_app_schema": 1, "server_time": "2026-11-23T12:00:00Z"}  # fmt: skip
    with pytest.raises(MalformedAnswer):
        parse_pull(page)


def test_nan_inside_a_value_is_written_as_null() -> None:
    """The one value orjson writes differently: JSON has no NaN (json.dumps writes an invalid `NaN`), and no
    server answer or repository write carries one; a NaN on its own still goes through the standard encoder."""
    assert dump_json([float("nan"), 1]) == "[null,1]"
    assert math.isnan(json.loads(dump_json(float("nan"))))


@pytest.mark.parametrize("slice_size", [1, 2, 5, 10_000])
def test_the_checksum_hashes_the_ids_in_slices_as_one_joined_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slice_size: int
) -> None:
    """P8 compares this with the server's md5 of the joined ids: slicing must not change a byte of it."""
    monkeypatch.setattr(apply_module, "_CHECKSUM_SLICE", slice_size)
    with open_mirror(tmp_path) as mirror:
        rows = [wire_row("lessons", title=f"L{i}") for i in range(5)]
        mirror.apply_page([("lessons", r) for r in rows], "e:1:5", merge_fieldwise)
        ids = sorted(r["id"] for r in rows)
        assert mirror.table_checksum("lessons") == (5, hashlib.md5(",".join(ids).encode()).hexdigest())
        assert mirror.table_checksum("notes") == (0, hashlib.md5(b"").hexdigest())
