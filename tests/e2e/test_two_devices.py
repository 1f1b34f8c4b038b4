"""Two devices (two data folders) and one server: what one does offline reaches the other (C1-C4)."""

from __future__ import annotations

from localdb import repo
from tests.sync.support import Device, DevicePark, School, server_row, server_sql


def test_lesson_made_offline_on_one_device_appears_on_the_other(school: School, devices: DevicePark) -> None:
    email = school.add("teacher", "teacher")
    laptop, classroom = devices.new(email), devices.new(email)
    lesson = laptop.new_lesson("Fractions", description="Halves and quarters")
    author = laptop.profile.user_id
    note = repo.add_note(laptop.conn, lesson_id=lesson, author_id=author, body="A half is 1/2")
    test = repo.create_test(laptop.conn, lesson_id=lesson, title="Fractions quiz", passing_score=60)
    item = repo.add_test_item(
        laptop.conn, test_id=test, test_type="illustration", content={"prompt": "Which is a half?"},
        options=["1/2", "1/3"], correct_answer="1/2",
    )
    assert laptop.mirror.pending_count() == 4

    first = laptop.sync()
    assert first.status == "ok", first.message
    assert first.pushed == 4 and first.pending == 0
    second = classroom.sync()
    assert second.status == "ok", second.message

    assert classroom.row("lessons", lesson)["title"] == "Fractions"
    assert classroom.row("notes", note)["body"] == "A half is 1/2"
    assert classroom.row("tests", test)["passing_score"] == 60
    assert classroom.row("tests_content", item)["correct_answer"] == "1/2"
    assert classroom.mirror.pending_count() == 0  # P4: pulled rows never echo back


def _pair(school: School, devices: DevicePark) -> tuple[Device, Device, str]:
    email = school.add("teacher", "teacher")
    laptop, classroom = devices.new(email), devices.new(email)
    lesson = laptop.new_lesson("Fractions", description="Halves", difficulty_level=2)
    assert laptop.sync().ok and classroom.sync().ok
    return laptop, classroom, lesson


def _everyone_syncs(*devices: Device) -> None:
    for device in (*devices, *devices):  # twice round: each sees what the others sent
        report = device.sync()
        assert report.ok, report.message


def test_c1_different_fields_are_both_kept(school: School, devices: DevicePark) -> None:
    laptop, classroom, lesson = _pair(school, devices)
    repo.update_lesson(laptop.conn, lesson_id=lesson, title="Fractions for year 5")
    repo.update_lesson(classroom.conn, lesson_id=lesson, description="Halves, quarters and eighths")

    _everyone_syncs(laptop, classroom)

    for device in (laptop, classroom):
        row = device.row("lessons", lesson)
        assert row["title"] == "Fractions for year 5"
        assert row["description"] == "Halves, quarters and eighths"
    assert server_row(laptop.server, "lessons", lesson)["title"] == "Fractions for year 5"
    # Nobody lost anything: a column this device never touched is not reported as a lost value.
    assert laptop.mirror.conflict_count() == 0 and classroom.mirror.conflict_count() == 0


def test_c1_same_field_the_later_edit_wins_everywhere_and_the_loser_is_kept(
    school: School, devices: DevicePark
) -> None:
    laptop, classroom, lesson = _pair(school, devices)
    laptop.mirror.set_clock_offset(-5.0)  # the laptop's edit is certainly the earlier one
    repo.update_lesson(laptop.conn, lesson_id=lesson, difficulty_level=3)
    repo.update_lesson(classroom.conn, lesson_id=lesson, difficulty_level=5)

    assert classroom.sync().ok  # the later edit reaches the server first...
    late = laptop.sync()  # ...then the earlier one, which loses
    assert late.ok and late.conflicts == 1
    _everyone_syncs(laptop, classroom)

    assert laptop.row("lessons", lesson)["difficulty_level"] == 5
    assert classroom.row("lessons", lesson)["difficulty_level"] == 5
    [lost] = [c for c in laptop.mirror.list_conflicts() if c.kind == "lost"]
    assert lost.fields == ["difficulty_level"] and lost.local_values == {"difficulty_level": 3}
    with server_sql(laptop.server) as conn:
        kept = conn.execute("select count(*) from sync_conflicts where row_id = %s", (lesson,)).fetchone()[0]
    assert kept >= 1  # the server keeps the loser too (C6)


def test_c3_delete_is_sticky_and_concurrent_edits_merge_into_the_tombstone(
    school: School, devices: DevicePark
) -> None:
    laptop, classroom, lesson = _pair(school, devices)
    repo.delete_lesson(laptop.conn, lesson_id=lesson)
    repo.update_lesson(classroom.conn, lesson_id=lesson, title="Edited while it was being deleted")

    _everyone_syncs(laptop, classroom)

    for device in (laptop, classroom):
        row = device.row("lessons", lesson)
        assert row["deleted_at"] is not None, "a delete is never undone by an edit"
        assert row["title"] == "Edited while it was being deleted"
    assert server_row(laptop.server, "lessons", lesson)["deleted_at"] is not None

    # C4: the classroom saw the tombstone and restores deliberately: the newest content comes back.
    repo.restore_lesson(classroom.conn, lesson_id=lesson)
    _everyone_syncs(classroom, laptop)
    for device in (laptop, classroom):
        row = device.row("lessons", lesson)
        assert row["deleted_at"] is None and row["title"] == "Edited while it was being deleted"


def test_c4_a_restore_of_a_tombstone_that_changed_meanwhile_stays_deleted(
    school: School, devices: DevicePark
) -> None:
    laptop, classroom, lesson = _pair(school, devices)
    repo.delete_lesson(laptop.conn, lesson_id=lesson)
    _everyone_syncs(laptop, classroom)  # both saw the first delete
    # The laptop restores and deletes again (a new tombstone) while the classroom is offline...
    repo.restore_lesson(laptop.conn, lesson_id=lesson)
    assert laptop.sync().ok
    repo.delete_lesson(laptop.conn, lesson_id=lesson)
    assert laptop.sync().ok
    # ...and the classroom restores the tombstone it saw, which is no longer the row's.
    repo.restore_lesson(classroom.conn, lesson_id=lesson)
    report = classroom.sync()

    assert report.ok and report.conflicts == 1
    assert classroom.row("lessons", lesson)["deleted_at"] is not None
    assert server_row(laptop.server, "lessons", lesson)["deleted_at"] is not None
    [lost] = [c for c in classroom.mirror.list_conflicts() if c.kind == "lost"]
    assert "deleted_at" in lost.fields


def test_deletes_flow_from_either_device(school: School, devices: DevicePark) -> None:
    laptop, classroom, lesson = _pair(school, devices)
    note = repo.add_note(classroom.conn, lesson_id=lesson, author_id=classroom.profile.user_id, body="tmp")
    _everyone_syncs(classroom, laptop)
    assert laptop.row("notes", note)["body"] == "tmp"
    repo.delete_note(laptop.conn, note_id=note)
    _everyone_syncs(laptop, classroom)
    assert classroom.row("notes", note)["deleted_at"] is not None
