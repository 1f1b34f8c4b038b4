"""Shared helpers of the mirror tests: wire-row factories, a tiny field-wise merge, a fresh mirror.

`merge_fieldwise` follows docs/sync-protocol.md "The merge" steps 2-6 (no clamping: the device passes
now=None); the real one is sync/rules.py. It is small on purpose, so these tests depend on the mirror alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from localdb.mirror import Mirror
from localdb.tables import data_columns, table_spec

DEVICE = "00000000-0000-4000-8000-0000000000d1"
SERVER_DEVICE = "00000000-0000-4000-8000-0000000000e9"
ORG = "00000000-0000-4000-8000-00000000000a"


def new_id() -> str:
    return str(uuid.uuid4())


def ts(second: int = 0, day: int = 1) -> str:
    """A canonical timestamp on a fixed day: ts(5) < ts(6); all are in the past."""
    return f"2025-03-{day:02d}T10:00:{second:02d}.000000Z"


def stamp(second: int, device: str = SERVER_DEVICE, day: int = 1) -> str:
    return f"{ts(second, day)}|{device}"


_SAMPLE = {
    "text": "x",
    "uuid": ORG,
    "int": 3,
    "real": 1.5,
    "bool": True,
    "json": {"k": [1, 2]},
    "timestamp": ts(1),
    "date": "2010-05-04",
}


def wire_row(table: str, second: int = 1, device: str = SERVER_DEVICE, **values: Any) -> dict[str, Any]:
    """A whole row as the server sends it, every data column stamped at `ts(second)` by `device`."""
    spec = table_spec(table)
    row: dict[str, Any] = {c: _SAMPLE[k] for c, k in spec.columns.items()}
    row.update(
        id=new_id(),
        created_at=ts(0),
        updated_at=ts(second),
        deleted_at=None,
        field_stamps={c: stamp(second, device) for c in spec.columns},
        writer_device=device,
        row_version=1,
    )
    if "organisation_id" in spec.sync_columns:
        row["organisation_id"] = ORG
    row.update(values)
    return row


def merge_fieldwise(
    table: str, existing: Mapping[str, Any], incoming: Mapping[str, Any], restore_of: str | None
) -> tuple[dict[str, Any], list[str]]:
    if table_spec(table).append_only:
        return dict(existing), []
    row = dict(existing)
    stamps = dict(existing.get("field_stamps") or {})
    incoming_stamps = incoming.get("field_stamps") or {}
    lost = []
    for c in data_columns(table):
        si, se = incoming_stamps.get(c, ""), stamps.get(c, "")
        if si > se:
            row[c], stamps[c] = incoming.get(c), si
        elif si < se and incoming.get(c) != existing.get(c):
            lost.append(c)
    ed, idel = existing.get("deleted_at"), incoming.get("deleted_at")
    if ed is None:
        row["deleted_at"] = idel
    elif idel is not None:
        row["deleted_at"] = min(ed, idel)
    elif restore_of is not None and restore_of == ed:
        row["deleted_at"] = None
    elif restore_of is not None:
        lost.append("deleted_at")
    row["field_stamps"] = stamps
    if stamps:
        top = max(stamps.values())
        row["updated_at"], row["writer_device"] = top.split("|")
    return row, lost


def open_mirror(folder: Path, name: str = "mirror.sqlite3", **kwargs: Any) -> Mirror:
    return Mirror.open(folder / name, device_id=kwargs.pop("device_id", DEVICE), **kwargs)
