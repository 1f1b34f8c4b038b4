"""A devstack front over a bootstrapped (not migrated) database with a few test-only SQL objects.

The front's own tests must not wait for the app's server schema: they check the wire against functions made
here, for this purpose only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import psycopg
import pytest
from supabase import Client, ClientOptions, create_client

from devstack.front import DevstackFront, FrontSettings
from devstack.gotrue import AuthSettings
from devstack.keys import StackKeys
from devstack.pgcluster import PgCluster
from devstack.users import create_auth_user
from tests.fixtures.devstack import _ensure_supabase_template, clone_database, drop_database

TEST_SQL = """
create function public.whoami() returns jsonb language sql stable as $$
  select jsonb_build_object(
    'uid', auth.uid(), 'role', auth.role(), 'jwt_email', auth.jwt() ->> 'email',
    'claims', current_setting('request.jwt.claims', true)::jsonb,
    'method', current_setting('request.method', true), 'path', current_setting('request.path', true),
    'headers', current_setting('request.headers', true)::jsonb, 'current_user', current_user)
$$;
create function public.fail_with(p_message text) returns void language plpgsql as $$
begin
  raise exception '%', p_message using detail = 'from the test', hint = 'try again';
end
$$;
create table public.things (id int primary key, name text not null check (length(name) > 0));
alter table public.things enable row level security;
create policy things_read on public.things for select using (true);
create policy things_write on public.things for insert with check (auth.role() = 'authenticated');
create function public.add_thing(p_id int, p_name text default 'thing') returns public.things
language sql as $$ insert into public.things values (p_id, p_name) returning * $$;
create function public.list_things(p_min int default 0) returns setof public.things
language sql stable as $$ select * from public.things where id >= p_min order by id $$;
create function public.echo(p_ids uuid[], p_doc jsonb, p_n numeric, p_flag boolean) returns jsonb
language sql immutable as $$
  select jsonb_build_object('ids', p_ids, 'doc', p_doc, 'n', p_n, 'flag', p_flag, 'count', cardinality(p_ids))
$$;
create function public.padding(p_size int) returns text
language sql immutable as $$ select repeat('x', p_size) $$;
create function public.nothing() returns void language sql as $$ select $$;
create function public.staff_only() returns int language sql as $$ select 1 $$;
revoke execute on function public.staff_only() from public, anon, authenticated;
grant execute on function public.staff_only() to service_role;
insert into public.things select g, 'thing ' || g from generate_series(1, 30) g;
"""

PASSWORD = "correct horse 1"


@dataclass
class Front:
    url: str
    keys: StackKeys
    dsn: str
    front: DevstackFront
    http_clients: list[httpx.Client] = field(default_factory=list)

    def client(self, key: str | None = None) -> Client:
        """A supabase-py client as the app makes one; its connections are closed after the test."""
        http = httpx.Client(timeout=30)
        self.http_clients.append(http)
        options = ClientOptions(auto_refresh_token=False, persist_session=False, httpx_client=http)
        return create_client(self.url, key or self.keys.anon_key, options)

    def close_clients(self) -> None:
        while self.http_clients:
            self.http_clients.pop().close()

    def user(self, email: str, password: str = PASSWORD) -> str:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            return create_auth_user(conn, email, password, {"tutordesk_role": "teacher"}, {"full_name": "T"})


@pytest.fixture(scope="package")
def front(pg_cluster: PgCluster) -> Iterator[Front]:
    _ensure_supabase_template(pg_cluster)
    name = "front_wire"
    drop_database(pg_cluster, name)
    dsn = clone_database(pg_cluster, "tmpl_supabase", name)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(TEST_SQL.encode())
    keys = StackKeys.generate()
    settings = FrontSettings(auth=AuthSettings(lockout_failures=5, lockout_window_seconds=900))
    server = DevstackFront(dsn, keys, settings).start()
    try:
        yield Front(server.url, keys, dsn, server)
    finally:
        server.stop()
        drop_database(pg_cluster, name)


@pytest.fixture(autouse=True)
def _close_front_clients(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "front" in request.fixturenames:
        request.getfixturevalue("front").close_clients()
