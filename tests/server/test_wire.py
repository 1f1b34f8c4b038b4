"""The sync RPCs through the real supabase-py client and the devstack's HTTP front, as the app calls them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

pytestmark = pytest.mark.pg


def signed_in(devstack: Any, role: str, school: str) -> Any:
    from supabase import create_client

    email = f"{role}-{uuid.uuid4().hex[:8]}@wire.example"
    devstack.add_user(email, "correct horse battery", role, org=school)
    client = create_client(devstack.url, devstack.anon_key)
    client.auth.sign_in_with_password({"email": email, "password": "correct horse battery"})
    return client


def test_register_push_and_pull_over_http(devstack: Any) -> None:
    school = f"Wire school {uuid.uuid4().hex[:6]}"
    teacher = signed_in(devstack, "teacher", school)
    learner = signed_in(devstack, "learner", school)
    device = str(uuid.uuid4())
    for client in (teacher, learner):
        answer = client.rpc(
            "sync_register_device", {"p_device_id": device, "p_name": "PC", "p_app_version": "0.1.0"}
        ).execute()
        assert answer.data["device_id"] == device and answer.data["schema_version"] >= 5
    first = learner.rpc("sync_pull", {"p_device_id": device, "p_cursor": None, "p_limit": 100}).execute().data
    assert first["reset"] is False and first["has_more"] is False
    me = teacher.auth.get_user().user
    org = me.app_metadata["organisation_id"]
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    lesson = {
        "id": str(uuid.uuid4()),
        "organisation_id": org,
        "author_id": me.id,
        "title": "Over the wire",
        "is_active": True,
        "published_at": now,
        "created_at": now,
        "updated_at": now,
        "field_stamps": {c: f"{now}|{device}" for c in ("author_id", "title", "is_active", "published_at")},
    }
    change = {"change_id": str(uuid.uuid4()), "table": "lessons", "op": "upsert", "row": lesson}
    pushed = teacher.rpc(
        "sync_push", {"p_device_id": device, "p_batch_id": str(uuid.uuid4()), "p_changes": [change]}
    ).execute()
    assert [r["status"] for r in pushed.data["results"]] == ["applied"]
    second = (
        learner.rpc("sync_pull", {"p_device_id": device, "p_cursor": first["cursor"], "p_limit": 100})
        .execute()
        .data
    )
    assert [(r["t"], r["r"]["title"]) for r in second["rows"]] == [("lessons", "Over the wire")]


def test_pull_with_the_earlier_arguments_and_with_counts_over_http(devstack: Any) -> None:
    """An app that does not know p_counts (migration 0008) still pulls; one that does gets the counts."""
    school = f"Wire school {uuid.uuid4().hex[:6]}"
    learner = signed_in(devstack, "learner", school)
    device = str(uuid.uuid4())
    learner.rpc("sync_register_device", {"p_device_id": device, "p_name": "PC", "p_app_version": "0.1.0"}).execute()
    earlier = {"p_device_id": device, "p_cursor": None, "p_limit": 100, "p_tables": ["organisations", "users"]}
    old = learner.rpc("sync_pull", earlier).execute().data
    assert old["reset"] is False and old["has_more"] is False and old["counts"] is None
    assert {r["t"] for r in old["rows"]} == {"organisations", "users"} and len(old["columns"]) == 13
    new = learner.rpc("sync_pull", {**earlier, "p_cursor": old["cursor"], "p_counts": ["users"]}).execute().data
    assert new["rows"] == [] and new["columns"] == old["columns"]
    assert new["counts"] == learner.rpc("sync_counts", {"p_tables": ["users"]}).execute().data
    assert new["counts"]["users"]["count"] == len([r for r in old["rows"] if r["t"] == "users"]) >= 1
