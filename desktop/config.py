"""The app's settings file: a small TOML file in the user's config folder.

What lives here is per device and per OS user (server, sync interval, language, last window size). The per-
user theme lives in the mirror's `user_settings.app_theme` instead, so it follows the person across devices.
Secrets (refresh tokens, passwords) never go here: they belong to the OS keyring."""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CONFIG_NAME = "tutordesk.toml"
THEMES = ("system", "light", "dark")
#: Languages with a shipped translation; "" means the system's language.
LANGUAGES = {"": "System default", "en": "English", "fr": "Français"}


@dataclass(frozen=True)
class AppConfig:
    """Named, typed defaults for every setting of the file."""

    server_url: str = ""
    anon_key: str = ""
    sync_interval_minutes: int = 5
    language: str = ""
    theme: str = "system"
    first_run_done: bool = False
    window_width: int = 1100
    window_height: int = 720

    def with_changes(self, **changes: Any) -> AppConfig:
        return replace(self, **changes)


def config_dir() -> Path:
    """`TUTORDESK_CONFIG_DIR`, else localdb's per-user config folder."""
    override = os.environ.get("TUTORDESK_CONFIG_DIR")
    if override:
        return Path(override)
    from localdb import paths  # noqa: PLC0415 - lazy: keeps start-up light

    return Path(paths.config_dir())


def config_path() -> Path:
    return config_dir() / CONFIG_NAME


def load_config(path: Path | None = None) -> AppConfig:
    """The saved settings; a missing or unreadable file gives the defaults (and a log line, not a crash)."""
    path = path or config_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return AppConfig()
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        log.warning("settings file %s is unreadable; using the defaults", path, exc_info=True)
        return AppConfig()
    known = {f.name: f.type for f in fields(AppConfig)}
    values: dict[str, Any] = {}
    defaults = AppConfig()
    for name in known:
        if name in raw and isinstance(raw[name], type(getattr(defaults, name))):
            values[name] = raw[name]
    config = AppConfig(**values)
    if config.theme not in THEMES:
        config = config.with_changes(theme="system")
    return config


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def save_config(config: AppConfig, path: Path | None = None) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a settings file."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# TutorDesk settings (this device). Edit with the app's Settings dialog."]
    lines += [f"{name} = {_toml_value(value)}" for name, value in asdict(config).items()]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)
