update public.sync_meta set schema_version = 1;
drop function public.sync_append_only_tables();
drop function public.sync_tables();
drop table public.audit_log;
drop table public.practice_sessions;
drop table public.test_attempts;
drop table public.tests_content;
drop table public.tests;
drop table public.notes;
drop table public.lessons;
drop table public.media_assets;
drop table public.class_members;
drop table public.classes;
drop table public.user_settings;
drop table public.users;
drop table public.organisations;
-- The change log kept entries of the dropped tables' rows.
delete from public.sync_change_log;
