"""The convergence property of the design's SYNC.md ("What the tests must show"), with Hypothesis.

Several devices (separate mirrors) and the real devstack server; random create / edit (random fields) /
delete / restore, random offline periods, random clock offsets, random sync orders, dropped answers and
retries. After everyone syncs twice with no new edits, every device equals the server (visible rows and
fields), and the server equals what an oracle of C1-C5 predicts.

The oracle (`Oracle`) is written from the rules' text, independent of sync/rules.py:

- C1 by edits: every edit a person made is recorded with the stamp its device gave it (read from the device's
  own row right after the edit). The final value of a field is the value with the greatest stamp, whatever
  the order of arrival; so nothing typed is lost except to a later edit, and this part does not depend on
  timing.
- C3/C4 by arrivals: deletes and restores depend on order (a restore wins only if the tombstone it saw is
  still the row's tombstone when it arrives). The test reads every push the server answered off the wire
  (through the fault proxy), in arrival order; a batch already seen from that device applies nothing (U2).
- C5: every append-only record exists once, as created.

Clock offsets stay below the 2-minute clamp tolerance (C2) or are negative, so no stamp is clamped and the
oracle is exact; clamping itself is checked by the merge cases and the engine's own tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# --- the oracle -------------------------------------------------------------------------------------------


def moment(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "T", 1))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def stamp_key(stamp: str, seq: int) -> tuple[datetime, str, int]:
    """C1 order: later time, then greater device id; `seq` orders one device's own edits within a stamp."""
    when, _, device = stamp.partition("|")
    return moment(when), device.lower(), seq


@dataclass
class RowTruth:
    table: str
    fields: dict[str, Any] = field(default_factory=dict)
    keys: dict[str, tuple[datetime, str, int]] = field(default_factory=dict)
    deleted_at: str | None = None
    known_to_server: bool = False


@dataclass
class Oracle:
    rows: dict[str, RowTruth] = field(default_factory=dict)
    records: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    batches: set[tuple[str, str]] = field(default_factory=set)
    _seq: int = 0

    def edit(self, table: str, row_id: str, values: Mapping[str, Any], stamps: Mapping[str, str]) -> None:
        """A person set `values` on a device; `stamps` are the field stamps the device gave them."""
        self._seq += 1
        truth = self.rows.setdefault(row_id, RowTruth(table))
        for column, value in values.items():
            key = stamp_key(stamps[column], self._seq)
            if column not in truth.keys or key > truth.keys[column]:
                truth.fields[column] = value
                truth.keys[column] = key

    def append(self, table: str, row_id: str, values: Mapping[str, Any]) -> None:
        assert row_id not in self.records, "the test made two records with one id"
        self.records[row_id] = (table, dict(values))

    def received(
        self, device: str, batch: str, changes: list[tuple[str, str, str | None, str | None]]
    ) -> None:
        """The server answered a push: (table, row id, the row's deleted_at, restore_of) per change."""
        if (device, batch) in self.batches:
            return  # U2: a retried batch applies nothing twice
        self.batches.add((device, batch))
        for table, row_id, deleted_at, restore_of in changes:
            if table in {t for t, _ in self.records.values()}:
                continue  # C5: records are never merged
            truth = self.rows.setdefault(row_id, RowTruth(table))
            truth.deleted_at = self._tombstone(truth, deleted_at, restore_of)
            truth.known_to_server = True

    @staticmethod
    def _tombstone(truth: RowTruth, incoming: str | None, restore_of: str | None) -> str | None:
        current = truth.deleted_at
        if not truth.known_to_server or current is None:
            return incoming  # a new row, or a delete of a live row
        if incoming is not None:
            return min(current, incoming, key=moment)  # C3: both deleted: the earlier tombstone stays
        if restore_of is not None and moment(restore_of) == moment(current):
            return None  # C4: a restore by someone who saw this very tombstone
        return current  # C3: an edit never undeletes; a stale restore loses

    def expected(self) -> dict[str, dict[str, Any]]:
        """Row id -> {"table", "deleted", data fields...} as the server must hold it."""
        result: dict[str, dict[str, Any]] = {}
        for row_id, truth in self.rows.items():
            result[row_id] = {"table": truth.table, "deleted": truth.deleted_at is not None, **truth.fields}
        for row_id, (table, values) in self.records.items():
            result[row_id] = {"table": table, "deleted": False, **values}
        return result


