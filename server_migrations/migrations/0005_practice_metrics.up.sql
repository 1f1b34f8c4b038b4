-- Derived data (C5): totals computed from the append-only records, never kept as counters a retried push could
-- bump twice. Materialized views have no row-level security, so they are not granted to API roles; people read
-- them through the report functions below, which filter by school and role like the tables' policies.

create materialized view public.practice_metrics_daily as
with practice as (
  select organisation_id, user_id, (coalesce(started_at, created_at) at time zone 'UTC')::date as day,
         count(*) as sessions,
         count(*) filter (where completed_at is not null) as completed_sessions,
         coalesce(sum(duration_seconds), 0) as practice_seconds,
         avg(score) as average_score,
         coalesce(sum(round(score)) filter (where completed_at is not null), 0) as practice_xp
  from public.practice_sessions
  where deleted_at is null
  group by 1, 2, 3
), attempts as (
  select organisation_id, user_id, (coalesce(completed_at, started_at, created_at) at time zone 'UTC')::date as day,
         count(*) as test_attempts,
         count(*) filter (where passed) as tests_passed
  from public.test_attempts
  where deleted_at is null
  group by 1, 2, 3
)
select coalesce(p.organisation_id, a.organisation_id) as organisation_id,
       coalesce(p.user_id, a.user_id) as user_id,
       coalesce(p.day, a.day) as day,
       coalesce(p.sessions, 0) as sessions,
       coalesce(p.completed_sessions, 0) as completed_sessions,
       coalesce(p.practice_seconds, 0) as practice_seconds,
       p.average_score,
       coalesce(a.test_attempts, 0) as test_attempts,
       coalesce(a.tests_passed, 0) as tests_passed,
       -- data-model.md: XP = round(score) per completed session + 50 per passed attempt.
       coalesce(p.practice_xp, 0) + 50 * coalesce(a.tests_passed, 0) as xp
from practice p
full join attempts a on a.organisation_id = p.organisation_id and a.user_id = p.user_id and a.day = p.day;

create unique index practice_metrics_daily_key on public.practice_metrics_daily (organisation_id, user_id, day);

-- Daily usage per lesson type (practice without a lesson counts as 'none').
create materialized view public.lesson_type_usage_daily as
select s.organisation_id,
       (coalesce(s.started_at, s.created_at) at time zone 'UTC')::date as day,
       coalesce(l.lesson_type, 'none') as lesson_type,
       count(*) as sessions,
       count(distinct s.user_id) as learners,
       coalesce(sum(s.duration_seconds), 0) as practice_seconds
from public.practice_sessions s
left join public.lessons l on l.id = s.lesson_id
where s.deleted_at is null
group by 1, 2, 3;

create unique index lesson_type_usage_daily_key on public.lesson_type_usage_daily (organisation_id, day, lesson_type);

revoke all on public.practice_metrics_daily, public.lesson_type_usage_daily from public, anon, authenticated;
grant select on public.practice_metrics_daily, public.lesson_type_usage_daily to service_role;

-- Concurrently, so reports keep reading the old figures while the new ones are computed. Schedule it (pg_cron,
-- or any job with the service key) every few minutes.
create function public.refresh_practice_metrics() returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public
as $$
begin
  refresh materialized view concurrently public.practice_metrics_daily;
  refresh materialized view concurrently public.lesson_type_usage_daily;
end
$$;

-- A learner's own days; a teacher's learners' days; the whole school for admins.
create function public.report_practice_daily(p_from date default null, p_to date default null)
returns setof public.practice_metrics_daily
language sql stable security definer
set search_path = pg_catalog, public
as $$
  select m.* from public.practice_metrics_daily m
  where m.organisation_id = public.tutordesk_org()
    and (p_from is null or m.day >= p_from) and (p_to is null or m.day <= p_to)
    and (m.user_id = auth.uid() or public.is_admin() or (public.is_teacher() and public.is_teacher_of(m.user_id)))
  order by m.day, m.user_id
$$;

-- School-wide usage per lesson type, for staff.
create function public.report_lesson_type_usage(p_from date default null, p_to date default null)
returns setof public.lesson_type_usage_daily
language sql stable security definer
set search_path = pg_catalog, public
as $$
  select u.* from public.lesson_type_usage_daily u
  where u.organisation_id = public.tutordesk_org() and public.is_staff()
    and (p_from is null or u.day >= p_from) and (p_to is null or u.day <= p_to)
  order by u.day, u.lesson_type
$$;

revoke all on function public.refresh_practice_metrics(), public.report_practice_daily(date, date),
  public.report_lesson_type_usage(date, date) from public, anon, authenticated;
grant execute on function public.refresh_practice_metrics() to service_role;
grant execute on function public.report_practice_daily(date, date), public.report_lesson_type_usage(date, date)
  to authenticated, service_role;

update public.sync_meta set schema_version = 5;
