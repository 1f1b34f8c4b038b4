"""What this device itself changed in a row that waits in the outbox (the triggers' `changed_fields`).

Only those columns can *lose* a conflict here (C6). The merge reports every column whose incoming stamp is
older and whose value differs; for a column nobody touched on this device, that only means someone else
changed it since the device last pulled, and no person here lost anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from localdb.mirror import Mirror
from sync.rules import MergeFn, device_merge

__all__ = ["changed_here", "merge_for", "own_losses"]


def changed_here(mirror: Mirror, table: str, row_id: str, max_seq: int | None = None) -> list[str]:
    """Columns changed on this device in the row's pending outbox entries (up to `max_seq`)."""
    sql = (
        "SELECT DISTINCT value FROM outbox, json_each(outbox.changed_fields)"
        " WHERE table_name = ? AND row_id = ?"
    )
    params: list[Any] = [table, row_id]
    if max_seq is not None:
        sql += " AND seq <= ?"
        params.append(max_seq)
    return sorted(str(r[0]) for r in mirror.conn.execute(sql, params))


def own_losses(lost: Iterable[str], changed: Iterable[str], *, restoring: bool = False) -> list[str]:
    """The lost columns this device had changed; a lost restore counts as a change of `deleted_at`."""
    mine = set(changed)
    if restoring:
        mine.add("deleted_at")
    return [f for f in lost if f in mine]


def merge_for(mirror: Mirror) -> MergeFn:
    """`device_merge` for `Mirror.apply_page`, reporting as lost only what this device changed (P5, C6).

    Called inside apply_page's transaction on this thread's connection, so the outbox it reads is the one
    the page is being applied against.
    """

    def merge(
        table: str, existing: Mapping[str, Any], incoming: Mapping[str, Any], restore_of: str | None
    ) -> tuple[dict[str, Any], list[str]]:
        row, lost = device_merge(table, existing, incoming, restore_of)
        if lost:
            changed = changed_here(mirror, table, str(incoming["id"]))
            lost = own_losses(lost, changed, restoring=restore_of is not None)
        return row, lost

    return merge
