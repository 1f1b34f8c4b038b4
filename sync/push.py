"""Pushing the outbox (U2-U4, C6, C7): batches with stored ids, settled row by row.

A batch is written to `sync_state` ("push_batch") BEFORE it is sent. A run that lost the answer (cut link,
killed process) finds it there and sends exactly that batch again, same batch id and change ids; the server
answers its stored answer and applies nothing twice (U2). The stored batch is cleared only once every row of
it is settled, so a crash while settling replays the same, idempotent settling.

Settling one row (U3): applied -> the server's row is accepted; lost -> the winning row is accepted and our
losing values are kept as a conflict (C6); rejected -> the server's version is restored, or the row removed
when the server has none, and the change is kept as a conflict of kind 'rejected' with the reason (C7). A row
edited again while its push was in flight stays queued: only entries up to the pushed `max_seq` are settled,
and the server's row is merged with the newer local edit instead of overwriting it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from localdb.errors import LocalDbError
from localdb.mirror import Mirror
from localdb.outbox import OutboxChange, own_losses
from localdb.tables import data_columns
from sync.errors import Cancelled
from sync.rules import device_merge
from sync.transport import PushResult, Transport

__all__ = ["BATCH_STATE_KEY", "PushTotals", "build_batch", "push_outbox"]

log = logging.getLogger(__name__)

BATCH_STATE_KEY = "push_batch"
_CHANGE_NS = uuid.UUID("6f1d3c52-8a47-4c1e-9a55-3f0c2b7d9e10")


@dataclass
class PushTotals:
    pushed: int = 0
    conflicts: int = 0
    rejected: int = 0
    clamped: int = 0
    batches: int = 0


def build_batch(changes: list[OutboxChange], mirror: Mirror | None = None) -> dict[str, Any]:
    """The batch as stored and sent: ids are fixed here so a retry is byte-for-byte the same request.

    Each change says which columns this device changed (`changed_fields`, from the outbox): the server counts
    only those as lost (docs/sync-protocol.md "The merge", step 4). Unknown (None): the key is left out.
    """
    del mirror  # the outbox hands out changed_fields with each change
    batch_id = str(uuid.uuid4())
    wire = []
    changed = [None if c.changed_fields is None else list(c.changed_fields) for c in changes]
    for change, fields in zip(changes, changed, strict=True):
        row = {k: v for k, v in change.row.items() if k != "row_version"}
        item: dict[str, Any] = {
            "change_id": str(uuid.uuid5(_CHANGE_NS, f"{batch_id}:{change.table}:{change.row_id}")),
            "table": change.table,
            "op": change.op,
            "row": row,
            "restore_of": change.restore_of,
        }
        if fields is not None:
            item["changed_fields"] = fields
        wire.append(item)
    return {
        "batch_id": batch_id, "changes": wire, "max_seqs": [c.max_seq for c in changes], "changed": changed,
    }


def _stored_batch(mirror: Mirror) -> dict[str, Any] | None:
    text = mirror.get_state(BATCH_STATE_KEY)
    if not text:
        return None
    try:
        batch = json.loads(text)
    except ValueError:
        log.error("stored push batch is unreadable; its rows stay queued and go in a new batch")
        return None
    return batch if isinstance(batch, dict) and batch.get("batch_id") else None


def _data_values(table: str, row: Mapping[str, Any] | None, fields: list[str]) -> dict[str, Any]:
    if row is None:
        return {}
    return {f: row.get(f) for f in fields}


def _changed_fields(table: str, mine: Mapping[str, Any], theirs: Mapping[str, Any] | None) -> list[str]:
    columns = list(data_columns(table))
    if theirs is None:
        return columns
    differ = [c for c in columns if mine.get(c) != theirs.get(c)]
    if mine.get("deleted_at") != theirs.get("deleted_at"):
        differ.append("deleted_at")
    return differ


def _really_lost(lost: list[str], changed: list[str] | None, change: Mapping[str, Any]) -> list[str]:
    """The lost fields this device had changed (a lost restore counts as a change of deleted_at)."""
    if changed is None:
        return list(lost)
    restoring = change.get("op") == "restore" or change["row"].get("deleted_at") is not None
    return own_losses(lost, changed, restoring=restoring)


def _settle_rejected(
    mirror: Mirror,
    change: Mapping[str, Any],
    result: PushResult,
    changed: list[str] | None,
    removals: list[tuple[str, str]],
) -> None:
    mine = change["row"]
    fields = changed if changed else _changed_fields(result.table, mine, result.row)
    reason = f"{result.code}: {result.reason}" if result.code else (result.reason or "refused by the server")
    mirror.record_conflict(
        result.table, result.id, "rejected", fields, _data_values(result.table, mine, fields),
        _data_values(result.table, result.row, fields), reason, "server",
    )
    if result.row is not None:
        # With the merge, an edit typed after this push stays queued; the server judges it on its own.
        mirror.accept_server_row(result.table, result.row, device_merge)
    else:
        removals.append((result.table, result.id))
    log.warning("change to %s row %s rejected by the server (%s)", result.table, result.id, result.code)


def _settle_one(
    mirror: Mirror,
    change: Mapping[str, Any],
    result: PushResult,
    *,
    max_seq: int,
    changed: list[str] | None,
    removals: list[tuple[str, str]],
    totals: PushTotals,
) -> None:
    totals.clamped += int(result.clamped)
    if result.status == "rejected":
        totals.rejected += 1
        mirror.settle(result.table, result.id, max_seq)
        _settle_rejected(mirror, change, result, changed, removals)
        return
    totals.pushed += 1
    mirror.settle(result.table, result.id, max_seq)
    if result.row is not None:
        # With the merge, a newer local edit made while this push was in flight survives (U3).
        mirror.accept_server_row(result.table, result.row, device_merge)
    mine = change["row"]
    fields = _really_lost(result.lost_fields, changed, change)
    if result.status == "lost" and fields:
        totals.conflicts += 1
        mirror.record_conflict(
            result.table, result.id, "lost", fields, _data_values(result.table, mine, fields),
            _data_values(result.table, result.row, fields), "a newer edit won", "server",
        )
    elif result.row is not None and result.row.get("deleted_at") and not mine.get("deleted_at"):
        # C3/C6: our edit went into a row someone deleted; it is kept there, and the person is told.
        totals.conflicts += 1
        mirror.record_conflict(
            result.table, result.id, "deleted", [], {}, {"deleted_at": result.row["deleted_at"]},
            "the row was deleted elsewhere; the edit is kept in the deleted row", "server",
        )


def _send_and_settle(
    mirror: Mirror, transport: Transport, batch: dict[str, Any], totals: PushTotals
) -> None:
    changes: list[dict[str, Any]] = batch["changes"]
    answer = transport.push(batch["batch_id"], changes)
    removals: list[tuple[str, str]] = []
    changed = batch.get("changed") or [None] * len(changes)
    for change, result, max_seq, fields in zip(
        changes, answer.results, batch["max_seqs"], changed, strict=True
    ):
        _settle_one(
            mirror, change, result, max_seq=int(max_seq), changed=fields, removals=removals, totals=totals
        )
    # Children before parents: a rejected new lesson takes its rejected notes with it, FKs hold locally.
    for table, row_id in reversed(removals):
        try:
            mirror.drop_row(table, row_id)
        except (LocalDbError, sqlite3.Error) as exc:
            # Still referenced by a local child that waits in a later batch: the server refuses that child
            # too (no parent there), it goes, and the sanity check then clears this row (P8).
            log.warning("could not remove rejected %s row %s yet: %s", table, row_id, exc)
    mirror.set_state(BATCH_STATE_KEY, None)
    totals.batches += 1


def push_outbox(
    mirror: Mirror,
    transport: Transport,
    *,
    batch_size: int,
    cancel: threading.Event | None = None,
    on_batch: Callable[[PushTotals], None] | None = None,
) -> PushTotals:
    """Push every pending row in batches; returns what happened. Raises `SyncError`s from the transport."""
    totals = PushTotals()
    # A row edited without pause would be queued again and again: bound the rounds, the rest goes next run.
    rounds_left = mirror.pending_count() // max(batch_size, 1) + 3
    while rounds_left > 0:
        if cancel is not None and cancel.is_set():
            raise Cancelled("push cancelled between batches")
        batch = _stored_batch(mirror)
        if batch is not None:
            log.info("resending push batch %s whose answer was not settled", batch["batch_id"])
        else:
            changes = mirror.read_outbox(batch_size)
            if not changes:
                break
            batch = build_batch(changes, mirror)
            mirror.set_state(BATCH_STATE_KEY, json.dumps(batch, separators=(",", ":")))
        _send_and_settle(mirror, transport, batch, totals)
        rounds_left -= 1
        if on_batch is not None:
            on_batch(totals)
    return totals
