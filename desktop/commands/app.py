"""`tutordesk app` opens the main window; `tutordesk demo` starts the demo server and opens the app.

Only argparse here: Qt and the app load when a command runs, so `tutordesk --help` stays instant.
"""

from __future__ import annotations

import argparse
import logging

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    app = subparsers.add_parser("app", help="open the TutorDesk window (the default command)")
    app.add_argument(
        "--profile", metavar="KEY", help="open this profile (email or user id) instead of the last one"
    )
    app.set_defaults(func=run_app)
    demo = subparsers.add_parser(
        "demo",
        help="start a local demo server with sample lessons and open the app signed in as a demo teacher",
    )
    demo.add_argument("--offline", action="store_true", help="skip the demo server; open the offline profile")
    demo.set_defaults(func=run_demo)


def run_app(args: argparse.Namespace) -> int:
    from desktop.launch import launch  # noqa: PLC0415 - lazy import keeps start-up light

    return launch(data_dir=args.data_dir, profile_key=getattr(args, "profile", None))


def run_demo(args: argparse.Namespace) -> int:
    from desktop.demo import prepare_demo  # noqa: PLC0415 - lazy import keeps start-up light
    from desktop.launch import launch  # noqa: PLC0415 - lazy import keeps start-up light

    profile_key, notice = prepare_demo(args.data_dir, offline=args.offline)
    return launch(data_dir=args.data_dir, profile_key=profile_key, notice=notice)
