-- Sync speed, same answers. Measured in docs/benchmarks.md (server_pull); why in docs/server.md.
--
-- 1. Reads no longer pay for the write policies. A `for all` policy is also a SELECT policy, and PostgreSQL ORs
--    it in front of the read policy, so every row a teacher pulled first ran the write check: owns_lesson() or
--    owns_test() (SECURITY DEFINER, a query each) per note, test and test item, is_class_teacher() per class
--    member. Each write policy is now one `for insert` and one `for update` policy with the same expressions.
--    Every one of them is narrower than its table's read policy (a teacher or admin of the school is staff,
--    and staff read the whole school), so what anyone may read, insert or update is unchanged. `authenticated`
--    has no DELETE grant (deletions are tombstones, C3), so no delete policy is needed.
-- 2. The read policies ask the per-row questions once per statement: instead of lesson_open_to_learners(),
--    test_open_to_learners() and is_teacher_of() per row, `x in (select ... from <set function>)`, which the
--    planner runs once and probes as a hash. The set functions answer exactly what the per-row helpers answered
--    (same SECURITY DEFINER reads, same conditions). A partial index on lessons serves the learners' set.
-- 3. sync_push collects its per-row results in a jsonb[] and turns them into the answer's array once: appending
--    to a jsonb array re-encoded every earlier result (each carries the row) at every change, which made a
--    500-change batch quadratic. Same answer, same per-row savepoints (C7), same idempotence (U2).

-- ---------------------------------------------------------------------------------------------------------------
-- The per-statement sets behind the read policies. The caller's school and id are read once, `(select ...)`:
-- called bare, tutordesk_org() would parse the JWT claims again for every lesson looked at.

-- The lessons learners of the caller's school may open: active and published by now (deleted ones included, so
-- their tombstones reach the devices, C3). The set of lesson_open_to_learners().
create function public.open_lesson_ids() returns setof uuid
language sql stable security definer
set search_path = pg_catalog, public
as $$
  select id from public.lessons
  where organisation_id = (select public.tutordesk_org()) and is_active is true and published_at <= now()
$$;

-- The tests of those lessons. The set of test_open_to_learners().
create function public.open_test_ids() returns setof uuid
language sql stable security definer
set search_path = pg_catalog, public
as $$
  select t.id from public.tests t join public.lessons l on l.id = t.lesson_id
  where l.organisation_id = (select public.tutordesk_org()) and l.is_active is true and l.published_at <= now()
$$;

-- The learners in the caller's live classes. The set of is_teacher_of().
create function public.taught_learner_ids() returns setof uuid
language sql stable security definer
set search_path = pg_catalog, public
as $$
  select m.user_id from public.class_members m join public.classes c on c.id = m.class_id
  where c.teacher_id = (select auth.uid()) and m.deleted_at is null and c.deleted_at is null
$$;

-- A learner's every page reads the school's open lessons (directly, or under the tests): this partial index
-- holds all open_lesson_ids() needs, so it is read alone (an index-only scan; 10,000 lessons: 9 ms -> 2 ms).
create index lessons_open_idx on public.lessons (organisation_id, published_at) include (id) where is_active is true;

revoke all on function public.open_lesson_ids(), public.open_test_ids(), public.taught_learner_ids()
  from public, anon, authenticated;
grant execute on function public.open_lesson_ids(), public.open_test_ids(), public.taught_learner_ids()
  to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------------------
-- Read policies: the same rows, asked once per statement.

alter policy notes_read on public.notes
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_staff()) or lesson_id in (select o.id from public.open_lesson_ids() o(id))));
alter policy tests_read on public.tests
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_staff()) or lesson_id in (select o.id from public.open_lesson_ids() o(id))));
alter policy tests_content_read on public.tests_content
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_staff()) or test_id in (select o.id from public.open_test_ids() o(id))));
alter policy test_attempts_read on public.test_attempts
  using (organisation_id = (select public.tutordesk_org())
         and (user_id = (select auth.uid()) or (select public.is_admin())
              or ((select public.is_teacher())
                  and user_id in (select o.id from public.taught_learner_ids() o(id)))));
