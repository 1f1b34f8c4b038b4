"""The `tutordesk` command: one argparse tree, each subcommand group in its own module of `desktop.commands`.

Each command function takes the parsed namespace and returns the process exit code. Errors meant for people are
raised as `CommandError` and printed as one plain line on stderr (exit 2); anything else is a bug and is logged
with its traceback before exit 1.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

log = logging.getLogger(__name__)

#: Modules of `desktop.commands` that add subcommands, in the order `--help` lists them.
COMMAND_MODULES = ("app", "status", "sync_cmd", "devstack_cmd", "migrate")


class CommandError(Exception):
    """A failure to report to the user in one plain sentence, without a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tutordesk",
        description="TutorDesk: offline-first lessons, tests and practice, synced when a connection is there.",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="the data folder (default: the per-user data folder; TUTORDESK_DATA_DIR overrides it too)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"desktop.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command is None:
        # `tutordesk` alone opens the app, as a teacher double-clicking it would expect.
        args = parser.parse_args([*(argv or sys.argv[1:]), "app"])
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args))
    except CommandError as exc:
        print(f"tutordesk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
