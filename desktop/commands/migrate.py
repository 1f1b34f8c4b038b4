"""`tutordesk migrate up|down|status --db-url URL [--to VERSION]`: the server schema, for admins and devstack.

The URL is a PostgreSQL connection string with rights to create tables (a Supabase project's database URL, or
the devstack's). It can also come from TUTORDESK_DB_URL, so it need not sit in the shell history.
"""

from __future__ import annotations

import argparse
import logging
import os

log = logging.getLogger(__name__)

DB_URL_ENV = "TUTORDESK_DB_URL"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    migrate = subparsers.add_parser(
        "migrate",
        help="apply, roll back or list the server schema migrations on a PostgreSQL / Supabase database",
    )
    migrate.add_argument(
        "action", choices=("up", "down", "status"), help="up: apply; down: roll back; status: list"
    )
    migrate.add_argument(
        "--db-url", metavar="URL", help=f"the database connection string (default: ${DB_URL_ENV})"
    )
    migrate.add_argument(
        "--to",
        metavar="VERSION",
        type=int,
        help="up: stop after this version (default: the latest); down: roll back to this version (0: all; "
        "required for down)",
    )
    migrate.set_defaults(func=run_migrate)


def run_migrate(args: argparse.Namespace) -> int:
    # Lazy imports keep `tutordesk --help` instant and psycopg out of the app's start-up.
    from desktop.cli import CommandError  # noqa: PLC0415
    from server_migrations import runner  # noqa: PLC0415

    url = args.db_url or os.environ.get(DB_URL_ENV)
    if not url:
        raise CommandError(f"give the database with --db-url URL (or set {DB_URL_ENV})")
    try:
        if args.action == "up":
            done = runner.migrate(url, target=args.to)
            print(f"applied: {', '.join(map(str, done))}" if done else "nothing to apply: schema is current")
        elif args.action == "down":
            if args.to is None:
                raise CommandError("say how far to roll back with --to VERSION (0 rolls back everything)")
            done = runner.rollback(url, target=args.to)
            print(f"rolled back: {', '.join(map(str, done))}" if done else "nothing to roll back")
        else:
            for item in runner.status(url):
                when = item.applied_at.strftime("%Y-%m-%d %H:%M") if item.applied_at else ""
                print(f"{item.version:04d}  {item.state:<8} {when:<16}  {item.name}")
    except runner.MigrationError as exc:
        raise CommandError(str(exc)) from exc
    except Exception as exc:
        # A failed migration's SQL error is the useful part; the transaction was rolled back.
        log.debug("migration failed", exc_info=True)
        if exc.__class__.__module__.startswith("psycopg"):
            raise CommandError(f"the database refused a migration: {exc}".strip()) from exc
        raise
    return 0
