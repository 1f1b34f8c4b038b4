"""Sync benchmarks: our engine beside the plain way and beside the physical limit, in one run.

    .venv/bin/python -m bench.bench_sync            # the issue's sizes (100,000 and 1,000,000 rows)
    .venv/bin/python -m bench.bench_sync --quick    # a few minutes on a small machine
    .venv/bin/python -m bench.bench_sync --rows 50000 --big-rows 200000 --push-rows 5000

It starts its own devstack (a throwaway PostgreSQL cluster, the Supabase bootstrap, the server migrations and
the HTTP front), seeds a realistic mix (lessons, notes, tests, test items, practice sessions) straight into
Postgres, and measures:

1. initial sync of `--rows` rows into an empty mirror: ours (the engine as shipped, through supabase-py, each run
   into a fresh mirror) against the plain way (supabase-py table reads paged with `.range()` plus SQLAlchemy ORM
   `merge` per row) and against the limit (`COPY` out of Postgres plus plain `executemany` into SQLite, the same
   rows, no HTTP); ours and the limit run `--repeat` times, interleaved, and the best of each is compared, so
   a burst of load on a shared machine does not decide a ratio;
2. initial sync of `--big-rows` rows in a child process: its peak RSS (ru_maxrss);
3. a sync with nothing to do: round trips per direction and bytes on the wire both ways (counted by the
   fault proxy, here without faults);
4. pushing `--push-rows` outbox rows: rows/s and bytes;
5. initial sync of `--latency-rows` rows through the fault proxy with `--latency` seconds added each way (no
   bandwidth cap): reading ahead beside one page ahead (how the engine pulls from a server before schema 9).

Then it writes its section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

from bench.report import ratio, write_section

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: the project's packages live beside bench/
    sys.path.insert(0, str(ROOT))

from devstack.bootstrap import bootstrap_supabase  # noqa: E402
from devstack.front import DevstackFront  # noqa: E402
from devstack.keys import StackKeys  # noqa: E402
from devstack.pgcluster import PgCluster  # noqa: E402
from devstack.users import add_user  # noqa: E402
from localdb.mirror import Mirror  # noqa: E402
from localdb.profiles import Profile  # noqa: E402
from localdb.tables import TABLES  # noqa: E402
from server_migrations.runner import migrate  # noqa: E402
from sync.engine import PULL_PAGE_ROWS  # noqa: E402
from sync.pull import FIRST_PAGE_ROWS  # noqa: E402
from sync.service import ProfileSync, login  # noqa: E402
from tests.fixtures.faultproxy import FaultProxy  # noqa: E402
from tests.sync.support import PassThrough  # noqa: E402

log = logging.getLogger(__name__)
PASSWORD = "bench-pass-1"
SEEDED_TABLES = ("lessons", "notes", "tests", "tests_content", "practice_sessions")


# --- the stack and the data ------------------------------------------------------------------------------


@dataclass
class Stack:
    url: str
    anon_key: str
    dsn: str


@contextmanager
def devstack() -> Iterator[Stack]:
    """PostgreSQL here, the HTTP front in a child process: the client under test must not share a GIL with
    the server it talks to, or every HTTP figure measures the two fighting for one interpreter."""
    root = Path(tempfile.mkdtemp(prefix="tutordesk-bench-pg-"))
    os.chmod(root, 0o755)  # the postgres user must enter it when we run as root
    cluster = PgCluster(root).start()
    try:
        with psycopg.connect(cluster.dsn(), autocommit=True) as conn:
            conn.execute("create database bench")
        dsn = cluster.dsn("bench")
        bootstrap_supabase(dsn)
        migrate(dsn)
        keys = StackKeys.load_or_create(root / "keys")
        front = subprocess.Popen(
            [sys.executable, "-m", "bench.bench_sync", "--child-front", dsn, str(root / "keys")],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert front.stdout is not None
            url = json.loads(front.stdout.readline())["url"]
            yield Stack(url, keys.anon_key, dsn)
        finally:
            assert front.stdin is not None
            front.stdin.close()  # the child serves until its stdin closes
            front.wait(timeout=60)
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def child_front(dsn: str, key_dir: str) -> None:
    front = DevstackFront(dsn, StackKeys.load_or_create(Path(key_dir))).start()
    print(json.dumps({"url": front.url}), flush=True)
    sys.stdin.read()
    front.stop()


@dataclass
class School:
    org_id: str
    user_id: str
    email: str


def new_school(stack: Stack) -> School:
    tag = uuid.uuid4().hex[:8]
    email = f"bench-{tag}@school.test"
    user_id = add_user(stack.dsn, email, PASSWORD, "teacher", org=f"Bench school {tag}")
    with psycopg.connect(stack.dsn) as conn:
        row = conn.execute(
            "select organisation_id::text from public.users where id = %s", (user_id,)
        ).fetchone()
    assert row is not None
    return School(str(row[0]), user_id, email)


SEED_SQL = [
    # 1 lesson : 3 notes : 0.5 tests : 2.5 items : 3 practice sessions = 10 rows per lesson.
    """insert into public.lessons (id, organisation_id, author_id, title, description, lesson_type,
         difficulty_level, is_active)
       select gen_random_uuid(), %(org)s, %(user)s, 'Lesson ' || g, repeat('A short description. ', 3),
         (array['word','sentence','freestyle'])[1 + g %% 3], 1 + g %% 5, g %% 7 <> 0
       from generate_series(1, %(lessons)s) g""",
    """insert into public.notes (id, organisation_id, lesson_id, author_id, position, title, body)
       select gen_random_uuid(), %(org)s, l.id, %(user)s, k, 'Note ' || k, repeat('Some words to read. ', 6)
       from public.lessons l cross join generate_series(1, 3) k where l.organisation_id = %(org)s""",
    """insert into public.tests (id, organisation_id, lesson_id, title, passing_score, shuffle_items)
       select gen_random_uuid(), %(org)s, l.id, 'Test of ' || l.title, 60, true
       from (select id, title, row_number() over (order by id) rn from public.lessons
             where organisation_id = %(org)s) l where l.rn %% 2 = 0""",
    """insert into public.tests_content (id, organisation_id, test_id, sequence, test_type, test_content,
         test_options, correct_answer)
       select gen_random_uuid(), %(org)s, t.id, k, 'vid2text',
         jsonb_build_object('prompt', 'Item ' || k, 'media', 'video-' || k || '.mp4'),
         '["apple", "pear", "plum", "fig"]'::jsonb, '"pear"'::jsonb
       from public.tests t cross join generate_series(1, 5) k where t.organisation_id = %(org)s""",
    """insert into public.practice_sessions (id, organisation_id, user_id, lesson_id, mode, score,
         raw_metrics, started_at, completed_at, duration_seconds)
       select gen_random_uuid(), %(org)s, %(user)s, l.id, 'word', 50 + k * 10,
         jsonb_build_object('accuracy', 0.8, 'attempts', k), now() - interval '1 day', now(), 300
       from public.lessons l cross join generate_series(1, 3) k where l.organisation_id = %(org)s""",
]


def seed(stack: Stack, school: School, rows: int) -> None:
    params = {"org": school.org_id, "user": school.user_id, "lessons": max(1, rows // 10)}
    with psycopg.connect(stack.dsn) as conn:
        for statement in SEED_SQL:
            conn.execute(statement, params)
    log.info("seeded about %d rows", rows)


class Device:
    def __init__(self, folder: Path, url: str, stack: Stack, school: School) -> None:
        self.folder = folder
        self.profile: Profile = login(folder, url, stack.anon_key, school.email, PASSWORD)

    def sync(self, *, one_ahead: bool = False, **options: Any) -> tuple[Any, float]:
        with ProfileSync.open(self.folder, self.profile, **options) as profile_sync:
            if one_ahead:
                # A wrapper without `pull_answer`: the pull goes one page ahead without skipping, as it does with
                # a server before schema 9 (the plain way of pipelining, for the latency comparison).
                profile_sync.engine.transport = PassThrough(profile_sync.engine.transport)
            started = time.perf_counter()
            report = profile_sync.run()
            return report, time.perf_counter() - started


def target(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


# --- 1. initial sync: ours, the plain way, the limit -------------------------------------------------------


def plain_sqlite(path: Path) -> sqlite3.Connection:
    """An SQLite file with the mirror's tables and nothing else (no outbox triggers), for the baselines."""
    with Mirror.open(path.with_suffix(".template")) as mirror:
        ddl = [
            row[0]
            for row in mirror.conn.execute(
                "select sql from sqlite_master where type = 'table' and name in ({})".format(
                    ",".join("?" for _ in TABLES)
                ),
                [t.name for t in TABLES],
            )
        ]
    conn = sqlite3.connect(path)
    conn.execute("pragma journal_mode = wal")
    for statement in ddl:
        conn.execute(statement)
    conn.commit()
    return conn


