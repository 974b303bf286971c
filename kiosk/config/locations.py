"""Platform folders for the settings file and the default database."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "clinic-kiosk"
CONFIG_ENV = "KIOSK_CONFIG"
CONFIG_FILE_NAME = "kiosk.toml"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / CONFIG_FILE_NAME


def default_database_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "kiosk.sqlite3"


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def find_config_path(cli_value: str | None) -> tuple[Path, bool]:
    """Return the settings path and whether a person named it (flag or variable)."""
    if cli_value:
        return Path(cli_value).expanduser(), True
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env).expanduser(), True
    return default_config_path(), False
