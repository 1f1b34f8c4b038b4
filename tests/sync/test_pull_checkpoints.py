"""How a pull asks and writes: pages grow from FIRST_PAGE_ROWS to the page size, and while a pull runs its
connection checkpoints the WAL every PULL_CHECKPOINT_PAGES frames (not SQLite's 1,000); after the pull, finished
or failed, the connection is as it was. A fake transport serves the pages (fault injection); the mirror is real."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from localdb.apply import PULL_CHECKPOINT_PAGES, wide_checkpoints
from localdb.mirror import Mirror
from sync import pull as pull_module
from sync.errors import Offline
from sync.pull import CURSOR_KEY, PullTotals, pull_feed, redownload
from sync.transport import PullPage
from tests.localdb.mirror_helpers import open_mirror, wire_row


class Feed:
    """Pages of two lessons each; `fail_at` (1-based) makes that request fail as a dropped link would."""

    def __init__(self, pages: int, fail_at: int | None = None) -> None:
        self.pages, self.fail_at, self.requests = pages, fail_at, 0
        self.limits: list[int] = []

    def pull(
        self,
        cursor: str | None,
        limit: int,
        tables: Sequence[str] | None = None,
        counts: Sequence[str] | None = None,
    ) -> PullPage:
        self.requests += 1
        self.limits.append(limit)
        if self.requests == self.fail_at:
            raise Offline("injected: the link dropped")
        n = 0 if cursor is None else int(cursor.rsplit(":", 1)[1])
        rows = [("lessons", wire_row("lessons", title=f"L{n}-{i}")) for i in range(2)]
        return PullPage(rows=rows, cursor=f"e:1:{n + 1}", has_more=n + 1 < self.pages, schema_version=1,
                        min_app_schema=1, server_time="2026-11-23T12:00:00.000000Z", reset=False)  # fmt: skip


def autocheckpoint(mirror: Mirror) -> int:
    return int(mirror.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    with open_mirror(tmp_path) as m:
        yield m


@pytest.mark.parametrize("prefetch", [False, True])
def test_pages_are_applied_with_wide_checkpoints_and_the_setting_comes_back(
    mirror: Mirror, prefetch: bool
) -> None:
    default = autocheckpoint(mirror)
    assert default < PULL_CHECKPOINT_PAGES
    seen: list[int] = []

    def on_page(totals: PullTotals, page: PullPage) -> None:
        seen.append(autocheckpoint(mirror))

    totals = pull_feed(mirror, Feed(3), page_size=2, app_schema=1, on_page=on_page, prefetch=prefetch)  # type: ignore[arg-type]
    assert totals.pulled == 6 and seen == [PULL_CHECKPOINT_PAGES] * 3
    assert autocheckpoint(mirror) == default
    assert mirror.get_state(CURSOR_KEY) == "e:1:3"


def test_a_failed_pull_leaves_the_last_page_and_the_setting_as_it_was(mirror: Mirror) -> None:
    default = autocheckpoint(mirror)
    with pytest.raises(Offline):
        pull_feed(mirror, Feed(3, fail_at=2), page_size=2, app_schema=1)  # type: ignore[arg-type]
    assert autocheckpoint(mirror) == default
    assert mirror.get_state(CURSOR_KEY) == "e:1:1"
    with pytest.raises(Offline):
        redownload(mirror, Feed(3, fail_at=1), ["lessons"], page_size=2, reset=False)  # type: ignore[arg-type]
    assert autocheckpoint(mirror) == default


def test_wide_checkpoints_sets_and_restores_any_value(mirror: Mirror) -> None:
    mirror.conn.execute("PRAGMA wal_autocheckpoint = 123")
    with wide_checkpoints(mirror.conn, pages=5000):
        assert autocheckpoint(mirror) == 5000
    assert autocheckpoint(mirror) == 123


@pytest.mark.parametrize("prefetch", [False, True])
def test_pages_grow_from_the_first_size_to_the_page_size(
    mirror: Mirror, monkeypatch: pytest.MonkeyPatch, prefetch: bool
) -> None:
    monkeypatch.setattr(pull_module, "FIRST_PAGE_ROWS", 2)
    feed = Feed(5)
    pull_feed(mirror, feed, page_size=9, app_schema=1, prefetch=prefetch)  # type: ignore[arg-type]
    assert feed.limits == [2, 4, 8, 9, 9]
    small = Feed(3)
    redownload(mirror, small, ["lessons"], page_size=1, reset=False, prefetch=prefetch)  # type: ignore[arg-type]
    assert small.limits == [1, 1, 1]  # a page size below the first size is used as it is
