"""PostgREST's RPC and table-read subset on the devstack, driven by the real supabase-py client."""

from __future__ import annotations

import gzip
import json
import uuid

import httpx
import pytest
from postgrest.exceptions import APIError

from devstack.front import MAX_BODY_BYTES
from devstack.wire import status_for_sqlstate
from tests.devstack.conftest import PASSWORD, Front

pytestmark = pytest.mark.pg


def _signed_in(front: Front):  # type: ignore[no-untyped-def]
    email = f"r-{uuid.uuid4().hex[:10]}@example.school"
    user_id = front.user(email)
    client = front.client()
    client.auth.sign_in_with_password({"email": email, "password": PASSWORD})
    return client, user_id, email


def _headers(front: Front, token: str | None = None) -> dict[str, str]:
    return {"apikey": front.keys.anon_key, "Authorization": f"Bearer {token or front.keys.anon_key}"}


def test_claims_reach_sql_as_postgrest_sets_them(front: Front) -> None:
    client, user_id, email = _signed_in(front)
    seen = client.rpc("whoami", {}).execute().data
    assert seen["uid"] == user_id
    assert seen["role"] == "authenticated"
    assert seen["current_user"] == "authenticated"
    assert seen["jwt_email"] == email
    assert seen["claims"]["sub"] == user_id
    assert seen["claims"]["session_id"]
    assert seen["method"] == "POST"
    assert seen["path"] == "/rest/v1/rpc/whoami"
    assert seen["headers"]["apikey"] == front.keys.anon_key
    assert seen["headers"]["authorization"].startswith("Bearer ")


def test_anon_key_alone_is_role_anon(front: Front) -> None:
    seen = front.client().rpc("whoami", {}).execute().data
    assert seen["role"] == "anon"
    assert seen["current_user"] == "anon"
    assert seen["uid"] is None


def test_service_role_key_is_role_service_role(front: Front) -> None:
    client = front.client(front.keys.service_role_key)
    assert client.rpc("whoami", {}).execute().data["current_user"] == "service_role"
    assert client.rpc("staff_only", {}).execute().data == 1


def test_arguments_are_bound_by_name_with_their_sql_types(front: Front) -> None:
    ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    doc = {"nested": [1, {"a": None}], "text": "é ü"}
    out = front.client().rpc("echo", {"p_flag": True, "p_n": 2.5, "p_doc": doc, "p_ids": ids}).execute().data
    assert out == {"ids": ids, "doc": doc, "n": 2.5, "flag": True, "count": 2}


def test_set_returning_and_row_returning_functions(front: Front) -> None:
    client, _, _ = _signed_in(front)
    rows = client.rpc("list_things", {"p_min": 28}).execute().data
    assert rows == [
        {"id": 28, "name": "thing 28"},
        {"id": 29, "name": "thing 29"},
        {"id": 30, "name": "thing 30"},
    ]
    added = client.rpc("add_thing", {"p_id": 1000 + uuid.uuid4().int % 100000}).execute().data
    assert added["name"] == "thing"  # the default argument was used
    assert front.client().rpc("list_things", {"p_min": 10**9}).execute().data == []


def test_void_function_answers_no_content(front: Front) -> None:
    answer = httpx.post(f"{front.url}/rest/v1/rpc/nothing", json={}, headers=_headers(front))
    assert answer.status_code == 204


def test_unknown_function_is_404_pgrst202(front: Front) -> None:
    with pytest.raises(APIError) as missing:
        front.client().rpc("no_such_function", {"x": 1}).execute()
    assert missing.value.code == "PGRST202"
    wrong_args = httpx.post(f"{front.url}/rest/v1/rpc/echo", json={"nope": 1}, headers=_headers(front))
    assert wrong_args.status_code == 404
    assert wrong_args.json()["code"] == "PGRST202"


def test_expired_jwt_is_401_pgrst303(front: Front) -> None:
    token, _ = front.keys.access_token({"sub": str(uuid.uuid4()), "role": "authenticated"}, lifetime=-60)
    answer = httpx.post(f"{front.url}/rest/v1/rpc/whoami", json={}, headers=_headers(front, token))
    assert answer.status_code == 401
    assert answer.json()["code"] == "PGRST303"
    assert set(answer.json()) == {"code", "message", "details", "hint"}