alter policy practice_sessions_read on public.practice_sessions
  using (organisation_id = (select public.tutordesk_org())
         and (user_id = (select auth.uid()) or (select public.is_admin())
              or ((select public.is_teacher())
                  and user_id in (select o.id from public.taught_learner_ids() o(id)))));

-- ---------------------------------------------------------------------------------------------------------------
-- Write policies: `for all` split into insert and update, expressions unchanged (see 1. above).

drop policy classes_write on public.classes;
create policy classes_insert on public.classes for insert to authenticated
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and teacher_id = (select auth.uid()))));
create policy classes_update on public.classes for update to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and teacher_id = (select auth.uid()))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and teacher_id = (select auth.uid()))));

drop policy class_members_write on public.class_members;
create policy class_members_insert on public.class_members for insert to authenticated
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and public.is_class_teacher(class_id))));
create policy class_members_update on public.class_members for update to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and public.is_class_teacher(class_id))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and public.is_class_teacher(class_id))));

drop policy media_assets_write on public.media_assets;
create policy media_assets_insert on public.media_assets for insert to authenticated
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and owner_id = (select auth.uid()))));
create policy media_assets_update on public.media_assets for update to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and owner_id = (select auth.uid()))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and owner_id = (select auth.uid()))));

drop policy lessons_write on public.lessons;
create policy lessons_insert on public.lessons for insert to authenticated
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and author_id = (select auth.uid()))));
create policy lessons_update on public.lessons for update to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and author_id = (select auth.uid()))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and author_id = (select auth.uid()))));

drop policy notes_write on public.notes;
create policy notes_insert on public.notes for insert to authenticated
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and public.owns_lesson(lesson_id))));
create policy notes_update on public.notes for update to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and public.owns_lesson(lesson_id))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and public.owns_lesson(lesson_id))));

drop policy tests_write on public.tests;
create policy tests_insert on public.tests for insert to authenticated
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and public.owns_lesson(lesson_id))));
create policy tests_update on public.tests for update to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and public.owns_lesson(lesson_id))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and public.owns_lesson(lesson_id))));

drop policy tests_content_write on public.tests_content;
create policy tests_content_insert on public.tests_content for insert to authenticated
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and public.owns_test(test_id))));
create policy tests_content_update on public.tests_content for update to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and public.owns_test(test_id))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and public.owns_test(test_id))));

-- ---------------------------------------------------------------------------------------------------------------
-- sync_push without the quadratic append (see 3. above).

create or replace function public.sync_push(p_device_id uuid, p_batch_id uuid, p_changes jsonb) returns jsonb
language plpgsql volatile security invoker
set search_path = pg_catalog, public
set timezone = 'UTC'
as $$
declare
  v_uid uuid;
  v_answer jsonb;
  v_results jsonb[] := '{}';
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
    -- An array append is done in place; `jsonb || jsonb` re-encoded every earlier result (quadratic).
    v_results := array_append(v_results, v_result);
    v_clamped := v_clamped + case when (v_result ->> 'clamped')::boolean then 1 else 0 end;
  end loop;
  perform set_config('tutordesk.via_sync', '', true);
  v_answer := jsonb_build_object('results', to_jsonb(v_results), 'clamped', v_clamped, 'server_time', now(),
                                 'schema_version', (select schema_version from public.sync_meta));
  update public.sync_batches set answer = v_answer
    where user_id = v_uid and device_id = p_device_id and batch_id = p_batch_id;
  update public.devices set last_seen_at = now(), organisation_id = public.tutordesk_org()
    where id = p_device_id and user_id = v_uid;
  return v_answer;
end
$$;

update public.sync_meta set schema_version = 7;
