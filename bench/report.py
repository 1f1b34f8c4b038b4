"""Writes one benchmark's results into its own section of docs/benchmarks.md, leaving the other sections alone.

Each benchmark calls `write_section(name, markdown)`; the section sits between `<!-- bench:name -->` markers.
"""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Each section is written by its script under `bench/` (run it again to refresh it). Every figure is measured in
the same run as the plain way and the physical limit it is compared with, so the ratios hold on any machine;
absolute numbers depend on the machine named in the section.
"""


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_section(name: str, body: str) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = f"<!-- bench:{name} -->\n{body.rstrip()}\n\n_Measured {stamp} on {machine()}._\n<!-- /bench:{name} -->"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else HEADER
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b else "n/a"
