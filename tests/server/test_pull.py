"""sync_pull, sync_register_device, sync_server_info, sync_counts and the tombstone purge (P1-P3, P6-P8)."""

from __future__ import annotations

import hashlib
import uuid

import psycopg
import pytest

from tests.server.conftest import DEVICE, LATEST_SCHEMA, Actor, Server, World, add_lesson, ids_of, pull_all, register

pytestmark = pytest.mark.pg


def test_server_info_and_registration(server: Server, world: World) -> None:
    info = server.rpc(world.learner1, "sync_server_info")
    assert info["schema_version"] == LATEST_SCHEMA and info["min_app_schema"] >= 1 and ":" not in info["epoch"]
    answer = server.rpc(
        world.learner1, "sync_register_device", p_device_id=DEVICE, p_name="PC 3", p_app_version="0.1.0"
    )
    assert answer["device_id"] == DEVICE and answer["epoch"] == info["epoch"] and answer["server_time"]
    # A shared classroom PC: the next learner registers the same device id for their own mirror.
    register(server, world.learner2)
    rows = server.admin.execute("select user_id::text, name from devices where id = %s", (DEVICE,)).fetchall()
    assert {r["user_id"] for r in rows} == {world.learner1.id, world.learner2.id}


def test_pull_needs_a_registered_device(server: Server, world: World) -> None:
    with pytest.raises(psycopg.errors.NoDataFound, match="not registered"):
        server.rpc(world.learner1, "sync_pull", p_device_id=DEVICE, p_cursor=None, p_limit=10)


def test_first_pull_serves_exactly_what_the_caller_may_see(server: Server, world: World) -> None:
    w = world
    register(server, w.learner1)
    answer = server.rpc(w.learner1, "sync_pull", p_device_id=DEVICE, p_cursor=None, p_limit=1000)
    assert answer["schema_version"] == LATEST_SCHEMA and answer["reset"] is False and answer["has_more"] is False
    rows = answer["rows"]
    assert ids_of(rows, "lessons") == {w.lessons["t1_published"], w.lessons["t2_published"]}
    assert ids_of(rows, "organisations") == {w.org_a}
    own = server.one("select id::text from practice_sessions where user_id = %s", w.learner1.id)
    assert own is not None and ids_of(rows, "practice_sessions") == {own["id"]}
    assert w.learner2.id not in ids_of(rows, "users")
    lesson = next(r["r"] for r in rows if r["r"]["id"] == w.lessons["t1_published"])
    assert lesson["row_version"] > 0
    assert lesson["field_stamps"]["title"].endswith("|00000000-0000-0000-0000-000000000000")
    assert len({(r["t"], r["r"]["id"]) for r in rows}) == len(rows)


def test_pages_are_bounded_and_resume(server: Server, world: World) -> None:
    register(server, world.teacher1)
    everything, _ = pull_all(server, world.teacher1, limit=1000)
    cursor = None
    paged: list[tuple[str, str]] = []
    pages = 0
    while True:
        answer = server.rpc(world.teacher1, "sync_pull", p_device_id=DEVICE, p_cursor=cursor, p_limit=3)
        assert len(answer["rows"]) <= 3
        paged.extend((r["t"], r["r"]["id"]) for r in answer["rows"])
        cursor, pages = answer["cursor"], pages + 1
        if not answer["has_more"]:
            break
    assert pages > 3
    assert paged == [(r["t"], r["r"]["id"]) for r in everything]
    again = server.rpc(world.teacher1, "sync_pull", p_device_id=DEVICE, p_cursor=cursor, p_limit=3)
    assert again["rows"] == [] and again["cursor"] == cursor and again["has_more"] is False


def test_rows_the_caller_may_not_see_still_advance_the_cursor(server: Server, world: World) -> None:
    register(server, world.learner_b)
    _, cursor = pull_all(server, world.learner_b)
    for _ in range(5):  # school A writes a lot; learner_b must see none of it and not get stuck behind it
        add_lesson(server, world.org_a, world.teacher1)
    answer = server.rpc(world.learner_b, "sync_pull", p_device_id=DEVICE, p_cursor=cursor, p_limit=2)
    assert answer["rows"] == [] and answer["has_more"] is False and answer["cursor"] == cursor
    server.insert("practice_sessions", organisation_id=world.org_b, user_id=world.learner_b.id, score=1)
    rows, _ = pull_all(server, world.learner_b, cursor=cursor, limit=1)
    assert [r["t"] for r in rows] == ["practice_sessions"]


