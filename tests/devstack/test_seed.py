"""`--seed demo` loads the school docs/devstack.md promises, and its accounts can sign in."""

from __future__ import annotations

import psycopg
import pytest

from devstack import demo_content as demo
from devstack.seed import seed_demo

pytestmark = pytest.mark.pg


def test_demo_school_counts_and_reseeding(migrated_db: str) -> None:
    counts = seed_demo(migrated_db)
    assert counts["loaded"] is True
    assert counts["roles"] == {"teacher": 2, "admin": 1, "learner": 20}
    assert counts["classes"] == 2
    assert counts["class_members"] == 20
    assert counts["lessons"] == 6
    assert counts["notes"] == 12
    assert counts["tests"] == 6
    assert counts["tests_content"] == 24
    assert counts["practice_sessions"] >= 20 * 6
    assert 20 * 2 <= counts["test_attempts"] <= 20 * 3
    with psycopg.connect(migrated_db) as conn:
        types = conn.execute(
            "select test_type, count(*) from public.tests_content group by 1 order by 1"
        ).fetchall()
        spread = conn.execute(
            "select max(started_at) - min(started_at) > interval '14 days' from public.practice_sessions"
        ).fetchone()
        per_class = conn.execute(
            "select c.name, c.teacher_id is not null, count(m.id) from public.classes c "
            "join public.class_members m on m.class_id = c.id group by 1, 2 order by 1"
        ).fetchall()
        passwords_ok = conn.execute(
            "select count(*) from auth.users where email = %s and encrypted_password = extensions.crypt(%s, "
            "encrypted_password)",
            ("teacher1@demo.school", "demo-teacher-1"),
        ).fetchone()
    assert types == [("illustration", 6), ("ordering", 6), ("text2vid", 6), ("vid2text", 6)]
    assert spread == (True,)
    assert per_class == [(demo.CLASSES[0][0], True, 10), (demo.CLASSES[1][0], True, 10)]
    assert passwords_ok == (1,)
    # Loading it again finds the school and changes nothing.
    again = seed_demo(migrated_db)
    assert again["loaded"] is False
    assert {k: v for k, v in again.items() if k != "loaded"} == {
        k: v for k, v in counts.items() if k != "loaded"
    }
