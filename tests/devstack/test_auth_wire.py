"""Supabase Auth on the devstack, driven by the real supabase-py client."""

from __future__ import annotations

import uuid

import httpx
import jwt
import pytest
from supabase_auth.errors import AuthApiError

from tests.devstack.conftest import PASSWORD, Front

pytestmark = pytest.mark.pg


def _email() -> str:
    return f"t-{uuid.uuid4().hex[:10]}@example.school"


def test_sign_in_answers_a_session_with_supabase_claims(front: Front) -> None:
    email = _email()
    user_id = front.user(email)
    client = front.client()
    answer = client.auth.sign_in_with_password({"email": email, "password": PASSWORD})
    session = answer.session
    assert session is not None
    assert answer.user is not None and answer.user.id == user_id
    assert answer.user.app_metadata["tutordesk_role"] == "teacher"
    assert session.token_type == "bearer"
    assert session.expires_in == 3600
    claims = jwt.decode(
        session.access_token, front.keys.jwt_secret, algorithms=["HS256"], audience="authenticated"
    )
    assert claims["sub"] == user_id
    assert claims["role"] == "authenticated"
    assert claims["email"] == email
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["session_id"]
    assert claims["app_metadata"]["provider"] == "email"
    assert session.expires_at == claims["exp"]


def test_refresh_rotates_and_a_spent_token_is_refused(front: Front) -> None:
    email = _email()
    front.user(email)
    client = front.client()
    first = client.auth.sign_in_with_password({"email": email, "password": PASSWORD}).session
    assert first is not None
    second = client.auth.refresh_session(first.refresh_token).session
    assert second is not None
    assert second.refresh_token != first.refresh_token
    assert second.user.email == email
    with pytest.raises(AuthApiError) as spent:
        front.client().auth.refresh_session(first.refresh_token)
    assert spent.value.status == 400
    assert spent.value.code == "refresh_token_already_used"
    # Reuse ends the whole session: the newer token dies with it.
    with pytest.raises(AuthApiError):
        front.client().auth.refresh_session(second.refresh_token)


def test_wrong_password_is_an_auth_error_not_a_network_error(front: Front) -> None:
    email = _email()
    front.user(email)
    with pytest.raises(AuthApiError) as wrong:
        front.client().auth.sign_in_with_password({"email": email, "password": "not it"})
    assert wrong.value.status == 400
    assert wrong.value.code == "invalid_credentials"
    assert wrong.value.message == "Invalid login credentials"
    with pytest.raises(AuthApiError) as unknown:
        front.client().auth.sign_in_with_password({"email": _email(), "password": PASSWORD})
    assert unknown.value.code == "invalid_credentials"


def test_legacy_error_shape_without_api_version_header(front: Front) -> None:
    answer = httpx.post(
        f"{front.url}/auth/v1/token?grant_type=password",
        json={"email": _email(), "password": "x"},
        headers={"apikey": front.keys.anon_key},
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "code": 400,
        "error_code": "invalid_credentials",
        "msg": "Invalid login credentials",
    }


def test_get_user_and_logout(front: Front) -> None:
    email = _email()
    user_id = front.user(email)
    client = front.client()
    session = client.auth.sign_in_with_password({"email": email, "password": PASSWORD}).session
    assert session is not None
    got = client.auth.get_user(session.access_token)
    assert got is not None and got.user.id == user_id and got.user.email == email
    client.auth.sign_out()
    assert client.auth.get_session() is None
    # The session is gone on the server: its access token no longer reads the user, its refresh token is dead.
    with pytest.raises(AuthApiError) as gone:
        front.client().auth.get_user(session.access_token)
    assert gone.value.code == "session_not_found"
    with pytest.raises(AuthApiError):
        front.client().auth.refresh_session(session.refresh_token)


def test_logout_answers_204(front: Front) -> None:
    email = _email()
    front.user(email)
    session = front.client().auth.sign_in_with_password({"email": email, "password": PASSWORD}).session
    assert session is not None
    answer = httpx.post(
        f"{front.url}/auth/v1/logout?scope=global",
        headers={"apikey": front.keys.anon_key, "Authorization": f"Bearer {session.access_token}"},
    )
    assert answer.status_code == 204
    assert answer.content == b""


def test_lockout_after_repeated_failures(front: Front) -> None:
    email = _email()
    front.user(email)
    client = front.client()
    for _ in range(5):
        with pytest.raises(AuthApiError) as wrong:
            client.auth.sign_in_with_password({"email": email, "password": "guess"})
        assert wrong.value.code == "invalid_credentials"
    with pytest.raises(AuthApiError) as locked:
        client.auth.sign_in_with_password({"email": email, "password": PASSWORD})
    assert locked.value.status == 429
    assert "Too many failed sign-ins" in locked.value.message
    # Another account is not affected.
    other = _email()
    front.user(other)
    assert client.auth.sign_in_with_password({"email": other, "password": PASSWORD}).session is not None


def test_a_good_sign_in_clears_earlier_failures(front: Front) -> None:
    email = _email()
    front.user(email)
    client = front.client()
    for _ in range(4):
        with pytest.raises(AuthApiError):
            client.auth.sign_in_with_password({"email": email, "password": "guess"})
    assert client.auth.sign_in_with_password({"email": email, "password": PASSWORD}).session is not None
    for _ in range(4):
        with pytest.raises(AuthApiError):
            client.auth.sign_in_with_password({"email": email, "password": "guess"})
    assert client.auth.sign_in_with_password({"email": email, "password": PASSWORD}).session is not None


def test_wrong_api_key_is_refused(front: Front) -> None:
    answer = httpx.post(
        f"{front.url}/auth/v1/token?grant_type=password",
        json={"email": _email(), "password": "x"},
        headers={"apikey": "not-a-key"},
    )
    assert answer.status_code == 401
