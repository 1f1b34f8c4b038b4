"""sync_pull's reading ahead (migration 0009): the answer names what comes next before its rows, and `p_skip`
serves the page after skipped entries with `after`, the cursor of the last one skipped (P1, P2)."""

from __future__ import annotations

import json
from typing import Any

import psycopg
import pytest

from sync.transport import PullAnswer
from tests.server.conftest import DEVICE, Server, World, add_lesson, pull_all, register

pytestmark = pytest.mark.pg


def raw_pull(server: Server, world: World, **args: Any) -> str:
    """The answer's text exactly as the function returns it (the Data API passes it through)."""
    with server.as_user(world.teacher1) as conn:
        row = conn.execute(
            "select public.sync_pull(p_device_id => %(d)s, p_cursor => %(c)s, p_limit => %(l)s,"
            " p_skip => %(s)s)::text as answer",
            {"d": DEVICE, "c": args.get("cursor"), "l": args.get("limit", 3), "s": args.get("skip", 0)},
        ).fetchone()
    assert row is not None
    return str(row["answer"])


def pages_of(server: Server, world: World, limit: int) -> list[dict[str, Any]]:
    pages, cursor = [], None
    while True:
        answer = server.rpc(world.teacher1, "sync_pull", p_device_id=DEVICE, p_cursor=cursor, p_limit=limit)
        pages.append(answer)
        cursor = answer["cursor"]
        if not answer["has_more"]:
            return pages


def recorded_position(server: Server, world: World) -> str | None:
    row = server.one("select last_cursor from devices where id = %s and user_id = %s", DEVICE, world.teacher1.id)
    assert row is not None
    return row["last_cursor"]


def keys(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["t"], r["r"]["id"]) for r in rows]


def test_the_answer_names_the_next_cursor_before_its_rows(server: Server, world: World) -> None:
    register(server, world.teacher1)
    text = raw_pull(server, world, limit=3)
    answer = json.loads(text)
    assert list(json.loads(text, object_pairs_hook=lambda pairs: [k for k, _ in pairs]))[:2] == ["cursor", "has_more"]
    assert answer["has_more"] is True and len(answer["rows"]) == 3
    assert PullAnswer.of(text.encode()).next_cursor == answer["cursor"]
    _, last = pull_all(server, world.teacher1)
    final = raw_pull(server, world, cursor=last)
    assert json.loads(final)["has_more"] is False and PullAnswer.of(final.encode()).next_cursor is None


def test_a_skipping_read_is_the_page_after_the_next_one(server: Server, world: World) -> None:
    register(server, world.teacher1)
    pages = pages_of(server, world, 3)
    assert len(pages) > 4
    for n in range(len(pages) - 2):
        ahead = server.rpc(
            world.teacher1, "sync_pull", p_device_id=DEVICE, p_cursor=pages[n]["cursor"], p_limit=3, p_skip=3
        )
        expected = pages[n + 2]
        assert ahead["after"] == pages[n + 1]["cursor"]  # where the skipped page ends: the device checks it joins
        assert keys(ahead["rows"]) == keys(expected["rows"])
        assert (ahead["cursor"], ahead["has_more"]) == (expected["cursor"], expected["has_more"])
    # From the start too, and with another page size than the skip.
    first = server.rpc(world.teacher1, "sync_pull", p_device_id=DEVICE, p_cursor=None, p_limit=6, p_skip=3)
    assert first["after"] == pages[0]["cursor"] and keys(first["rows"]) == keys(pages[1]["rows"] + pages[2]["rows"])
    # A plain read says no `after`.
    assert pages[0]["after"] is None


def test_a_skip_past_the_end_is_an_empty_last_page_after_the_last_entry(server: Server, world: World) -> None:
    register(server, world.teacher1)
    pages = pages_of(server, world, 3)
    end = pages[-1]["cursor"]
    for cursor in (pages[-3]["cursor"], end):
        answer = server.rpc(world.teacher1, "sync_pull", p_device_id=DEVICE, p_cursor=cursor, p_limit=3, p_skip=50)
        assert answer["rows"] == [] and answer["has_more"] is False
        assert answer["after"] == end and answer["cursor"] == end  # joins only a page that ended at the end
        assert answer["columns"]  # a last page: it carries the checks


def test_an_entry_that_moves_between_two_reads_shows_in_after(server: Server, world: World) -> None:
    """The device's check has something to see: a row of the page in between changes (its entry moves to the
    feed's end), so the skipping read starts one entry later and its `after` no longer joins that page."""
    register(server, world.teacher1)
    pages = pages_of(server, world, 3)
    between = pages[2]
    moved = between["rows"][0]["r"]["id"]
    server.admin.execute(f"update public.{between['rows'][0]['t']} set updated_at = now() where id = %s", (moved,))
    ahead = server.rpc(
        world.teacher1, "sync_pull", p_device_id=DEVICE, p_cursor=pages[1]["cursor"], p_limit=3, p_skip=3
    )
    assert ahead["after"] != between["cursor"]
    again = server.rpc(world.teacher1, "sync_pull", p_device_id=DEVICE, p_cursor=between["cursor"], p_limit=3)
    assert keys(again["rows"])[0] not in keys(ahead["rows"])  # what the skipping read would have missed


def test_a_skipping_read_never_waits_for_the_device_row(server: Server, world: World) -> None:
    """Two reads of one device run at once: the one with p_skip records the device's position only when no
    other holds that row, and never waits for it; the plain one still records it."""
    register(server, world.teacher1)
    pages = pages_of(server, world, 3)
    assert recorded_position(server, world) == pages[-2]["cursor"]  # the last plain read's cursor
    server.rpc(world.teacher1, "sync_pull", p_device_id=DEVICE, p_cursor=pages[-1]["cursor"], p_limit=3)
    holder = psycopg.connect(server.dsn)
    try:
        holder.execute(
            "select 1 from public.devices where id = %s and user_id = %s for update", (DEVICE, world.teacher1.id)
        )
        with server.as_user(world.teacher1) as conn:
            conn.execute("set local lock_timeout = '2s'")
            answer = conn.execute(
                "select public.sync_pull(%s, %s, 3, p_skip => 3) as a", (DEVICE, pages[0]["cursor"])
            ).fetchone()
        assert answer is not None and answer["a"]["rows"]
        with pytest.raises(psycopg.errors.LockNotAvailable), server.as_user(world.teacher1) as conn:
            conn.execute("set local lock_timeout = '200ms'")
            conn.execute("select public.sync_pull(%s, %s, 3)", (DEVICE, pages[0]["cursor"]))
    finally:
        holder.close()
    assert recorded_position(server, world) == pages[-1]["cursor"]  # the held row kept the position it had
    server.rpc(world.teacher1, "sync_pull", p_device_id=DEVICE, p_cursor=pages[1]["cursor"], p_limit=3, p_skip=3)
    assert recorded_position(server, world) == pages[1]["cursor"]  # unheld: recorded


def test_new_rows_after_a_skipping_read_come_on_the_next_pull(server: Server, world: World) -> None:
    register(server, world.teacher1)
    pages = pages_of(server, world, 3)
    answer = server.rpc(
        world.teacher1, "sync_pull", p_device_id=DEVICE, p_cursor=pages[-2]["cursor"], p_limit=3, p_skip=3
    )
    assert answer["has_more"] is False
    fresh = add_lesson(server, world.org_a, world.teacher1)
    rows, _ = pull_all(server, world.teacher1, cursor=answer["cursor"])
    assert [r["r"]["id"] for r in rows] == [fresh]
