"""A mixed school for the server benchmarks: lessons, notes, tests, test items and a class's practice sessions.

The same shape as the sync bench's seed (10 rows per lesson), with published lessons and a class of learners so
that both a teacher's and a learner's read policies are exercised. Written through the triggers, as writes arrive
in real life, so every row has its change-log entry.
"""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
from psycopg import sql

MIX_TABLES = ("lessons", "notes", "tests", "tests_content", "practice_sessions")
MIX_SQL = [
    # 1 lesson : 3 notes : 0.5 tests : 2.5 items : 3 practice sessions = 10 rows per lesson; 1 lesson in 7 is
    # inactive, so a learner receives about 60% of the rows. Through the triggers, as writes arrive in real life.
    """insert into lessons (id, organisation_id, author_id, title, description, lesson_type, difficulty_level,
                            is_active, published_at)
       select gen_random_uuid(), %(org)s, %(teacher)s, 'Lesson ' || g, repeat('A short description. ', 3),
              (array['word','sentence','freestyle'])[1 + g %% 3], 1 + g %% 5, g %% 7 <> 0,
              now() - interval '1 day'
       from generate_series(1, %(lessons)s) g""",
    """insert into notes (id, organisation_id, lesson_id, author_id, position, title, body)
       select gen_random_uuid(), %(org)s, l.id, %(teacher)s, k, 'Note ' || k, repeat('Some words to read. ', 6)
       from lessons l cross join generate_series(1, 3) k where l.organisation_id = %(org)s""",
    """insert into tests (id, organisation_id, lesson_id, title, passing_score, shuffle_items)
       select gen_random_uuid(), %(org)s, l.id, 'Test of ' || l.title, 60, true
       from (select id, title, row_number() over (order by id) rn from lessons
             where organisation_id = %(org)s) l where l.rn %% 2 = 0""",
    """insert into tests_content (id, organisation_id, test_id, sequence, test_type, test_content, test_options,
                                  correct_answer)
       select gen_random_uuid(), %(org)s, t.id, k, 'vid2text',
              jsonb_build_object('prompt', 'Item ' || k, 'media', 'video-' || k || '.mp4'),
              '["apple", "pear", "plum", "fig"]'::jsonb, '"pear"'::jsonb
       from tests t cross join generate_series(1, 5) k where t.organisation_id = %(org)s""",
    """insert into practice_sessions (id, organisation_id, user_id, lesson_id, mode, score, raw_metrics,
                                      started_at, completed_at, duration_seconds)
       select gen_random_uuid(), %(org)s, (%(learners)s::uuid[])[1 + (row_number() over ()) %% %(n)s], l.id,
              'word', 50 + k * 10, jsonb_build_object('accuracy', 0.8, 'attempts', k),
              now() - interval '1 day', now(), 300
       from lessons l cross join generate_series(1, 3) k where l.organisation_id = %(org)s""",
]


def _add_users(conn: psycopg.Connection[Any], org: str, role: str, count: int) -> list[str]:
    users = [str(uuid.uuid4()) for _ in range(count)]
    conn.execute(
        "insert into auth.users (id, email) select u, u::text || '@bench.example' from unnest(%s::uuid[]) u",
        (users,),
    )
    conn.execute(
        "insert into users (id, organisation_id, role, nickname) select u, %s, %s, 'bench' from unnest(%s::uuid[]) u",
        (org, role, users),
    )
    return users


def generate_mix(conn: psycopg.Connection[Any], rows: int, learners: int = 30) -> tuple[str, str, str]:
    """A school with a teacher, a class of `learners`, about `rows` rows; returns (org, teacher, a learner)."""
    org = str(uuid.uuid4())
    conn.execute("insert into organisations (id, name) values (%s, 'Mixed school')", (org,))
    (teacher,) = _add_users(conn, org, "teacher", 1)
    pupils = _add_users(conn, org, "learner", learners)
    class_id = str(uuid.uuid4())
    conn.execute(
        "insert into classes (id, organisation_id, teacher_id, name) values (%s, %s, %s, 'Class')",
        (class_id, org, teacher),
    )
    conn.execute(
        "insert into class_members (id, organisation_id, class_id, user_id) "
        "select gen_random_uuid(), %s, %s, u from unnest(%s::uuid[]) u",
        (org, class_id, pupils),
    )
    params = {"org": org, "teacher": teacher, "lessons": max(1, rows // 10), "learners": pupils, "n": learners}
    for statement in MIX_SQL:
        with conn.transaction():
            conn.execute(statement, params)
    for table in (*MIX_TABLES, "sync_change_log"):
        conn.execute(sql.SQL("vacuum analyze {}").format(sql.Identifier(table)))
    return org, teacher, pupils[0]
