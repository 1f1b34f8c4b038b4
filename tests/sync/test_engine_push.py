"""Pushing through the engine against the devstack: C7 per-row rejection, C2 clamp, U2 retried batches,
U3 edits made while a push is in flight, U4 order."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from localdb import repo
from sync.errors import Offline
from sync.push import BATCH_STATE_KEY
from sync.rules import parse_ts, split_stamp
from sync.transport import PushAnswer
from tests.sync.support import DevicePark, PassThrough, School, server_row, server_sql


def _published_lesson(school: School, devices: DevicePark, title: str = "Shapes") -> tuple[Any, str]:
    teacher = devices.new(school.add("teacher", "teacher"))
    lesson = teacher.new_lesson(title)
    repo.publish_lesson(teacher.conn, lesson_id=lesson)
    assert teacher.sync().ok
    return teacher, lesson


def test_c7_forbidden_change_is_rejected_alone_and_the_rest_flows(
    school: School, devices: DevicePark
) -> None:
    _, lesson = _published_lesson(school, devices)
    learner = devices.new(school.add("learner", "learner"))
    assert learner.sync().ok
    assert learner.row("lessons", lesson)["title"] == "Shapes"

    repo.update_lesson(learner.conn, lesson_id=lesson, title="Shapes (learner was here)")
    started = datetime.now(UTC) - timedelta(minutes=5)
    practice = repo.record_practice_session(
        learner.conn, user_id=learner.profile.user_id, mode="word", started_at=started, lesson_id=lesson,
        score=80, completed_at=started + timedelta(minutes=4),
    )
    report = learner.sync()

    assert report.status == "ok", report.message
    assert report.rejected == 1 and report.pending == 0
    assert learner.row("lessons", lesson)["title"] == "Shapes"  # the server's version is back
    assert server_row(learner.server, "lessons", lesson)["title"] == "Shapes"
    assert server_row(learner.server, "practice_sessions", practice)["score"] == 80  # the queue flowed
    [conflict] = [c for c in learner.mirror.list_conflicts() if c.kind == "rejected"]
    assert conflict.row_id == lesson and "title" in conflict.fields
    assert conflict.local_values["title"] == "Shapes (learner was here)"
    assert conflict.reason


def test_c7_rejected_new_row_the_server_does_not_have_is_removed(school: School, devices: DevicePark) -> None:
    learner = devices.new(school.add("learner", "learner"))
    assert learner.sync().ok
    lesson = learner.new_lesson("A learner may not write lessons")
    report = learner.sync()
    assert report.rejected == 1 and report.pending == 0
    assert learner.row("lessons", lesson) is None
    assert server_row(learner.server, "lessons", lesson) is None
    assert learner.mirror.conflict_count() == 1


def test_c2_clock_three_years_ahead_is_clamped(school: School, devices: DevicePark) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    # A classroom PC whose clock says three years from now, before its first contact corrects it.
    teacher.mirror.set_clock_offset(3 * 365 * 86400.0)
    lesson = teacher.new_lesson("From the future")
    stamp = teacher.row("lessons", lesson)["field_stamps"]["title"]
    assert parse_ts(split_stamp(stamp)[0]) > datetime.now(UTC) + timedelta(days=365)

    report = teacher.sync()

    assert report.ok and report.clamped >= 1
    row = server_row(teacher.server, "lessons", lesson)
    server_stamp = parse_ts(split_stamp(row["field_stamps"]["title"])[0])
    assert server_stamp <= datetime.now(UTC) + timedelta(minutes=2)
    assert row["updated_at"] <= datetime.now(UTC) + timedelta(minutes=2)
    # The device took the server's clamped row, so it cannot win later conflicts with 2029 stamps either.
    local = parse_ts(split_stamp(teacher.row("lessons", lesson)["field_stamps"]["title"])[0])
    assert local <= datetime.now(UTC) + timedelta(minutes=2)


class LoseFirstAnswer(PassThrough):
    """The server applies the batch, but its answer never arrives (the link is cut on the way back)."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self.batches: list[str] = []

    def push(self, batch_id: str, changes: Sequence[Mapping[str, Any]]) -> PushAnswer:
        answer = super().push(batch_id, changes)
        self.batches.append(batch_id)
        if len(self.batches) == 1:
            raise Offline("answer lost on the way back")
        return answer


