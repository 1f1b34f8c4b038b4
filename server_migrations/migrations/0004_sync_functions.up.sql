-- The sync RPCs of docs/sync-protocol.md, the merge (C1-C5) and the tombstone purge (P6), plus the server-only
-- tables they keep: devices, sync_batches (U2), sync_conflicts (C6).

create table public.devices (
  id uuid not null,
  -- One row per (device, profile): a shared classroom PC syncs one mirror per learner signed in on it.
  user_id uuid not null references auth.users (id) on delete cascade,
  organisation_id uuid references public.organisations (id),
  name text,
  app_version text,
  last_cursor text,
  -- The position the device has applied (the cursor it last sent), split out for the purge.
  last_xid xid8,
  last_seq bigint,
  last_pull_at timestamptz,
  last_seen_at timestamptz,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (id, user_id)
);
create index devices_organisation_idx on public.devices (organisation_id);
create index devices_active_position_idx on public.devices (last_xid, last_seq) where active;

create table public.sync_batches (
  user_id uuid not null references auth.users (id) on delete cascade,
  device_id uuid not null,
  batch_id uuid not null,
  answer jsonb,
  created_at timestamptz not null default now(),
  primary key (user_id, device_id, batch_id)
);
create index sync_batches_created_idx on public.sync_batches (created_at);

create table public.sync_conflicts (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid references public.organisations (id),
  user_id uuid references auth.users (id) on delete set null,
  device_id uuid,
  table_name text not null,
  row_id uuid,
  kind text not null check (kind in ('lost', 'rejected')),
  fields text[] not null default '{}',
  local_values jsonb,
  winning_values jsonb,
  reason text,
  code text,
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolved_by uuid,
  resolution text
);
create index sync_conflicts_organisation_idx on public.sync_conflicts (organisation_id, created_at);
create index sync_conflicts_user_idx on public.sync_conflicts (user_id);

alter table public.devices enable row level security;
alter table public.sync_batches enable row level security;
alter table public.sync_conflicts enable row level security;
revoke all on table public.devices, public.sync_batches, public.sync_conflicts from anon, authenticated;
grant all on table public.devices, public.sync_batches, public.sync_conflicts to service_role;
grant select, insert, update on table public.devices, public.sync_batches, public.sync_conflicts to authenticated;

create policy devices_own on public.devices for all to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()) and organisation_id is not distinct from (select public.tutordesk_org()));
create policy devices_admin on public.devices for select to authenticated
  using (organisation_id = (select public.tutordesk_org()) and (select public.is_admin()));
create policy devices_admin_update on public.devices for update to authenticated
  using (organisation_id = (select public.tutordesk_org()) and (select public.is_admin()))
  with check (organisation_id = (select public.tutordesk_org()) and (select public.is_admin()));
create policy sync_batches_own on public.sync_batches for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy sync_conflicts_read on public.sync_conflicts for select to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and (user_id = (select auth.uid()) or (select public.is_staff())));
create policy sync_conflicts_insert on public.sync_conflicts for insert to authenticated
  with check (organisation_id is not distinct from (select public.tutordesk_org()) and user_id = (select auth.uid()));
create policy sync_conflicts_resolve on public.sync_conflicts for update to authenticated
  using (organisation_id = (select public.tutordesk_org()) and (select public.is_staff()))
  with check (organisation_id = (select public.tutordesk_org()) and (select public.is_staff()));

-- ---------------------------------------------------------------------------------------------------------------
-- The merge: docs/sync-protocol.md "The merge", steps 1-6, mirroring sync/rules.py (the shared cases test both).
-- Stamps compare as text in the "C" collation, which is code-point order, as Python compares str.

create function public.sync_clamp(p_incoming jsonb, p_now timestamptz, p_tolerance interval,
                                  out incoming jsonb, out clamped boolean)
language plpgsql stable
set search_path = pg_catalog, public
as $$
declare
  v_limit timestamptz := p_now + p_tolerance;
  v_now text := public.sync_canonical(p_now);
  v_stamps jsonb := '{}'::jsonb;
  v_key text;
  v_stamp text;
  v_moment text;
  v_device text;
  v_column text;
