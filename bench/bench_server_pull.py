"""How fast the server's change feed serves a device: sync_pull beside the plain way and the physical limit.

One run, on a throwaway PostgreSQL 15 cluster with the Supabase bootstrap and every server migration:

1. A table of --rows lessons (default 1,000,000) made with generate_series, with their change-log entries.
2. A teacher pulls all of it in pages of --page rows (default 5,000) through `sync_pull`, called as PostgREST
   calls it (SET LOCAL ROLE authenticated + request.jwt.claims, one transaction per page).
3. The plain way: the same rows read as PostgREST's table endpoint would page them (keyset on id, RLS on).
4. The limit: `COPY (select to_json(...)) TO STDOUT` of the same rows as the superuser, no RLS, no feed.
5. EXPLAIN of the feed query and of the page's row lookup, to show index scans only.
6. A mixed school of --mix-rows rows (default 100,000: lessons, notes, tests, test items, practice sessions of a
   class's learners, as the sync bench seeds them), pulled by its teacher and by a learner in pages of 1,000 and
   5,000 at the latest server schema and at the one before it (the latest migration rolled back on the same
   data): what the latest migration changed. Beside it the plain way (each table read by keyset, RLS on) and
   the limit (COPY of the same tables). --mix-rows 0 skips it.
7. --devices (default 500) simulated devices each doing a no-change pull, from a pool of --workers
   connections (and, when the devstack's HTTP front is there, through it): p50 and p95 latency.

Writes its section into docs/benchmarks.md. `--rows 100000 --mix-rows 20000` runs in about a minute.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from bench.mixed_school import MIX_TABLES, generate_mix
from bench.report import ratio, write_section
from devstack.bootstrap import bootstrap_supabase
from devstack.pgcluster import PgCluster
from server_migrations.runner import discover, migrate, rollback

log = logging.getLogger(__name__)

CHUNK = 100_000  # rows per generating transaction: the feed sees many transactions, as in real life
MIX_PAGES = (1_000, 5_000)  # the device's page size, and the bench's lessons-only page size


def claims(user: str, org: str, role: str) -> dict[str, Any]:
    return {
        "sub": user,
        "role": "authenticated",
        "aud": "authenticated",
        "app_metadata": {"tutordesk_role": role, "organisation_id": org},
    }


@contextmanager
def as_user(conn: psycopg.Connection[Any], who: dict[str, Any]) -> Iterator[psycopg.Connection[Any]]:
    with conn.transaction():
        conn.execute("set local role authenticated")
        conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(who),))
        yield conn


def add_user(conn: psycopg.Connection[Any], org: str, role: str) -> str:
    user = str(uuid.uuid4())
    conn.execute("insert into auth.users (id, email) values (%s, %s)", (user, f"{user}@bench.example"))
    conn.execute(
        "insert into users (id, organisation_id, role, nickname) values (%s, %s, %s, 'bench')",
        (user, org, role),
    )
    return user


def generate(conn: psycopg.Connection[Any], rows: int) -> tuple[str, str]:
    """A school, a teacher and `rows` lessons with their change-log entries; returns (org, teacher)."""
    org = str(uuid.uuid4())
    conn.execute("insert into organisations (id, name) values (%s, 'Bench school')", (org,))
    teacher = add_user(conn, org, "teacher")
    # Bulk import path: the per-row triggers would do the same work one row at a time.
    conn.execute("alter table lessons disable trigger user")
    try:
        for start in range(0, rows, CHUNK):
            count = min(CHUNK, rows - start)
            with conn.transaction():
                conn.execute(
                    """
                    with made as (
                      insert into lessons (id, organisation_id, author_id, title, description,
                                           lesson_type, difficulty_level, is_active, published_at,
                                           field_stamps, row_version)
                      select gen_random_uuid(), %(org)s, %(teacher)s, 'Lesson ' || g, repeat('words ', 20),
                             'word', 1 + g %% 5, true, now(),
                             jsonb_build_object('title',
                                                sync_canonical(now()) || '|' || sync_server_device()),
                             nextval('sync_row_version_seq')
                      from generate_series(%(start)s::int, %(end)s::int) g
                      returning id
                    )
                    insert into sync_change_log (table_name, row_id, organisation_id, xid, seq)
                    select 'lessons', id, %(org)s, pg_current_xact_id(), nextval('sync_change_seq') from made
                    """,
                    {"org": org, "teacher": teacher, "start": start + 1, "end": start + count},
                )
    finally:
        conn.execute("alter table lessons enable trigger user")
    conn.execute("vacuum analyze lessons")
    conn.execute("vacuum analyze sync_change_log")
    return org, teacher


def timed(run: Callable[[], int]) -> tuple[int, float]:
    start = time.perf_counter()
    count = run()
    return count, time.perf_counter() - start


def pull_everything(conn: psycopg.Connection[Any], who: dict[str, Any], device: str, page: int) -> int:
    cursor, total = None, 0
    while True:
        with as_user(conn, who):
            answer = conn.execute(
                "select sync_pull(%s, %s, %s)::text as a", (device, cursor, page)
            ).fetchone()
        assert answer is not None
        body = json.loads(answer["a"])  # the JSON text PostgREST would send, parsed as the device would
        total += len(body["rows"])
        cursor = body["cursor"]
        if not body["has_more"]:
            return total


def plain_keyset(conn: psycopg.Connection[Any], who: dict[str, Any], page: int, table: str = "lessons") -> int:
    """What a client paging PostgREST's /<table>?id=gt.X&order=id&limit=N would cost (RLS on)."""
    last, total = "00000000-0000-0000-0000-000000000000", 0
    query = sql.SQL(
        "select coalesce(json_agg(x order by x.id), '[]')::text as a, max(x.id::text) as last "
        "from (select * from {} where id > %s order by id limit %s) x"
    ).format(sql.Identifier(table))
    while True:
        with as_user(conn, who):
            answer = conn.execute(query, (last, page)).fetchone()
        assert answer is not None
        rows = json.loads(answer["a"])
        total += len(rows)
        if len(rows) < page:
            return total
        last = answer["last"]


