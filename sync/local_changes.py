"""The device's merge for pulled rows that meet a pending local edit (P5, C6).

Only the columns this device changed can *lose* a conflict here. localdb filters the merge's lost fields by
the row's pending outbox `changed_fields` itself (`localdb.apply`), and read_outbox hands each change its
`changed_fields` for the push, so nothing here reads the outbox table.
"""

from __future__ import annotations

from localdb.mirror import Mirror
from localdb.outbox import own_losses
from sync.rules import MergeFn, device_merge

__all__ = ["merge_for", "own_losses"]


def merge_for(mirror: Mirror) -> MergeFn:
    """The merge for `Mirror.apply_page` / `accept_server_row`; the mirror filters what lost by itself."""
    del mirror  # kept in the signature for the callers; localdb reads the outbox on the page's transaction
    return device_merge
