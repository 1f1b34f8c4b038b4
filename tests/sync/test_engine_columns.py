"""P7 by columns: a pull's last page gives each table's column hash; the device back-fills only the tables whose
hash (or whose columns in this app) changed since its last completed pull, and a schema_version bump that changed
no column re-reads nothing. Server-side changes run on a devstack of the test's own (migrated) database."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import psycopg
import pytest

from devstack.front import DevstackFront
from devstack.keys import StackKeys
from sync.columns import COLUMNS_KEY, local_columns
from sync.status import Stage
from sync.transport import PullPage, Transport
from tests.fixtures.devstack import DevstackHandle
from tests.sync.support import Device, DevicePark, PassThrough, School


class SidePulls(PassThrough):
    """Records the tables of every side pull (a pull with `p_tables`: back-fill or heal)."""

    def __init__(self, inner: Transport) -> None:
        super().__init__(inner)
        self.tables: list[list[str]] = []

    def pull(
        self,
        cursor: str | None,
        limit: int,
        tables: Sequence[str] | None = None,
        counts: Sequence[str] | None = None,
    ) -> PullPage:
        if tables is not None:
            self.tables.append(list(tables))
        return super().pull(cursor, limit, tables, counts)


@pytest.fixture
def own_server(migrated_db: str) -> Iterator[DevstackHandle]:
    """A devstack over this test's own database, so its schema can be altered."""
    keys = StackKeys.generate()
    front = DevstackFront(migrated_db, keys).start()
    try:
        yield DevstackHandle(front.url, keys.anon_key, keys.service_role_key, migrated_db, keys, front)
    finally:
        front.stop()


@pytest.fixture
def own_devices(own_server: DevstackHandle, tmp_path: Path) -> Iterator[DevicePark]:
    park = DevicePark(own_server, tmp_path / "own-devices")
    yield park
    park.close()


def _synced_teacher(server: Any, devices: DevicePark) -> tuple[Device, str]:
    school = School(server, "P7 school")
    teacher = devices.new(school.add("teacher", "teacher"))
    lesson = teacher.new_lesson("Before the change")
    assert teacher.sync().ok
    return teacher, lesson


def _sync_recording(device: Device) -> SidePulls:
    side = SidePulls(device.sync_parts.engine.transport)
    device.wrap_transport(lambda inner: side)
    device.events.clear()
    report = device.sync()
    device.wrap_transport(lambda inner: side.inner)
    assert report.ok, report.message
    return side


def _remembered(device: Device) -> dict[str, list[str]]:
    raw = device.mirror.get_state(COLUMNS_KEY)
    assert raw is not None
    data: dict[str, list[str]] = json.loads(raw)
    return data


def test_a_column_added_on_the_server_back_fills_that_table_only(
    own_server: DevstackHandle, own_devices: DevicePark
) -> None:
    teacher, lesson = _synced_teacher(own_server, own_devices)
    before = _remembered(teacher)
    with psycopg.connect(own_server.db_url, autocommit=True) as conn:
        conn.execute("alter table public.lessons add column colour text")
        conn.execute("update public.lessons set colour = 'blue' where id = %s", (lesson,))

    side = _sync_recording(teacher)

    assert side.tables == [["lessons"]]
    assert Stage.SCHEMA in {e.stage for e in teacher.events}
    after = _remembered(teacher)
    assert after["lessons"][0] != before["lessons"][0]
    assert {t: v for t, v in after.items() if t != "lessons"} == {t: v for t, v in before.items() if t != "lessons"}
    assert _sync_recording(teacher).tables == []  # remembered: not read again


def test_a_schema_version_bump_that_changed_no_column_reads_nothing_again(
    own_server: DevstackHandle, own_devices: DevicePark
) -> None:
    teacher, _ = _synced_teacher(own_server, own_devices)
    known = int(teacher.mirror.get_state("schema_version") or 0)
    with psycopg.connect(own_server.db_url, autocommit=True) as conn:
        conn.execute("update public.sync_meta set schema_version = schema_version + 1")

    side = _sync_recording(teacher)

    assert side.tables == []
    assert Stage.SCHEMA not in {e.stage for e in teacher.events}
    assert teacher.mirror.get_state("schema_version") == str(known + 1)


