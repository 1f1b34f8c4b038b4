"""`tutordesk devstack up|down|add-user`: a local stand-in for a Supabase project, for development and demos.

`up` prints one JSON line (url, anon_key, service_role_key, db_url) once the stack answers, so scripts can
read it; everything else goes to stderr. Without --detach it serves until Ctrl-C or SIGTERM, then stops the
database.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SEEDS = ("demo",)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    devstack = subparsers.add_parser(
        "devstack", help="run a local stand-in for a Supabase project (PostgreSQL + Auth + Data API)"
    )
    actions = devstack.add_subparsers(dest="devstack_action", metavar="ACTION", required=True)

    up = actions.add_parser("up", help="start (or create) the devstack and print its URL and keys as JSON")
    _add_dir(up)
    up.add_argument("--port", type=int, help="the HTTP port (default 54321, or the one used last time)")
    up.add_argument("--db-port", type=int, help="the PostgreSQL port (default: the HTTP port + 1)")
    up.add_argument(
        "--jwt-expiry",
        type=int,
        metavar="SECONDS",
        help="access-token lifetime (default 3600, or the last one)",
    )
    up.add_argument("--seed", choices=SEEDS, help="load sample data: 'demo' is a small school (see the docs)")
    up.add_argument("--detach", action="store_true", help="serve in the background and return at once")
    up.set_defaults(func=run_up)

    down = actions.add_parser("down", help="stop the devstack's HTTP front and database")
    _add_dir(down)
    down.set_defaults(func=run_down)

    add_user = actions.add_parser("add-user", help="create an account (and its school and class when new)")
    _add_dir(add_user)
    add_user.add_argument("--email", required=True)
    add_user.add_argument("--password", required=True, help="at least 6 characters")
    add_user.add_argument("--role", required=True, choices=("teacher", "learner", "admin"))
    add_user.add_argument("--org", metavar="NAME", help="the school (made when new; default 'Local School')")
    add_user.add_argument("--class", dest="class_name", metavar="NAME", help="the class (made when new)")
    add_user.add_argument("--name", dest="full_name", help="the person's full name (default: from the email)")
    add_user.set_defaults(func=run_add_user)


def _add_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir",
        type=Path,
        metavar="DIR",
        help="the devstack's folder (default: 'devstack' in the data folder)",
    )


def _stack_dir(args: argparse.Namespace) -> Path:
    if args.dir:
        return Path(args.dir)
    from localdb import paths  # noqa: PLC0415 (lazy: keeps --help fast)

    return paths.data_dir(args.data_dir) / "devstack"


def _plain_errors() -> tuple[type[Exception], ...]:
    from devstack.pgcluster import PgClusterError  # noqa: PLC0415
    from devstack.stack import StackError  # noqa: PLC0415
    from devstack.users import UserError  # noqa: PLC0415
    from server_migrations.runner import MigrationError  # noqa: PLC0415

    return (PgClusterError, StackError, UserError, MigrationError)


def run_up(args: argparse.Namespace) -> int:
    from desktop.cli import CommandError  # noqa: PLC0415

    try:
        return _up(args)
    except _plain_errors() as exc:
        raise CommandError(str(exc)) from exc
    except OSError as exc:
        raise CommandError(f"the devstack could not start: {exc.strerror or exc}") from exc


def _up(args: argparse.Namespace) -> int:
    from devstack.stack import Stack  # noqa: PLC0415
    from server_migrations.runner import migrate  # noqa: PLC0415

    stack = Stack(_stack_dir(args), http_port=args.port, db_port=args.db_port, jwt_expiry=args.jwt_expiry)
    stack.check_http_port()
    stack.start_database(migrate=migrate)
    if args.seed == "demo":
        _seed_demo(stack.db_url)
    if args.detach:
        pid = stack.start_detached_front()
        log.info("devstack front running in the background (pid %s)", pid)
        _print_summary(stack.summary())
        return 0
    if stack.front_pid() is not None:
        from desktop.cli import CommandError  # noqa: PLC0415

        raise CommandError(
            "this devstack already serves in the background: "
            f"stop it with tutordesk devstack down --dir {stack.folder}"
        )
    return _serve_in_foreground(stack)


def _seed_demo(db_url: str) -> None:
    from devstack.seed import seed_demo  # noqa: PLC0415

    counts = seed_demo(db_url)
    state = "loaded" if counts["loaded"] else "already there"
    roles = counts["roles"]
    print(
        f"demo school {state}: {roles.get('teacher', 0)} teachers, {roles.get('learner', 0)} learners, "
        f"{counts['lessons']} lessons, {counts['practice_sessions']} practice sessions",
        file=sys.stderr,
    )


def _serve_in_foreground(stack: Any) -> int:
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    front = None
    try:
        front = stack.make_front().start()
        _print_summary(stack.summary())
        print("devstack running; press Ctrl-C to stop it", file=sys.stderr)
        stop.wait()
    finally:
        if front is not None:
            front.stop()
        stack.cluster.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("devstack stopped", file=sys.stderr)
    return 0


def _print_summary(summary: dict[str, str]) -> None:
    print(json.dumps(summary), flush=True)


def run_down(args: argparse.Namespace) -> int:
    from desktop.cli import CommandError  # noqa: PLC0415
    from devstack.stack import Stack  # noqa: PLC0415

    folder = _stack_dir(args)
    if not (folder / "stack.json").exists():
        raise CommandError(f"there is no devstack in {folder}")
    try:
        result = Stack(folder).down()
    except _plain_errors() as exc:
        raise CommandError(str(exc)) from exc
    parts = (("front", result["front_stopped"]), ("database", result["database_stopped"]))
    stopped = [name for name, done in parts if done]
    print(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running", file=sys.stderr)
    return 0


def run_add_user(args: argparse.Namespace) -> int:
    from desktop.cli import CommandError  # noqa: PLC0415
    from devstack.stack import Stack  # noqa: PLC0415
    from devstack.users import add_user  # noqa: PLC0415

    folder = _stack_dir(args)
    if not (folder / "stack.json").exists():
        raise CommandError(
            f"there is no devstack in {folder}: start one with tutordesk devstack up --dir {folder}"
        )
    try:
        stack = Stack(folder)
        stack.require_running()
        user_id = add_user(
            stack.db_url,
            args.email,
            args.password,
            args.role,
            org=args.org,
            class_=args.class_name,
            full_name=args.full_name,
        )
    except _plain_errors() as exc:
        raise CommandError(str(exc)) from exc
    print(json.dumps({"id": user_id}))
    return 0
