"""Platform folders for the settings file, the default database and the database keys."""

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


def key_dir() -> Path:
    """The folder of database key files when there is no OS keyring: made 0700, holding nothing but keys.

    A top-level folder of its own ("clinic-kiosk-keys" beside the app's folders, not inside them), so that
    no copy of the data folder, the backups or the app's settings folder carries the key with it. It sits
    under the platform's config root, not its data root, because on Linux (XDG) that is another tree than
    the database's ~/.local/share, and the key is a credential, which XDG files with configuration.
    On Windows and macOS both roots are one folder; the key still sits in a sibling, not inside the data.
    """
    return Path(platformdirs.user_config_dir(APP_NAME + "-keys", appauthor=False))


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