begin
  clamped := false;
  incoming := p_incoming;
  for v_key, v_stamp in select key, value from jsonb_each_text(coalesce(p_incoming -> 'field_stamps', '{}')) loop
    v_moment := split_part(v_stamp, '|', 1);
    v_device := substr(v_stamp, length(v_moment) + 2);
    if v_moment <> '' and v_moment::timestamptz > v_limit then
      v_stamp := v_now || case when v_device <> '' then '|' || v_device else '' end;
      clamped := true;
    end if;
    v_stamps := v_stamps || jsonb_build_object(v_key, v_stamp);
  end loop;
  incoming := jsonb_set(incoming, '{field_stamps}', v_stamps);
  foreach v_column in array array['updated_at', 'deleted_at'] loop
    if nullif(incoming ->> v_column, '') is not null and (incoming ->> v_column)::timestamptz > v_limit then
      incoming := jsonb_set(incoming, array[v_column], to_jsonb(v_now));
      clamped := true;
    end if;
  end loop;
end
$$;

-- C3 and C4: (deleted_at of the result, whether a restore lost).
create function public.sync_merge_deleted(p_existing jsonb, p_incoming jsonb, p_restore_of timestamptz,
                                          out deleted_at jsonb, out restore_lost boolean)
language plpgsql stable
set search_path = pg_catalog, public
as $$
declare
  v_e text := nullif(p_existing ->> 'deleted_at', '');
  v_i text := nullif(p_incoming ->> 'deleted_at', '');
begin
  restore_lost := false;
  if v_e is null then
    deleted_at := coalesce(p_incoming -> 'deleted_at', 'null'::jsonb);
  elsif v_i is not null then
    deleted_at := case when v_i::timestamptz < v_e::timestamptz then p_incoming else p_existing end -> 'deleted_at';
  elsif p_restore_of is not null and p_restore_of = v_e::timestamptz then
    deleted_at := 'null'::jsonb;
  else
    deleted_at := p_existing -> 'deleted_at';
    restore_lost := p_restore_of is not null;
  end if;
end
$$;

create function public.sync_merge_row(p_table text, p_existing jsonb, p_incoming jsonb,
                                      p_restore_of timestamptz default null, p_now timestamptz default null,
                                      p_tolerance interval default interval '2 minutes',
                                      out merged jsonb, out lost_fields text[], out clamped boolean)
language plpgsql stable
set search_path = pg_catalog, public
as $$
declare
  v_in jsonb := p_incoming;
  v_stamps_e jsonb := coalesce(p_existing -> 'field_stamps', '{}');
  v_stamps_i jsonb;
  v_stamps jsonb;
  v_column text;
  v_si text;
  v_se text;
  v_greatest text;
  v_moment text;
  v_del record;
begin
  clamped := false;
  lost_fields := '{}';
  if p_now is not null then
    select c.incoming, c.clamped into v_in, clamped from public.sync_clamp(p_incoming, p_now, p_tolerance) c;
  end if;
  if p_existing is null then
    merged := v_in;
    return;
  end if;
  merged := p_existing;
  if p_table = any (public.sync_append_only_tables()) then
    return;
  end if;
  v_stamps_i := coalesce(v_in -> 'field_stamps', '{}');
  v_stamps := v_stamps_e;
  for v_column in
    select k from (select jsonb_object_keys(p_existing) k union select jsonb_object_keys(v_in)) keys
    where public.sync_column_is_data(k) order by k collate "C"
  loop
    v_si := coalesce(v_stamps_i ->> v_column, '');
    v_se := coalesce(v_stamps_e ->> v_column, '');
    if v_si collate "C" > v_se collate "C" then
      merged := merged || jsonb_build_object(v_column, coalesce(v_in -> v_column, 'null'::jsonb));
      v_stamps := v_stamps || jsonb_build_object(v_column, v_si);
    elsif v_si collate "C" < v_se collate "C" and v_in ? v_column
          and (v_in -> v_column) is distinct from coalesce(p_existing -> v_column, 'null'::jsonb) then
      lost_fields := lost_fields || v_column;
    end if;
  end loop;
  merged := merged || jsonb_build_object('field_stamps', v_stamps);
  select * into v_del from public.sync_merge_deleted(p_existing, v_in, p_restore_of);
  merged := merged || jsonb_build_object('deleted_at', v_del.deleted_at);
  if v_del.restore_lost then
    lost_fields := lost_fields || 'deleted_at'::text;
  end if;
  select max(value collate "C") into v_greatest from jsonb_each_text(v_stamps);
  if v_greatest is not null then
    v_moment := split_part(v_greatest, '|', 1);
    merged := merged || jsonb_build_object('updated_at', public.sync_canonical(v_moment::timestamptz));
    if substr(v_greatest, length(v_moment) + 2) <> '' then
      merged := merged || jsonb_build_object('writer_device', substr(v_greatest, length(v_moment) + 2));
    end if;
  elsif nullif(v_in ->> 'updated_at', '') is not null
        and (nullif(p_existing ->> 'updated_at', '') is null
             or (v_in ->> 'updated_at')::timestamptz > (p_existing ->> 'updated_at')::timestamptz
             or (v_in ->> 'updated_at') = (p_existing ->> 'updated_at')) then
    merged := merged || jsonb_build_object('updated_at', v_in -> 'updated_at', 'writer_device',
                                     case when v_in ? 'writer_device' then v_in -> 'writer_device'
                                          else merged -> 'writer_device' end);
  end if;
