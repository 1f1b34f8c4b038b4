-- The checks a device makes after a pull travel on the pull's last page (has_more false), so a sync with nothing
-- to do is one data round trip, and a schema change re-downloads only the tables whose columns changed.
--
-- 1. `sync_pull(..., p_counts text[] default null)`: when given, the last page carries `counts`, the answer
--    sync_counts(p_counts) gives (P8), read in the same call. sync_counts stays for other callers. A call that
--    names only the four earlier arguments resolves to this function (PostgREST picks a function by the names the
--    body gives; a defaulted argument may be left out), so apps that do not know p_counts keep working.
-- 2. The last page also carries `columns`: per synced table, a short hash of its column names and types in
--    column order (sync_columns()). A device that remembers them back-fills a table only when its hash changed
--    (P7), not every table on every schema_version bump (0007 added no column, yet made every device re-read its
--    whole mirror). Read from the catalog at each call rather than cached by each migration: nothing to forget
--    in a later migration, and it costs a fraction of a millisecond (docs/server.md).
-- A reset answer (P6) carries neither: the replacement sync that follows ends with a last page that does.

-- Per synced table, the first 12 hex digits of the md5 of "name type" of its columns, in column order, joined
-- with ",". Column order is what to_json(row) follows; a dropped column is gone from it.
create function public.sync_columns() returns jsonb
language plpgsql stable
set search_path = pg_catalog, public
as $$
begin
  -- plpgsql, not sql: the statement's plan is kept for the session (0.3 ms a call instead of 0.5).
  return (
    select jsonb_object_agg(u.t, c.hash)
    from unnest(public.sync_tables()) u(t)
    cross join lateral (
      select left(md5(string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ','
                                 order by a.attnum)), 12) as hash
      from pg_attribute a
      where a.attrelid = format('public.%I', u.t)::regclass and a.attnum > 0 and not a.attisdropped
    ) c);
end
$$;

-- Same arguments plus p_counts: a new signature, so the old one goes (two overloads would make a call with four
-- arguments ambiguous).
drop function public.sync_pull(uuid, text, int, text[]);

create function public.sync_pull(p_device_id uuid, p_cursor text, p_limit int, p_tables text[] default null,
                                 p_counts text[] default null)
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
  v_rows json;
  v_cursor text;
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
  v_rows := case when v_n = 0 then '[]'::json else public.sync_page_rows(v_tables, v_ids) end;
  v_cursor := case when v_n = 0 then v_meta.epoch || ':' || v_pos.xid || ':' || v_pos.seq
                   else v_meta.epoch || ':' || v_xids[v_n] || ':' || v_seqs[v_n] end;
  if v_has_more then
    return json_build_object('rows', v_rows, 'cursor', v_cursor, 'has_more', true, 'reset', false,
                             'schema_version', v_meta.schema_version, 'min_app_schema', v_meta.min_app_schema,
                             'server_time', now(), 'epoch', v_meta.epoch);
  end if;
  -- The last page: the checks the device makes after pulling, so they cost it no round trip of their own.
  -- Counted after the page was read, like a sync_counts call right after it (a later snapshot).
  return json_build_object('rows', v_rows, 'cursor', v_cursor, 'has_more', false, 'reset', false,
                           'schema_version', v_meta.schema_version, 'min_app_schema', v_meta.min_app_schema,
                           'server_time', now(), 'epoch', v_meta.epoch,
                           'columns', public.sync_columns(),
                           'counts', case when p_counts is null then null else public.sync_counts(p_counts) end);
end
$$;

revoke all on function public.sync_columns(), public.sync_pull(uuid, text, int, text[], text[])
  from public, anon, authenticated;
grant execute on function public.sync_columns(), public.sync_pull(uuid, text, int, text[], text[])
  to authenticated, service_role;

update public.sync_meta set schema_version = 8;
