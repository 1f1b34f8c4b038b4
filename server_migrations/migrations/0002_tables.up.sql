-- The synced tables of docs/data-model.md, parents before children (the push order, U4). Every one carries the
-- eight sync columns; row_version is set by the sync_stamp_row trigger only.

create table public.organisations (
  id uuid primary key,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb check (jsonb_typeof(field_stamps) = 'object'),
  writer_device uuid,
  row_version bigint not null default 0,
  name text not null,
  slug text unique,
  country text,
  settings jsonb
);

create table public.users (
  id uuid primary key references auth.users (id) on delete cascade,
  organisation_id uuid not null references public.organisations (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb check (jsonb_typeof(field_stamps) = 'object'),
  writer_device uuid,
  row_version bigint not null default 0,
  email text,
  full_name text,
  nickname text check (char_length(nickname) between 3 and 30),
  role text check (role in ('learner', 'teacher', 'admin')),
  avatar_url text,
  pin_hash text,
  date_of_birth date
);

create table public.user_settings (
  id uuid primary key,
  organisation_id uuid not null references public.organisations (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb check (jsonb_typeof(field_stamps) = 'object'),
  writer_device uuid,
  row_version bigint not null default 0,
  user_id uuid not null unique references public.users (id) on delete cascade,
  app_theme text check (app_theme in ('light', 'dark', 'system')),
  language text,
  notifications_enabled boolean,
  daily_goal_minutes int check (daily_goal_minutes >= 0),
  sync_interval_minutes int check (sync_interval_minutes > 0)
);

create table public.classes (
  id uuid primary key,
  organisation_id uuid not null references public.organisations (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb check (jsonb_typeof(field_stamps) = 'object'),
  writer_device uuid,
  row_version bigint not null default 0,
  teacher_id uuid references public.users (id),
  name text not null,
  grade text,
  description text
);

create table public.class_members (
  id uuid primary key,
  organisation_id uuid not null references public.organisations (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb check (jsonb_typeof(field_stamps) = 'object'),
  writer_device uuid,
  row_version bigint not null default 0,
  class_id uuid not null references public.classes (id) on delete cascade,
  user_id uuid not null references public.users (id) on delete cascade,
  joined_at timestamptz,
  unique (class_id, user_id)
);

create table public.media_assets (
  id uuid primary key,
  organisation_id uuid not null references public.organisations (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb check (jsonb_typeof(field_stamps) = 'object'),
  writer_device uuid,
  row_version bigint not null default 0,
  owner_id uuid references public.users (id),
  kind text check (kind in ('image', 'video', 'audio')),
  storage_path text,
  mime_type text,
  size_bytes bigint check (size_bytes >= 0),
  checksum text,
  title text
);

create table public.lessons (
  id uuid primary key,
  organisation_id uuid not null references public.organisations (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb check (jsonb_typeof(field_stamps) = 'object'),
  writer_device uuid,
  row_version bigint not null default 0,
  author_id uuid references public.users (id),
  lesson_code text,
  title text not null,
  description text,
  lesson_type text check (lesson_type in ('word', 'sentence', 'freestyle')),
  difficulty_level int check (difficulty_level between 1 and 5),
  is_active boolean,
  published_at timestamptz,
  cover_media_id uuid references public.media_assets (id) on delete set null,
  unique (organisation_id, lesson_code)
);

create table public.notes (
  id uuid primary key,
  organisation_id uuid not null references public.organisations (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb check (jsonb_typeof(field_stamps) = 'object'),
  writer_device uuid,
  row_version bigint not null default 0,
  lesson_id uuid not null references public.lessons (id) on delete cascade,
  author_id uuid references public.users (id),
  position int,
  title text,
  body text
);

create table public.tests (
  id uuid primary key,
  organisation_id uuid not null references public.organisations (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb check (jsonb_typeof(field_stamps) = 'object'),
  writer_device uuid,
  row_version bigint not null default 0,
  lesson_id uuid not null references public.lessons (id) on delete cascade,
  title text not null,
  passing_score int check (passing_score between 0 and 100),
  time_limit_seconds int check (time_limit_seconds is null or time_limit_seconds > 0),
  shuffle_items boolean
);

create table public.tests_content (
  id uuid primary key,
  organisation_id uuid not null references public.organisations (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb check (jsonb_typeof(field_stamps) = 'object'),
  writer_device uuid,
  row_version bigint not null default 0,
  test_id uuid not null references public.tests (id) on delete cascade,
  sequence int,
  test_type text check (test_type in ('vid2text', 'text2vid', 'illustration', 'ordering')),
  test_content jsonb,
  test_options jsonb,
  correct_answer jsonb
);

-- Append-only records (C5). Their parents are never purged while a record points at them (on delete restrict),
-- so a learner's history outlives a withdrawn test.
create table public.test_attempts (
  id uuid primary key,
  organisation_id uuid not null references public.organisations (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb check (jsonb_typeof(field_stamps) = 'object'),
  writer_device uuid,
  row_version bigint not null default 0,
  test_id uuid not null references public.tests (id) on delete restrict,
  user_id uuid not null references public.users (id) on delete cascade,
  answers jsonb,
  score numeric,
  passed boolean,
  started_at timestamptz,
  completed_at timestamptz
);

create table public.practice_sessions (
  id uuid primary key,
  organisation_id uuid not null references public.organisations (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb check (jsonb_typeof(field_stamps) = 'object'),
  writer_device uuid,
  row_version bigint not null default 0,
  user_id uuid not null references public.users (id) on delete cascade,
  lesson_id uuid references public.lessons (id) on delete set null,
  mode text,
  score numeric,
  raw_metrics jsonb,
  feedback jsonb,
  started_at timestamptz,
  completed_at timestamptz,
  duration_seconds int check (duration_seconds >= 0)
);

create table public.audit_log (
  id uuid primary key,
  organisation_id uuid not null references public.organisations (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  field_stamps jsonb not null default '{}'::jsonb check (jsonb_typeof(field_stamps) = 'object'),
  writer_device uuid,
  row_version bigint not null default 0,
  actor_id uuid references public.users (id) on delete set null,
  action text,
  entity_table text,
  entity_id uuid,
  details jsonb
);

-- Foreign keys and tenant columns: RLS predicates and joins read them.
create index users_organisation_idx on public.users (organisation_id);
create index user_settings_organisation_idx on public.user_settings (organisation_id);
create index classes_organisation_idx on public.classes (organisation_id);
create index classes_teacher_idx on public.classes (teacher_id);
create index class_members_organisation_idx on public.class_members (organisation_id);
create index class_members_user_idx on public.class_members (user_id);
create index media_assets_organisation_idx on public.media_assets (organisation_id);
create index media_assets_owner_idx on public.media_assets (owner_id);
create index lessons_author_idx on public.lessons (author_id);
create index lessons_cover_media_idx on public.lessons (cover_media_id);
create index notes_organisation_idx on public.notes (organisation_id);
create index notes_lesson_idx on public.notes (lesson_id);
create index notes_author_idx on public.notes (author_id);
create index tests_organisation_idx on public.tests (organisation_id);
create index tests_lesson_idx on public.tests (lesson_id);
create index tests_content_organisation_idx on public.tests_content (organisation_id);
create index tests_content_test_idx on public.tests_content (test_id);
create index test_attempts_organisation_idx on public.test_attempts (organisation_id);
create index test_attempts_test_idx on public.test_attempts (test_id);
create index test_attempts_user_idx on public.test_attempts (user_id);
create index practice_sessions_organisation_idx on public.practice_sessions (organisation_id);
create index practice_sessions_user_idx on public.practice_sessions (user_id);
create index practice_sessions_lesson_idx on public.practice_sessions (lesson_id);
create index audit_log_organisation_idx on public.audit_log (organisation_id);
create index audit_log_actor_idx on public.audit_log (actor_id);
-- The tombstone purge looks for old tombstones only.
create index lessons_deleted_idx on public.lessons (deleted_at) where deleted_at is not null;
create index notes_deleted_idx on public.notes (deleted_at) where deleted_at is not null;
create index tests_deleted_idx on public.tests (deleted_at) where deleted_at is not null;
create index tests_content_deleted_idx on public.tests_content (deleted_at) where deleted_at is not null;

select public.sync_attach('organisations', 'id');
select public.sync_attach(t)
from unnest(array['users', 'user_settings', 'classes', 'class_members', 'media_assets', 'lessons', 'notes',
                  'tests', 'tests_content', 'test_attempts', 'practice_sessions', 'audit_log']) as t;

-- The list of synced tables in push order; the RPCs and the purge read it instead of repeating it.
create function public.sync_tables() returns text[]
language sql immutable parallel safe
as $$
  select array['organisations', 'users', 'user_settings', 'classes', 'class_members', 'media_assets', 'lessons',
               'notes', 'tests', 'tests_content', 'test_attempts', 'practice_sessions', 'audit_log']
$$;

create function public.sync_append_only_tables() returns text[]
language sql immutable parallel safe
as $$ select array['test_attempts', 'practice_sessions', 'audit_log'] $$;

-- Supabase's default privileges give every API role everything on new tables; RLS (next migration) filters rows,
-- and these grants narrow what each role may even try. anon gets nothing: sign in first.
do $$
declare
  t text;
begin
  foreach t in array public.sync_tables() loop
    execute format('revoke all on table public.%I from anon, authenticated', t);
    execute format('grant all on table public.%I to service_role', t);
    if t = any (public.sync_append_only_tables()) then
      -- Append-only (C5): created once, never rewritten, not even by their owner.
      execute format('grant select, insert on table public.%I to authenticated', t);
    else
      -- No DELETE: deleting is setting deleted_at (C3), which reaches every device; a hard delete would
      -- vanish from the feed and leave the row on devices. Only the tombstone purge deletes rows.
      execute format('grant select, insert, update on table public.%I to authenticated', t);
    end if;
  end loop;
end
$$;

update public.sync_meta set schema_version = 2;
