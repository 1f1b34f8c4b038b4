"""Accounts on a migrated devstack: add_user, then sign-in and the app's own RPCs through supabase-py."""

from __future__ import annotations

import uuid

import httpx
import psycopg
import pytest
from supabase import ClientOptions, create_client

from devstack.users import UserError, add_user
from tests.fixtures.devstack import DevstackHandle

pytestmark = pytest.mark.pg


def test_add_user_makes_school_class_and_membership(migrated_db: str) -> None:
    teacher = add_user(migrated_db, "t@x.school", "secret-1", "teacher", org="Hill School", class_="5B")
    learner = add_user(migrated_db, "l@x.school", "secret-2", "learner", org="Hill School", class_="5B")
    other = add_user(migrated_db, "o@x.school", "secret-3", "learner", org="Hill School", class_="5C")
    with psycopg.connect(migrated_db) as conn:
        orgs = conn.execute("select count(*) from public.organisations where name = 'Hill School'").fetchone()
        classes = conn.execute("select name, teacher_id::text from public.classes order by name").fetchall()
        members = conn.execute(
            "select c.name, m.user_id::text from public.class_members m "
            "join public.classes c on c.id = m.class_id order by c.name"
        ).fetchall()
        meta = conn.execute("select raw_app_meta_data from auth.users where id = %s", (learner,)).fetchone()
        row = conn.execute(
            "select role, email, organisation_id::text from public.users where id = %s", (learner,)
        )
        profile = row.fetchone()
    assert orgs == (1,)
    assert classes == [("5B", teacher), ("5C", None)]
    assert members == [("5B", learner), ("5C", other)]
    assert meta is not None and profile is not None
    assert meta[0]["tutordesk_role"] == "learner"
    assert meta[0]["providers"] == ["email"]
    assert meta[0]["organisation_id"] == profile[2]
    assert profile[:2] == ("learner", "l@x.school")


def test_add_user_refuses_duplicates_and_bad_roles(migrated_db: str) -> None:
    add_user(migrated_db, "dup@x.school", "secret-1", "teacher")
    with pytest.raises(UserError, match="exists already"):
        add_user(migrated_db, "DUP@x.school", "secret-1", "learner")
    with pytest.raises(UserError, match="role must be one of"):
        add_user(migrated_db, "r@x.school", "secret-1", "principal")


def test_devstack_fixture_signs_in_an_added_user(devstack: DevstackHandle) -> None:
    email = f"d-{uuid.uuid4().hex[:8]}@x.school"
    user_id = devstack.add_user(
        email, "pass-word-1", "teacher", org=f"School {uuid.uuid4().hex[:6]}", class_="1A"
    )
    with httpx.Client() as http:
        client = create_client(
            devstack.url,
            devstack.anon_key,
            ClientOptions(auto_refresh_token=False, persist_session=False, httpx_client=http),
        )
        answer = client.auth.sign_in_with_password({"email": email, "password": "pass-word-1"})
        assert answer.user is not None and answer.user.id == user_id
        assert answer.user.app_metadata["tutordesk_role"] == "teacher"
        # Row security lets the teacher read their own profile through the table endpoint.
        rows = client.table("users").select("*").order("id").range(0, 9).execute().data
    assert [row["id"] for row in rows] == [user_id]


def test_token_lifetime_is_adjustable_for_a_block(devstack: DevstackHandle) -> None:
    email = f"e-{uuid.uuid4().hex[:8]}@x.school"
    devstack.add_user(email, "pass-word-1", "learner", org=f"School {uuid.uuid4().hex[:6]}")
    with httpx.Client() as http:
        client = create_client(
            devstack.url,
            devstack.anon_key,
            ClientOptions(auto_refresh_token=False, persist_session=False, httpx_client=http),
        )
        with devstack.token_lifetime(120):
            short = client.auth.sign_in_with_password({"email": email, "password": "pass-word-1"}).session
        normal = client.auth.sign_in_with_password({"email": email, "password": "pass-word-1"}).session
    assert short is not None and normal is not None
    assert short.expires_in == 120
    assert normal.expires_in == 3600