def run_plain(stack: Stack, url: str, school: School, folder: Path) -> tuple[int, float]:
    """supabase-py table reads paged with .range(), SQLAlchemy ORM merge per row: what one writes first."""
    from sqlalchemy import create_engine
    from sqlalchemy.ext.automap import automap_base
    from sqlalchemy.orm import Session
    from supabase import create_client

    plain_sqlite(folder / "plain.sqlite3").close()
    engine = create_engine(f"sqlite:///{folder / 'plain.sqlite3'}")
    base = automap_base()
    base.prepare(autoload_with=engine)
    client = create_client(url, stack.anon_key)
    client.auth.sign_in_with_password({"email": school.email, "password": PASSWORD})
    started = time.perf_counter()
    total = 0
    with Session(engine) as session:
        for spec in TABLES:
            model = base.classes[spec.name]
            offset = 0
            while True:
                page = client.table(spec.name).select("*").order("id").range(offset, offset + 999).execute()
                for row in page.data:
                    values = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in row.items()}
                    session.merge(model(**values))
                session.commit()
                total += len(page.data)
                offset += len(page.data)
                if len(page.data) < 1000:
                    break
    seconds = time.perf_counter() - started
    client.auth.sign_out()
    engine.dispose()
    return total, seconds


def run_limit(stack: Stack, school: School, folder: Path) -> tuple[int, float]:
    """COPY out of Postgres and plain executemany into SQLite: the same rows, no HTTP, no rules."""
    folder.mkdir(parents=True, exist_ok=True)
    target_db = plain_sqlite(folder / "limit.sqlite3")
    columns = {
        spec.name: [r[1] for r in target_db.execute(f"pragma table_info({spec.name})")] for spec in TABLES
    }
    started = time.perf_counter()
    total = 0
    with psycopg.connect(stack.dsn) as conn, conn.cursor() as cur:
        for spec in TABLES:
            cols = columns[spec.name]
            where = "id" if spec.name == "organisations" else "organisation_id"
            query = f"copy (select {', '.join(cols)} from public.{spec.name} where {where} = %s) to stdout"
            with cur.copy(query.replace("%s", f"'{school.org_id}'")) as copy:
                rows = list(copy.rows())
            marks = ", ".join("?" for _ in cols)
            with target_db:
                target_db.executemany(f"insert into {spec.name} ({', '.join(cols)}) values ({marks})", rows)
            total += len(rows)
    seconds = time.perf_counter() - started
    target_db.close()
    return total, seconds