# --- the oracle's own cases (pure, fast) ------------------------------------------------------------------

A, B = "aaaaaaaa-0000-4000-8000-000000000000", "bbbbbbbb-0000-4000-8000-000000000000"
T1, T2, T3 = "2026-01-01T10:00:00.000000Z", "2026-01-01T10:00:01.000000Z", "2026-01-01T10:00:02.000000Z"


def test_oracle_c1_later_stamp_wins_in_any_order() -> None:
    for order in ((0, 1), (1, 0)):
        oracle = Oracle()
        edits = [({"title": "from A"}, f"{T2}|{A}"), ({"title": "from B"}, f"{T1}|{B}")]
        for i in order:
            values, stamp = edits[i]
            oracle.edit("lessons", "r", values, {"title": stamp})
        assert oracle.expected()["r"]["title"] == "from A"


def test_oracle_c1_equal_times_greater_device_wins_and_fields_merge() -> None:
    oracle = Oracle()
    oracle.edit(
        "lessons", "r", {"title": "A", "description": "A"}, {"title": f"{T1}|{A}", "description": f"{T3}|{A}"}
    )
    oracle.edit("lessons", "r", {"title": "B"}, {"title": f"{T1}|{B}"})
    assert oracle.expected()["r"] | {} == {
        "table": "lessons",
        "deleted": False,
        "title": "B",
        "description": "A",
    }


def test_oracle_c1_one_devices_later_edit_in_the_same_millisecond_wins() -> None:
    oracle = Oracle()
    oracle.edit("lessons", "r", {"title": "first"}, {"title": f"{T1}|{A}"})
    oracle.edit("lessons", "r", {"title": "second"}, {"title": f"{T1}|{A}"})
    assert oracle.expected()["r"]["title"] == "second"


def test_oracle_c3_delete_is_sticky_against_edits() -> None:
    oracle = Oracle()
    oracle.received(A, "b1", [("lessons", "r", None, None)])
    oracle.received(A, "b2", [("lessons", "r", T2, None)])
    oracle.received(B, "b3", [("lessons", "r", None, None)])  # B's concurrent edit, without the tombstone
    assert oracle.expected()["r"]["deleted"]


def test_oracle_c3_two_deletes_keep_the_earlier_tombstone() -> None:
    oracle = Oracle()
    oracle.received(A, "b1", [("lessons", "r", None, None)])
    oracle.received(A, "b2", [("lessons", "r", T2, None)])
    oracle.received(B, "b3", [("lessons", "r", T1, None)])
    assert oracle.rows["r"].deleted_at == T1
    oracle.received(B, "b4", [("lessons", "r", None, T2)])  # restore of a tombstone that is no longer there
    assert oracle.expected()["r"]["deleted"]
    oracle.received(A, "b5", [("lessons", "r", None, T1)])
    assert not oracle.expected()["r"]["deleted"]


def test_oracle_c4_restore_then_a_late_delete_deletes_again() -> None:
    oracle = Oracle()
    oracle.received(A, "b1", [("lessons", "r", T1, None)])
    oracle.received(B, "b2", [("lessons", "r", None, T1)])
    assert not oracle.expected()["r"]["deleted"]
    oracle.received(A, "b3", [("lessons", "r", T3, None)])
    assert oracle.expected()["r"]["deleted"]


def test_oracle_u2_a_retried_batch_applies_nothing() -> None:
    oracle = Oracle()
    oracle.received(A, "b1", [("lessons", "r", T1, None)])
    oracle.received(B, "b2", [("lessons", "r", None, T1)])
    oracle.received(A, "b1", [("lessons", "r", T1, None)])  # A's retry of a batch whose answer it lost
    assert not oracle.expected()["r"]["deleted"]


def test_oracle_c5_records_exist_once_as_created() -> None:
    oracle = Oracle()
    oracle.append("practice_sessions", "p", {"score": 7.0})
    oracle.received(A, "b1", [("practice_sessions", "p", None, None)])
    assert oracle.expected() == {"p": {"table": "practice_sessions", "deleted": False, "score": 7.0}}
