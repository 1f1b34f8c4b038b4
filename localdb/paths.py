"""Where TutorDesk keeps its files, the stable device id, and atomic JSON writes.

Data folder: `--data-dir` (passed in as `override`), else `TUTORDESK_DATA_DIR`, else the per-user data folder.
Config folder: `TUTORDESK_CONFIG_DIR`, else the per-user config folder. Logs: the per-user log folder (inside
the data folder when TUTORDESK_DATA_DIR is set, so a test or a portable install keeps everything together).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

__all__ = ["APP_NAME", "config_dir", "data_dir", "device_id", "log_dir", "read_json", "write_json_atomic"]

log = logging.getLogger(__name__)

APP_NAME = "TutorDesk"
DEVICE_FILE = "device.json"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder (not created here)."""
    if override:
        return Path(override)
    env = os.environ.get("TUTORDESK_DATA_DIR")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    env = os.environ.get("TUTORDESK_CONFIG_DIR")
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    env = os.environ.get("TUTORDESK_DATA_DIR")
    if env:
        return Path(env) / "logs"
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def write_json_atomic(path: Path, value: Any) -> None:
    """Write JSON so that a reader (or a crash) sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(value, handle, indent=2, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json(path: Path) -> Any:
    """The file's JSON, or None when missing. An unreadable file is moved aside (kept, never deleted)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, UnicodeDecodeError):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        kept = path.with_name(f"{path.name}.corrupt-{stamp}")
        os.replace(path, kept)
        log.warning("%s was unreadable; kept as %s and started afresh", path.name, kept.name)
        return None


def device_id(folder: Path) -> str:
    """The stable id of this installation (SYNC.md Identity 2), made on first call in `<data>/device.json`."""
    path = Path(folder) / DEVICE_FILE
    stored = read_json(path)
    if isinstance(stored, dict):
        try:
            return str(uuid.UUID(str(stored.get("device_id"))))
        except ValueError:
            log.warning("device.json holds no valid device id; making a new one")
    new = str(uuid.uuid4())
    write_json_atomic(path, {"device_id": new, "created_at": datetime.now(UTC).isoformat()})
    return new