def test_a_transaction_open_across_a_pull_is_not_skipped(server: Server, world: World) -> None:
    """P1: a write that began earlier but commits later arrives on the next pull."""
    w = world
    register(server, w.teacher1)
    _, cursor = pull_all(server, w.teacher1)
    slow = psycopg.connect(server.dsn)
    try:
        slow.execute("update lessons set title = 'slow edit' where id = %s", (w.lessons["t1_draft"],))
        quick = add_lesson(server, w.org_a, w.teacher1)  # begins after, commits first
        rows, cursor = pull_all(server, w.teacher1, cursor=cursor)
        assert w.lessons["t1_draft"] not in ids_of(rows, "lessons")
        # Its entry lies above the open transaction: served once the slow one is done, never before it.
        assert quick not in ids_of(rows, "lessons")
        slow.commit()
    finally:
        slow.close()
    rows, _ = pull_all(server, w.teacher1, cursor=cursor)
    titles = {r["r"]["id"]: r["r"]["title"] for r in rows if r["t"] == "lessons"}
    assert titles[w.lessons["t1_draft"]] == "slow edit"
    assert quick in titles


def test_table_filter_for_back_fill(server: Server, world: World) -> None:
    register(server, world.teacher1)
    rows, _ = pull_all(server, world.teacher1, tables=["lessons"])
    assert {r["t"] for r in rows} == {"lessons"} and len(rows) == 3


def test_tombstones_reach_learners(server: Server, world: World) -> None:
    register(server, world.learner1)
    _, cursor = pull_all(server, world.learner1)
    lesson = world.lessons["t1_published"]
    server.admin.execute("update lessons set deleted_at = now() where id = %s", (lesson,))
    rows, _ = pull_all(server, world.learner1, cursor=cursor)
    assert [(r["t"], r["r"]["id"]) for r in rows] == [("lessons", lesson)]
    assert rows[0]["r"]["deleted_at"] is not None


def test_the_pull_position_is_recorded(server: Server, world: World) -> None:
    register(server, world.learner1)
    _, cursor = pull_all(server, world.learner1)
    server.rpc(world.learner1, "sync_pull", p_device_id=DEVICE, p_cursor=cursor, p_limit=10)
    device = server.one("select last_cursor, last_pull_at from devices where user_id = %s", world.learner1.id)
    assert device is not None and device["last_cursor"] == cursor and device["last_pull_at"] is not None


@pytest.mark.parametrize("bad", ["another-epoch:1:1", "garbage", "::"])
def test_a_cursor_of_another_epoch_resets(server: Server, world: World, bad: str) -> None:
    register(server, world.learner1)
    answer = server.rpc(world.learner1, "sync_pull", p_device_id=DEVICE, p_cursor=bad, p_limit=10)
    assert answer["reset"] is True and answer["rows"] == [] and answer["schema_version"] == LATEST_SCHEMA


def test_a_new_epoch_resets_old_cursors(server: Server, world: World) -> None:
    register(server, world.learner1)
    _, cursor = pull_all(server, world.learner1)
    server.admin.execute("update sync_meta set epoch = 'restoredfrombackup'")
    answer = server.rpc(world.learner1, "sync_pull", p_device_id=DEVICE, p_cursor=cursor, p_limit=10)
    assert answer["reset"] is True
    rows, cursor = pull_all(server, world.learner1)
    assert rows and cursor.startswith("restoredfrombackup:")


def _old_tombstone(server: Server, world: World) -> str:
    lesson = add_lesson(server, world.org_a, world.teacher1)
    server.admin.execute(
        "update lessons set deleted_at = now() - interval '40 days' where id = %s", (lesson,)
    )
    return lesson