# --- 2. peak memory of a big initial sync, in a child process -----------------------------------------------


def child_sync(folder: str) -> None:
    """Run in the child: one sync of the folder's profile; print what it did and its own peak RSS."""
    from localdb.profiles import ProfileStore

    profile = ProfileStore(Path(folder)).last_used()
    assert profile is not None
    with ProfileSync.open(Path(folder), profile) as profile_sync:
        started = time.perf_counter()
        report = profile_sync.run()
        seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps({"status": report.status, "pulled": report.pulled, "seconds": seconds, "peak_kb": peak_kb})
    )


def run_big(stack: Stack, rows: int, folder: Path) -> dict[str, Any]:
    school = new_school(stack)
    seed(stack, school, rows)
    Device(folder, stack.url, stack, school)  # sign in (saves the profile and token); the child syncs
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_sync", "--child-sync", str(folder)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# --- 3 and 4: a sync with nothing to do, a big push ---------------------------------------------------------


def by_path(proxy: FaultProxy, since: int = 0) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {"requests": Counter(), "up": Counter(), "down": Counter()}
    for exchange in proxy.stats.exchanges[since:]:
        name = exchange.path.split("?")[0].rsplit("/", 1)[-1]
        counts["requests"][name] += 1
        counts["up"][name] += exchange.up_bytes
        counts["down"][name] += exchange.down_bytes
    return counts


