"""Sync through a slow, lossy link (SYNC.md S1-S3, U2, P2) with the real devstack and the fault proxy.

Every test makes its own school, so they share one devstack. The proxy stands between the device and the
devstack's HTTP front; the device talks to it through the real supabase-py client.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from localdb import repo
from localdb.tables import TABLES
from sync.scheduler import BackoffPolicy, SyncEvent, SyncEventKind, SyncScheduler, http_probe
from sync.service import ProfileSync
from sync.status import SyncReport
from tests.faults.support import (
    Device,
    School,
    count_server,
    make_school,
    mirror_rows,
    seed_lessons,
    server_rows,
)
from tests.fixtures.faultproxy import FaultProxy, Faults, Rule

pytestmark = pytest.mark.pg

MAX_ATTEMPTS = 40  # a bound on retries, so a sync that never completes fails instead of hanging


def target(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def sync_until_ok(device: Device) -> list[SyncReport]:
    """Retry as the scheduler would (without its waits): every failed run must leave a resumable state."""
    reports: list[SyncReport] = []
    for _ in range(MAX_ATTEMPTS):
        reports.append(device.sync())
        if reports[-1].ok:
            return reports
        assert reports[-1].status in ("offline", "error"), reports[-1].message
    raise AssertionError(f"no complete sync in {MAX_ATTEMPTS} attempts: {[r.message for r in reports]}")


def make_lessons(device: Device, school: School, n: int, tag: str) -> list[str]:
    with device.conn() as conn:
        ids = [
            repo.create_lesson(
                conn,
                organisation_id=school.org_id,
                author_id=device.user_id,
                title=f"{tag} {i}",
                description="x" * 120,
            )
            for i in range(n)
        ]
        for lesson_id in ids[:10]:
            repo.add_note(conn, lesson_id=lesson_id, author_id=device.user_id, title="n", body="body " * 20)
    return ids


def assert_converged(devstack: Any, school: School, *devices: Device) -> None:
    for table in ("lessons", "notes", "practice_sessions"):
        server = server_rows(devstack.db_url, table, school.org_id)
        for device in devices:
            assert mirror_rows(device, table) == server, f"{table} differs on {device.root.name}"
    for device in devices:
        with device.mirror() as mirror:
            assert mirror.pending_count() == 0


def test_slow_lossy_link_sync_completes_without_duplicates(devstack: Any, tmp_path: Path) -> None:
    school = make_school(devstack, teachers=1)
    faults = Faults()
    with FaultProxy(target(devstack.url), faults) as proxy:
        device = Device(tmp_path / "a", proxy.url, devstack.anon_key, school.emails[0], page_size=40, batch_size=15)
        assert device.sync().ok  # the first sign-in sync brings the teacher's own rows
        seed_lessons(devstack.db_url, school, 120)
        local = make_lessons(device, school, 60, "offline")
        with device.conn() as conn:
            practice = repo.record_practice_session(
                conn, user_id=device.user_id, mode="word", started_at=datetime.now(UTC), score=80.0
            )
        faults.latency, faults.bandwidth_bps, faults.status_every = 0.01, 256_000, 7
        faults.rules += [
            Rule("/rpc/sync_push", "drop_answer", nth=2),  # the server applies batch 2, the device never hears
            Rule("/rpc/sync_pull", "cut_response", nth=3, after_bytes=500),
            Rule("/rpc/sync_push", "cut_request", nth=4, after_bytes=300),
        ]
        reports = sync_until_ok(device)
        assert len(reports) > 1  # the faults did bite
        assert all(rule.fired for rule in faults.rules)
        assert proxy.stats.requests("sync_push")
    assert count_server(devstack.db_url, "lessons", school.org_id) == 120 + 60
    assert count_server(devstack.db_url, "notes", school.org_id) == 120 + 10
    assert count_server(devstack.db_url, "practice_sessions", school.org_id) == 1
    server = server_rows(devstack.db_url, "lessons", school.org_id)
    assert set(local) <= set(server)
    assert practice in server_rows(devstack.db_url, "practice_sessions", school.org_id)
    assert_converged(devstack, school, device)
    with device.mirror() as mirror:
        assert mirror.conflict_count() == 0  # a retried own change is not a conflict


def _pull_cursors(proxy: FaultProxy) -> list[str | None]:
    return [json.loads(e.body or b"{}").get("p_cursor") for e in proxy.stats.requests("/rpc/sync_pull")]


def test_a_cut_mid_pull_resumes_from_the_last_applied_page(devstack: Any, tmp_path: Path) -> None:
    school = make_school(devstack)
    seed_lessons(devstack.db_url, school, 100)  # 200 rows plus the school's own
    with FaultProxy(target(devstack.url), keep_bodies="/rpc/sync_pull") as proxy:
        device = Device(tmp_path / "a", proxy.url, devstack.anon_key, school.emails[0], page_size=25)
        proxy.faults.rules.append(Rule("/rpc/sync_pull", "cut_response", nth=4, after_bytes=700))
        first = device.sync()
        assert first.status == "offline"
        assert first.pulled == 3 * 25  # three whole pages were applied before the cut
        cursor_after_cut = device.state("cursor")
        assert cursor_after_cut is not None
        with device.mirror() as mirror:
            held = sum(mirror.table_checksum(spec.name)[0] for spec in TABLES)
        assert held == 3 * 25  # the cut page left nothing half-applied

        pulls_before = len(proxy.stats.requests("/rpc/sync_pull"))
        second = device.sync()
        assert second.ok, second.message
        resumed = _pull_cursors(proxy)[pulls_before:]
        assert resumed[0] == cursor_after_cut  # resumed at the page boundary, not from the start
        assert first.pulled + second.pulled == 200 + 3
    assert_converged(devstack, school, device)


def test_a_retried_push_applies_nothing_twice(devstack: Any, tmp_path: Path) -> None:
    school = make_school(devstack)
    with FaultProxy(target(devstack.url), keep_bodies="/rpc/sync_push") as proxy:
        device = Device(tmp_path / "a", proxy.url, devstack.anon_key, school.emails[0], batch_size=100)
        assert device.sync().ok
        make_lessons(device, school, 20, "once")
        with device.conn() as conn:
            for i in range(5):
                repo.record_practice_session(
                    conn, user_id=device.user_id, mode="word", started_at=datetime.now(UTC), score=float(i)
                )
        proxy.faults.rules.append(Rule("/rpc/sync_push", "drop_answer", nth=1))
        assert device.sync().status == "offline"
        assert count_server(devstack.db_url, "lessons", school.org_id) == 20  # applied, answer lost
        assert device.sync().ok
        pushes = [json.loads(e.body or b"{}") for e in proxy.stats.requests("/rpc/sync_push")]
        assert pushes[0]["p_batch_id"] == pushes[1]["p_batch_id"]  # the same batch, retried (U2)
    assert count_server(devstack.db_url, "lessons", school.org_id) == 20
    assert count_server(devstack.db_url, "practice_sessions", school.org_id) == 5
    assert_converged(devstack, school, device)
    with device.mirror() as mirror:
        assert mirror.conflict_count() == 0


def test_scheduler_backs_off_offline_and_syncs_when_the_server_is_back(devstack: Any, tmp_path: Path) -> None:
    school = make_school(devstack)
    seed_lessons(devstack.db_url, school, 5)
    with FaultProxy(target(devstack.url)) as proxy:
        device = Device(tmp_path / "a", proxy.url, devstack.anon_key, school.emails[0])
        proxy.faults.refuse = True  # the classroom lost its link
        events: list[SyncEvent] = []
        done = threading.Condition()

        def listener(event: SyncEvent) -> None:
            with done:
                events.append(event)
                done.notify_all()

        probe = http_probe(proxy.url + "/auth/v1/health")

        sync = ProfileSync.open(device.root, device.profile)
        sched = SyncScheduler(
            sync.run,
            listener=listener,
            interval=3600.0,
            policy=BackoffPolicy(base=3600.0, cap=3600.0),
            probe=probe,
            probe_interval=0.05,
            run_at_start=True,
        )
        try:
            sched.start()
            with done:
                assert done.wait_for(lambda: any(e.kind is SyncEventKind.OFFLINE for e in events), 60)
            failed = next(e for e in events if e.kind is SyncEventKind.FAILED)
            assert failed.failures == 1
            assert failed.report.status == "offline"
            assert "No connection" in failed.report.message
            assert failed.next_run_at is not None
            assert (failed.next_run_at - failed.at).total_seconds() >= 1800  # backed off (base 3600, jitter)
            proxy.faults.refuse = False  # the link is back: only the probe can bring the next run this soon
            with done:
                assert done.wait_for(lambda: any(e.kind is SyncEventKind.SUCCEEDED for e in events), 60)
            kinds = [e.kind for e in events if e.kind is not SyncEventKind.SCHEDULED]
            assert kinds.index(SyncEventKind.ONLINE) < kinds.index(SyncEventKind.SUCCEEDED)
            assert sched.status().failures == 0
        finally:
            sched.stop()
            sync.close()
    assert len(mirror_rows(device, "lessons")) == 5