def test_purge_waits_for_every_active_device_then_resets_the_stragglers(server: Server, world: World) -> None:
    w = world
    fast, slow = str(uuid.uuid4()), str(uuid.uuid4())
    register(server, w.teacher1, fast)
    register(server, w.teacher2, slow)
    _, slow_cursor = pull_all(server, w.teacher2, device=slow)
    lesson = _old_tombstone(server, w)
    _, fast_cursor = pull_all(server, w.teacher1, device=fast)
    server.rpc(w.teacher1, "sync_pull", p_device_id=fast, p_cursor=fast_cursor, p_limit=10)  # applied it
    server.rpc(w.teacher2, "sync_pull", p_device_id=slow, p_cursor=slow_cursor, p_limit=1)  # not yet
    purge = "select sync_purge_tombstones() as r"
    result = server.one(purge)
    assert result is not None and result["r"]["purged"] == 0 and server.row("lessons", lesson) is not None
    # The slow device goes quiet for long enough to stop counting; the purge goes ahead.
    server.admin.execute(
        "update devices set last_seen_at = now() - interval '100 days' where id = %s", (slow,)
    )
    result = server.one(purge)
    assert result is not None and result["r"]["purged"] == 1 and server.row("lessons", lesson) is None
    assert server.one("select 1 from sync_change_log where row_id = %s", lesson) is None
    answer = server.rpc(w.teacher2, "sync_pull", p_device_id=slow, p_cursor=slow_cursor, p_limit=10)
    assert answer["reset"] is True
    answer = server.rpc(w.teacher1, "sync_pull", p_device_id=fast, p_cursor=fast_cursor, p_limit=10)
    assert answer["reset"] is False


def test_purge_keeps_recent_tombstones_and_referenced_rows(server: Server, world: World) -> None:
    w = world
    recent = add_lesson(server, w.org_a, w.teacher1)
    server.admin.execute("update lessons set deleted_at = now() where id = %s", (recent,))
    test = w.tests["t1_published"]
    server.insert("test_attempts", organisation_id=w.org_a, test_id=test, user_id=w.learner1.id, passed=True)
    server.admin.execute("update tests set deleted_at = now() - interval '40 days' where id = %s", (test,))
    result = server.one("select sync_purge_tombstones() as r")
    assert result is not None and result["r"]["purged"] == 0 and result["r"]["kept_referenced"] == 1
    assert server.row("lessons", recent) is not None and server.row("tests", test) is not None


def test_devices_cannot_purge(server: Server, world: World) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        server.rpc(world.admin, "sync_purge_tombstones")


def test_counts_match_what_the_device_computes(server: Server, world: World) -> None:
    register(server, world.learner1)
    rows, _ = pull_all(server, world.learner1)
    counts = server.rpc(world.learner1, "sync_counts", p_tables=["lessons", "practice_sessions"])
    assert set(counts) == {"lessons", "practice_sessions"}
    for table in counts:
        ids = sorted(ids_of(rows, table))
        assert counts[table]["count"] == len(ids)
        assert counts[table]["checksum"] == hashlib.md5(",".join(ids).encode()).hexdigest()
    everything = server.rpc(world.learner1, "sync_counts")
    assert everything["lessons"] == counts["lessons"] and len(everything) == 13


def test_the_feed_reads_through_an_index(server: Server, world: World) -> None:
    with server.admin.transaction():
        server.admin.execute("set local enable_seqscan = off")
        plan = server.admin.execute(
            "explain select * from sync_change_log where organisation_id = %s "
            "and (xid, seq) > ('0'::xid8, 0::bigint) order by xid, seq limit 100",
            (world.org_a,),
        ).fetchall()
    text = "\n".join(r["QUERY PLAN"] for r in plan)
    assert "sync_change_log_feed_idx" in text and "Sort" not in text


def test_page_size_is_clamped(server: Server, world: World) -> None:
    register(server, world.teacher1)
    answer = server.rpc(world.teacher1, "sync_pull", p_device_id=DEVICE, p_cursor=None, p_limit=0)
    assert len(answer["rows"]) == 1 and answer["has_more"] is True


def test_a_user_moved_to_another_school_keeps_syncing(server: Server, world: World) -> None:
    register(server, world.learner1)
    moved = Actor(world.learner1.id, world.org_b, "learner")  # the admin changed their app_metadata
    answer = server.rpc(moved, "sync_pull", p_device_id=DEVICE, p_cursor=None, p_limit=100)
    assert ids_of(answer["rows"], "organisations") == {world.org_b}
    device = server.one(
        "select organisation_id::text as org from devices where user_id = %s", world.learner1.id
    )
    assert device is not None and device["org"] == world.org_b
