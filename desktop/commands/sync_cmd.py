"""`tutordesk login`, `tutordesk logout`, `tutordesk sync now` and `tutordesk sync status`.

`sync now` exits 0 when the sync completed, 3 when the server could not be reached, 4 when the person must
sign in again, 5 for any other failure (the message says which, in plain words).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

EXIT_CODES = {"ok": 0, "offline": 3, "auth": 4}
EXIT_OTHER = 5


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    login = subparsers.add_parser("login", help="sign in to a TutorDesk server and keep this PC signed in")
    login.add_argument("--url", required=True, help="the server address (the Supabase project URL)")
    login.add_argument("--anon-key", required=True, help="the project's public (anon) key")
    login.add_argument("--email", required=True, help="your e-mail address")
    login.add_argument(
        "--password-stdin", action="store_true", required=True,
        help="read the password from the first line of standard input (it never appears in the command line)",
    )
    login.set_defaults(func=run_login)
    logout = subparsers.add_parser("logout", help="sign a profile out (its local data stays on this PC)")
    logout.add_argument("--profile", metavar="EMAIL", help="which profile (default: the last used)")
    logout.set_defaults(func=run_logout)

    sync = subparsers.add_parser("sync", help="send and receive changes now, or show the sync status")
    actions = sync.add_subparsers(dest="sync_action", metavar="ACTION", required=True)
    now = actions.add_parser("now", help="sync now and print a summary")
    status = actions.add_parser("status", help="what is waiting, what failed, when the last sync was")
    for parser in (now, status):
        parser.add_argument("--profile", metavar="EMAIL", help="which profile (default: the last used)")
        parser.add_argument("--json", action="store_true", help="print JSON instead of sentences")
    now.set_defaults(func=run_sync_now)
    status.set_defaults(func=run_sync_status)


def _data_dir(args: argparse.Namespace) -> Path:
    from localdb.paths import data_dir  # noqa: PLC0415 - lazy imports keep `tutordesk --help` instant

    folder = data_dir(args.data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _profile(folder: Path, key: str | None) -> Any:
    from desktop.cli import CommandError  # noqa: PLC0415
    from localdb.profiles import ProfileStore  # noqa: PLC0415

    store = ProfileStore(folder)
    if key:
        found = store.get(key)
        if found is None:
            raise CommandError(f"There is no profile {key!r} here; sign in with `tutordesk login`.")
        return found
    last = store.last_used()
    if last is not None and not last.is_local:
        return last
    online = [p for p in store.list() if not p.is_local]
    if len(online) == 1:
        return online[0]
    if not online:
        raise CommandError("No profile is signed in to a server; sign in with `tutordesk login`.")
    raise CommandError("Several profiles are signed in; choose one with --profile EMAIL.")


def run_login(args: argparse.Namespace) -> int:
    from desktop.cli import CommandError  # noqa: PLC0415
    from sync.errors import SyncError  # noqa: PLC0415
    from sync.service import login  # noqa: PLC0415

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CommandError("No password was given on standard input.")
    try:
        profile = login(_data_dir(args), args.url, args.anon_key, args.email, password)
    except SyncError as exc:
        raise CommandError(exc.plain) from exc
    print(f"Signed in as {profile.email}; this PC is registered and keeps you signed in.")
    return 0


def run_logout(args: argparse.Namespace) -> int:
    from sync.session import Session, TokenStore  # noqa: PLC0415

    folder = _data_dir(args)
    profile = _profile(folder, args.profile)
    tokens = TokenStore(folder)
    session = Session(profile.server_url, profile.anon_key, tokens=tokens, user_id=profile.user_id)
    try:
        session.sign_out()
    finally:
        session.close()
    print(f"Signed out {profile.email}; the lessons and changes on this PC stay here.")
    return 0


def run_sync_now(args: argparse.Namespace) -> int:
    from desktop.cli import CommandError  # noqa: PLC0415
    from localdb.errors import LocalDbError  # noqa: PLC0415
    from sync.errors import SyncError  # noqa: PLC0415
    from sync.service import ProfileSync  # noqa: PLC0415

    folder = _data_dir(args)
    profile = _profile(folder, args.profile)
    try:
        with ProfileSync.open(folder, profile) as sync:
            report = sync.run()
    except SyncError as exc:
        raise CommandError(exc.plain) from exc
    except LocalDbError as exc:  # e.g. the mirror is locked by the open app, or the disk is full
        raise CommandError(str(exc)) from exc
    if args.json:
        print(json.dumps(report.summary()))
    else:
        print(report.message)
    return EXIT_CODES.get(report.status, EXIT_OTHER)


def _status(folder: Path, profile: Any) -> dict[str, Any]:
    from localdb.mirror import Mirror  # noqa: PLC0415
    from localdb.paths import device_id  # noqa: PLC0415
    from sync.session import Session, TokenStore  # noqa: PLC0415

    with Mirror.open(profile.mirror_path, device_id=device_id(folder)) as mirror:
        offset = mirror.get_state("clock_offset_seconds")
        info: dict[str, Any] = {
            "profile": profile.email,
            "pending": mirror.pending_count(),
            "pending_by_table": mirror.pending_by_table(),
            "conflicts": mirror.conflict_count(),
            "last_success": mirror.get_state("last_sync"),
            "last_error": mirror.get_state("last_error") or None,
            "clock_offset_seconds": float(offset) if offset else None,
        }
    tokens = TokenStore(folder)
    session = Session(profile.server_url, profile.anon_key, tokens=tokens, user_id=profile.user_id)
    try:
        info["signed_in"] = session.has_token()
    finally:
        session.close()
    return info


def run_sync_status(args: argparse.Namespace) -> int:
    from desktop.cli import CommandError  # noqa: PLC0415
    from localdb.errors import LocalDbError  # noqa: PLC0415

    folder = _data_dir(args)
    try:
        info = _status(folder, _profile(folder, args.profile))
    except LocalDbError as exc:
        raise CommandError(str(exc)) from exc
    if args.json:
        print(json.dumps(info))
        return 0
    print(f"Profile: {info['profile']}" + ("" if info["signed_in"] else " (sign in again to sync)"))
    print(f"Last sync: {info['last_success'] or 'never'}")
    if info["last_error"]:
        print(f"Last problem: {info['last_error']}")
    waiting = ", ".join(f"{n} {t}" for t, n in sorted(info["pending_by_table"].items())) or "nothing"
    print(f"Waiting to be sent: {waiting}")
    print(f"Conflicts to review: {info['conflicts']}")
    if info["clock_offset_seconds"] is not None:
        print(f"Clock offset against the server: {info['clock_offset_seconds']:+.1f} s")
    return 0
