"""The checks on a pull's last page (migration 0008): `counts` when asked (P8) and `columns` (P7)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest

from tests.server.conftest import DEVICE, Actor, Server, World, ids_of, register

pytestmark = pytest.mark.pg

COUNTED = ["lessons", "notes", "practice_sessions", "tests_content"]
SYNCED = 13


def pull_pages(server: Server, actor: Actor, cursor: str | None = None, **args: Any) -> list[dict[str, Any]]:
    """Every page of one pull, until has_more is false."""
    pages = []
    while True:
        page = server.rpc(actor, "sync_pull", p_device_id=DEVICE, p_cursor=cursor, **args)
        assert page["reset"] is False
        pages.append(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            return pages


@pytest.mark.parametrize("who", ["teacher1", "learner1"])
def test_counts_come_on_the_last_page_only_and_equal_sync_counts(server: Server, world: World, who: str) -> None:
    actor = getattr(world, who)
    register(server, actor)
    pages = pull_pages(server, actor, p_limit=4, p_counts=COUNTED)
    assert len(pages) > 2
    for page in pages[:-1]:
        assert "counts" not in page and "columns" not in page
    last = pages[-1]
    assert last["counts"] == server.rpc(actor, "sync_counts", p_tables=COUNTED)
    # And they are what the device computes over the rows it received (the P8 comparison holds after a pull).
    rows = [row for page in pages for row in page["rows"]]
    for table in COUNTED:
        ids = sorted(ids_of(rows, table))
        assert last["counts"][table] == {
            "count": len(ids),
            "checksum": hashlib.md5(",".join(ids).encode()).hexdigest(),
        }
    # A sync with nothing to do: one call, which answers the counts too.
    noop = server.rpc(
        actor, "sync_pull", p_device_id=DEVICE, p_cursor=last["cursor"], p_limit=4, p_counts=COUNTED
    )
    assert noop["rows"] == [] and noop["has_more"] is False and noop["counts"] == last["counts"]


def test_counts_only_when_asked(server: Server, world: World) -> None:
    register(server, world.teacher1)
    four = server.rpc(world.teacher1, "sync_pull", p_device_id=DEVICE, p_cursor=None, p_limit=1000, p_tables=None)
    assert four["has_more"] is False and four["counts"] is None and len(four["columns"]) == SYNCED
    none = server.rpc(
        world.teacher1, "sync_pull", p_device_id=DEVICE, p_cursor=four["cursor"], p_limit=1000, p_counts=[]
    )
    assert none["counts"] == {}
    everything = server.rpc(
        world.teacher1, "sync_pull", p_device_id=DEVICE, p_cursor=four["cursor"], p_limit=1000,
        p_counts=["organisations", "not_a_table"],
    )
    assert everything["counts"] == server.rpc(world.teacher1, "sync_counts", p_tables=["organisations"])
    assert list(everything["counts"]) == ["organisations"]


def test_a_reset_answer_carries_no_checks(server: Server, world: World) -> None:
    register(server, world.learner1)
    answer = server.rpc(
        world.learner1, "sync_pull", p_device_id=DEVICE, p_cursor="other:1:1", p_limit=10, p_counts=COUNTED
    )
    assert answer["reset"] is True and "counts" not in answer and "columns" not in answer


def columns_of(server: Server, actor: Actor, cursor: str | None = None) -> dict[str, str]:
    page = server.rpc(actor, "sync_pull", p_device_id=DEVICE, p_cursor=cursor, p_limit=10000)
    assert page["has_more"] is False
    columns: dict[str, str] = page["columns"]
    return columns


def test_the_columns_hash_changes_only_for_the_table_whose_columns_changed(server: Server, world: World) -> None:
    register(server, world.learner1)
    before = columns_of(server, world.learner1)
    assert len(before) == SYNCED and all(re.fullmatch("[0-9a-f]{12}", h) for h in before.values())
    assert len(set(before.values())) == SYNCED  # tables with different columns, different hashes
    # Stable: another call, another caller, another session.
    assert columns_of(server, world.learner1) == before
    register(server, world.teacher_b)
    assert columns_of(server, world.teacher_b) == before
    server.admin.execute("alter table public.notes add column reading_minutes int")
    added = columns_of(server, world.learner1)
    assert {t for t in before if added[t] != before[t]} == {"notes"}
    # A type counts as much as a name: the same column with another type is another hash.
    server.admin.execute("alter table public.notes alter column reading_minutes type bigint")
    retyped = columns_of(server, world.learner1)
    assert {t for t in before if retyped[t] != added[t]} == {"notes"} and retyped["notes"] != before["notes"]
    # A dropped column is gone from the rows (to_json) and from the hash.
    server.admin.execute("alter table public.notes drop column reading_minutes")
    assert columns_of(server, world.learner1) == before


def test_the_hash_follows_the_columns_a_pulled_row_carries(server: Server, world: World) -> None:
    """The hash is over the names in the order to_json gives them: what the device receives."""
    register(server, world.teacher1)
    page = server.rpc(world.teacher1, "sync_pull", p_device_id=DEVICE, p_cursor=None, p_limit=10000)
    row = next(r["r"] for r in page["rows"] if r["t"] == "lessons")
    types = server.admin.execute(
        "select attname, format_type(atttypid, atttypmod) as type from pg_attribute "
        "where attrelid = 'public.lessons'::regclass and attnum > 0 and not attisdropped order by attnum"
    ).fetchall()
    assert [t["attname"] for t in types] == list(row)
    text = ",".join(f"{t['attname']} {t['type']}" for t in types)
    assert page["columns"]["lessons"] == hashlib.md5(text.encode()).hexdigest()[:12]


def test_sync_pull_has_one_signature(server: Server) -> None:
    """Two overloads would make the four-argument call ambiguous, over SQL and over the data API."""
    found = server.admin.execute(
        "select pg_get_function_identity_arguments(oid) as args from pg_proc "
        "where proname = 'sync_pull' and pronamespace = 'public'::regnamespace"
    ).fetchall()
    assert [f["args"] for f in found] == [
        "p_device_id uuid, p_cursor text, p_limit integer, p_tables text[], p_counts text[], p_skip integer"
    ]
