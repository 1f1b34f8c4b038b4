"""Reading ahead (sync/pull.py `_Pages`, schema 9): the next pages of a pull are asked for from the first bytes of
an answer, one of them by skipping (`p_skip`), and a page read ahead is used only when it joins the page before it.

An in-memory feed stands in for the server where the test must decide exactly when rows move (a fake is fine for
fault injection); the last test runs the real client against the devstack while rows change on the server.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest

from localdb.mirror import Mirror
from sync.errors import Cancelled, MalformedAnswer
from sync.pull import CURSOR_KEY, PullTotals, _Pages, pull_feed
from sync.transport import PeekingTransport, PullAnswer, PullPage, PushAnswer, ServerInfo, TableCount
from tests.localdb.mirror_helpers import open_mirror, wire_row
from tests.sync.support import DevicePark, School, server_sql


@dataclass
class Sent:
    cursor: str | None
    limit: int
    skip: int
    applied: int  # pages applied when the request went out


@dataclass
class Feed:
    """A change feed like the server's: entries in positions; a change moves a row's entry to the end.

    `pull_answer` answers as schema 9 does (cursor and has_more first; `after` with a skip); `moves` runs before
    the n-th request (from 1) is answered, so a test decides what changed between two reads."""

    entries: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    moves: dict[int, Callable[[Feed], None]] = field(default_factory=dict)
    delay: float = 0.02
    sent: list[Sent] = field(default_factory=list)
    applied: int = 0
    in_flight: int = 0
    most_in_flight: int = 0
    lie_at: int | None = None  # the n-th answer's head names a cursor its body does not have
    rows_first: bool = False  # answer as a server before schema 9 did: no head to read
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, table: str, row: dict[str, Any]) -> None:
        position = self.entries[-1][0] + 1 if self.entries else 1
        self.entries.append((position, table, row))

    def change(self, row_id: str, **values: Any) -> None:
        [entry] = [e for e in self.entries if e[2]["id"] == row_id]
        self.entries.remove(entry)
        self.add(entry[1], dict(entry[2], **values, row_version=entry[2]["row_version"] + 1))

    def state(self) -> dict[str, dict[str, Any]]:
        return {row["id"]: row for _, _, row in self.entries}

    def pull_answer(
        self,
        cursor: str | None,
        limit: int,
        tables: Sequence[str] | None = None,
        counts: Sequence[str] | None = None,
        skip: int = 0,
    ) -> PullAnswer:
        with self._lock:
            self.sent.append(Sent(cursor, limit, skip, self.applied))
            number = len(self.sent)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            move = self.moves.pop(number, None)
            if move is not None:
                move(self)
            after_position = int(cursor) if cursor else 0
            rest = [e for e in self.entries if e[0] > after_position]
            skipped, rest = rest[:skip], rest[skip:]
            page, has_more = rest[:limit], len(rest) > limit
        time.sleep(self.delay)  # the server at work: lets the next request overlap this one
        with self._lock:
            self.in_flight -= 1
        start = cursor or "0"
        after = (str(skipped[-1][0]) if skipped else start) if skip else None
        end = str(page[-1][0]) if page else (after or start)
        head_cursor = "999999" if number == self.lie_at else end
        answer: dict[str, Any] = {
            "cursor": head_cursor, "has_more": has_more, "after": after, "reset": False, "schema_version": 9,
            "min_app_schema": 1, "server_time": "2026-11-23T12:00:00.000000+00:00",
            "rows": [{"t": table, "r": row} for _, table, row in page],
        }  # fmt: skip
        if self.rows_first:
            answer = {"rows": answer.pop("rows"), **answer}
        body = orjson.dumps(answer)
        if number == self.lie_at:  # the head says one thing, the body (written after it) another
            body = body.replace(b'"rows"', b'"cursor":"' + end.encode() + b'","rows"', 1)
        return PullAnswer.of(body)

    def pull(
        self,
        cursor: str | None,
        limit: int,
        tables: Sequence[str] | None = None,
        counts: Sequence[str] | None = None,
    ) -> PullPage:
        return self.pull_answer(cursor, limit, tables, counts).page()

    def server_info(self) -> ServerInfo:
        raise NotImplementedError

    def register_device(self, name: str, app_version: str) -> ServerInfo:
        raise NotImplementedError

    def push(self, batch_id: str, changes: Sequence[Mapping[str, Any]]) -> PushAnswer:
        raise NotImplementedError

    def counts(self, tables: Sequence[str]) -> dict[str, TableCount]:
        raise NotImplementedError


PAGE = 4


def school_feed(lessons: int = 30) -> Feed:
    feed = Feed()
    for i in range(lessons):
        feed.add("lessons", wire_row("lessons", title=f"Lesson {i}"))
    return feed


def pull(mirror: Mirror, feed: Feed, cancel: threading.Event | None = None, **options: Any) -> PullTotals:
    def applied(totals: PullTotals, page: PullPage) -> None:
        feed.applied = totals.pages
        if cancel is not None and totals.pages == 2:
            cancel.set()

    return pull_feed(
        mirror, feed, page_size=PAGE, app_schema=9, prefetch=True, on_page=applied, cancel=cancel, **options
    )


def local_titles(mirror: Mirror) -> dict[str, str]:
    return dict(mirror.conn.execute("SELECT id, title FROM lessons").fetchall())


def server_titles(feed: Feed) -> dict[str, str]:
    return {row_id: row["title"] for row_id, row in feed.state().items()}


@pytest.fixture
def mirror(tmp_path: Any) -> Any:
    with open_mirror(tmp_path) as opened:
        yield opened


def test_the_fake_feed_is_a_peeking_transport() -> None:
    assert isinstance(Feed(), PeekingTransport)


def test_read_ahead_asks_for_the_next_two_pages_at_once_and_pulls_every_row(mirror: Mirror) -> None:
    feed = school_feed(30)
    totals = pull(mirror, feed)
    assert local_titles(mirror) == server_titles(feed)
    assert totals.pulled == 30 and totals.dropped == 0
    assert mirror.get_state(CURSOR_KEY) == str(feed.entries[-1][0])
    # Page 1 alone; from its head on, page k+1 right after page k and page k+2 by skipping page k+1's size (when
    # page k's head comes in before page k-1's, page k+1 is asked for right after it instead: both are right).
    assert feed.sent[0] == Sent(None, PAGE, 0, 0)
    assert [s.skip for s in feed.sent[1:3]] == [0, PAGE] and feed.sent[1].cursor == feed.sent[2].cursor
    pages = -(-30 // PAGE)
    assert {s.skip for s in feed.sent} == {0, PAGE} and pages <= len(feed.sent) <= pages + 2  # + reads past the end
    assert sum(s.skip == PAGE for s in feed.sent) >= len(feed.sent) // 2
    assert feed.most_in_flight >= 2  # the server builds two pages at a time
    # P2's bound: never more than AHEAD pages asked for beyond the one being applied.
    assert all(k - s.applied <= _Pages.AHEAD + 1 for k, s in enumerate(feed.sent, start=1))


def test_a_page_read_ahead_that_does_not_join_is_asked_again_and_nothing_is_skipped(mirror: Mirror) -> None:
    feed = school_feed(30)
    moved = feed.entries[5][2]["id"]  # on page 2, which is read while page 3 is asked for by skipping 4 entries
    # Before the skipping read of page 3 is answered, a row of page 2 changes: its entry moves to the feed's end,
    # so "skip 4 entries after page 1" now starts one entry late, and the entry after page 2 would be missed.
    feed.moves[3] = lambda f: f.change(moved, title="Changed on the server")
    totals = pull(mirror, feed)
    assert totals.dropped >= 1
    assert local_titles(mirror) == server_titles(feed)  # every row, each as the server has it last
    assert local_titles(mirror)[moved] == "Changed on the server"
    again = [s for s in feed.sent[3:] if s.skip == 0]
    assert again, "the dropped page was asked for again right after the page before it"


def test_rows_changing_all_through_a_read_ahead_pull_converge(mirror: Mirror) -> None:
    feed = school_feed(40)
    ids = [row["id"] for _, _, row in feed.entries]

    def edit(n: int) -> Callable[[Feed], None]:
        return lambda f: f.change(ids[(n * 7) % 40], title=f"Edit {n}")

    for n in range(2, 16):
        feed.moves[n] = edit(n)
    pull(mirror, feed)
    # P1 at the end of the pull: every entry up to the stored cursor is in the mirror as the server has it now
    # (a change made while the last pages were read sits after the cursor, for the next pull).
    cursor = int(mirror.get_state(CURSOR_KEY) or 0)
    upto = {row["id"]: row["title"] for position, _, row in feed.entries if position <= cursor}
    assert {k: v for k, v in local_titles(mirror).items() if k in upto} == upto
    assert set(local_titles(mirror)) == set(ids)
    pull(mirror, feed)
    assert local_titles(mirror) == server_titles(feed)


def test_a_server_before_schema_9_gets_one_page_ahead_and_no_skip(mirror: Mirror) -> None:
    feed = school_feed(30)
    feed.rows_first = True
    totals = pull(mirror, feed)
    assert local_titles(mirror) == server_titles(feed) and totals.pulled == 30
    assert {s.skip for s in feed.sent} == {0} and feed.most_in_flight == 1
    assert len(feed.sent) == -(-30 // PAGE)


def test_a_head_that_disagrees_with_its_body_is_refused_and_nothing_of_it_is_applied(mirror: Mirror) -> None:
    feed = school_feed(30)
    feed.lie_at = 2
    with pytest.raises(MalformedAnswer, match="disagree"):
        pull(mirror, feed)
    assert len(local_titles(mirror)) == PAGE  # page 1 only
    assert mirror.get_state(CURSOR_KEY) == str(feed.entries[PAGE - 1][0])


def test_a_cancel_stops_at_a_page_boundary_and_sends_nothing_once_the_pull_has_ended(mirror: Mirror) -> None:
    feed = school_feed(60)
    with pytest.raises(Cancelled):
        pull(mirror, feed, threading.Event())
    sent = len(feed.sent)
    assert len(local_titles(mirror)) == 2 * PAGE
    assert mirror.get_state(CURSOR_KEY) == str(feed.entries[2 * PAGE - 1][0])
    time.sleep(5 * feed.delay)
    assert len(feed.sent) == sent  # every request was answered before pull_feed returned; none after it
    totals = pull(mirror, feed)  # and the next pull goes on from there
    assert local_titles(mirror) == server_titles(feed) and totals.pulled == 60 - 2 * PAGE


def test_read_ahead_through_the_devstack_while_the_server_changes_rows(school: School, devices: DevicePark) -> None:
    """The real client and server: pages of 3 read ahead (by skipping) while writes on the server (as from
    Studio or SQL) change lessons that sit in pages not yet pulled; the mirror ends with exactly the server's
    lessons."""
    teacher = devices.new(school.add("teacher", "teacher"))
    other = devices.new(school.emails["teacher"])
    assert other.sync().ok
    ids = [teacher.new_lesson(f"Lesson {i}") for i in range(24)]
    assert teacher.sync().ok
    engine = other.sync_parts.engine
    transport = engine.transport
    assert isinstance(transport, PeekingTransport)
    skips: list[int] = []
    real_pull_answer = transport.pull_answer

    def recorded(*args: Any) -> PullAnswer:
        skips.append(args[4] if len(args) > 4 else 0)
        return real_pull_answer(*args)

    transport.pull_answer = recorded  # type: ignore[method-assign]

    def change_later_pages(totals: PullTotals, page: PullPage) -> None:
        if totals.pages in (1, 3):
            with server_sql(other.server) as sql:
                sql.execute(
                    "update lessons set title = title || ' (edited)' where id = any(%s::uuid[])",
                    (ids[totals.pages * 4 : totals.pages * 4 + 6],),
                )

    pull_feed(
        other.mirror, engine.transport, page_size=3, app_schema=engine.app_schema, prefetch=True,
        on_page=change_later_pages,
    )  # fmt: skip
    with server_sql(other.server) as sql:
        server = dict(sql.execute("select id::text, title from lessons where id = any(%s::uuid[])", (ids,)).fetchall())
    local = {k: v for k, v in local_titles(other.mirror).items() if k in server}
    assert local == server and len(server) == 24
    assert skips.count(3) >= 3  # the pages were read ahead by skipping, not one at a time
