"""The search index during a download from the feed's start: pages skip the per-page refresh and mark
`lessons_fts` stale in their own transaction; the pull's end rebuilds it once (localdb/apply.py, mirror.py).

A killed process (real SIGKILL) leaves the mark; the check, a plain open or the next pull repairs it. The index
a deferred download leaves is the one the row-by-row refresh builds, and local edits made meanwhile are found.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from localdb import apply as apply_module
from localdb import repo
from localdb.mirror import Mirror
from localdb.queries import LessonFilter, list_lessons
from sync.pull import pull_feed
from sync.transport import PullPage
from tests.localdb.mirror_helpers import ORG, merge_fieldwise, open_mirror, wire_row

ROOT = Path(__file__).resolve().parents[2]
Page = list[tuple[str, dict[str, Any]]]


def school_pages(lessons: int = 30, per_page: int = 10) -> list[Page]:
    """Lessons first, then their notes on later pages (as the feed sends them), then changes of both: a
    retitled lesson, a note moved to another lesson, a deleted note and a deleted lesson."""
    rows: Page = [
        ("lessons", wire_row("lessons", title=f"Lesson{i} fractions", description=f"about topic{i}"))
        for i in range(lessons)
    ]
    ids = [r["id"] for _, r in rows]
    notes = [
        ("notes", wire_row("notes", lesson_id=ids[i % lessons], body=f"notebody{i} halves", position=i))
        for i in range(lessons + 5)
    ]
    rows += notes
    moved = dict(notes[0][1], lesson_id=ids[1], body="movednote", row_version=2)
    gone = dict(notes[2][1], deleted_at="2025-03-02T10:00:00.000000Z", row_version=2)
    retitled = dict(rows[3][1], title="Retitled decimals", row_version=2)
    dead = dict(rows[4][1], deleted_at="2025-03-02T10:00:00.000000Z", row_version=2)
    rows += [("notes", moved), ("notes", gone), ("lessons", retitled), ("lessons", dead)]
    return [rows[s : s + per_page] for s in range(0, len(rows), per_page)]


def index_of(mirror: Mirror) -> list[tuple[Any, ...]]:
    """The search rows; the integrity check also proves the inverted index holds exactly their terms."""
    conn = mirror.conn
    conn.execute("INSERT INTO lessons_fts (lessons_fts, rank) VALUES ('integrity-check', 1)")
    rows = conn.execute("SELECT rowid, lesson_id, title, description, notes FROM lessons_fts ORDER BY rowid")
    return [tuple(r) for r in rows]


def found(mirror: Mirror, text: str) -> set[str]:
    return {r.id for r in list_lessons(mirror.connect(), LessonFilter(search=text), limit=500)}


def live_ids(mirror: Mirror) -> set[str]:
    return {r[0] for r in mirror.conn.execute("SELECT id FROM lessons WHERE deleted_at IS NULL")}


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    with open_mirror(tmp_path) as m:
        yield m


def test_a_deferred_download_leaves_the_index_the_row_by_row_refresh_builds(tmp_path: Path) -> None:
    pages = school_pages()
    with open_mirror(tmp_path, "rows.sqlite3") as by_row, open_mirror(tmp_path, "deferred.sqlite3") as deferred:
        for n, page in enumerate(pages):
            for row in page:  # one row per page, each refreshed at once: the reference
                by_row.apply_page([row], f"e:{n}", merge_fieldwise, defer_search=False)
            deferred.apply_page(page, f"e:{n}", merge_fieldwise, defer_search=True)
            assert deferred.search_stale
        assert deferred.finish_search() and not deferred.search_stale
        assert not deferred.finish_search()  # nothing owed any more
        expected = index_of(by_row)
        assert len(expected) == 30 and index_of(deferred) == expected
        for text in ("fractions", "halves", "movednote", "retitled dec", "topic7"):
            assert found(deferred, text) == found(by_row, text) != set()


class Feed:
    """The pages above served as a feed (a fake transport: the mirror and the pull are real)."""

    def __init__(self, pages: Sequence[Page], on_request: Any = None) -> None:
        self.pages, self.on_request = pages, on_request

    def pull(
        self,
        cursor: str | None,
        limit: int,
        tables: Sequence[str] | None = None,
        counts: Sequence[str] | None = None,
    ) -> PullPage:
        n = 0 if cursor is None else int(cursor)
        if self.on_request is not None:
            self.on_request(n)
        return PullPage(rows=list(self.pages[n]), cursor=str(n + 1), has_more=n + 1 < len(self.pages),
                        schema_version=8, min_app_schema=1, server_time="2026-11-23T12:00:00.000000Z",
                        reset=False)  # fmt: skip


def test_a_first_pull_defers_and_its_end_finds_lessons_notes_and_local_edits(mirror: Mirror) -> None:
    pages = school_pages()
    first = pages[0][0][1]
    gui = mirror.connect()  # the window's connection writes through the triggers while the pull runs
    made: dict[str, str] = {}

    def between_pages(n: int) -> None:
        if n == 2:
            assert mirror.search_stale and found(mirror, "about") == set()  # deferred: not indexed yet
            made["lesson"] = repo.create_lesson(gui, organisation_id=ORG, author_id=None, title="Typed meanwhile")
            repo.add_note(gui, lesson_id=made["lesson"], author_id=None, body="scribbled")
            repo.add_note(gui, lesson_id=first["id"], author_id=None, body="annotated")
            repo.update_lesson(gui, lesson_id=pages[0][1][1]["id"], title="Renamed locally")

    pull_feed(mirror, Feed(pages, between_pages), page_size=10, app_schema=8)  # type: ignore[arg-type]
    assert not mirror.search_stale
    assert found(mirror, "about") == live_ids(mirror) - {made["lesson"]}
    assert found(mirror, "halves") and found(mirror, "topic7")
    assert found(mirror, "typed meanwhile") == found(mirror, "scribbled") == {made["lesson"]}
    assert found(mirror, "annotated") == {first["id"]}
    assert found(mirror, "renamed locally") == {pages[0][1][1]["id"]}


def test_a_pull_with_a_cursor_refreshes_each_page_and_leaves_no_mark(mirror: Mirror) -> None:
    mirror.apply_page(school_pages(3)[0], "5", merge_fieldwise)
    later = [[("lessons", wire_row("lessons", title="Arrived later"))]] * 2
    seen: list[set[str]] = []

    def after_first(n: int) -> None:
        if n == 6:  # the page after the stored cursor was applied: found at once, nothing marked
            seen.append(found(mirror, "arrived later"))
            assert not mirror.search_stale

    pull_feed(mirror, Feed([[]] * 5 + later, after_first), page_size=10, app_schema=8)  # type: ignore[arg-type]
    assert seen and len(seen[0]) == 1


def test_a_failed_pull_still_rebuilds_what_it_applied(mirror: Mirror) -> None:
    pages = school_pages()

    def drop(n: int) -> None:
        if n == 3:
            raise ConnectionError("injected: the link dropped")

    with pytest.raises(ConnectionError):
        pull_feed(mirror, Feed(pages, drop), page_size=10, app_schema=8)  # type: ignore[arg-type]
    assert not mirror.search_stale and found(mirror, "about") == live_ids(mirror) != set()


def test_the_mark_commits_and_rolls_back_with_its_page(mirror: Mirror) -> None:
    lesson = repo.create_lesson(mirror.conn, organisation_id=ORG, author_id=None, title="Pending here")

    def explode(*_: Any) -> tuple[dict[str, Any], list[str]]:
        raise RuntimeError("injected: the merge failed")

    with pytest.raises(RuntimeError):
        mirror.apply_page([("lessons", wire_row("lessons", id=lesson))], None, explode, defer_search=True)
    assert not mirror.search_stale
    mirror.apply_page([("notes", wire_row("notes", lesson_id=lesson))], "1", merge_fieldwise, defer_search=True)
    assert mirror.search_stale
    mirror.apply_page([("users", wire_row("users"))], "2", merge_fieldwise, defer_search=False)
    assert mirror.search_stale  # a page that does not rebuild leaves the mark for the rebuild


CHILD = """
import json, sys
from pathlib import Path
from tests.localdb.mirror_helpers import merge_fieldwise, open_mirror
pages = json.loads(Path(sys.argv[2]).read_text())
mirror = open_mirror(Path(sys.argv[1]))
with mirror.deferred_search():
    for n, page in enumerate(pages):
        mirror.apply_page([(t, r) for t, r in page], str(n + 1), merge_fieldwise)
        if n == int(sys.argv[3]):
            print("applied", flush=True)
            sys.stdin.readline()  # killed here, between pages
