"""Data folder, device id and the profile registry."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from localdb import paths
from localdb.errors import ProfileError
from localdb.profiles import Profile, ProfileStore


def test_the_data_folder_comes_from_the_flag_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    assert paths.data_dir() == data_dir  # conftest sets TUTORDESK_DATA_DIR
    assert paths.data_dir(str(tmp_path / "flag")) == tmp_path / "flag"
    monkeypatch.delenv("TUTORDESK_DATA_DIR")
    assert paths.data_dir().name == paths.APP_NAME
    monkeypatch.setenv("TUTORDESK_CONFIG_DIR", str(tmp_path / "cfg"))
    assert paths.config_dir() == tmp_path / "cfg"


def test_the_device_id_is_created_once_and_kept(data_dir: Path) -> None:
    first = paths.device_id(data_dir)
    assert str(uuid.UUID(first)) == first
    assert paths.device_id(data_dir) == first
    assert json.loads((data_dir / "device.json").read_text())["device_id"] == first


def test_an_unreadable_device_file_is_kept_aside_and_replaced(data_dir: Path) -> None:
    (data_dir / "device.json").write_text("{half a file")
    new = paths.device_id(data_dir)
    assert uuid.UUID(new)
    kept = list(data_dir.glob("device.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_text() == "{half a file"


def test_atomic_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "x.json"
    paths.write_json_atomic(target, {"a": "é"})
    paths.write_json_atomic(target, {"a": 2})
    assert json.loads(target.read_text()) == {"a": 2}
    assert [p.name for p in target.parent.iterdir()] == ["x.json"]


def test_the_offline_profile_is_created_once(data_dir: Path) -> None:
    store = ProfileStore(data_dir)
    local = store.ensure_local()
    assert (local.user_id, local.email, local.is_local) == ("local", None, True)
    assert local.mirror_path == data_dir / "profiles" / "local" / "mirror.sqlite3"
    assert store.ensure_local() == local and len(store.list()) == 1


def test_profiles_are_found_by_email_or_id_updated_and_removed(data_dir: Path) -> None:
    store = ProfileStore(data_dir)
    ada = store.upsert(Profile(name="Ada", email="Ada@School.org", user_id="u-1", server_url="http://s"))
    assert store.get("ada@school.org") == ada and store.get("u-1") == ada and store.get("nobody") is None
    store.upsert(Profile(name="Ada L.", email="Ada@School.org", user_id="u-1", role="teacher"))
    assert [(p.name, p.role) for p in store.list()] == [("Ada L.", "teacher")]
    store.set_last_used("ada@school.org")
    assert ProfileStore(data_dir).last_used() == store.get("u-1")
    store.remove("u-1")
    assert store.list() == [] and store.last_used() is None
    with pytest.raises(ProfileError, match="no profile"):
        store.remove("u-1")
    stored = json.loads((data_dir / "profiles.json").read_text())
    assert "token" not in json.dumps(stored) and stored["profiles"] == []


def test_a_user_id_cannot_climb_out_of_the_data_folder(data_dir: Path) -> None:
    with pytest.raises(ProfileError):
        ProfileStore(data_dir).upsert(Profile(name="x", email=None, user_id="../../etc"))


def test_an_unreadable_registry_is_kept_aside_and_starts_empty(data_dir: Path) -> None:
    (data_dir / "profiles.json").write_text("not json")
    store = ProfileStore(data_dir)
    assert store.list() == []
    assert store.ensure_local().user_id == "local"
    assert len(list(data_dir.glob("profiles.json.corrupt-*"))) == 1
