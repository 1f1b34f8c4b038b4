"""Round-trips of every synced table: wire form -> mirror -> wire form gives back the same row.

Covers unicode (outside the BMP too), empty and large text, JSON fields of any shape, NULL in every nullable
column, booleans, 64-bit integers, floats, dates and canonical timestamps. Also: any ISO timestamp the server
may send comes back canonical and denotes the same instant.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localdb.mirror import Mirror
from localdb.tables import TABLES, TableSpec
from localdb.wire import canonical_timestamp

# Postgres text cannot hold NUL, and lone surrogates are not UTF-8: neither can come from the server.
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
# Large text built by repetition: drawing 20,000 characters one by one would make the test slow, not stronger.
LARGE = st.builds(lambda part, times: part * times, TEXT.filter(bool), st.integers(200, 2000))
MOMENT = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2199, 12, 31), timezones=st.just(UTC)
)
CANONICAL = MOMENT.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
JSON_SCALAR = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | TEXT
    | st.floats(allow_nan=False, allow_infinity=False)
)
JSON = st.recursive(
    JSON_SCALAR,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
UUID = st.uuids().map(str)

KIND: dict[str, st.SearchStrategy[Any]] = {
    "text": TEXT | LARGE | st.just(""),
    "uuid": UUID,
    "int": st.integers(-(2**63), 2**63 - 1),
    "real": st.floats(allow_nan=False, allow_infinity=False),
    "bool": st.booleans(),
    "json": JSON,
    "timestamp": CANONICAL,
    "date": st.dates().map(lambda d: d.isoformat()),
}


def row_of(spec: TableSpec) -> st.SearchStrategy[dict[str, Any]]:
    data = {c: st.none() | KIND[k] for c, k in spec.columns.items()}
    stamps = st.dictionaries(st.sampled_from(sorted(spec.columns)), st.builds(
        lambda t, d: f"{t}|{d}", CANONICAL, UUID), max_size=len(spec.columns))  # fmt: skip
    sync = {
        "id": UUID,
        "created_at": CANONICAL,
        "updated_at": CANONICAL,
        "deleted_at": st.none() | CANONICAL,
        "field_stamps": stamps,
        "writer_device": st.none() | UUID,
        "row_version": st.none() | st.integers(0, 2**63 - 1),
    }
    if "organisation_id" in spec.sync_columns:
        sync["organisation_id"] = UUID
    return st.fixed_dictionaries({**sync, **data})


@pytest.fixture(scope="module")
def mirror() -> Iterator[Mirror]:
    with tempfile.TemporaryDirectory() as tmp, Mirror.open(Path(tmp) / "mirror.sqlite3") as m:
        yield m


def keep_pulled(
    table: str, existing: Any, incoming: Any, restore_of: str | None
) -> tuple[dict[str, Any], list[str]]:
    raise AssertionError("a fresh id never has a pending local edit")


@pytest.mark.parametrize("spec", TABLES, ids=lambda s: s.name)
def test_every_table_round_trips_through_the_mirror(mirror: Mirror, spec: TableSpec) -> None:
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(row_of(spec))
    def check(row: dict[str, Any]) -> None:
        mirror.apply_page([(spec.name, row)], f"prop:{uuid.uuid4()}", keep_pulled)
        assert mirror.get_row(spec.name, row["id"]) == row
        assert mirror.pending_count() == 0  # pulled rows never echo (P4)

    check()


@given(MOMENT, st.integers(-14 * 60, 14 * 60), st.sampled_from(["T", " "]))
def test_any_iso_timestamp_becomes_canonical_and_keeps_its_instant(
    moment: datetime, minutes: int, sep: str
) -> None:
    zone = timezone(timedelta(minutes=minutes))
    text = moment.astimezone(zone).isoformat(sep=sep)
    canonical = canonical_timestamp(text)
    assert canonical is not None and len(canonical) == 27 and canonical.endswith("Z")
    assert datetime.fromisoformat(canonical) == moment
    assert canonical_timestamp(canonical) == canonical
