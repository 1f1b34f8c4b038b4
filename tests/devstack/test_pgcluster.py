"""The throwaway cluster and the Supabase bootstrap, against the real PostgreSQL."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

import psycopg
import pytest

from devstack import pgcluster
from devstack.pgcluster import PgCluster, PgClusterError, free_port

pytestmark = pytest.mark.pg


def test_cluster_runs_and_answers(pg_cluster: PgCluster) -> None:
    assert pg_cluster.running
    with psycopg.connect(pg_cluster.dsn()) as conn:
        row = conn.execute(
            "select current_setting('server_version_num')::int, current_setting('fsync')"
        ).fetchone()
    assert row is not None
    assert row[0] >= 150000
    assert row[1] == "off"


def test_port_in_use_is_a_plain_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        cluster = PgCluster(tmp_path / "pg", port=port)
        with pytest.raises(PgClusterError, match=f"port {port} is in use: pick another with --port"):
            cluster.start()


def test_missing_postgresql_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pgcluster, "PG_ROOT", tmp_path / "nothing")
    monkeypatch.setattr(pgcluster.shutil, "which", lambda name: None)
    monkeypatch.delenv("TUTORDESK_PG_BIN", raising=False)
    with pytest.raises(PgClusterError, match="apt-get install postgresql"):
        pgcluster.find_bin_dir()


def test_supabase_roles(supabase_db: str) -> None:
    with psycopg.connect(supabase_db) as conn:
        roles = {
            r[0]: r[1:]
            for r in conn.execute(
                "select rolname, rolcanlogin, rolinherit, rolbypassrls from pg_roles "
                "where rolname in ('anon', 'authenticated', 'service_role', 'authenticator')"
            )
        }
        members = {
            r[0]
            for r in conn.execute(
                "select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid "
                "join pg_roles u on u.oid = m.member where u.rolname = 'authenticator'"
            )
        }
    assert roles["service_role"][2] is True
    assert roles["anon"] == (False, False, False)
    assert roles["authenticator"][:2] == (True, False)  # login, noinherit
    assert members >= {"anon", "authenticated", "service_role"}


def test_auth_functions_read_claims_as_supabase_does(supabase_db: str) -> None:
    sub = uuid.uuid4()
    with psycopg.connect(supabase_db) as conn:
        assert conn.execute("select auth.uid(), auth.role(), auth.jwt()").fetchone() == (None, None, None)
        conn.execute(
            "select set_config('request.jwt.claims', %s, true)",
            (f'{{"sub": "{sub}", "role": "authenticated", "email": "a@b.c"}}',),
        )
        uid, role, jwt = conn.execute("select auth.uid(), auth.role(), auth.jwt()").fetchone() or (None,) * 3
        assert (uid, role, jwt["email"]) == (sub, "authenticated", "a@b.c")
        # The older per-claim setting wins when present, as in Supabase.
        older = uuid.uuid4()
        conn.execute("select set_config('request.jwt.claim.sub', %s, true)", (str(older),))
        assert conn.execute("select auth.uid()").fetchone() == (older,)


def test_auth_users_has_supabase_columns_and_pgcrypto(supabase_db: str) -> None:
    with psycopg.connect(supabase_db) as conn:
        cols = {
            r[0]
            for r in conn.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'auth' and table_name = 'users'"
            )
        }
        stored = conn.execute("select extensions.crypt('pw', extensions.gen_salt('bf'))").fetchone()[0]
        ok = conn.execute("select extensions.crypt('pw', %(h)s) = %(h)s", {"h": stored}).fetchone()
    assert {
        "id",
        "aud",
        "role",
        "email",
        "encrypted_password",
        "email_confirmed_at",
        "raw_app_meta_data",
        "raw_user_meta_data",
        "created_at",
        "updated_at",
        "last_sign_in_at",
        "banned_until",
    } <= cols
    assert ok == (True,)


def test_each_test_gets_its_own_database(supabase_db: str, pg_cluster: PgCluster) -> None:
    with psycopg.connect(supabase_db) as conn:
        conn.execute("create table public.scratch(x int)")
        conn.commit()
        name = conn.info.dbname
    assert name != "tmpl_supabase"
    with psycopg.connect(pg_cluster.dsn("tmpl_supabase")) as conn:
        assert conn.execute("select to_regclass('public.scratch')").fetchone() == (None,)


def test_a_stale_front_pid_is_never_trusted_or_signalled(tmp_path: Path) -> None:
    import os

    from devstack.stack import PID_FILE, Stack

    stack = Stack(tmp_path / "stack", http_port=free_port(), db_port=free_port())
    (stack.folder / PID_FILE).write_text(str(os.getpid()), encoding="utf-8")  # alive, but not a front
    assert stack.front_pid() is None
    assert stack.stop_front() is False  # and pytest itself was not sent SIGTERM
