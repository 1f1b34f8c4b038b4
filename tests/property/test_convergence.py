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

import json
import sqlite3
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localdb import repo
from localdb.tables import data_columns, table_spec
from tests.faults.support import Device, make_school, mirror_rows, normal_value, server_rows
from tests.faults.test_sync_faults import target
from tests.fixtures.faultproxy import FaultProxy, Rule

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


# --- the property, against the real devstack -------------------------------------------------------------

DEVICES = 3
SKEWS = [0.0, -600.0, -45.0, 30.0, 100.0]  # below the clamp tolerance or behind: no stamp is ever clamped
FAULTS = ["none", "none", "drop_push_answer", "cut_push_request", "cut_pull", "status_503"]
LESSON_FIELDS = {
    "title": st.text(alphabet="abcdefgh ", min_size=1, max_size=8).filter(str.strip),
    "description": st.one_of(st.none(), st.text(alphabet="xyz", max_size=6)),
    "difficulty_level": st.integers(min_value=1, max_value=5),
    "is_active": st.booleans(),
}
device_index = st.integers(min_value=0, max_value=DEVICES - 1)
pick = st.integers(min_value=0, max_value=1_000)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("create"), device_index, LESSON_FIELDS["title"]),
        st.tuples(st.just("edit"), device_index, pick, st.fixed_dictionaries({}, optional=LESSON_FIELDS)),
        st.tuples(st.just("delete"), device_index, pick),
        st.tuples(st.just("restore"), device_index, pick),
        st.tuples(st.just("practice"), device_index, st.floats(min_value=0, max_value=100, width=32)),
        st.tuples(st.just("sync"), device_index, st.sampled_from(FAULTS)),
        st.tuples(st.just("offline"), device_index, st.booleans()),
        st.tuples(st.just("drift"), device_index, st.sampled_from(SKEWS)),
    ),
    min_size=6,
    max_size=24,
)


def _rule(fault: str) -> list[Rule]:
    return {
        "none": [],
        "drop_push_answer": [Rule("/rpc/sync_push", "drop_answer")],
        "cut_push_request": [Rule("/rpc/sync_push", "cut_request", after_bytes=200)],
        "cut_pull": [Rule("/rpc/sync_pull", "cut_response", after_bytes=300)],
        "status_503": [Rule("/rpc/", "status")],
    }[fault]