def copy_limit(conn: psycopg.Connection[Any], org: str, tables: tuple[str, ...] = ("lessons",)) -> int:
    """COPY of the school's rows of `tables` as JSON, superuser, no RLS, no feed; returns the rows."""
    total = 0
    for table in tables:
        where = sql.SQL("from {} x where organisation_id = {}").format(sql.Identifier(table), sql.Literal(org))
        with conn.cursor().copy(sql.SQL("copy (select to_json(x) {}) to stdout").format(where)) as copy:
            for _block in copy:  # raw blocks, not parsed: the limit is the server writing and the wire
                pass
        counted = conn.execute(sql.SQL("select count(*) as n {}").format(where)).fetchone()
        total += int(counted["n"])  # type: ignore[index]
    return total


def explain(conn: psycopg.Connection[Any], org: str, who: dict[str, Any]) -> str:
    feed = conn.execute(
        "explain (analyze, costs off, timing off, summary off) "
        "select table_name, row_id, xid, seq from sync_change_log "
        "where organisation_id = %s and (xid, seq) > ('0'::xid8, 0::bigint) "
        "and xid < pg_snapshot_xmin(pg_current_snapshot()) order by xid, seq limit 5001",
        (org,),
    ).fetchall()
    ids = [
        r["row_id"]
        for r in conn.execute("select row_id from sync_change_log order by xid, seq limit 5000").fetchall()
    ]
    with as_user(conn, who):
        rows = conn.execute(
            "explain (analyze, costs off, timing off, summary off) "
            "select to_jsonb(x) from unnest(%s::text[], %s::uuid[]) with ordinality as e(tbl, id, ord) "
            "join public.lessons x on x.id = e.id where e.tbl = 'lessons'",
            (["lessons"] * len(ids), ids),
        ).fetchall()
    lines = ["-- the feed (sync_feed_page)"] + [r["QUERY PLAN"] for r in feed]
    lines += ["-- the page's rows (sync_page_rows), RLS on"] + [r["QUERY PLAN"] for r in rows]
    return "\n".join(lines)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def feed_end(conn: psycopg.Connection[Any]) -> str:
    row = conn.execute(
        "select m.epoch || ':' || c.xid || ':' || c.seq as cursor from sync_meta m, "
        "(select xid, seq from sync_change_log order by xid desc, seq desc limit 1) c"
    ).fetchone()
    assert row is not None
    return str(row["cursor"])