def run_push(stack: Stack, rows: int, folder: Path) -> dict[str, Any]:
    school = new_school(stack)
    with FaultProxy(target(stack.url), lifetime=3600) as proxy:
        device = Device(folder, proxy.url, stack, school)
        report, _ = device.sync()
        assert report.ok, report.message
        with Mirror.open(device.profile.mirror_path) as mirror, mirror.transaction() as conn:
            conn.executemany(
                "insert into lessons (id, organisation_id, author_id, title, description, lesson_type,"
                " difficulty_level, is_active) values (?, ?, ?, ?, ?, 'word', 2, 1)",
                [
                    (str(uuid.uuid4()), school.org_id, school.user_id, f"Local {i}", "Written offline. " * 3)
                    for i in range(rows)
                ],
            )
        stages: dict[str, float] = {}

        def listener(progress: Any) -> None:
            stages.setdefault(progress.stage, time.perf_counter())

        since = len(proxy.stats.exchanges)
        report, seconds = device.sync(listener=listener)
        assert report.ok and report.pushed == rows, report.message
        counts = by_path(proxy, since)
    push_seconds = stages["pull"] - stages["push"]
    return {
        "rows": rows,
        "seconds": push_seconds,
        "whole_sync": seconds,
        "up": counts["up"]["sync_push"],
        "down": counts["down"]["sync_push"],
        "batches": counts["requests"]["sync_push"],
    }


# --- 5. reading ahead through a link with long round trips -------------------------------------------------


def run_latency(stack: Stack, rows: int, latency: float, repeat: int, folder: Path) -> dict[str, Any]:
    """Ours as shipped and one page ahead, `repeat` times each, interleaved, each into a fresh mirror."""
    school = new_school(stack)
    seed(stack, school, rows)
    runs: dict[str, list[float]] = {"ahead": [], "one": []}
    pulled = 0
    with FaultProxy(target(stack.url), lifetime=3600) as proxy:
        for run in range(repeat):
            for mode, times in runs.items():
                device = Device(folder / f"{mode}{run}", proxy.url, stack, school)
                proxy.faults.latency = latency
                try:
                    report, seconds = device.sync(one_ahead=mode == "one")
                finally:
                    proxy.faults.latency = 0.0
                assert report.ok, report.message
                pulled = report.pulled
                times.append(seconds)
    return {"rows": pulled, "latency": latency, **runs}


# --- the run ------------------------------------------------------------------------------------------------


@dataclass
class Results:
    ours_rows: int = 0
    ours_s: float = 0.0
    ours_all: list[float] = field(default_factory=list)
    limit_all: list[float] = field(default_factory=list)
    initial: dict[str, Counter[str]] | None = None
    plain_rows: int = 0
    plain_s: float = 0.0
    limit_rows: int = 0
    limit_s: float = 0.0
    noop: dict[str, Counter[str]] | None = None
    noop_s: float = 0.0
    push: dict[str, Any] | None = None
    big: dict[str, Any] | None = None
    latency: dict[str, Any] | None = None


