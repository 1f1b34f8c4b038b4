"""The conflict rules C1-C5 of the design's SYNC.md as pure functions, plus the clock helpers (C2).

`merge` is the one merge of docs/sync-protocol.md ("The merge"). The server's SQL `sync_merge_row` mirrors
it and both are checked against the shared table of cases in tests/cases/merge_cases.json.

Nothing here touches the network or SQLite: callers hand in rows in wire form (``dict`` with JSON values,
``field_stamps`` as a parsed object) and get rows back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

log = logging.getLogger(__name__)

__all__ = [
    "APPEND_ONLY_TABLES",
    "DEFAULT_TOLERANCE",
    "SYNC_COLUMNS",
    "MergeFn",
    "MergeOutcome",
    "canonical",
    "clock_offset",
    "corrected_now",
    "device_merge",
    "make_stamp",
    "merge",
    "parse_ts",
    "split_stamp",
    "stamp_time",
]

#: The eight sync columns of data-model.md; every other column of a synced table is a data column.
SYNC_COLUMNS = frozenset(
    {"id", "organisation_id", "created_at", "updated_at", "deleted_at", "field_stamps", "writer_device",
     "row_version"}
)
#: Append-only tables (C5): created once by their owner, never merged.
APPEND_ONLY_TABLES = frozenset({"test_attempts", "practice_sessions", "audit_log"})
#: How far ahead of the server's clock a stamp may be before it is clamped (C2).
DEFAULT_TOLERANCE = timedelta(minutes=2)

#: The merge `Mirror.apply_page` takes: (table, existing=pulled, incoming=local, restore_of) -> (row, lost).
MergeFn = Callable[
    [str, Mapping[str, Any], Mapping[str, Any], "str | None"], tuple[dict[str, Any], list[str]]
]


# --- clock helpers ---


def parse_ts(value: str | datetime) -> datetime:
    """A timestamp (ISO text in any offset, or a datetime) as an aware UTC datetime; naive counts as UTC."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = value.strip().replace(" ", "T", 1)
        moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def canonical(value: str | datetime) -> str:
    """The canonical text `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, six digits), whose text order is time order."""
    return parse_ts(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def make_stamp(moment: str | datetime, device_id: str) -> str:
    """A field stamp: canonical time, `|`, device id. Comparing two stamps as text is C1."""
    return f"{canonical(moment)}|{device_id.lower()}"


def split_stamp(stamp: str) -> tuple[str, str]:
    """(time text, device id) of a stamp; a stamp without a device part has an empty one."""
    moment, _, device = stamp.partition("|")
    return moment, device


def stamp_time(stamp: str) -> datetime:
    return parse_ts(split_stamp(stamp)[0])


def clock_offset(sent: datetime, received: datetime, server_time: str | datetime) -> float:
    """Seconds to add to this device's clock to read the server's: server_time - round-trip midpoint."""
    midpoint = sent + (received - sent) / 2
    return (parse_ts(server_time) - parse_ts(midpoint)).total_seconds()


def corrected_now(offset_seconds: float, *, clock: Callable[[], datetime] | None = None) -> datetime:
    """This device's clock corrected by the offset measured at the last contact with the server (C2)."""
    now = clock() if clock is not None else datetime.now(UTC)
    return parse_ts(now) + timedelta(seconds=offset_seconds)


# --- the merge ---


@dataclass(frozen=True)
class MergeOutcome:
    """What `merge` decided: the row, the incoming fields that lost (C6), and whether it clamped (C2)."""

    row: dict[str, Any]
    lost_fields: list[str] = field(default_factory=list)
    clamped: bool = False


def _clamp_text(value: str, limit: datetime, now: datetime) -> tuple[str, bool]:
    if parse_ts(value) > limit:
        return canonical(now), True
    return value, False


def _clamp(incoming: Mapping[str, Any], now: datetime, tolerance: timedelta) -> tuple[dict[str, Any], bool]:
    """Stamps later than now + tolerance become now, keeping their device part (C2)."""
    limit = now + tolerance
    row = dict(incoming)
    clamped = False
    stamps: dict[str, str] = {}
    for column, stamp in dict(incoming.get("field_stamps") or {}).items():
        moment, device = split_stamp(stamp)
        if moment and parse_ts(moment) > limit:
            stamps[column] = f"{canonical(now)}|{device}" if device else canonical(now)
            clamped = True
        else:
            stamps[column] = stamp
    row["field_stamps"] = stamps
    for column in ("updated_at", "deleted_at"):
        if row.get(column):
            row[column], hit = _clamp_text(row[column], limit, now)
            clamped = clamped or hit
    return row, clamped


def _same_time(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return parse_ts(a) == parse_ts(b)


def _merge_deleted(
    existing: str | None, incoming: str | None, restore_of: str | None
) -> tuple[str | None, bool]:
    """(result's deleted_at, whether a restore lost): C3 delete is sticky, C4 only a deliberate restore."""
    if existing is None:
        return incoming, False
    if incoming is not None:
        return min(existing, incoming, key=parse_ts), False
    if restore_of is not None and _same_time(restore_of, existing):
        return None, False
    return existing, restore_of is not None


def _later(a: str | None, b: str | None) -> str | None:
    if not a or not b:
        return a or b
    return max(a, b, key=parse_ts)


def _merge_fields(
    existing: Mapping[str, Any], incoming: Mapping[str, Any], row: dict[str, Any]
) -> tuple[dict[str, str], list[str]]:
    """C1 per data column: the later stamp wins (text order: time, then device); returns stamps, losers."""
    stamps_e: Mapping[str, str] = existing.get("field_stamps") or {}
    stamps_i: Mapping[str, str] = incoming.get("field_stamps") or {}
    stamps = dict(stamps_e)
    lost: list[str] = []
    columns = [c for c in {**existing, **incoming} if c not in SYNC_COLUMNS]
    for column in sorted(columns):
        si, se = stamps_i.get(column, ""), stamps_e.get(column, "")
        if si > se:
            row[column] = incoming.get(column)
            stamps[column] = si
        elif si < se and incoming.get(column) != existing.get(column) and column in incoming:
            lost.append(column)
    return stamps, lost


def merge(
    table: str,
    existing: Mapping[str, Any] | None,
    incoming: Mapping[str, Any],
    restore_of: str | None,
    *,
    now: datetime | str | None = None,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> MergeOutcome:
    """Merge `incoming` into `existing` per C1-C5 (docs/sync-protocol.md, "The merge", steps 1-6).

    `now` is the server's clock for the clamp (C2); the device passes None and nothing is clamped.
    """
    clamped = False
    if now is not None:
        incoming, clamped = _clamp(incoming, parse_ts(now), tolerance)
    if existing is None:
        return MergeOutcome(dict(incoming), [], clamped)
    if table in APPEND_ONLY_TABLES:
        return MergeOutcome(dict(existing), [], clamped)
    row = dict(existing)
    stamps, lost = _merge_fields(existing, incoming, row)
    row["field_stamps"] = stamps
    row["deleted_at"], restore_lost = _merge_deleted(
        existing.get("deleted_at"), incoming.get("deleted_at"), restore_of
    )
    if restore_lost:
        lost.append("deleted_at")
    if any(stamps.values()):
        greatest = max(stamps.values())
        moment, device = split_stamp(greatest)
        row["updated_at"] = canonical(moment)
        row["writer_device"] = device or row.get("writer_device")
    else:
        row["updated_at"] = _later(existing.get("updated_at"), incoming.get("updated_at"))
        if incoming.get("updated_at") and row["updated_at"] == incoming.get("updated_at"):
            row["writer_device"] = incoming.get("writer_device", row.get("writer_device"))
    return MergeOutcome(row, lost, clamped)


def device_merge(
    table: str, existing: Mapping[str, Any], incoming: Mapping[str, Any], restore_of: str | None
) -> tuple[dict[str, Any], list[str]]:
    """The `MergeFn` for `Mirror.apply_page` (P5): existing = the pulled row, incoming = the local row."""
    outcome = merge(table, existing, incoming, restore_of)
    if outcome.lost_fields:
        log.info("pulled %s row %s wins over local fields %s", table, existing.get("id"), outcome.lost_fields)
    return outcome.row, outcome.lost_fields
