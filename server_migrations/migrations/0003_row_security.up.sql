-- Row-level security (the design's SYNC.md P3, C7): who reads and writes what. The role and the school come from
-- the JWT's app_metadata, which only the server sets (never user_metadata). service_role bypasses RLS.

-- STABLE and tiny so the planner runs them once per statement when policies wrap them in (select ...).
create function public.tutordesk_role() returns text
language sql stable
set search_path = pg_catalog
as $$ select nullif(auth.jwt() -> 'app_metadata' ->> 'tutordesk_role', '') $$;

create function public.tutordesk_org() returns uuid
language sql stable
set search_path = pg_catalog
as $$ select nullif(auth.jwt() -> 'app_metadata' ->> 'organisation_id', '')::uuid $$;

-- The helpers below look across tables the caller may not read themselves (a learner cannot list classes'
-- teachers, say), hence SECURITY DEFINER; each answers one yes/no question about the caller only.
create function public.is_teacher_of(p_user uuid) returns boolean
language sql stable security definer
set search_path = pg_catalog, public
as $$
  select exists (
    select 1 from public.class_members m join public.classes c on c.id = m.class_id
    where m.user_id = p_user and c.teacher_id = auth.uid()
      and m.deleted_at is null and c.deleted_at is null)
$$;

create function public.is_class_teacher(p_class uuid) returns boolean
language sql stable security definer
set search_path = pg_catalog, public
as $$ select exists (select 1 from public.classes where id = p_class and teacher_id = auth.uid()) $$;

create function public.is_class_member(p_class uuid) returns boolean
language sql stable security definer
set search_path = pg_catalog, public
as $$
  select exists (select 1 from public.class_members
                 where class_id = p_class and user_id = auth.uid() and deleted_at is null)
$$;

create function public.owns_lesson(p_lesson uuid) returns boolean
language sql stable security definer
set search_path = pg_catalog, public
as $$ select exists (select 1 from public.lessons where id = p_lesson and author_id = auth.uid()) $$;

create function public.owns_test(p_test uuid) returns boolean
language sql stable security definer
set search_path = pg_catalog, public
as $$
  select exists (select 1 from public.tests t join public.lessons l on l.id = t.lesson_id
                 where t.id = p_test and l.author_id = auth.uid())
$$;

-- What learners may open: active lessons published by now, of their own school. Deleted ones stay readable so
-- their tombstones reach the devices (C3).
create function public.lesson_open_to_learners(p_lesson uuid) returns boolean
language sql stable security definer
set search_path = pg_catalog, public
as $$
  select exists (select 1 from public.lessons
                 where id = p_lesson and organisation_id = public.tutordesk_org()
                   and is_active is true and published_at <= now())
$$;

create function public.test_open_to_learners(p_test uuid) returns boolean
language sql stable security definer
set search_path = pg_catalog, public
as $$
  select exists (select 1 from public.tests t where t.id = p_test and public.lesson_open_to_learners(t.lesson_id))
$$;

-- Staff: teachers and admins of the caller's school.
create function public.is_staff() returns boolean
language sql stable
set search_path = pg_catalog
as $$ select public.tutordesk_role() in ('teacher', 'admin') $$;

create function public.is_admin() returns boolean
language sql stable
set search_path = pg_catalog
as $$ select public.tutordesk_role() = 'admin' $$;

create function public.is_teacher() returns boolean
language sql stable
set search_path = pg_catalog
as $$ select public.tutordesk_role() = 'teacher' $$;

do $$
declare
  t text;
begin
  foreach t in array public.sync_tables() loop
    execute format('alter table public.%I enable row level security', t);
  end loop;
end
$$;

-- organisations
create policy organisations_read on public.organisations for select to authenticated
  using (id = (select public.tutordesk_org()));
create policy organisations_admin_update on public.organisations for update to authenticated
  using (id = (select public.tutordesk_org()) and (select public.is_admin()))
  with check (id = (select public.tutordesk_org()) and (select public.is_admin()));

-- users: staff see the whole school; a learner sees themself and the school's staff (lesson authors).
create policy users_read on public.users for select to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_staff()) or id = (select auth.uid()) or role in ('teacher', 'admin')));
create policy users_insert on public.users for insert to authenticated
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or (id = (select auth.uid()) and role is not distinct from (select public.tutordesk_role()))));
create policy users_update on public.users for update to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or id = (select auth.uid())))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or (id = (select auth.uid()) and role is not distinct from (select public.tutordesk_role()))));