def test_an_app_update_that_adds_a_column_back_fills_that_table_only(
    school: School, devices: DevicePark
) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    teacher.new_lesson("One")
    assert teacher.sync().ok
    remembered = _remembered(teacher)
    assert remembered["notes"][1] == local_columns("notes")
    # As if the previous app version had one column fewer in its notes table than this one.
    remembered["notes"][1] = local_columns("notes").rsplit(",", 1)[0]
    teacher.mirror.set_state(COLUMNS_KEY, json.dumps(remembered))

    side = _sync_recording(teacher)

    assert side.tables == [["notes"]]
    assert _remembered(teacher)["notes"][1] == local_columns("notes")
    assert _sync_recording(teacher).tables == []


def test_with_no_hashes_remembered_a_grown_schema_back_fills_every_table(
    school: School, devices: DevicePark
) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    ids = [teacher.new_lesson(f"Lesson {i}") for i in range(2)]
    assert teacher.sync().ok
    server_version = int(teacher.mirror.get_state("schema_version") or 0)
    # The first sync of this app version on a mirror the previous version left at an older schema.
    teacher.mirror.set_state(COLUMNS_KEY, None)
    teacher.mirror.set_state("schema_version", str(server_version - 1))

    side = _sync_recording(teacher)

    assert len(side.tables) == 1 and "lessons" in side.tables[0] and len(side.tables[0]) == 13
    assert teacher.mirror.get_state("schema_version") == str(server_version)
    assert set(_remembered(teacher)) == set(side.tables[0])  # now remembered: the next bump compares hashes
    assert {r[0] for r in teacher.conn.execute("SELECT id FROM lessons")} == set(ids)
    assert Stage.SCHEMA in {e.stage for e in teacher.events}


def test_with_no_hashes_remembered_and_the_same_schema_nothing_is_read_again(
    school: School, devices: DevicePark
) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    teacher.new_lesson("One")
    assert teacher.sync().ok
    teacher.mirror.set_state(COLUMNS_KEY, None)

    assert _sync_recording(teacher).tables == []
    assert len(_remembered(teacher)) == 13


class ColumnsChangeOnce(SidePulls):
    """The first side pull's last page says the lessons' columns changed (as if a column came meanwhile)."""

    def __init__(self, inner: Transport) -> None:
        super().__init__(inner)
        self.changed = False

    def pull(
        self,
        cursor: str | None,
        limit: int,
        tables: Sequence[str] | None = None,
        counts: Sequence[str] | None = None,
    ) -> PullPage:
        page = super().pull(cursor, limit, tables, counts)
        if tables is None or self.changed or page.has_more or page.columns is None:
            return page
        self.changed = True
        return dataclasses.replace(page, columns={**page.columns, "lessons": "0123456789ab"})


def test_a_hash_that_changes_during_the_back_fill_back_fills_that_table_again(
    school: School, devices: DevicePark
) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    teacher.new_lesson("One")
    assert teacher.sync().ok
    remembered = _remembered(teacher)
    real = remembered["lessons"][0]
    remembered["lessons"][0] = "ffffffffffff"  # the lessons' columns changed since the last pull
    teacher.mirror.set_state(COLUMNS_KEY, json.dumps(remembered))
    side = ColumnsChangeOnce(teacher.sync_parts.engine.transport)
    teacher.wrap_transport(lambda inner: side)

    assert teacher.sync().ok

    # Read for the remembered change; again for the change seen during it; again as it changed back; settled.
    assert side.tables == [["lessons"], ["lessons"], ["lessons"]]
    assert _remembered(teacher)["lessons"][0] == real