def make_devices(dsn: str, org: str, devices: int) -> list[tuple[str, str]]:
    """`devices` learners of the big school, each with a registered device: (learner, device)."""
    made = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        for _ in range(devices):
            learner, device = add_user(conn, org, "learner"), str(uuid.uuid4())
            conn.execute(
                "insert into devices (id, user_id, organisation_id, name) values (%s, %s, %s, 'bench')",
                (device, learner, org),
            )
            made.append((learner, device))
    return made


def no_change_sql(
    dsn: str, org: str, cursor: str, devices: list[tuple[str, str]], workers: int
) -> tuple[list[float], float]:
    """Every device asks for what is new after the end of the feed, from a pool of `workers` connections."""
    conns = [psycopg.connect(dsn, autocommit=True, row_factory=dict_row) for _ in range(workers)]
    free = list(conns)

    def one(pair: tuple[str, str]) -> float:
        conn = free.pop()  # the pool has one connection per worker thread
        try:
            start = time.perf_counter()
            with as_user(conn, claims(pair[0], org, "learner")):
                answer = conn.execute(
                    "select sync_pull(%s, %s, 5000)::text as a", (pair[1], cursor)
                ).fetchone()
            elapsed = time.perf_counter() - start
            assert answer is not None and json.loads(answer["a"])["rows"] == []
            return elapsed
        finally:
            free.append(conn)

    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            latencies = list(pool.map(one, devices))
        return latencies, time.perf_counter() - started
    finally:
        for conn in conns:
            conn.close()


def no_change_http(
    dsn: str, org: str, cursor: str, devices: list[tuple[str, str]], workers: int
) -> tuple[list[float], float]:
    """The same through the devstack's HTTP front (PostgREST's wire: JWT per request, JSON over HTTP).

    Each client opens its keep-alive connection before the clock starts, as a running app has one already.
    """
    import httpx

    from devstack.front import DevstackFront, FrontSettings
    from devstack.keys import StackKeys

    keys = StackKeys.generate()
    front = DevstackFront(dsn, keys, FrontSettings(pool_size=min(workers, 20))).start()

    def headers(learner: str) -> dict[str, str]:
        token, _ = keys.access_token(claims(learner, org, "learner"), 3600)
        return {"apikey": keys.anon_key, "Authorization": f"Bearer {token}"}

    clients = [httpx.Client(base_url=front.url, timeout=120) for _ in range(workers)]
    for client in clients:
        client.post(
            "/rest/v1/rpc/sync_server_info", json={}, headers=headers(devices[0][0])
        ).raise_for_status()
    free = list(clients)

    def one(pair: tuple[str, str]) -> float:
        client = free.pop()  # one client per worker thread
        try:
            sent = headers(pair[0])
            start = time.perf_counter()
            reply = client.post(
                "/rest/v1/rpc/sync_pull",
                json={"p_device_id": pair[1], "p_cursor": cursor, "p_limit": 5000},
                headers=sent,
            )
            elapsed = time.perf_counter() - start
            reply.raise_for_status()
            assert reply.json()["rows"] == []
            return elapsed
        finally:
            free.append(client)

    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            latencies = list(pool.map(one, devices))
        return latencies, time.perf_counter() - started
    finally:
        for client in clients:
            client.close()
        front.stop()


def latency_line(name: str, values: list[float], wall: float) -> str:
    p50, p95 = percentile(values, 0.50) * 1000, percentile(values, 0.95) * 1000
    return f"| {name} | {len(values)} | {p50:.1f} ms | {p95:.1f} ms | {len(values) / wall:,.0f} |"