def test_u2_batch_whose_answer_was_lost_is_retried_and_applies_nothing_twice(
    school: School, devices: DevicePark
) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    assert teacher.sync().ok  # the user's own row arrives; practice records need it
    lesson = teacher.new_lesson("Once only")
    started = datetime.now(UTC) - timedelta(minutes=3)
    practice = repo.record_practice_session(
        teacher.conn, user_id=teacher.profile.user_id, mode="word", started_at=started, score=10
    )
    lossy = LoseFirstAnswer(teacher.sync_parts.engine.transport)
    teacher.wrap_transport(lambda inner: lossy)

    first = teacher.sync()
    assert first.status == "offline" and first.pending == 2
    assert "saved on this PC" in first.message
    stored = json.loads(teacher.mirror.get_state(BATCH_STATE_KEY))
    version_after_first = server_row(teacher.server, "lessons", lesson)["row_version"]

    repo.update_lesson(teacher.conn, lesson_id=lesson, title="Once only, edited")  # queued after the batch
    second = teacher.sync()

    assert second.ok, second.message
    assert lossy.batches[1] == stored["batch_id"]  # the same batch went again
    assert not teacher.mirror.get_state(BATCH_STATE_KEY)
    with server_sql(teacher.server) as conn:
        count = conn.execute(
            "select count(*) from practice_sessions where id = %s", (practice,)
        ).fetchone()[0]
        batches = conn.execute(
            "select count(*) from sync_batches where batch_id = %s", (stored["batch_id"],)
        ).fetchone()[0]
    assert count == 1 and batches == 1
    row = server_row(teacher.server, "lessons", lesson)
    # Exactly one more write than the first push: the edit, not a replay of the batch.
    assert row["row_version"] > version_after_first and row["title"] == "Once only, edited"
    assert teacher.mirror.pending_count() == 0


class EditDuringPush(PassThrough):
    """A person keeps typing while the push is on the wire: the row is edited again before the answer."""

    def __init__(self, inner: Any, edit: Any) -> None:
        super().__init__(inner)
        self.edit = edit
        self.sent: list[dict[str, Any]] = []

    def push(self, batch_id: str, changes: Sequence[Mapping[str, Any]]) -> PushAnswer:
        self.sent.extend(dict(c["row"]) for c in changes)
        answer = super().push(batch_id, changes)
        if self.edit is not None:
            self.edit()
            self.edit = None
        return answer


def test_u3_row_edited_while_its_push_was_in_flight_stays_queued(school: School, devices: DevicePark) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    lesson = teacher.new_lesson("Draft")
    assert teacher.sync().ok

    repo.update_lesson(teacher.conn, lesson_id=lesson, title="Second draft")

    def type_more() -> None:
        # Another connection, as the GUI's database worker would use.
        conn = teacher.mirror.connect()
        try:
            repo.update_lesson(conn, lesson_id=lesson, description="Typed during the push")
        finally:
            conn.close()

    wire = EditDuringPush(teacher.sync_parts.engine.transport, type_more)
    teacher.wrap_transport(lambda inner: wire)
    report = teacher.sync()

    assert report.ok, report.message
    # The first push carried the title only; settling it left the later edit queued, and it went up next
    # (the server's answer to the first push did not overwrite it on the device).
    assert [r["description"] for r in wire.sent] == [None, "Typed during the push"]
    assert report.pushed == 2 and report.pending == 0
    for row in (teacher.row("lessons", lesson), server_row(teacher.server, "lessons", lesson)):
        assert row["title"] == "Second draft" and row["description"] == "Typed during the push"


class Recorder(PassThrough):
    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self.sent: list[list[tuple[str, str]]] = []

    def push(self, batch_id: str, changes: Sequence[Mapping[str, Any]]) -> PushAnswer:
        self.sent.append([(c["table"], c["row"]["id"]) for c in changes])
        return super().push(batch_id, changes)


def test_u4_parents_go_before_children_and_a_row_goes_once(school: School, devices: DevicePark) -> None:
    teacher = devices.new(school.add("teacher", "teacher"))
    teacher.sync_parts.engine.batch_size = 2  # several batches: order must hold across them too
    first = teacher.new_lesson("Parent one")
    second = teacher.new_lesson("Parent two")
    note = repo.add_note(teacher.conn, lesson_id=second, author_id=teacher.profile.user_id, body="child")
    test = repo.create_test(teacher.conn, lesson_id=first, title="Child test")
    item = repo.add_test_item(
        teacher.conn, test_id=test, test_type="illustration", content={"prompt": "?"}, options=["a", "b"],
        correct_answer="a",
    )
    for n in range(3):
        repo.update_lesson(teacher.conn, lesson_id=first, description=f"edit {n}")
    recorder = Recorder(teacher.sync_parts.engine.transport)
    teacher.wrap_transport(lambda inner: recorder)

    report = teacher.sync()

    assert report.ok and report.pushed == 5 and report.rejected == 0
    order = [entry for batch in recorder.sent for entry in batch]
    assert order == [("lessons", first), ("lessons", second), ("notes", note), ("tests", test),
                     ("tests_content", item)]
    assert all(len(batch) <= 2 for batch in recorder.sent)
    assert server_row(teacher.server, "lessons", first)["description"] == "edit 2"
