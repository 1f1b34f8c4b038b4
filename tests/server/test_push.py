"""sync_push: per-row results (U3), clamp (C2), merge (C1, C3, C4), append-only (C5), losers kept (C6),
rejections that block nothing (C7), idempotent batches (U2), and the stamps of writes that bypass sync."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from tests.server.conftest import DEVICE, LATEST_SCHEMA, Actor, Server, World, ids_of, pull_all, register

pytestmark = pytest.mark.pg

OTHER_DEVICE = "d0000000-0000-4000-8000-0000000000ff"
LESSON_FIELDS = ("author_id", "title", "description", "lesson_type", "difficulty_level", "is_active")


def ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_ts(offset: timedelta = timedelta()) -> str:
    return ts(datetime.now(UTC) + offset)


def stamp(moment: str, device: str = DEVICE) -> str:
    return f"{moment}|{device}"


def lesson_row(
    world: World, author: Actor, when: str, *, row_id: str | None = None, **fields: Any
) -> dict[str, Any]:
    """A lesson as a device sends it: every column but row_version, each data field stamped at `when`."""
    data: dict[str, Any] = {
        "author_id": author.id,
        "title": "Fractions",
        "description": "halves",
        "lesson_type": "word",
        "difficulty_level": 2,
        "is_active": True,
        **fields,
    }
    return {
        "id": row_id or str(uuid.uuid4()),
        "organisation_id": world.org_a,
        "created_at": when,
        "updated_at": when,
        "deleted_at": None,
        "writer_device": DEVICE,
        "field_stamps": {column: stamp(when) for column in data},
        **data,
    }


def change(
    table: str, row: dict[str, Any], op: str = "upsert", restore_of: str | None = None
) -> dict[str, Any]:
    return {"change_id": str(uuid.uuid4()), "table": table, "op": op, "row": row, "restore_of": restore_of}


def push(server: Server, actor: Actor, *changes: dict[str, Any], batch: str | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = server.rpc(
        actor, "sync_push", p_device_id=DEVICE, p_batch_id=batch or str(uuid.uuid4()), p_changes=list(changes)
    )
    return answer


@pytest.fixture
def pushing(server: Server, world: World) -> World:
    for actor in (world.teacher1, world.teacher2, world.learner1, world.admin):
        register(server, actor)
    return world


def test_new_rows_are_applied_with_the_devices_stamps(server: Server, pushing: World) -> None:
    w = pushing
    when = now_ts(-timedelta(minutes=5))
    row = lesson_row(w, w.teacher1, when)
    answer = push(server, w.teacher1, change("lessons", row))
    (result,) = answer["results"]
    assert result["status"] == "applied" and result["id"] == row["id"] and result["clamped"] is False
    assert answer["clamped"] == 0 and answer["schema_version"] == LATEST_SCHEMA and answer["server_time"]
    stored = server.row("lessons", row["id"])
    assert stored is not None and stored["title"] == "Fractions"
    assert stored["field_stamps"] == row["field_stamps"] and str(stored["writer_device"]) == DEVICE
    assert result["row"]["row_version"] == stored["row_version"] > 0


def test_per_row_results_and_a_rejected_row_blocks_nothing(server: Server, pushing: World) -> None:
    w = pushing
    when = now_ts()
    good = lesson_row(w, w.teacher1, when)
    foreign = lesson_row(w, w.teacher2, when, row_id=w.lessons["t2_published"], title="stolen")
    bad_check = lesson_row(w, w.teacher1, when, difficulty_level=9)
    orphan_note = {
        "id": str(uuid.uuid4()),
        "organisation_id": w.org_a,
        "lesson_id": str(uuid.uuid4()),
        "title": "orphan",
        "field_stamps": {"title": stamp(when)},
        "updated_at": when,
        "created_at": when,
    }
    child_note = {**orphan_note, "id": str(uuid.uuid4()), "lesson_id": good["id"], "title": "child"}
    answer = push(
        server,
        w.teacher1,
        change("lessons", good),
        change("lessons", foreign),
        change("lessons", bad_check),
        change("notes", orphan_note),
        change("lessons", lesson_row(w, w.teacher1, when, cover_media_id=str(uuid.uuid4()))),
        change("notes", child_note),
        change("no_such_table", {"id": str(uuid.uuid4())}),
    )
    statuses = [(r["status"], r["code"]) for r in answer["results"]]
    assert statuses == [
        ("applied", None),
        ("rejected", "42501"),
        ("rejected", "23514"),
        ("rejected", "42501"),  # a note of a lesson that is not the teacher's (it does not exist)
        ("rejected", "23503"),
        ("applied", None),
        ("rejected", "42P01"),
    ]
    rejected = answer["results"][1]
    assert rejected["reason"] and rejected["row"]["title"] != "stolen"  # the server's row, to restore (C7)
    assert answer["results"][2]["row"] is None  # never existed
    assert server.row("lessons", w.lessons["t2_published"])["title"] != "stolen"  # type: ignore[index]
    assert server.row("notes", child_note["id"]) is not None
    kept = server.admin.execute("select kind, code from sync_conflicts order by created_at").fetchall()
    assert [(k["kind"], k["code"]) for k in kept] == [
        ("rejected", "42501"),
        ("rejected", "23514"),
        ("rejected", "42501"),
        ("rejected", "23503"),
        ("rejected", "42P01"),
    ]


def test_learners_cannot_push_for_someone_else(server: Server, pushing: World) -> None:
    w = pushing
    when = now_ts()
    mine = {
        "id": str(uuid.uuid4()),
        "organisation_id": w.org_a,
        "user_id": w.learner1.id,
        "score": 70,
        "field_stamps": {"score": stamp(when)},
        "created_at": when,
        "updated_at": when,
    }
    theirs = {**mine, "id": str(uuid.uuid4()), "user_id": w.learner2.id}
    answer = push(
        server,
        w.learner1,
        change("practice_sessions", mine, "insert"),
        change("practice_sessions", theirs, "insert"),
    )
    assert [r["status"] for r in answer["results"]] == ["applied", "rejected"]
    assert answer["results"][1]["code"] == "42501" and answer["results"][1]["row"] is None
    assert server.row("practice_sessions", theirs["id"]) is None


def test_stamps_from_the_future_are_clamped(server: Server, pushing: World) -> None:
    w = pushing
    future = "2031-01-01T00:00:00.000000Z"  # a classroom PC whose clock says 2031
    row = lesson_row(w, w.teacher1, future)
    before = datetime.now(UTC)
    answer = push(server, w.teacher1, change("lessons", row))
    assert answer["clamped"] == 1 and answer["results"][0]["clamped"] is True
    stored = server.row("lessons", row["id"])
    assert stored is not None
    moment, device = stored["field_stamps"]["title"].split("|")
    assert device == DEVICE
    assert before - timedelta(seconds=5) <= datetime.fromisoformat(moment) <= datetime.now(UTC)
    assert stored["updated_at"] <= datetime.now(UTC)
    # Slightly ahead (within the 2 minutes' tolerance) is left alone.
    near = lesson_row(w, w.teacher1, now_ts(timedelta(seconds=60)))
    assert push(server, w.teacher1, change("lessons", near))["clamped"] == 0


def test_field_by_field_merge_and_the_loser_is_kept(server: Server, pushing: World) -> None:
    w = pushing
    t0, t1, t2 = (now_ts(timedelta(minutes=m)) for m in (-30, -20, -10))
    row = lesson_row(w, w.teacher1, t0)
    push(server, w.teacher1, change("lessons", row))
    # Device B changed the description later; device A (older stamps) changed the title and the description.
    b = {
        **row,
        "description": "B's",
        "field_stamps": {**row["field_stamps"], "description": stamp(t2, OTHER_DEVICE)},
    }
    assert push(server, w.teacher1, change("lessons", b))["results"][0]["status"] == "applied"
    a = {
        **row,
        "title": "A's",
        "description": "A's",
        "field_stamps": {**row["field_stamps"], "title": stamp(t1), "description": stamp(t1)},
    }
    (result,) = push(server, w.teacher1, change("lessons", a))["results"]
    assert result["status"] == "lost" and result["lost_fields"] == ["description"]
    assert result["row"]["title"] == "A's" and result["row"]["description"] == "B's"
    assert result["row"]["writer_device"] == OTHER_DEVICE  # the greatest stamp's device
    kept = server.one("select * from sync_conflicts where row_id = %s", row["id"])
    assert kept is not None and kept["kind"] == "lost" and kept["fields"] == ["description"]
    assert kept["local_values"] == {"description": "A's"} and kept["winning_values"] == {"description": "B's"}


def test_delete_is_sticky_and_edits_merge_into_the_tombstone(server: Server, pushing: World) -> None:
    w = pushing
    t0, t1, t2 = (now_ts(timedelta(minutes=m)) for m in (-30, -20, -10))
    row = lesson_row(w, w.teacher1, t0)
    push(server, w.teacher1, change("lessons", row))
    deleted = {**row, "deleted_at": t1, "updated_at": t1}
    push(server, w.teacher1, change("lessons", deleted))
    # Another device, which never saw the delete, edits the title later.
    edit = {
        **row,
        "title": "edited",
        "field_stamps": {**row["field_stamps"], "title": stamp(t2, OTHER_DEVICE)},
    }
    (result,) = push(server, w.teacher1, change("lessons", edit))["results"]
    assert result["status"] == "applied"
    stored = server.row("lessons", row["id"])
    assert stored is not None and stored["deleted_at"] is not None and stored["title"] == "edited"


def test_only_a_deliberate_restore_undeletes(server: Server, pushing: World) -> None:
    w = pushing
    t0, t1, t2 = (now_ts(timedelta(minutes=m)) for m in (-30, -20, -10))
    row = lesson_row(w, w.teacher1, t0)
    push(server, w.teacher1, change("lessons", row))
    push(server, w.teacher1, change("lessons", {**row, "deleted_at": t2}))
    # A restore by someone who saw an older tombstone (t1) loses: the row was deleted again since.
    (stale,) = push(server, w.teacher1, change("lessons", row, "restore", restore_of=t1))["results"]
    assert stale["status"] == "lost" and stale["lost_fields"] == ["deleted_at"]
    assert stale["row"]["deleted_at"] is not None
    # A restore carrying the current tombstone wins.
    (restore,) = push(server, w.teacher1, change("lessons", row, "restore", restore_of=t2))["results"]
    assert restore["status"] == "applied" and restore["row"]["deleted_at"] is None
    assert server.row("lessons", row["id"])["deleted_at"] is None  # type: ignore[index]


def test_a_retried_batch_applies_nothing_twice(server: Server, pushing: World) -> None:
    w = pushing
    when = now_ts()
    row = lesson_row(w, w.teacher1, when)
    batch = str(uuid.uuid4())
    first = push(server, w.teacher1, change("lessons", row), batch=batch)
    version = server.row("lessons", row["id"])["row_version"]  # type: ignore[index]
    # The answer was lost on the way; the device sends the same batch again, even with other content.
    changed = {**row, "title": "retry", "field_stamps": {"title": stamp(now_ts(timedelta(seconds=1)))}}
    second = push(server, w.teacher1, change("lessons", changed), batch=batch)
    assert second == first
    stored = server.row("lessons", row["id"])
    assert stored is not None and stored["row_version"] == version and stored["title"] == "Fractions"
    # The same batch id from another user is a different batch.
    other = lesson_row(w, w.teacher2, when)
    assert (
        push(server, w.teacher2, change("lessons", other), batch=batch)["results"][0]["status"] == "applied"
    )


def test_append_only_records_are_inserted_once(server: Server, pushing: World) -> None:
    w = pushing
    when = now_ts()
    session = {
        "id": str(uuid.uuid4()),
        "organisation_id": w.org_a,
        "user_id": w.learner1.id,
        "score": 70,
        "completed_at": when,
        "field_stamps": {"score": stamp(when)},
        "created_at": when,
        "updated_at": when,
    }
    first = push(server, w.learner1, change("practice_sessions", session, "insert"))
    again = push(server, w.learner1, change("practice_sessions", {**session, "score": 99}, "insert"))
    assert first["results"][0]["status"] == again["results"][0]["status"] == "applied"
    rows = server.admin.execute(
        "select score from practice_sessions where id = %s", (session["id"],)
    ).fetchall()
    assert [float(r["score"]) for r in rows] == [70.0]


def test_pushed_rows_reach_the_others(server: Server, pushing: World) -> None:
    w = pushing
    _, cursor = pull_all(server, w.learner1)
    row = lesson_row(w, w.teacher1, now_ts(), published_at=now_ts(-timedelta(minutes=1)))
    push(server, w.teacher1, change("lessons", row))
    rows, _ = pull_all(server, w.learner1, cursor=cursor)
    assert ids_of(rows, "lessons") == {row["id"]}


def test_writes_outside_sync_are_stamped_by_the_server(server: Server, pushing: World) -> None:
    w = pushing
    lesson = w.lessons["t1_draft"]
    before = server.row("lessons", lesson)
    assert before is not None
    server.admin.execute("update lessons set title = 'from Studio' where id = %s", (lesson,))
    after = server.row("lessons", lesson)
    assert after is not None and after["row_version"] > before["row_version"]
    assert after["field_stamps"]["title"] > before["field_stamps"]["title"]
    assert after["field_stamps"]["title"].endswith("|00000000-0000-0000-0000-000000000000")
    assert (
        after["field_stamps"]["description"] == before["field_stamps"]["description"]
    )  # unchanged, unstamped
    assert after["updated_at"] > before["updated_at"]
    # A device that edited the same field earlier loses to that server edit (C1 applies to it too).
    row = lesson_row(w, w.teacher1, ts(before["updated_at"]), row_id=lesson, title="older device edit")
    row["organisation_id"] = w.org_a
    (result,) = push(server, w.teacher1, change("lessons", row))["results"]
    assert result["status"] == "lost" and "title" in result["lost_fields"]


def test_a_device_cannot_set_the_row_version(server: Server, pushing: World) -> None:
    w = pushing
    row = {**lesson_row(w, w.teacher1, now_ts()), "row_version": 10**12}
    push(server, w.teacher1, change("lessons", row))
    assert server.row("lessons", row["id"])["row_version"] < 10**12  # type: ignore[index]


def test_an_unregistered_device_may_not_push(server: Server, world: World) -> None:
    row = lesson_row(world, world.teacher1, now_ts())
    with pytest.raises(psycopg.errors.NoDataFound, match="not registered"):
        push(server, world.teacher1, change("lessons", row))
    assert server.row("lessons", row["id"]) is None


def _concurrent_edits(
    server: Server, w: World, b_edits: dict[str, Any], a_edits: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A lesson both devices pulled at t0; device B pushes its edit (at t2) first, then device A (at t1).

    Each push says which columns its device changed (`changed_fields`), as the app sends it."""
    t0, t1, t2 = (now_ts(timedelta(minutes=m)) for m in (-30, -20, -10))
    row = lesson_row(w, w.teacher1, t0)
    push(server, w.teacher1, change("lessons", row))

    def edited(edits: dict[str, Any], when: str, device: str) -> dict[str, Any]:
        stamps = {**row["field_stamps"], **{c: stamp(when, device) for c in edits}}
        return {**change("lessons", {**row, **edits, "field_stamps": stamps}), "changed_fields": sorted(edits)}

    (b_result,) = push(server, w.teacher1, edited(b_edits, t2, OTHER_DEVICE))["results"]
    (a_result,) = push(server, w.teacher1, edited(a_edits, t1, DEVICE))["results"]
    return b_result, a_result