end
$$;

-- ---------------------------------------------------------------------------------------------------------------
-- Helpers of the RPCs.

create function public.sync_header() returns jsonb
language sql stable
set search_path = pg_catalog, public
set timezone = 'UTC'
as $$
  select jsonb_build_object('server_time', now(), 'schema_version', m.schema_version,
                            'min_app_schema', m.min_app_schema, 'epoch', m.epoch)
  from public.sync_meta m
$$;

-- The caller's registered, active device row, or an error a person can read.
create function public.sync_require_device(p_device_id uuid) returns public.devices
language plpgsql stable
set search_path = pg_catalog, public
as $$
declare
  v_device public.devices;
begin
  if auth.uid() is null then
    raise exception 'Sign in first: syncing needs a signed-in user.' using errcode = '42501';
  end if;
  select * into v_device from public.devices where id = p_device_id and user_id = auth.uid();
  if not found then
    raise exception 'This device is not registered yet: register it first.' using errcode = 'P0002';
  end if;
  return v_device;
end
$$;

-- The feed page: committed entries of the caller's school after the cursor, oldest first. The change log is not
-- readable directly (it names rows of the whole school); the rows themselves are read by the caller under RLS.
create function public.sync_feed_page(p_after_xid xid8, p_after_seq bigint, p_limit int, p_tables text[])
returns table (table_name text, row_id uuid, xid xid8, seq bigint)
language sql stable security definer
set search_path = pg_catalog, public
as $$
  select c.table_name, c.row_id, c.xid, c.seq
  from public.sync_change_log c
  where c.organisation_id = public.tutordesk_org()
    and (c.xid, c.seq) > (p_after_xid, p_after_seq)
    -- Only transactions older than every running one: a late committer is never jumped over (P1).
    and c.xid < pg_snapshot_xmin(pg_current_snapshot())
    and (p_tables is null or c.table_name = any (p_tables))
  order by c.xid, c.seq
  limit p_limit
$$;

create function public.sync_parse_cursor(p_cursor text, out epoch text, out xid xid8, out seq bigint)
language plpgsql immutable
set search_path = pg_catalog
as $$
begin
  epoch := split_part(p_cursor, ':', 1);
  xid := split_part(p_cursor, ':', 2)::xid8;
  seq := split_part(p_cursor, ':', 3)::bigint;
exception when others then
  -- A cursor we cannot read is treated like one of another epoch: the device starts over (reset).
  epoch := null;
  xid := null;
  seq := null;
end
$$;

-- The rows of one page, in feed order, read under the caller's RLS (an invisible row is left out). One statement
-- for the whole page, and json rather than jsonb: the answer is only ever sent, never taken apart, and building
-- json text is several times cheaper than building jsonb (see docs/benchmarks.md).
create function public.sync_page_rows(p_tables text[], p_ids uuid[]) returns json
language plpgsql stable
set search_path = pg_catalog, public
set timezone = 'UTC'
as $$
declare
  v_parts text[];
  v_rows json;