def test_bad_jwt_is_401_pgrst301(front: Front) -> None:
    forged, _ = type(front.keys)("another-secret-" + "y" * 40, "", "").access_token(
        {"role": "service_role"}, lifetime=60
    )
    for token in (forged, "not.a.jwt", "garbage"):
        answer = httpx.post(f"{front.url}/rest/v1/rpc/whoami", json={}, headers=_headers(front, token))
        assert answer.status_code == 401, token
        assert answer.json()["code"] == "PGRST301"


def test_raised_exception_is_400_p0001_with_detail_and_hint(front: Front) -> None:
    with pytest.raises(APIError) as raised:
        front.client().rpc("fail_with", {"p_message": "Lesson is locked"}).execute()
    assert raised.value.code == "P0001"
    assert raised.value.message == "Lesson is locked"
    assert raised.value.details == "from the test"
    assert raised.value.hint == "try again"
    answer = httpx.post(
        f"{front.url}/rest/v1/rpc/fail_with", json={"p_message": "x"}, headers=_headers(front)
    )
    assert answer.status_code == 400


def test_unique_violation_is_409_and_check_violation_400(front: Front) -> None:
    client, _, _ = _signed_in(front)
    key = 200000 + uuid.uuid4().int % 100000
    client.rpc("add_thing", {"p_id": key}).execute()
    with pytest.raises(APIError) as dup:
        client.rpc("add_thing", {"p_id": key}).execute()
    assert dup.value.code == "23505"
    session = client.auth.get_session()
    assert session is not None
    answer = httpx.post(
        f"{front.url}/rest/v1/rpc/add_thing",
        json={"p_id": key},
        headers=_headers(front, session.access_token),
    )
    assert answer.status_code == 409
    empty = httpx.post(
        f"{front.url}/rest/v1/rpc/add_thing",
        json={"p_id": key + 1, "p_name": ""},
        headers=_headers(front, session.access_token),
    )
    assert (empty.status_code, empty.json()["code"]) == (400, "23514")


def test_permission_denied_is_401_for_anon_and_403_for_users(front: Front) -> None:
    anon = httpx.post(f"{front.url}/rest/v1/rpc/staff_only", json={}, headers=_headers(front))
    assert (anon.status_code, anon.json()["code"]) == (401, "42501")
    client, _, _ = _signed_in(front)
    session = client.auth.get_session()
    assert session is not None
    user = httpx.post(
        f"{front.url}/rest/v1/rpc/staff_only", json={}, headers=_headers(front, session.access_token)
    )
    assert (user.status_code, user.json()["code"]) == (403, "42501")
    # RLS: anon may not insert things (the policy wants an authenticated caller).
    denied = httpx.post(f"{front.url}/rest/v1/rpc/add_thing", json={"p_id": 999999}, headers=_headers(front))
    assert (denied.status_code, denied.json()["code"]) == (401, "42501")


