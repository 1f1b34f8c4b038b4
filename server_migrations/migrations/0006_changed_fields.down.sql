drop function public.sync_merge_row(text, jsonb, jsonb, timestamptz, timestamptz, interval, text[]);

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

create or replace function public.sync_apply_change(p_device_id uuid, p_change jsonb) returns jsonb
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

revoke all on function public.sync_merge_row(text, jsonb, jsonb, timestamptz, timestamptz, interval) from public, anon, authenticated;
grant execute on function public.sync_merge_row(text, jsonb, jsonb, timestamptz, timestamptz, interval) to authenticated, service_role;

update public.sync_meta set schema_version = 5;