begin
  select array_agg(format(
           'select e.ord, %L as t, to_json(x) as r from unnest($1, $2) with ordinality as e(tbl, id, ord) '
           'join public.%I x on x.id = e.id where e.tbl = %L', t, t, t))
    into v_parts
    from (select distinct t from unnest(p_tables) t) d
    where t = any (public.sync_tables());
  if v_parts is null then
    return '[]'::json;
  end if;
  execute 'select coalesce(json_agg(json_build_object(''t'', u.t, ''r'', u.r) order by u.ord), ''[]''::json) from ('
          || array_to_string(v_parts, ' union all ') || ') u'
    into v_rows using p_tables, p_ids;
  return v_rows;
end
$$;

-- ---------------------------------------------------------------------------------------------------------------
-- The RPCs.

create function public.sync_server_info() returns jsonb
language sql stable security invoker
set search_path = pg_catalog, public
set timezone = 'UTC'
as $$ select public.sync_header() $$;

create function public.sync_register_device(p_device_id uuid, p_name text, p_app_version text) returns jsonb
language plpgsql volatile security invoker
set search_path = pg_catalog, public
set timezone = 'UTC'
as $$
begin
  if auth.uid() is null then
    raise exception 'Sign in first: syncing needs a signed-in user.' using errcode = '42501';
  end if;
  insert into public.devices as d (id, user_id, organisation_id, name, app_version, last_seen_at, active)
  values (p_device_id, auth.uid(), public.tutordesk_org(), p_name, p_app_version, now(), true)
  on conflict (id, user_id) do update
    set organisation_id = excluded.organisation_id, name = excluded.name, app_version = excluded.app_version,
        last_seen_at = now(), active = true;
  return jsonb_build_object('device_id', p_device_id) || public.sync_header();
end
$$;

create function public.sync_pull(p_device_id uuid, p_cursor text, p_limit int, p_tables text[] default null)
returns json
language plpgsql volatile security invoker
set search_path = pg_catalog, public
set timezone = 'UTC'
as $$
declare
  v_meta public.sync_meta;
  v_pos record;
  v_limit int := least(greatest(coalesce(p_limit, 1000), 1), 10000);
  v_tables text[];
  v_ids uuid[];
  v_xids xid8[];
  v_seqs bigint[];
  v_n int;
  v_has_more boolean;
  v_head jsonb;
begin
  perform public.sync_require_device(p_device_id);
  select * into v_meta from public.sync_meta;
  v_head := jsonb_build_object('schema_version', v_meta.schema_version, 'min_app_schema', v_meta.min_app_schema,
                               'server_time', now(), 'epoch', v_meta.epoch);
  if p_cursor is null then
    select v_meta.epoch as epoch, '0'::xid8 as xid, 0::bigint as seq into v_pos;
  else
    select * into v_pos from public.sync_parse_cursor(p_cursor);
    if v_pos.epoch is distinct from v_meta.epoch
       or (v_meta.purge_xid is not null and (v_pos.xid, v_pos.seq) < (v_meta.purge_xid, v_meta.purge_seq)) then
      -- P6: the device must re-download (cursor null), keeping its outbox.
      return (v_head || jsonb_build_object('rows', '[]'::jsonb, 'cursor', null, 'has_more', false,
                                           'reset', true))::json;
    end if;
  end if;
  -- What the device sends is what it has applied: that is the position the purge must respect.
  update public.devices
    set last_cursor = p_cursor, last_xid = v_pos.xid, last_seq = v_pos.seq, last_pull_at = now(),
        last_seen_at = now(), organisation_id = public.tutordesk_org()
    where id = p_device_id and user_id = auth.uid();
  select array_agg(f.table_name order by f.xid, f.seq), array_agg(f.row_id order by f.xid, f.seq),
         array_agg(f.xid order by f.xid, f.seq), array_agg(f.seq order by f.xid, f.seq)
    into v_tables, v_ids, v_xids, v_seqs
    from public.sync_feed_page(v_pos.xid, v_pos.seq, v_limit + 1, p_tables) f;
  v_n := coalesce(cardinality(v_ids), 0);
  v_has_more := v_n > v_limit;
  if v_has_more then
    v_n := v_limit;
    v_tables := v_tables[1:v_n];
    v_ids := v_ids[1:v_n];
  end if;
  -- json, not jsonb: the page of rows is spliced in as text, never parsed again.
  return json_build_object(
    'rows', case when v_n = 0 then '[]'::json else public.sync_page_rows(v_tables, v_ids) end,
    'cursor', case when v_n = 0 then v_meta.epoch || ':' || v_pos.xid || ':' || v_pos.seq
                   else v_meta.epoch || ':' || v_xids[v_n] || ':' || v_seqs[v_n] end,
    'has_more', v_has_more,
    'reset', false,
    'schema_version', v_meta.schema_version,
    'min_app_schema', v_meta.min_app_schema,
    'server_time', now(),
    'epoch', v_meta.epoch);
