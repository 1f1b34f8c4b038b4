update public.sync_meta set schema_version = 2;
do $$
declare
  t text;
  p record;
begin
  foreach t in array public.sync_tables() loop
    for p in select policyname from pg_policies where schemaname = 'public' and tablename = t loop
      execute format('drop policy %I on public.%I', p.policyname, t);
    end loop;
    execute format('alter table public.%I disable row level security', t);
  end loop;
end
$$;
drop function public.is_teacher();
drop function public.is_admin();
drop function public.is_staff();
drop function public.test_open_to_learners(uuid);
drop function public.lesson_open_to_learners(uuid);
drop function public.owns_test(uuid);
drop function public.owns_lesson(uuid);
drop function public.is_class_member(uuid);
drop function public.is_class_teacher(uuid);
drop function public.is_teacher_of(uuid);
drop function public.tutordesk_org();
drop function public.tutordesk_role();