class World:
    """One example: a fresh school, one teacher signed in on several devices, all behind one fault proxy."""

    def __init__(self, devstack: Any, proxy: FaultProxy, root: Path, skews: list[float]) -> None:
        self.devstack, self.proxy = devstack, proxy
        self.school = make_school(devstack, tag="conv")
        self.devices = [
            # Pages of 3 rows: pulls of several pages, read ahead (two requests out), meet the dropped answers too.
            Device(root / f"d{i}", proxy.url, devstack.anon_key, self.school.emails[0], page_size=3)
            for i in range(DEVICES)
        ]
        self.offline = [False] * DEVICES
        self.oracle = Oracle()
        self.seen_pushes = 0
        for device, skew in zip(self.devices, skews, strict=True):
            with device.mirror() as mirror:
                mirror.set_clock_offset(skew)  # a wrong clock, until the first contact corrects it (C2)

    def rows(self, i: int, deleted: bool) -> list[str]:
        with self.devices[i].conn() as conn:
            op = "IS NOT NULL" if deleted else "IS NULL"
            return [r[0] for r in conn.execute(f"SELECT id FROM lessons WHERE deleted_at {op} ORDER BY id")]

    def local(self, i: int, row_id: str | None, action: Callable[[sqlite3.Connection], str | None]) -> None:
        """Run one person's action on device i and record, from the device's own row, what it stamped."""
        device = self.devices[i]
        with device.mirror() as mirror:
            before = mirror.get_row("lessons", row_id) if row_id else None
            new_id = action(mirror.conn)
            row_id = row_id or new_id
            assert row_id is not None
            after = mirror.get_row("lessons", row_id)
        assert after is not None
        old_stamps = (before or {}).get("field_stamps") or {}
        stamps = after["field_stamps"] or {}
        changed = {c: after[c] for c, s in stamps.items() if old_stamps.get(c) != s}
        for column in data_columns("lessons"):
            if before is not None and before.get(column) != after.get(column):
                assert column in changed, f"U1: {column} changed without a fresh stamp"
        if changed:
            self.oracle.edit("lessons", row_id, changed, {c: stamps[c] for c in changed})

    def step(self, step: tuple[Any, ...]) -> None:
        kind, i = step[0], step[1]
        if kind == "create":
            self.local(
                i,
                None,
                lambda conn: repo.create_lesson(
                    conn, organisation_id=self.school.org_id, author_id=self.devices[i].user_id, title=step[2]
                ),
            )
        elif kind in ("edit", "delete", "restore"):
            candidates = self.rows(i, deleted=kind == "restore")
            if not candidates:
                return
            row_id = candidates[step[2] % len(candidates)]
            if kind == "edit" and step[3]:
                self.local(i, row_id, lambda conn: repo.update_lesson(conn, lesson_id=row_id, **step[3]))
            elif kind == "delete":
                self.local(i, row_id, lambda conn: repo.delete_lesson(conn, lesson_id=row_id))
            elif kind == "restore":
                self.local(i, row_id, lambda conn: repo.restore_lesson(conn, lesson_id=row_id))
        elif kind == "practice":
            self.practice(i, step[2])
        elif kind == "sync":
            self.sync(i, step[2])
        elif kind == "offline":
            self.offline[i] = step[2]
        elif kind == "drift":
            with self.devices[i].mirror() as mirror:
                mirror.set_clock_offset(step[2])  # the clock was changed by hand; the next sync corrects it

    def practice(self, i: int, score: float) -> None:
        device = self.devices[i]
        with device.mirror() as mirror:
            try:
                record = repo.record_practice_session(
                    mirror.conn,
                    user_id=device.user_id,
                    mode="word",
                    started_at=datetime.now(UTC),
                    score=score,
                )
            except repo.RecordNotFoundError:
                return  # the device has not pulled its own user row yet: the app would not offer practice
            row = mirror.get_row("practice_sessions", record)
        assert row is not None
        self.oracle.append(
            "practice_sessions", record, {c: row[c] for c in data_columns("practice_sessions")}
        )

    def sync(self, i: int, fault: str) -> None:
        self.proxy.faults.refuse = self.offline[i]
        self.proxy.faults.rules = _rule(fault)
        try:
            self.devices[i].sync()
        finally:
            self.proxy.faults.refuse, self.proxy.faults.rules = False, []
            self.read_pushes()

    def read_pushes(self) -> None:
        """Feed the oracle every push the server answered, in arrival order (the proxy saw them all)."""
        pushes = self.proxy.stats.requests("/rpc/sync_push")
        for exchange in pushes[self.seen_pushes :]:
            if exchange.status != 200 or exchange.body is None:
                continue
            body = json.loads(exchange.body)
            changes = [
                (c["table"], c["row"]["id"], c["row"].get("deleted_at"), c.get("restore_of"))
                for c in body["p_changes"]
            ]
            self.oracle.received(body["p_device_id"], body["p_batch_id"], changes)
        self.seen_pushes = len(pushes)

    def settle(self) -> None:
        """Everyone online, no faults, every device syncs twice."""
        self.offline = [False] * DEVICES
        for _ in range(2):
            for i in range(DEVICES):
                self.sync(i, "none")

    def check(self) -> None:
        db, org = self.devstack.db_url, self.school.org_id
        for table in ("lessons", "practice_sessions"):
            server = server_rows(db, table, org)
            for device in self.devices:
                assert mirror_rows(device, table) == server, f"{device.root.name} differs from the server"
                with device.mirror() as mirror:
                    assert mirror.pending_count() == 0
        server = {**server_rows(db, "lessons", org), **server_rows(db, "practice_sessions", org)}
        expected = self.oracle.expected()
        assert set(server) == set(expected), "rows made on devices and rows on the server differ"
        for row_id, want in expected.items():
            got = server[row_id]
            kinds = table_spec(want["table"]).columns
            assert got["deleted"] == want["deleted"], f"C3/C4: {row_id} deleted={got['deleted']}"
            for column, value in want.items():
                if column in kinds:
                    assert got[column] == normal_value(kinds[column], value), f"C1: {row_id}.{column}"


def run_example(devstack: Any, skews: list[float], plan: list[tuple[Any, ...]]) -> None:
    with (
        tempfile.TemporaryDirectory(prefix="tutordesk-conv-") as root,
        FaultProxy(target(devstack.url), keep_bodies="/rpc/sync_push") as proxy,
    ):
        world = World(devstack, proxy, Path(root), skews)
        # A shared start, so edits, deletes and restores on every device find rows to work on.
        for title in ("alpha", "beta", "gamma"):
            world.step(("create", 0, title))
        for i in range(DEVICES):
            world.step(("sync", i, "none"))
        for step in plan:
            world.step(step)
        world.settle()
        world.check()


COMMON = dict(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.mark.pg
@settings(max_examples=8, **COMMON)
@given(skews=st.lists(st.sampled_from(SKEWS), min_size=DEVICES, max_size=DEVICES), plan=steps)
def test_devices_converge_to_what_the_rules_predict(
    devstack: Any, skews: list[float], plan: list[Any]
) -> None:
    run_example(devstack, skews, plan)


@pytest.mark.pg
@pytest.mark.slow
@pytest.mark.timeout(3600)  # the whole Hypothesis run is one test item: ~5 s per example
@settings(max_examples=150, **COMMON)
@given(skews=st.lists(st.sampled_from(SKEWS), min_size=DEVICES, max_size=DEVICES), plan=steps)
def test_devices_converge_many_examples(devstack: Any, skews: list[float], plan: list[Any]) -> None:
    run_example(devstack, skews, plan)