end
$$;

-- The caller's view of one row (null when it does not exist or may not be seen).
create function public.sync_visible_row(p_table text, p_id uuid) returns jsonb
language plpgsql stable
set search_path = pg_catalog, public
set timezone = 'UTC'
as $$
declare
  v_row jsonb;
begin
  if p_id is null or not p_table = any (public.sync_tables()) then
    return null;
  end if;
  execute format('select to_jsonb(x) from public.%I x where x.id = $1', p_table) into v_row using p_id;
  return v_row;
end
$$;

-- Writes a merged row: insert when new, else update every column but id and row_version. RLS applies; an update
-- the policies filter out touches no row, which is reported as a permission error (C7).
create function public.sync_write_row(p_table text, p_row jsonb, p_is_new boolean) returns void
language plpgsql volatile
set search_path = pg_catalog, public
as $$
declare
  v_columns text;
  v_count int;
begin
  if p_is_new then
    execute format('insert into public.%1$I select * from jsonb_populate_record(null::public.%1$I, $1)', p_table)
      using jsonb_build_object('created_at', now(), 'updated_at', now(), 'field_stamps', '{}'::jsonb)
            || jsonb_strip_nulls(p_row) || p_row - 'created_at' - 'updated_at' - 'field_stamps';
    return;
  end if;
  select string_agg(quote_ident(a.attname), ', ' order by a.attnum) into v_columns
    from pg_attribute a
    where a.attrelid = format('public.%I', p_table)::regclass and a.attnum > 0 and not a.attisdropped
      and a.attname not in ('id', 'row_version', 'created_at');
  execute format('update public.%1$I set (%2$s) = (select %2$s from jsonb_populate_record(null::public.%1$I, $1)) '
                 'where id = $2', p_table, v_columns)
    using p_row, (p_row ->> 'id')::uuid;
  get diagnostics v_count = row_count;
  if v_count = 0 then
    raise exception 'You may not change this % row.', p_table using errcode = '42501';
  end if;
end
$$;

create function public.sync_result(p_change jsonb, p_status text, p_row jsonb, p_lost text[], p_reason text,
                                   p_code text, p_clamped boolean) returns jsonb
language sql immutable
as $$
  select jsonb_build_object('change_id', p_change -> 'change_id', 'table', p_change -> 'table',
                            'id', p_change -> 'row' -> 'id', 'status', p_status, 'row', p_row,
                            'lost_fields', to_jsonb(coalesce(p_lost, '{}'::text[])), 'reason', p_reason,
                            'code', p_code, 'clamped', coalesce(p_clamped, false))
$$;

-- Keeps a losing change on the server (C6). Never fails the push: the answer still carries the loss.
create function public.sync_keep_loser(p_device_id uuid, p_table text, p_row_id uuid, p_kind text, p_fields text[],
                                       p_local jsonb, p_winning jsonb, p_reason text, p_code text) returns void
language plpgsql volatile
set search_path = pg_catalog, public
as $$
begin
  insert into public.sync_conflicts (organisation_id, user_id, device_id, table_name, row_id, kind, fields,
                                     local_values, winning_values, reason, code)
  values (public.tutordesk_org(), auth.uid(), p_device_id, p_table, p_row_id, p_kind, coalesce(p_fields, '{}'),
          p_local, p_winning, p_reason, p_code);