def test_a_column_the_device_did_not_change_is_never_lost(server: Server, pushing: World) -> None:
    w = pushing
    # A's row still carries the description it pulled (older stamp, other value than B's): not A's loss.
    b_result, a_result = _concurrent_edits(server, w, {"description": "B's"}, {"title": "A's"})
    assert (b_result["status"], a_result["status"]) == ("applied", "applied")
    assert a_result["lost_fields"] == []
    assert a_result["row"]["title"] == "A's" and a_result["row"]["description"] == "B's"
    assert server.one("select count(*) as n from sync_conflicts where row_id = %s", a_result["id"]) == {"n": 0}


def test_both_devices_edit_the_same_column_one_conflict_the_losers(server: Server, pushing: World) -> None:
    w = pushing
    b_result, a_result = _concurrent_edits(server, w, {"title": "B's"}, {"title": "A's"})
    assert b_result["status"] == "applied"
    assert a_result["status"] == "lost" and a_result["lost_fields"] == ["title"]
    assert a_result["row"]["title"] == "B's" and a_result["row"]["description"] == "halves"
    kept = server.admin.execute("select * from sync_conflicts where row_id = %s", (a_result["id"],)).fetchall()
    assert len(kept) == 1 and kept[0]["kind"] == "lost" and kept[0]["fields"] == ["title"]
    assert kept[0]["local_values"] == {"title": "A's"} and kept[0]["winning_values"] == {"title": "B's"}


def test_changed_fields_must_be_a_list(server: Server, pushing: World) -> None:
    w = pushing
    row = lesson_row(w, w.teacher1, now_ts())
    (result,) = push(server, w.teacher1, {**change("lessons", row), "changed_fields": "title"})["results"]
    assert result["status"] == "rejected" and result["code"] == "22023"
    assert server.row("lessons", row["id"]) is None
