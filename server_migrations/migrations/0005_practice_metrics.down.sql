update public.sync_meta set schema_version = 4;
drop function public.report_lesson_type_usage(date, date);
drop function public.report_practice_daily(date, date);
drop function public.refresh_practice_metrics();
drop materialized view public.lesson_type_usage_daily;
drop materialized view public.practice_metrics_daily;