exception when others then
  raise warning 'could not keep the losing change of % %: %', p_table, p_row_id, sqlerrm;
end
$$;

create function public.sync_pick(p_row jsonb, p_fields text[]) returns jsonb
language sql immutable
as $$
  select coalesce(jsonb_object_agg(f, coalesce(p_row -> f, 'null'::jsonb)), '{}'::jsonb) from unnest(p_fields) f
$$;

-- One change of a push, in its own subtransaction (the exception block): a rejected row rolls back alone (C7).
create function public.sync_apply_change(p_device_id uuid, p_change jsonb) returns jsonb
language plpgsql volatile
set search_path = pg_catalog, public
set timezone = 'UTC'
as $$
declare
  v_table text := p_change ->> 'table';
  v_op text := p_change ->> 'op';
  v_incoming jsonb := coalesce(p_change -> 'row', '{}'::jsonb) - 'row_version';
  v_id uuid;
  v_existing jsonb;
  v_merge record;
  v_after jsonb;
  v_code text;
  v_reason text;
begin
  begin
    v_id := (v_incoming ->> 'id')::uuid;
    if v_table is null or not v_table = any (public.sync_tables()) then
      raise exception 'Unknown table "%".', v_table using errcode = '42P01';
    end if;
    if v_op is null or v_op not in ('upsert', 'insert', 'restore') then
      raise exception 'Unknown change "%".', v_op using errcode = '22023';
    end if;
    if v_table = any (public.sync_append_only_tables()) then
      -- C5: created once; a second push of the same id is a no-op (on conflict do nothing), never an error.
      select m.merged, m.clamped into v_merge from public.sync_merge_row(v_table, null, v_incoming, null, now()) m;
      execute format('insert into public.%1$I select * from jsonb_populate_record(null::public.%1$I, $1) '
                     'on conflict (id) do nothing', v_table)
        using jsonb_build_object('created_at', now(), 'updated_at', now(), 'field_stamps', '{}'::jsonb)
              || jsonb_strip_nulls(v_merge.merged);
      return public.sync_result(p_change, 'applied', public.sync_visible_row(v_table, v_id), '{}', null, null,
                                v_merge.clamped);
    end if;
    execute format('select to_jsonb(x) from public.%I x where x.id = $1 for update', v_table)
      into v_existing using v_id;
    if v_existing is null and public.sync_visible_row(v_table, v_id) is not null then
      raise exception 'You may not change this % row.', v_table using errcode = '42501';
    end if;
    select * into v_merge
      from public.sync_merge_row(v_table, v_existing, v_incoming,
                                 nullif(p_change ->> 'restore_of', '')::timestamptz, now());
    perform public.sync_write_row(v_table, v_merge.merged, v_existing is null);
    v_after := public.sync_visible_row(v_table, v_id);
    if cardinality(v_merge.lost_fields) > 0 then
      perform public.sync_keep_loser(p_device_id, v_table, v_id, 'lost', v_merge.lost_fields,
                                     public.sync_pick(v_incoming, v_merge.lost_fields),
                                     public.sync_pick(v_after, v_merge.lost_fields), 'a newer change won', null);
      return public.sync_result(p_change, 'lost', v_after, v_merge.lost_fields, 'a newer change won', null,
                                v_merge.clamped);
    end if;
    return public.sync_result(p_change, 'applied', v_after, '{}', null, null, v_merge.clamped);
  exception when others then
    get stacked diagnostics v_code = returned_sqlstate, v_reason = message_text;
  end;
  perform public.sync_keep_loser(p_device_id, coalesce(v_table, '?'), v_id, 'rejected', '{}', v_incoming,
                                 public.sync_visible_row(v_table, v_id), v_reason, v_code);
  return public.sync_result(p_change, 'rejected', public.sync_visible_row(v_table, v_id), '{}', v_reason, v_code,
                            false);
end
$$;

create function public.sync_push(p_device_id uuid, p_batch_id uuid, p_changes jsonb) returns jsonb
language plpgsql volatile security invoker
set search_path = pg_catalog, public
set timezone = 'UTC'
as $$
declare
  v_uid uuid;
  v_answer jsonb;
  v_results jsonb := '[]'::jsonb;
  v_change jsonb;
  v_result jsonb;
  v_clamped int := 0;
  v_new_batch int;
