"""Two devices edit one lesson at the same time (C1, C6): only a column a device changed can be its loss.

Each pushed change says which columns this device changed (`changed_fields`); the server's merge counts only
those as lost, and the device keeps only those as its own conflicts. Real devstack, real engine, two data
folders signed in to the same teacher.
"""

from __future__ import annotations

from typing import Any

from localdb import repo
from tests.sync.support import Device, DevicePark, School, server_sql


def _two_devices_with_a_lesson(school: School, devices: DevicePark) -> tuple[Device, Device, str]:
    email = school.add("teacher", "teacher")
    a, b = devices.new(email), devices.new(email)
    lesson = a.new_lesson("Shapes", description="Circles and squares")
    assert a.sync().ok and b.sync().ok
    assert b.row("lessons", lesson)["title"] == "Shapes"  # type: ignore[index]
    return a, b, lesson


def _server_conflicts(server: Any, row_id: str) -> list[tuple[str, list[str], Any]]:
    with server_sql(server) as conn:
        rows = conn.execute(
            "select kind, fields, local_values from sync_conflicts where row_id = %s", (row_id,)
        ).fetchall()
    return [(str(kind), list(fields), local) for kind, fields, local in rows]


def test_edits_of_different_columns_merge_without_any_conflict(school: School, devices: DevicePark) -> None:
    a, b, lesson = _two_devices_with_a_lesson(school, devices)
    repo.update_lesson(a.conn, lesson_id=lesson, title="Shapes and angles")
    repo.update_lesson(b.conn, lesson_id=lesson, description="Triangles too")
    # A goes first; B's row still holds the title it pulled, under a stamp now older than A's: not B's loss.
    ra, rb, ra2 = a.sync(), b.sync(), a.sync()

    assert ra.ok and rb.ok and ra2.ok
    assert (ra.conflicts, rb.conflicts, ra2.conflicts) == (0, 0, 0)
    for device in (a, b):
        row = device.row("lessons", lesson)
        assert row is not None and (row["title"], row["description"]) == ("Shapes and angles", "Triangles too")
        assert device.mirror.list_conflicts() == []
    assert _server_conflicts(a.server, lesson) == []


def test_edits_of_the_same_column_make_one_conflict_the_losers(school: School, devices: DevicePark) -> None:
    a, b, lesson = _two_devices_with_a_lesson(school, devices)
    repo.update_lesson(a.conn, lesson_id=lesson, title="A's title")
    b.mirror.set_clock_offset(60)  # B's stamp is surely the later one (within the clamp's tolerance)
    repo.update_lesson(b.conn, lesson_id=lesson, title="B's title")  # later: B's edit wins (C1)
    assert b.sync().ok
    report = a.sync()
    assert b.sync().ok

    assert report.ok and report.conflicts == 1
    [conflict] = a.mirror.list_conflicts()
    assert (conflict.kind, conflict.fields, conflict.local_values) == ("lost", ["title"], {"title": "A's title"})
    assert b.mirror.list_conflicts() == []
    assert _server_conflicts(a.server, lesson) == [("lost", ["title"], {"title": "A's title"})]
    for device in (a, b):
        assert device.row("lessons", lesson)["title"] == "B's title"  # type: ignore[index]
