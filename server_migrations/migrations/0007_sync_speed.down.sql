-- Back to 0006: the `for all` write policies and the per-row read helpers (both as 0003 made them), the 0004
-- sync_push, and no set functions.

drop policy classes_insert on public.classes;
drop policy classes_update on public.classes;
create policy classes_write on public.classes for all to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and teacher_id = (select auth.uid()))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and teacher_id = (select auth.uid()))));

drop policy class_members_insert on public.class_members;
drop policy class_members_update on public.class_members;
create policy class_members_write on public.class_members for all to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and public.is_class_teacher(class_id))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and public.is_class_teacher(class_id))));

drop policy media_assets_insert on public.media_assets;
drop policy media_assets_update on public.media_assets;
create policy media_assets_write on public.media_assets for all to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and owner_id = (select auth.uid()))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and owner_id = (select auth.uid()))));

drop policy lessons_insert on public.lessons;
drop policy lessons_update on public.lessons;
create policy lessons_write on public.lessons for all to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and author_id = (select auth.uid()))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and author_id = (select auth.uid()))));

drop policy notes_insert on public.notes;
drop policy notes_update on public.notes;
create policy notes_write on public.notes for all to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and public.owns_lesson(lesson_id))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and public.owns_lesson(lesson_id))));

drop policy tests_insert on public.tests;
drop policy tests_update on public.tests;
create policy tests_write on public.tests for all to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and public.owns_lesson(lesson_id))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and public.owns_lesson(lesson_id))));

drop policy tests_content_insert on public.tests_content;
drop policy tests_content_update on public.tests_content;
create policy tests_content_write on public.tests_content for all to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and public.owns_test(test_id))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and public.owns_test(test_id))));

alter policy notes_read on public.notes
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_staff()) or public.lesson_open_to_learners(lesson_id)));
alter policy tests_read on public.tests
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_staff()) or public.lesson_open_to_learners(lesson_id)));
alter policy tests_content_read on public.tests_content
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_staff()) or public.test_open_to_learners(test_id)));
alter policy test_attempts_read on public.test_attempts
  using (organisation_id = (select public.tutordesk_org())
         and (user_id = (select auth.uid()) or (select public.is_admin())
              or ((select public.is_teacher()) and public.is_teacher_of(user_id))));
alter policy practice_sessions_read on public.practice_sessions
  using (organisation_id = (select public.tutordesk_org())
         and (user_id = (select auth.uid()) or (select public.is_admin())
              or ((select public.is_teacher()) and public.is_teacher_of(user_id))));

drop index public.lessons_open_idx;
drop function public.taught_learner_ids();
drop function public.open_test_ids();
drop function public.open_lesson_ids();

-- sync_push as 0004 made it (0005 and 0006 left it alone).
create or replace function public.sync_push(p_device_id uuid, p_batch_id uuid, p_changes jsonb) returns jsonb
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

update public.sync_meta set schema_version = 6;