begin
  perform public.sync_require_device(p_device_id);
  v_uid := auth.uid();
  if jsonb_typeof(p_changes) is distinct from 'array' then
    raise exception 'p_changes must be a JSON array of changes.' using errcode = '22023';
  end if;
  -- U2: the first call claims the batch id; a retry (or a concurrent twin, which waits here) gets the answer.
  insert into public.sync_batches (user_id, device_id, batch_id) values (v_uid, p_device_id, p_batch_id)
    on conflict do nothing;
  get diagnostics v_new_batch = row_count;
  if v_new_batch = 0 then
    select answer into v_answer from public.sync_batches
      where user_id = v_uid and device_id = p_device_id and batch_id = p_batch_id;
    if v_answer is not null then
      return v_answer;
    end if;
  end if;
  -- The device's own stamps are kept (the stamp trigger steps aside) for the rest of this transaction.
  perform set_config('tutordesk.via_sync', 'on', true);
  for v_change in select value from jsonb_array_elements(p_changes) with ordinality e(value, n) order by n loop
    v_result := public.sync_apply_change(p_device_id, v_change);
    v_results := v_results || jsonb_build_array(v_result);
    v_clamped := v_clamped + case when (v_result ->> 'clamped')::boolean then 1 else 0 end;
  end loop;
  perform set_config('tutordesk.via_sync', '', true);
  v_answer := jsonb_build_object('results', v_results, 'clamped', v_clamped, 'server_time', now(),
                                 'schema_version', (select schema_version from public.sync_meta));
  update public.sync_batches set answer = v_answer
    where user_id = v_uid and device_id = p_device_id and batch_id = p_batch_id;
  update public.devices set last_seen_at = now(), organisation_id = public.tutordesk_org()
    where id = p_device_id and user_id = v_uid;
  return v_answer;
end
$$;

-- P8: per table, the rows the caller may see (tombstones included) and the md5 of their ids, sorted as text and
-- joined with ",": the device computes the same over its mirror.
create function public.sync_counts(p_tables text[] default null) returns jsonb
language plpgsql stable security invoker
set search_path = pg_catalog, public
set timezone = 'UTC'
as $$
declare
  v_table text;
  v_count bigint;
  v_md5 text;
  v_answer jsonb := '{}'::jsonb;
