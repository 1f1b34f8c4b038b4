"""Subcommands of `tutordesk`: each module has `register(subparsers)` and sets `func` on its parsers."""