def measure(args: argparse.Namespace) -> Results:
    work = Path(tempfile.mkdtemp(prefix="tutordesk-bench-"))
    r = Results()
    try:
        with devstack() as stack:
            school = new_school(stack)
            seed(stack, school, args.rows)
            for run in range(args.repeat):
                report, seconds = Device(work / f"ours{run}", stack.url, stack, school).sync()
                assert report.ok, report.message
                r.ours_rows = report.pulled
                r.ours_all.append(seconds)
                r.limit_rows, seconds = run_limit(stack, school, work / f"limit{run}")
                r.limit_all.append(seconds)
            r.ours_s, r.limit_s = min(r.ours_all), min(r.limit_all)
            r.plain_rows, r.plain_s = run_plain(stack, stack.url, school, work)
            with FaultProxy(target(stack.url), lifetime=7200) as proxy:
                # A second device through the proxy, for bytes and round trips (its times are not reported).
                counted = Device(work / "counted", proxy.url, stack, school)
                since = len(proxy.stats.exchanges)
                assert counted.sync()[0].ok
                r.initial = by_path(proxy, since)
                since = len(proxy.stats.exchanges)
                noop_report, r.noop_s = counted.sync()
                assert noop_report.ok and noop_report.pulled == 0 and noop_report.pushed == 0
                r.noop = by_path(proxy, since)
            r.push = run_push(stack, args.push_rows, work / "push")
            r.big = run_big(stack, args.big_rows, work / "big") if args.big_rows else None
            if args.latency_rows:
                r.latency = run_latency(stack, args.latency_rows, args.latency, args.repeat, work / "latency")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return r


def seconds_list(runs: list[float]) -> str:
    return ", ".join(f"{s:.1f}" for s in runs)