begin
  foreach v_table in array public.sync_tables() loop
    continue when p_tables is not null and not v_table = any (p_tables);
    execute format('select count(*), md5(coalesce(string_agg(id::text, '','' order by id::text collate "C"), ''''))
                    from public.%I', v_table) into v_count, v_md5;
    v_answer := v_answer || jsonb_build_object(v_table, jsonb_build_object('count', v_count, 'checksum', v_md5));
  end loop;
  return v_answer;
end
$$;

-- P6: hard-deletes tombstones older than the retention period that every active device has pulled past, and
-- moves the purge horizon so that a device still behind it does a replacement sync. Devices not seen for
-- p_inactive_after stop counting (they are marked inactive and reset when they come back). Run by the server
-- (service_role, a scheduled job), never by a device.
create function public.sync_purge_tombstones(p_retention interval default interval '30 days',
                                             p_inactive_after interval default interval '90 days') returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, public
as $$
declare
  v_bound record;
  v_table text;
  v_entry record;
  v_purged bigint := 0;
  v_kept bigint := 0;
  v_top_xid xid8;
  v_top_seq bigint;
begin
  update public.devices set active = false
    where active and coalesce(last_seen_at, created_at) < now() - p_inactive_after;
  -- The oldest position (its entry included) applied by every active device that has started pulling; with none,
  -- everything committed.
  select last_xid as xid, last_seq as seq into v_bound from public.devices
    where active and last_xid is not null order by last_xid, last_seq limit 1;
  if not found then
    select pg_snapshot_xmin(pg_current_snapshot()) as xid, 0::bigint as seq into v_bound;
  end if;
  -- Children first, so a parent's cascade finds little left to do.
  for v_table in select t from unnest(public.sync_tables()) with ordinality u(t, n) order by n desc loop
    for v_entry in execute format(
      'select x.id, c.xid, c.seq from public.%I x
       join public.sync_change_log c on c.table_name = %L and c.row_id = x.id
       where x.deleted_at < now() - $1 and (c.xid, c.seq) <= ($2, $3)', v_table, v_table)
      using p_retention, v_bound.xid, v_bound.seq
    loop
      begin
        execute format('delete from public.%I where id = $1', v_table) using v_entry.id;
        v_purged := v_purged + 1;
        if v_top_xid is null or (v_entry.xid, v_entry.seq) > (v_top_xid, v_top_seq) then
          v_top_xid := v_entry.xid;
          v_top_seq := v_entry.seq;
        end if;
      exception when foreign_key_violation then
        -- Still referenced (a learner's attempt at a deleted test): kept; records outlive their parents.
        v_kept := v_kept + 1;
      end;
    end loop;
  end loop;
  if v_top_xid is not null then
    update public.sync_meta
      set purge_xid = v_top_xid, purge_seq = v_top_seq, purged_at = now()
      where purge_xid is null or (purge_xid, purge_seq) < (v_top_xid, v_top_seq);
  end if;
  delete from public.sync_batches where created_at < now() - p_retention;
  return jsonb_build_object('purged', v_purged, 'kept_referenced', v_kept,
                            'horizon', case when v_top_xid is null then null
                                            else v_top_xid || ':' || v_top_seq end);
end
$$;

-- Grants: the RPCs to signed-in users; helpers only as far as the RPCs need them (they run as the caller).
revoke all on function
  public.sync_clamp(jsonb, timestamptz, interval),
  public.sync_merge_deleted(jsonb, jsonb, timestamptz),
  public.sync_merge_row(text, jsonb, jsonb, timestamptz, timestamptz, interval),
  public.sync_header(),
  public.sync_require_device(uuid),
  public.sync_feed_page(xid8, bigint, int, text[]),
  public.sync_parse_cursor(text),
  public.sync_page_rows(text[], uuid[]),
  public.sync_server_info(),
  public.sync_register_device(uuid, text, text),
  public.sync_pull(uuid, text, int, text[]),
  public.sync_visible_row(text, uuid),
  public.sync_write_row(text, jsonb, boolean),
  public.sync_result(jsonb, text, jsonb, text[], text, text, boolean),
  public.sync_keep_loser(uuid, text, uuid, text, text[], jsonb, jsonb, text, text),
  public.sync_pick(jsonb, text[]),
  public.sync_apply_change(uuid, jsonb),
  public.sync_push(uuid, uuid, jsonb),
  public.sync_counts(text[]),
  public.sync_purge_tombstones(interval, interval)
from public, anon, authenticated;
grant execute on function
  public.sync_clamp(jsonb, timestamptz, interval),
  public.sync_merge_deleted(jsonb, jsonb, timestamptz),
  public.sync_merge_row(text, jsonb, jsonb, timestamptz, timestamptz, interval),
  public.sync_header(),
  public.sync_require_device(uuid),
  public.sync_feed_page(xid8, bigint, int, text[]),
  public.sync_parse_cursor(text),
  public.sync_page_rows(text[], uuid[]),
  public.sync_server_info(),
  public.sync_register_device(uuid, text, text),
  public.sync_pull(uuid, text, int, text[]),
  public.sync_visible_row(text, uuid),
  public.sync_write_row(text, jsonb, boolean),
  public.sync_result(jsonb, text, jsonb, text[], text, text, boolean),
  public.sync_keep_loser(uuid, text, uuid, text, text[], jsonb, jsonb, text, text),
  public.sync_pick(jsonb, text[]),
  public.sync_apply_change(uuid, jsonb),
  public.sync_push(uuid, uuid, jsonb),
  public.sync_counts(text[])
to authenticated, service_role;
grant execute on function public.sync_purge_tombstones(interval, interval) to service_role;
-- Functions of earlier migrations the RPCs call as the caller.
grant execute on function public.sync_canonical(timestamptz), public.sync_server_device(),
  public.sync_column_is_data(text), public.sync_tables(), public.sync_append_only_tables()
  to authenticated, service_role;

update public.sync_meta set schema_version = 4;
