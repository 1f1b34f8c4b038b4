"""A syncing process for the kill tests: `python -m tests.faults.driver DATA_DIR PAGE_SIZE BATCH_SIZE`.

It runs one sync of the data folder's last used profile, as `tutordesk sync now` would, but with small pages
and batches so a kill can land between many of them. Exit code 0 when the sync completed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from localdb.profiles import ProfileStore
from sync.service import ProfileSync


def main(argv: list[str]) -> int:
    data_dir, page_size, batch_size = Path(argv[0]), int(argv[1]), int(argv[2])
    profile = ProfileStore(data_dir).last_used()
    assert profile is not None, "sign in first"
    with ProfileSync.open(data_dir, profile, page_size=page_size, batch_size=batch_size) as sync:
        report = sync.run()
    print(report.status, report.pulled, report.pushed, flush=True)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