def render(args: argparse.Namespace, r: Results) -> str:
    assert r.initial is not None and r.noop is not None and r.push is not None
    ours_rate, plain_rate, limit_rate = (
        r.ours_rows / r.ours_s,
        r.plain_rows / r.plain_s,
        r.limit_rows / r.limit_s,
    )
    initial, noop, push, big = r.initial, r.noop, r.push, r.big
    lines = [
        "## Sync (bench/bench_sync.py)",
        "",
        f"Initial sync of {r.ours_rows:,} rows (lessons, notes, tests, test items, practice sessions; seeded "
        "straight into Postgres) from the devstack into an empty mirror.",
        "",
        "| way | rows | seconds | rows/s | ours is |",
        "|---|---:|---:|---:|---:|",
        f"| ours: the engine (feed pages growing from {FIRST_PAGE_ROWS:,} to {PULL_PAGE_ROWS:,} rows, one SQLite "
        "transaction per page; read ahead: two pages in the making on the server while one is decoded and one "
        "applied; the search index built once at the end)"
        f"; best of {len(r.ours_all)}: {seconds_list(r.ours_all)} s "
        f"| {r.ours_rows:,} | {r.ours_s:.1f} | {ours_rate:,.0f} | |",
        f"| plain: supabase-py `.range()` pages of 1,000 + SQLAlchemy ORM `merge` per row "
        f"| {r.plain_rows:,} | "
        f"{r.plain_s:.1f} | {plain_rate:,.0f} | {ratio(ours_rate, plain_rate)} faster |",
        f"| limit: `COPY` out of Postgres + `executemany` into SQLite (no HTTP); best of {len(r.limit_all)}: "
        f"{seconds_list(r.limit_all)} s | {r.limit_rows:,} | {r.limit_s:.1f} | {limit_rate:,.0f} | "
        f"{ratio(limit_rate, ours_rate)} slower |",
        "",
        f"Targets: at least 10x the plain way ({ratio(ours_rate, plain_rate)}), within 3x of the limit "
        f"({ratio(limit_rate, ours_rate)}). On the wire (gzip): "
        f"{sum(initial['down'].values()):,} bytes down, {sum(initial['up'].values()):,} up, "
        f"{initial['requests']['sync_pull']} pull round trips.",
        "",
    ]
    if big is not None:
        lines += [
            f"Initial sync of {big['pulled']:,} rows in a child process: peak RSS "
            f"**{big['peak_kb'] / 1024:.0f} MB** (target under 300 MB), {big['seconds']:.0f} s "
            f"({big['pulled'] / big['seconds']:,.0f} rows/s).",
            "",
        ]
    lines += [
        f"A sync with nothing to do ({r.noop_s * 1000:.0f} ms through the proxy): round trips and bytes on "
        "the wire per call.",
        "",
        "| call | round trips | bytes up | bytes down |",
        "|---|---:|---:|---:|",
        *(
            f"| {name} | {count} | {noop['up'][name]:,} | {noop['down'][name]:,} |"
            for name, count in sorted(noop["requests"].items())
        ),
        f"| **all** | {sum(noop['requests'].values())} | {sum(noop['up'].values()):,} | "
        f"{sum(noop['down'].values()):,} |",
        "",
        f"Pushing {push['rows']:,} outbox rows: {push['rows'] / push['seconds']:,.0f} rows/s "
        f"({push['seconds']:.1f} s in the push stage, {push['batches']} batches, {push['up']:,} bytes up, "
        f"{push['down']:,} bytes down, through the proxy; the whole sync, pulling them back, took "
        f"{push['whole_sync']:.1f} s).",
        "",
    ]
    if r.latency is not None:
        lat = r.latency
        ahead, one = min(lat["ahead"]), min(lat["one"])
        lines += [
            f"Through a link with long round trips (the fault proxy adds {lat['latency'] * 1000:.0f} ms each way, no "
            f"bandwidth cap): initial sync of {lat['rows']:,} rows, best of {len(lat['ahead'])}: "
            f"read ahead **{ahead:.1f} s** "
            f"({lat['rows'] / ahead:,.0f} rows/s; runs: {seconds_list(lat['ahead'])} s), one page ahead (how a "
            f"server before schema 9 is pulled) {one:.1f} s ({lat['rows'] / one:,.0f} rows/s; runs: "
            f"{seconds_list(lat['one'])} s): reading ahead is {ratio(one, ahead)} faster.",
            "",
        ]
    lines += [
        f"Run: `python -m bench.bench_sync --rows {args.rows} --big-rows {args.big_rows} "
        f"--push-rows {args.push_rows} --latency-rows {args.latency_rows} --latency {args.latency} "
        f"--repeat {args.repeat}`.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the initial-sync comparison")
    parser.add_argument(
        "--big-rows", type=int, default=1_000_000, help="rows of the peak-memory sync (0: skip)"
    )
    parser.add_argument("--push-rows", type=int, default=10_000, help="outbox rows to push")
    parser.add_argument(
        "--latency-rows", type=int, default=20_000, help="rows of the long-round-trip comparison (0: skip)"
    )
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the proxy adds each way")
    parser.add_argument("--repeat", type=int, default=2, help="runs of ours and of the limit (best counts)")
    parser.add_argument("--quick", action="store_true", help="small sizes: 20,000 / 100,000 / 2,000 rows")
    parser.add_argument("--child-sync", metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument("--child-front", nargs=2, metavar=("DSN", "KEYS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.child_front:
        child_front(*args.child_front)
        return 0
    if args.child_sync:
        child_sync(args.child_sync)
        return 0
    if args.quick:
        args.rows, args.big_rows, args.push_rows, args.latency_rows = 20_000, 100_000, 2_000, 5_000
    section = render(args, measure(args))
    print(section)
    write_section("sync", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
