"""SIGKILL a syncing process at random points of push and pull, restart, sync: nothing lost, nothing
duplicated (the design's SYNC.md "What the tests must show"; P2, U1-U3, S3).

The syncing process is `tests.faults.driver` (one sync with small pages and batches), talking to the devstack
through the fault proxy, which slows the link so the kill lands between many pages and batches, and tells the
test when the chosen exchange is under way. The kill point is drawn from a seeded random source, so a failure
names its seed and can be replayed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from localdb import repo
from tests.faults.support import Device, count_server, make_school, mirror_rows, seed_lessons, server_rows
from tests.faults.test_sync_faults import target
from tests.fixtures.faultproxy import FaultProxy, Stats

pytestmark = pytest.mark.pg

ROOT = Path(__file__).resolve().parents[2]
LOCAL_LESSONS, PRACTICE, SEEDED = 120, 8, 100
PAGE, BATCH = 20, 12


def kill_at(proxy: FaultProxy, device: Device, path: str, rng: random.Random) -> str:
    """Start the driver, kill it (SIGKILL) at a random point of the `path` exchanges; say where it died."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.driver", str(device.root), str(PAGE), str(BATCH)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    nth = rng.randint(1, 5)
    phase = rng.choice(["sent", "answering", "answered"])

    def reached(stats: Stats) -> bool:
        exchanges = stats.requests(path)
        if len(exchanges) < nth:
            return False
        chosen = exchanges[nth - 1]
        return (
            phase == "sent" or (phase == "answering" and chosen.down_bytes > 0) or chosen.status is not None
        )

    try:
        while not proxy.wait_until(reached, 0.5):
            if proc.poll() is not None:
                return f"finished before {path} #{nth} ({phase})"
        if phase == "answered":
            # The answer is in: the device is settling or applying it in SQLite. A short random delay
            # picks a point inside that work; it chooses the kill point, it does not wait for a thread.
            time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        return f"killed at {path} #{nth} ({phase})"
    finally:
        proc.wait(timeout=60)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()


def local_work(device: Device, org_id: str) -> tuple[set[str], set[str]]:
    with device.conn() as conn:
        lessons = {
            repo.create_lesson(conn, organisation_id=org_id, author_id=device.user_id, title=f"local {i}")
            for i in range(LOCAL_LESSONS)
        }
        practice = {
            repo.record_practice_session(
                conn, user_id=device.user_id, mode="word", started_at=datetime.now(UTC), score=float(i)
            )
            for i in range(PRACTICE)
        }
    return lessons, practice


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_kill_during_push_and_pull_then_resume(devstack: Any, tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    school = make_school(devstack, tag=f"kill{seed}")
    with FaultProxy(target(devstack.url)) as proxy:
        device = Device(tmp_path / "a", proxy.url, devstack.anon_key, school.emails[0])
        assert device.sync().ok
        lessons, practice = local_work(device, school.org_id)
        seeded = set(seed_lessons(devstack.db_url, school, SEEDED, body_size=40))
        proxy.faults.latency, proxy.faults.bandwidth_bps = 0.01, 400_000

        where = [kill_at(proxy, device, "/rpc/sync_push", rng)]
        where.append(kill_at(proxy, device, "/rpc/sync_pull", rng))
        assert all(w.startswith("killed") for w in where), where  # the kills did land mid-sync

        proxy.faults.latency, proxy.faults.bandwidth_bps = 0.0, None
        first = device.sync()
        assert first.ok, f"{where}: {first.message}"
        assert device.sync().ok
    on_server = server_rows(devstack.db_url, "lessons", school.org_id)
    assert set(on_server) == lessons | seeded, where
    assert count_server(devstack.db_url, "lessons", school.org_id) == LOCAL_LESSONS + SEEDED
    assert set(server_rows(devstack.db_url, "practice_sessions", school.org_id)) == practice
    for table in ("lessons", "notes", "practice_sessions"):
        assert mirror_rows(device, table) == server_rows(devstack.db_url, table, school.org_id), (
            table,
            where,
        )
    with device.mirror() as mirror:
        assert mirror.pending_count() == 0, where
        assert mirror.conflict_count() == 0, where
