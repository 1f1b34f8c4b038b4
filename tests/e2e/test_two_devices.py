"""Two devices (two data folders) and one server: what one does offline reaches the other (C1-C4)."""

from __future__ import annotations

from localdb import repo
from tests.sync.support import DevicePark, School


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
