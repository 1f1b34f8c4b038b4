"""What a sync sends, counted on the wire by the fault proxy (no faults set): a sync with nothing to do is the
token refresh and ONE sync_pull; with pending rows, token + push + pull; the device registers once (at sign-in)
and again only when the server forgot it (Identity 2); the clock offset comes from the pull (C2)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from sync.identity import REGISTERED_KEY
from tests.fixtures.faultproxy import FaultProxy
from tests.sync.support import Device, DevicePark, School, server_sql


@pytest.fixture
def link(server: Any) -> Iterator[FaultProxy]:
    url = urlsplit(server.url)
    with FaultProxy((str(url.hostname), int(url.port or 80))) as proxy:
        yield proxy


def calls(proxy: FaultProxy, since: int) -> list[str]:
    """The calls after the `since`-th exchange, by the last part of their path (an RPC's name, "token")."""
    return [e.path.split("?")[0].rsplit("/", 1)[-1] for e in proxy.stats.exchanges[since:]]


def synced(link: FaultProxy, device: Device) -> list[str]:
    """Sync once (it must succeed) and answer the calls it made."""
    since = len(link.stats.exchanges)
    report = device.sync()
    assert report.ok, report.message
    return calls(link, since)


def test_a_sync_with_nothing_to_do_is_one_pull(school: School, devices: DevicePark, link: FaultProxy) -> None:
    teacher = devices.new(school.add("teacher", "teacher"), url=link.url)
    assert calls(link, 0) == ["token", "sync_register_device"]  # signing in registers the device

    assert synced(link, teacher) == ["token", "sync_pull"]  # the first sync: an empty school
    assert synced(link, teacher) == ["token", "sync_pull"]
    # The pull's answer gave the clock offset (C2) and the check's counts (P8): nothing else was asked.
    assert teacher.mirror.get_state("clock_offset_seconds") is not None


def test_a_sync_with_pending_rows_is_push_then_pull(school: School, devices: DevicePark, link: FaultProxy) -> None:
    teacher = devices.new(school.add("teacher", "teacher"), url=link.url)
    teacher.new_lesson("One")
    teacher.new_lesson("Two")

    assert synced(link, teacher) == ["token", "sync_push", "sync_pull"]
    assert teacher.mirror.pending_count() == 0
    assert synced(link, teacher) == ["token", "sync_pull"]


def test_the_device_registers_again_only_after_the_server_forgot_it(
    school: School, devices: DevicePark, link: FaultProxy, server: Any
) -> None:
    teacher = devices.new(school.add("teacher", "teacher"), url=link.url)
    assert synced(link, teacher) == ["token", "sync_pull"]

    def forget() -> None:
        with server_sql(server) as conn:
            deleted = conn.execute("delete from public.devices where id = %s", (teacher.mirror.device_id,))
            assert deleted.rowcount == 1

    forget()
    # The pull is refused ("not registered"), the device registers and sends the same pull once more.
    assert synced(link, teacher) == ["token", "sync_pull", "sync_register_device", "sync_pull"]
    assert synced(link, teacher) == ["token", "sync_pull"]

    forget()
    lesson = teacher.new_lesson("Written while the server had forgotten this PC")
    assert synced(link, teacher) == ["token", "sync_push", "sync_register_device", "sync_push", "sync_pull"]
    assert teacher.mirror.pending_count() == 0
    with server_sql(server) as conn:
        row = conn.execute("select title from public.lessons where id = %s", (lesson,)).fetchone()
    assert row == ("Written while the server had forgotten this PC",)
    assert synced(link, teacher) == ["token", "sync_pull"]


def test_a_mirror_without_a_registration_registers_on_its_first_sync(
    school: School, devices: DevicePark, link: FaultProxy
) -> None:
    teacher = devices.new(school.add("teacher", "teacher"), url=link.url)
    teacher.mirror.set_state(REGISTERED_KEY, None)  # e.g. a mirror from an app that registered every sync

    assert synced(link, teacher) == ["token", "sync_register_device", "sync_pull"]
    assert teacher.mirror.get_state(REGISTERED_KEY) is not None
    assert synced(link, teacher) == ["token", "sync_pull"]


def test_a_registration_for_another_server_or_user_does_not_count(
    school: School, devices: DevicePark, link: FaultProxy
) -> None:
    teacher = devices.new(school.add("teacher", "teacher"), url=link.url)
    assert teacher.profile is not None
    mine = teacher.mirror.get_state(REGISTERED_KEY)
    assert mine is not None and teacher.profile.user_id in mine and link.url in mine
    teacher.mirror.set_state(REGISTERED_KEY, mine.replace(link.url, "https://another.example.org"))

    assert synced(link, teacher) == ["token", "sync_register_device", "sync_pull"]
    assert teacher.mirror.get_state(REGISTERED_KEY) == mine
