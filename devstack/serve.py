"""`python -m devstack.serve --dir DIR`: the detached devstack front, until SIGTERM (`devstack down`)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from devstack.stack import Stack

log = logging.getLogger(__name__)


def serve(stack: Stack, stop: threading.Event) -> None:
    """Serve the stack's front until `stop` is set, then close it cleanly."""
    front = stack.make_front().start()
    try:
        stop.wait()
    finally:
        front.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.serve")
    parser.add_argument("--dir", required=True, type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    stack = Stack(args.dir)
    stack.require_running()
    serve(stack, stop)
    log.info("devstack front stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
