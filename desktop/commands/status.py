"""`tutordesk status [--json]`: the profiles on this computer and what waits to be sent from each.

`--json` prints exactly one JSON object, for scripts and tests:
`{"profiles": [{"name", "email", "user_id", "mirror_path", "pending", "last_sync", "conflicts", "error"}],
"device_id", "data_dir"}`. The keys `name`, `email` (or null), `user_id` ("local" for the offline profile),
`mirror_path`, `pending` and `last_sync` (or null) are stable. A profile whose mirror cannot be opened gets
`pending: null` and its reason in `error`, and the others are still listed.
On first run this creates the offline local profile and its mirror.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

from localdb import paths
from localdb.errors import LocalDbError
from localdb.mirror import Mirror
from localdb.profiles import Profile, ProfileStore

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    status = subparsers.add_parser("status", help="list the profiles and the changes waiting to be sent")
    status.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    status.set_defaults(func=run_status)


def _profile_status(profile: Profile, device: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": profile.name,
        "email": profile.email,
        "user_id": profile.user_id,
        "mirror_path": str(profile.mirror_path),
        "pending": None,
        "last_sync": None,
        "conflicts": None,
        "error": None,
    }
    try:
        with Mirror.open(profile.mirror_path, device_id=device) as mirror:
            item.update(
                pending=mirror.pending_count(),
                last_sync=mirror.get_state("last_sync"),
                conflicts=mirror.conflict_count(),
            )
    except LocalDbError as exc:  # one unreadable mirror must not hide the others
        log.warning("status: profile %s: %s", profile.user_id, exc)
        item["error"] = str(exc)
    return item


def collect(data_dir: Path) -> dict[str, Any]:
    store = ProfileStore(data_dir)
    store.ensure_local()
    device = paths.device_id(data_dir)
    return {
        "profiles": [_profile_status(p, device) for p in store.list()],
        "device_id": device,
        "data_dir": str(data_dir),
    }


def _summary(status: dict[str, Any]) -> str:
    lines = []
    for item in status["profiles"]:
        who = item["name"] if item["email"] is None else f"{item['name']} <{item['email']}>"
        if item["error"]:
            lines.append(f"{who}: {item['error']}")
            continue
        pending = item["pending"]
        waiting = "nothing waiting to be sent" if pending == 0 else f"{pending} change(s) waiting to be sent"
        synced = f"last sync {item['last_sync']}" if item["last_sync"] else "never synced"
        extra = f", {item['conflicts']} conflict(s) to review" if item["conflicts"] else ""
        lines.append(f"{who}: {waiting}, {synced}{extra}")
    lines.append(f"Data folder: {status['data_dir']}")
    return "\n".join(lines)


def run_status(args: argparse.Namespace) -> int:
    status = collect(paths.data_dir(args.data_dir))
    print(json.dumps(status, ensure_ascii=False) if args.json else _summary(status))
    return 0