def test_malformed_json_is_400(front: Front) -> None:
    answer = httpx.post(
        f"{front.url}/rest/v1/rpc/whoami",
        content=b'{"p_x": ',
        headers={**_headers(front), "Content-Type": "application/json"},
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "PGRST102"


def test_oversized_body_is_413_without_reading_it(front: Front) -> None:
    body = b'{"p": "' + b"x" * (MAX_BODY_BYTES + 10) + b'"}'
    answer = httpx.post(
        f"{front.url}/rest/v1/rpc/whoami",
        content=body,
        headers={**_headers(front), "Content-Type": "application/json"},
    )
    assert answer.status_code == 413


def test_large_answers_are_gzipped_when_allowed(front: Front) -> None:
    with httpx.Client() as http:
        zipped = http.post(
            f"{front.url}/rest/v1/rpc/padding",
            json={"p_size": 50000},
            headers={**_headers(front), "Accept-Encoding": "gzip"},
        )
        assert zipped.headers["content-encoding"] == "gzip"
        assert int(zipped.headers["content-length"]) < 5000
        assert zipped.json() == "x" * 50000  # httpx undoes the gzip
        plain = http.post(
            f"{front.url}/rest/v1/rpc/padding",
            json={"p_size": 50000},
            headers={**_headers(front), "Accept-Encoding": "identity"},
        )
        assert "content-encoding" not in plain.headers
        assert int(plain.headers["content-length"]) > 50000
    # Read the bytes off the wire undecoded: they must really be gzip.
    with httpx.stream(
        "POST",
        f"{front.url}/rest/v1/rpc/padding",
        json={"p_size": 2000},
        headers={**_headers(front), "Accept-Encoding": "gzip"},
    ) as raw:
        wire = b"".join(raw.iter_raw())
    assert json.loads(gzip.decompress(wire)) == "x" * 2000


def test_table_read_pages_like_postgrest(front: Front) -> None:
    client = front.client()
    page = client.table("things").select("*").lt("id", 100).order("id").range(5, 9).execute().data
    assert [row["id"] for row in page] == [6, 7, 8, 9, 10]
    top = client.table("things").select("id").lt("id", 100).order("id", desc=True).limit(2).execute().data
    assert top == [{"id": 30}, {"id": 29}]  # the filter applies: rows added by other tests have ids >= 1000
    picked = client.table("things").select("name").in_("id", [3, 4]).neq("id", 4).execute().data
    assert picked == [{"name": "thing 3"}]
    bad = httpx.get(f"{front.url}/rest/v1/things?nope=eq.1", headers=_headers(front))
    assert (bad.status_code, bad.json()["code"]) == (400, "42703")
    answer = httpx.get(
        f"{front.url}/rest/v1/things?select=id&order=id.desc&offset=0&limit=3", headers=_headers(front)
    )
    assert answer.json()[:3] == sorted(answer.json(), key=lambda r: -r["id"])[:3]
    assert answer.headers["content-range"] == "0-2/*"
    ranged = httpx.get(
        f"{front.url}/rest/v1/things?select=id,name&order=id.asc", headers={**_headers(front), "Range": "0-1"}
    )
    assert ranged.json() == [{"id": 1, "name": "thing 1"}, {"id": 2, "name": "thing 2"}]


def test_unknown_table_is_404(front: Front) -> None:
    answer = httpx.get(f"{front.url}/rest/v1/no_table?select=*", headers=_headers(front))
    assert (answer.status_code, answer.json()["code"]) == (404, "PGRST205")


def test_concurrent_calls_all_succeed(front: Front) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def call(_: int) -> int:
        with httpx.Client() as http:
            return http.post(
                f"{front.url}/rest/v1/rpc/list_things", json={"p_min": 25}, headers=_headers(front)
            ).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(call, range(64)))
    assert statuses == [200] * 64


@pytest.mark.parametrize(
    ("sqlstate", "role", "status"),
    [
        ("42501", "anon", 401),
        ("42501", "authenticated", 403),
        ("23503", "authenticated", 409),
        ("23502", "authenticated", 400),
        ("22P02", "authenticated", 400),
        ("08006", "authenticated", 503),
        ("53300", "authenticated", 503),
        ("53400", "authenticated", 500),
        ("40001", "authenticated", 500),
        ("42883", "authenticated", 404),
        ("PT418", "authenticated", 418),
    ],
)
def test_postgrest_status_table(sqlstate: str, role: str, status: int) -> None:
    assert status_for_sqlstate(sqlstate, role) == status


def test_database_down_is_503_for_both_apis(front: Front) -> None:
    from supabase_auth.errors import AuthRetryableError

    from devstack.front import DevstackFront
    from devstack.pgcluster import free_port

    orphan = DevstackFront(f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere", front.keys).start()
    try:
        headers = {"apikey": front.keys.anon_key, "Authorization": f"Bearer {front.keys.anon_key}"}
        answer = httpx.post(f"{orphan.url}/rest/v1/rpc/whoami", json={}, headers=headers)
        assert (answer.status_code, answer.json()["code"]) == (503, "PGRST001")
        front.url, saved = orphan.url, front.url
        try:
            with pytest.raises(AuthRetryableError):
                front.client().auth.sign_in_with_password({"email": "a@b.c", "password": "whatever"})
        finally:
            front.url = saved
    finally:
        orphan.stop()


def test_cors_preflight_and_headers_for_browser_clients(front: Front) -> None:
    preflight = httpx.options(
        f"{front.url}/rest/v1/rpc/whoami",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Headers": "apikey, authorization",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-allow-headers"] == "apikey, authorization"
    answer = httpx.post(f"{front.url}/rest/v1/rpc/whoami", json={}, headers=_headers(front))
    assert answer.headers["access-control-allow-origin"] == "*"


def test_a_stopped_front_cuts_kept_alive_connections(front: Front) -> None:
    from devstack.front import DevstackFront

    extra = DevstackFront(front.dsn, front.keys).start()
    with httpx.Client() as http:
        first = http.post(f"{extra.url}/rest/v1/rpc/whoami", json={}, headers=_headers(front))
        assert first.status_code == 200
        extra.stop()
        with pytest.raises(httpx.TransportError):
            http.post(f"{extra.url}/rest/v1/rpc/whoami", json={}, headers=_headers(front))