"""


def killed_mid_download(folder: Path, pages: list[Page], after: int) -> None:
    """A real process applies pages as a first pull does and is SIGKILLed between two of them."""
    feed = folder / "pages.json"
    feed.write_text(json.dumps(pages), encoding="utf-8")
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-c", CHILD, str(folder), str(feed), str(after)]
    with subprocess.Popen(args, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE) as child:
        assert child.stdout is not None and child.stdout.readline() == b"applied\n"
        child.send_signal(signal.SIGKILL)
        assert child.wait() == -signal.SIGKILL


@pytest.mark.parametrize("repair", ["check", "open", "next pull"])
def test_a_kill_between_pages_leaves_the_mark_and_it_is_repaired(tmp_path: Path, repair: str) -> None:
    pages = school_pages()
    killed_mid_download(tmp_path, pages, after=3)
    with open_mirror(tmp_path, defer_check=True) as mirror:  # the desktop's open: no repair on its path
        assert mirror.search_stale and mirror.get_state("cursor") == "4"
        assert found(mirror, "about") == set() and len(live_ids(mirror)) == 30
    with open_mirror(tmp_path, defer_check=repair != "open") as mirror:
        if repair == "check":
            assert mirror.check() is None
        elif repair == "next pull":
            pull_feed(mirror, Feed(pages), page_size=10, app_schema=8)  # type: ignore[arg-type]
        assert not mirror.search_stale
        assert found(mirror, "about") == live_ids(mirror) and found(mirror, "halves")
        expected_rows = {r[0] for r in mirror.conn.execute("SELECT id FROM lessons")}
        assert {r[1] for r in index_of(mirror)} == expected_rows


def test_a_write_before_the_deferred_check_does_not_run_the_repair_on_its_thread(tmp_path: Path) -> None:
    pages = school_pages()
    killed_mid_download(tmp_path, pages, after=1)
    with open_mirror(tmp_path, defer_check=True) as mirror:
        repo.create_lesson(mirror.conn, organisation_id=ORG, author_id=None, title="Saved first")
        assert mirror.checked and mirror.search_stale  # the write ran the check only
        assert mirror.check() is None and not mirror.search_stale  # the check's own call repairs
        assert found(mirror, "about") | found(mirror, "saved first") == live_ids(mirror)


def test_a_rebuild_that_fails_keeps_the_mark_and_never_hides_the_pulls_error(
    mirror: Mirror, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(conn: sqlite3.Connection) -> None:  # fault injection: the disk fails under the rebuild
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(apply_module, "rebuild_search", broken)

    def drop(n: int) -> None:
        if n == 2:
            raise ConnectionError("injected: the link dropped")

    with pytest.raises(ConnectionError):
        pull_feed(mirror, Feed(school_pages(), drop), page_size=10, app_schema=8)  # type: ignore[arg-type]
    assert mirror.search_stale
    monkeypatch.undo()
    assert mirror.finish_search() and found(mirror, "about") == live_ids(mirror)
