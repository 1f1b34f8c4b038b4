"""Accounts on the devstack: the auth user, its public.users row, and its school and class when new.

Everything goes in as the superuser through plain SQL, like an admin working in the database; the server's
triggers stamp the rows as they would any write that does not come through sync.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import psycopg

log = logging.getLogger(__name__)

ROLES = ("teacher", "learner", "admin")
DEFAULT_ORGANISATION = "Local School"
#: Supabase Auth hashes with bcrypt cost 10; the devstack does the same so sign-in costs what it costs there.
BCRYPT_COST = 10


class UserError(Exception):
    """An account could not be made; the message is meant for people."""


def create_auth_user(
    conn: psycopg.Connection[Any],
    email: str,
    password: str,
    app_metadata: dict[str, Any] | None = None,
    user_metadata: dict[str, Any] | None = None,
) -> str:
    """Insert a confirmed email/password user into auth.users; returns its id. Needs only the bootstrap."""
    email = email.strip().lower()
    if conn.execute("select 1 from auth.users where lower(email) = %s", (email,)).fetchone():
        raise UserError(f"a user with the email {email} exists already")
    meta = {"provider": "email", "providers": ["email"], **(app_metadata or {})}
    row = conn.execute(
        "insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, "
        " raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_sso_user, is_anonymous) "
        "values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',"
        " %s, extensions.crypt(%s, extensions.gen_salt('bf', %s)), now(), %s::jsonb, %s::jsonb, now(), now(),"
        " false, false) returning id::text",
        (email, password, BCRYPT_COST, json.dumps(meta), json.dumps(user_metadata or {})),
    ).fetchone()
    assert row is not None
    return str(row[0])


def add_user(
    dsn: str,
    email: str,
    password: str,
    role: str,
    *,
    org: str | None = None,
    class_: str | None = None,
    full_name: str | None = None,
) -> str:
    """Create an account with its public.users row; its school and class are made when they do not exist yet.

    A teacher becomes the class's teacher (when it has none), a learner a member. Returns the user id.
    """
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if len(password) < 6:
        raise UserError("the password must have at least 6 characters")
    with psycopg.connect(dsn, autocommit=True) as conn, conn.transaction():
        org_id = ensure_organisation(conn, org or DEFAULT_ORGANISATION)
        user_id = create_account(conn, org_id, email, password, role, full_name=full_name)
        if class_:
            join_class(conn, org_id, class_, user_id, role)
    log.info("added %s account %s", role, user_id)
    return user_id


def create_account(
    conn: psycopg.Connection[Any],
    org_id: str,
    email: str,
    password: str,
    role: str,
    *,
    full_name: str | None = None,
    nickname: str | None = None,
) -> str:
    """The auth user, its public.users row and settings, in the caller's transaction; returns the user id."""
    name = full_name or _name_from_email(email)
    user_id = create_auth_user(
        conn, email, password, {"tutordesk_role": role, "organisation_id": org_id}, {"full_name": name}
    )
    conn.execute(
        "insert into public.users (id, organisation_id, email, full_name, nickname, role) "
        "values (%s, %s, %s, %s, %s, %s)",
        (user_id, org_id, email.strip().lower(), name, nickname, role),
    )
    conn.execute(
        "insert into public.user_settings (id, organisation_id, user_id, app_theme, language,"
        " notifications_enabled, daily_goal_minutes, sync_interval_minutes)"
        " values (gen_random_uuid(), %s, %s, 'system', 'en', true, 15, 5)",
        (org_id, user_id),
    )
    return user_id


def ensure_organisation(conn: psycopg.Connection[Any], name: str) -> str:
    row = conn.execute(
        "select id::text from public.organisations where name = %s and deleted_at is null "
        "order by created_at limit 1",
        (name,),
    ).fetchone()
    if row:
        return str(row[0])
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "school"
    row = conn.execute(
        "insert into public.organisations (id, name, slug, country, settings) "
        "values (gen_random_uuid(), %s, %s || '-' || substr(md5(random()::text), 1, 6), null, '{}'::jsonb) "
        "returning id::text",
        (name, slug),
    ).fetchone()
    assert row is not None
    return str(row[0])


def join_class(conn: psycopg.Connection[Any], org_id: str, name: str, user_id: str, role: str) -> str:
    """Put the user in the class `name` of the organisation (made when missing); returns the class id."""
    row = conn.execute(
        "select id::text, teacher_id from public.classes where organisation_id = %s and name = %s "
        "and deleted_at is null order by created_at limit 1",
        (org_id, name),
    ).fetchone()
    if row is None:
        teacher = user_id if role in ("teacher", "admin") else None
        row = conn.execute(
            "insert into public.classes (id, organisation_id, teacher_id, name) "
            "values (gen_random_uuid(), %s, %s, %s) returning id::text, teacher_id",
            (org_id, teacher, name),
        ).fetchone()
        assert row is not None
    class_id = str(row[0])
    if role == "teacher" and row[1] is None:
        conn.execute("update public.classes set teacher_id = %s where id = %s", (user_id, class_id))
    elif role == "learner":
        conn.execute(
            "insert into public.class_members (id, organisation_id, class_id, user_id, joined_at) "
            "values (gen_random_uuid(), %s, %s, %s, now()) on conflict (class_id, user_id) do nothing",
            (org_id, class_id, user_id),
        )
    return class_id


def _name_from_email(email: str) -> str:
    local = email.split("@", 1)[0]
    return " ".join(part.capitalize() for part in re.split(r"[._\-+]+", local) if part) or local
