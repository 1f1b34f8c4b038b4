-- The sync machinery every synced table leans on (docs/sync-protocol.md): server metadata, the row-version
-- and change-feed sequences, the change log, and the two trigger functions attached to each synced table.

create table public.sync_meta (
  id boolean primary key default true check (id),
  -- A new epoch invalidates every device cursor (restore from backup, re-seeded server): devices then do a
  -- replacement sync. No ':' in it, since the cursor is "<epoch>:<xid>:<seq>".
  epoch text not null default replace(gen_random_uuid()::text, '-', '') check (position(':' in epoch) = 0),
  schema_version int not null,
  min_app_schema int not null default 1,
  -- Feed position of the newest purged tombstone (P6): a cursor below it may have missed a delete.
  purge_xid xid8,
  purge_seq bigint,
  purged_at timestamptz
);
insert into public.sync_meta (schema_version) values (1);

-- Devices read the server's metadata; only the server changes it.
alter table public.sync_meta enable row level security;
revoke all on table public.sync_meta from anon, authenticated;
grant select on table public.sync_meta to authenticated;
grant all on table public.sync_meta to service_role;
create policy sync_meta_read on public.sync_meta for select to authenticated using (true);

create sequence public.sync_row_version_seq;
create sequence public.sync_change_seq;

-- One entry per row: the latest write's transaction id and a fresh sequence number. A pull serves entries
-- below the oldest running transaction only, so a transaction that commits late is never skipped (P1).
create table public.sync_change_log (
  table_name text not null,
  row_id uuid not null,
  organisation_id uuid,
  xid xid8 not null,
  seq bigint not null,
  primary key (table_name, row_id)
);
-- No policy for callers on purpose: it names rows of the whole school. The feed reads it through
-- sync_feed_page() (SECURITY DEFINER, filtered by the caller's school), the rows themselves under RLS.
alter table public.sync_change_log enable row level security;
revoke all on table public.sync_change_log from anon, authenticated;
grant all on table public.sync_change_log to service_role;
revoke all on sequence public.sync_row_version_seq, public.sync_change_seq from anon, authenticated;
create index sync_change_log_feed_idx on public.sync_change_log (organisation_id, xid, seq);
create index sync_change_log_table_feed_idx on public.sync_change_log (organisation_id, table_name, xid, seq);

-- The canonical timestamp text of data-model.md: text order is time order.
create function public.sync_canonical(p_ts timestamptz) returns text
language sql immutable parallel safe
as $$ select to_char(p_ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;

-- Writes that do not come through sync are stamped by this pseudo-device (it loses ties, C1).
create function public.sync_server_device() returns uuid
language sql immutable parallel safe
as $$ select '00000000-0000-0000-0000-000000000000'::uuid $$;

create function public.sync_column_is_data(p_column text) returns boolean
language sql immutable parallel safe
as $$
  select p_column <> all (array['id', 'organisation_id', 'created_at', 'updated_at', 'deleted_at',
                                'field_stamps', 'writer_device', 'row_version'])
$$;

-- BEFORE INSERT OR UPDATE: a fresh row_version always; fresh stamps for writes that bypass sync (Studio, plain
-- SQL, other services), so they take part in the same rules. sync_push sets tutordesk.via_sync to keep the
-- device's own stamps.
create function public.sync_stamp_row() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public
as $$
declare
  v_new jsonb;
  v_old jsonb;
  v_stamps jsonb;
  v_stamp text;
  v_column text;
begin
  new.row_version := nextval('public.sync_row_version_seq');
  if coalesce(current_setting('tutordesk.via_sync', true), '') = 'on' then
    return new;
  end if;
  v_stamp := public.sync_canonical(now()) || '|' || public.sync_server_device()::text;
  v_new := to_jsonb(new);
  v_old := case when tg_op = 'UPDATE' then to_jsonb(old) end;
  v_stamps := coalesce(case when tg_op = 'UPDATE' then old.field_stamps end, '{}'::jsonb);
  for v_column in select jsonb_object_keys(v_new) loop
    if public.sync_column_is_data(v_column)
       and (v_old is null or (v_new -> v_column) is distinct from (v_old -> v_column)) then
      v_stamps := v_stamps || jsonb_build_object(v_column, v_stamp);
    end if;
  end loop;
  new.field_stamps := v_stamps;
  new.updated_at := now();
  new.writer_device := public.sync_server_device();
  return new;
end
$$;

-- AFTER INSERT OR UPDATE: upsert the row's change-log entry. TG_ARGV[0] names the tenant column
-- (organisations is its own tenant).
create function public.sync_log_change() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public
as $$
begin
  insert into public.sync_change_log as c (table_name, row_id, organisation_id, xid, seq)
  values (tg_table_name, new.id, (to_jsonb(new) ->> tg_argv[0])::uuid, pg_current_xact_id(),
          nextval('public.sync_change_seq'))
  on conflict (table_name, row_id) do update
    set organisation_id = excluded.organisation_id, xid = excluded.xid, seq = excluded.seq;
  return null;
end
$$;

-- AFTER DELETE: a hard delete (the tombstone purge) leaves no entry behind.
create function public.sync_forget_row() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public
as $$
begin
  delete from public.sync_change_log where table_name = tg_table_name and row_id = old.id;
  return null;
end
$$;

-- Attaches the three triggers to a synced table; used by the table migrations.
create function public.sync_attach(p_table text, p_tenant_column text default 'organisation_id') returns void
language plpgsql
set search_path = pg_catalog, public
as $$
begin
  execute format('create trigger sync_10_stamp before insert or update on public.%I '
                 'for each row execute function public.sync_stamp_row()', p_table);
  execute format('create trigger sync_20_log after insert or update on public.%I '
                 'for each row execute function public.sync_log_change(%L)', p_table, p_tenant_column);
  execute format('create trigger sync_30_forget after delete on public.%I '
                 'for each row execute function public.sync_forget_row()', p_table);
end
$$;

revoke all on function public.sync_stamp_row(), public.sync_log_change(), public.sync_forget_row(),
  public.sync_attach(text, text) from public, anon, authenticated;