def measure(dsn: str, args: argparse.Namespace) -> str:
    with psycopg.connect(dsn, autocommit=True, row_factory=dict_row) as conn:
        started = time.perf_counter()
        org, teacher = generate(conn, args.rows)
        made = time.perf_counter() - started
        log.info("generated %s rows in %.1f s", args.rows, made)
        who = claims(teacher, org, "teacher")
        device = str(uuid.uuid4())
        with as_user(conn, who):
            conn.execute("select sync_register_device(%s, 'bench', '0')", (device,))
        ours = timed(lambda: pull_everything(conn, who, device, args.page))
        plain = timed(lambda: plain_keyset(conn, who, args.page))
        limit = timed(lambda: copy_limit(conn, org))
        plans = explain(conn, org, who)
    # The feed also carries the school and the teacher themself; the table reads see the lessons only.
    assert ours[0] == args.rows + 2 and plain[0] == limit[0] == args.rows, (ours, plain, limit)
    mix = measure_mix(dsn, args) if args.mix_rows > 0 else []
    devices = make_devices(dsn, org, args.devices)
    with psycopg.connect(dsn, autocommit=True, row_factory=dict_row) as conn:
        cursor = feed_end(conn)  # after the devices' own users: nothing new for anyone
    lines = [
        latency_line(
            f"SQL, {args.workers} connections", *no_change_sql(dsn, org, cursor, devices, args.workers)
        )
    ]
    try:
        http = no_change_http(dsn, org, cursor, devices, args.workers)
        lines.append(latency_line(f"HTTP front, {args.workers} clients", *http))
    except Exception as exc:  # the HTTP part is a bonus: never lose the rest of the run to it
        log.exception("the HTTP front measurement failed")
        lines.append(f"| HTTP front | failed: {type(exc).__name__}: {exc} | | | |")
    return report(args, ours=ours, plain=plain, limit=limit, plans=plans, latency=lines, mix=mix)


def best_pull(conn: psycopg.Connection[Any], who: dict[str, Any], page: int) -> tuple[int, float]:
    """One whole pull from a new device (a first sync), as in `pull_everything`."""
    device = str(uuid.uuid4())
    with as_user(conn, who):
        conn.execute("select sync_register_device(%s, 'bench', '0')", (device,))
    return timed(lambda: pull_everything(conn, who, device, page))


def at_schema(dsn: str, version: int) -> None:
    """The server schema at `version`, on the same data (rolling back or applying migrations)."""
    if rollback(dsn, version) or migrate(dsn, target=version):
        log.info("server schema now at %d", version)


MixResults = dict[tuple[int, str, int], tuple[int, float]]


def measure_mix(dsn: str, args: argparse.Namespace) -> list[str]:
    """The mixed school, pulled by its teacher and a learner at the latest schema and the one before it."""
    versions = [m.version for m in discover()][-2:]
    results: MixResults = {}
    with psycopg.connect(dsn, autocommit=True, row_factory=dict_row) as conn:
        org, teacher, learner = generate_mix(conn, args.mix_rows)
        callers = {"teacher": claims(teacher, org, "teacher"), "learner": claims(learner, org, "learner")}
        try:
            # Interleaved rounds, best of each kept: the machine is shared, a busy moment hits both versions.
            for _round in range(args.mix_rounds):
                for version in versions:
                    at_schema(dsn, version)
                    for (role, who), page in ((c, p) for c in callers.items() for p in MIX_PAGES):
                        result = best_pull(conn, who, page)
                        key = (version, role, page)
                        if key not in results or result[1] < results[key][1]:
                            results[key] = result
        finally:
            at_schema(dsn, versions[-1])
        plain = timed(lambda: sum(plain_keyset(conn, callers["teacher"], 1000, t) for t in MIX_TABLES))
        limit = timed(lambda: copy_limit(conn, org, MIX_TABLES))
    return report_mix(args, versions, results, plain, limit)