-- user_settings: one's own; admins may read the school's.
create policy user_settings_own on public.user_settings for all to authenticated
  using (organisation_id = (select public.tutordesk_org()) and user_id = (select auth.uid()))
  with check (organisation_id = (select public.tutordesk_org()) and user_id = (select auth.uid()));
create policy user_settings_admin_read on public.user_settings for select to authenticated
  using (organisation_id = (select public.tutordesk_org()) and (select public.is_admin()));

-- classes: staff read the school's, learners the classes they are in; a teacher writes their own classes.
create policy classes_read on public.classes for select to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_staff()) or public.is_class_member(id)));
create policy classes_write on public.classes for all to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and teacher_id = (select auth.uid()))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and teacher_id = (select auth.uid()))));

-- class_members
create policy class_members_read on public.class_members for select to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_staff()) or user_id = (select auth.uid())));
create policy class_members_write on public.class_members for all to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and public.is_class_teacher(class_id))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and public.is_class_teacher(class_id))));

-- media_assets: the school reads them (lesson covers); staff write their own.
create policy media_assets_read on public.media_assets for select to authenticated
  using (organisation_id = (select public.tutordesk_org()));
create policy media_assets_write on public.media_assets for all to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and owner_id = (select auth.uid()))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and owner_id = (select auth.uid()))));

-- lessons: staff read the school's; learners the active, published ones; a teacher writes their own.
create policy lessons_read on public.lessons for select to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_staff()) or (is_active is true and published_at <= now())));
create policy lessons_write on public.lessons for all to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and author_id = (select auth.uid()))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and author_id = (select auth.uid()))));

-- notes and tests follow their lesson.
create policy notes_read on public.notes for select to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_staff()) or public.lesson_open_to_learners(lesson_id)));
create policy notes_write on public.notes for all to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and public.owns_lesson(lesson_id))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and public.owns_lesson(lesson_id))));

create policy tests_read on public.tests for select to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_staff()) or public.lesson_open_to_learners(lesson_id)));
create policy tests_write on public.tests for all to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and public.owns_lesson(lesson_id))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and public.owns_lesson(lesson_id))));

create policy tests_content_read on public.tests_content for select to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_staff()) or public.test_open_to_learners(test_id)));
create policy tests_content_write on public.tests_content for all to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and ((select public.is_admin()) or ((select public.is_teacher()) and public.owns_test(test_id))))
  with check (organisation_id = (select public.tutordesk_org())
              and ((select public.is_admin())
                   or ((select public.is_teacher()) and public.owns_test(test_id))));

-- Append-only records: the owner creates them; the owner, their class teachers and the school's admins read them.
create policy test_attempts_read on public.test_attempts for select to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and (user_id = (select auth.uid()) or (select public.is_admin())
              or ((select public.is_teacher()) and public.is_teacher_of(user_id))));
create policy test_attempts_insert on public.test_attempts for insert to authenticated
  with check (organisation_id = (select public.tutordesk_org()) and user_id = (select auth.uid()));

create policy practice_sessions_read on public.practice_sessions for select to authenticated
  using (organisation_id = (select public.tutordesk_org())
         and (user_id = (select auth.uid()) or (select public.is_admin())
              or ((select public.is_teacher()) and public.is_teacher_of(user_id))));
create policy practice_sessions_insert on public.practice_sessions for insert to authenticated
  with check (organisation_id = (select public.tutordesk_org()) and user_id = (select auth.uid()));

create policy audit_log_read on public.audit_log for select to authenticated
  using (organisation_id = (select public.tutordesk_org()) and (select public.is_admin()));
create policy audit_log_insert on public.audit_log for insert to authenticated
  with check (organisation_id = (select public.tutordesk_org()) and actor_id = (select auth.uid()));

revoke all on function public.tutordesk_role(), public.tutordesk_org(), public.is_teacher_of(uuid),
  public.is_class_teacher(uuid), public.is_class_member(uuid), public.owns_lesson(uuid), public.owns_test(uuid),
  public.lesson_open_to_learners(uuid), public.test_open_to_learners(uuid), public.is_staff(), public.is_admin(),
  public.is_teacher() from public, anon, authenticated;
grant execute on function public.tutordesk_role(), public.tutordesk_org(), public.is_teacher_of(uuid),
  public.is_class_teacher(uuid), public.is_class_member(uuid), public.owns_lesson(uuid), public.owns_test(uuid),
  public.lesson_open_to_learners(uuid), public.test_open_to_learners(uuid), public.is_staff(), public.is_admin(),
  public.is_teacher() to authenticated, service_role;

update public.sync_meta set schema_version = 3;
