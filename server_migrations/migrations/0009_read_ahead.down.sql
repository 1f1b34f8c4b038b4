-- Back to 0008: sync_pull without p_skip and with the rows first, exactly as 0008 made it.

drop function public.sync_pull(uuid, text, int, text[], text[], int);

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

revoke all on function public.sync_pull(uuid, text, int, text[], text[]) from public, anon, authenticated;
grant execute on function public.sync_pull(uuid, text, int, text[], text[]) to authenticated, service_role;

update public.sync_meta set schema_version = 8;