def report_mix(
    args: argparse.Namespace, versions: list[int], results: MixResults,
    plain: tuple[int, float], limit: tuple[int, float],
) -> list[str]:
    old, new = versions[0], versions[-1]
    lines = [
        "",
        f"A mixed school of about {args.mix_rows:,} rows (lessons, notes, tests, test items, and the practice "
        "sessions of the teacher's class of 30 learners, seeded as the sync bench seeds them), pulled whole by "
        f"its teacher and by one learner (who may see about 60% of it), at server schema {new} and, on the same "
        f"data, at schema {old} (migration {new} rolled back). Best of {args.mix_rounds} interleaved rounds; "
        "rows/s include parsing each page's JSON, as above.",
        "",
        f"| caller | page | schema {old} | schema {new} | change |",
        "|---|---|---|---|---|",
    ]
    for role in ("teacher", "learner"):
        for page in MIX_PAGES:
            before, after = results[(old, role, page)], results[(new, role, page)]
            lines.append(f"| {role} | {page:,} | {rate(before)} | {rate(after)} | "
                         f"{ratio(before[1], after[1])} faster |")
    teacher = results[(new, "teacher", 1000)]
    lines += [
        "",
        f"For the teacher at pages of 1,000 (schema {new}: {rate(teacher)}): the plain way, each table read by "
        f"keyset under RLS, {rate(plain)}; the limit, COPY of the same tables, {rate(limit)}.",
    ]
    return lines


def rate(result: tuple[int, float]) -> str:
    return f"{result[0] / result[1]:,.0f} rows/s ({result[1]:.1f} s)"


def report(
    args: argparse.Namespace,
    *,
    ours: tuple[int, float],
    plain: tuple[int, float],
    limit: tuple[int, float],
    plans: str,
    latency: list[str],
    mix: list[str],
) -> str:
    return "\n".join(
        [
            "## Server change feed: `sync_pull` (bench/bench_server_pull.py)",
            "",
            f"{args.rows:,} lessons in one school, pulled by a teacher in pages of {args.page:,} rows, "
            "each page one transaction with PostgREST's role and claims (row-level security on).",
            "",
            "| way | rows per second | vs ours |",
            "|---|---|---|",
            f"| ours: `sync_pull` (commit-safe feed, RLS, JSON) | {rate(ours)} | 1.0x |",
            f"| plain: table read, keyset on id (RLS, JSON; not commit-safe) | {rate(plain)} | "
            f"{ratio(ours[1], plain[1])} faster |",
            f"| limit: `COPY (select to_json(row)) TO STDOUT`, superuser, no RLS | {rate(limit)} | "
            f"{ratio(ours[1], limit[1])} faster |",
            "",
            "The feed reads indexes only (EXPLAIN ANALYZE of one page):",
            "",
            "```",
            plans,
            "```",
            *mix,
            "",
            f"{args.devices} devices (each its own learner), each with nothing new to pull (the common "
            f"case), one pull each, {args.workers} at a time. Each pull also records the device's position "
            "(one small write), so it commits; on a shared 2-core machine the wait for a core dominates.",
            "",
            "| through | pulls | p50 | p95 | pulls per second |",
            "|---|---|---|---|---|",
            *latency,
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="lessons to generate (default 1,000,000)")
    parser.add_argument("--page", type=int, default=5_000, help="rows per pull (default 5,000)")
    parser.add_argument("--mix-rows", type=int, default=100_000, help="rows of the mixed school (0: skip it)")
    parser.add_argument("--mix-rounds", type=int, default=2, help="interleaved rounds of the mixed school")
    parser.add_argument("--devices", type=int, default=500, help="simulated devices (default 500)")
    parser.add_argument("--workers", type=int, default=50, help="connections / HTTP clients (default 50)")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing it")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown the progress
    root = Path(tempfile.mkdtemp(prefix="tutordesk-bench-pg-"))
    root.chmod(0o755)
    cluster = PgCluster(root).start()
    try:
        with psycopg.connect(cluster.dsn(), autocommit=True) as admin:
            admin.execute("create database bench")
        dsn = cluster.dsn("bench")
        bootstrap_supabase(dsn)
        migrate(dsn)
        section = measure(dsn, args)
    finally:
        cluster.stop()
        shutil.rmtree(cluster.home, ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)
    if args.no_write:
        print(section)
    else:
        write_section("server_pull", section)
        print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
